"""The catalog API as integrators use it: the taxonomy, resources and capabilities, with the
pages' permissions (invisible is 404, visible but not an admin is 403), field-level problems
and bounded query counts."""

import json
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from fabshare.availability import services as availability_services
from fabshare.catalog import services as catalog_services
from fabshare.catalog.models import Capability, Material, Process, Resource
from fabshare.network import services
from fabshare.network.models import Role
from tests.factories import (
    MembershipFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
)

API = "/api/v1"
PROBLEM = "application/problem+json"
NOW = datetime(2026, 3, 23, 6, 0, tzinfo=UTC)  # a Monday, the week before the spring DST change


def bearer(user, name="integration") -> dict:
    _, raw = services.token_create(actor=user, name=name)
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, url, data=None, *, headers=None):
    body = data if isinstance(data, str | bytes) else json.dumps(data or {})
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=headers or {})


def problem(response, status) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body) -> list:
    return [e["field"] for e in body.get("errors") or []]


@pytest.fixture
def site(world):
    return world.factory.sites.get()


@pytest.fixture
def machine(world, site):
    return ResourceFactory(organization=world.factory, site=site, name="DMU 65 monoBLOCK")


@pytest.fixture
def admin(world):
    return bearer(world.admin)


def machine_payload(world, site, **extra) -> dict:
    return {"organization_id": world.factory.pk, "kind": "machine", "name": "Trumpf TruLaser 3030",
            "site_id": site.pk, **extra}


# --- taxonomy --------------------------------------------------------------------------------


def test_process_tree_is_public_and_in_tree_order(client, world):
    response = client.get(f"{API}/processes")
    assert response.status_code == 200
    processes = response.json()
    assert len(processes) >= 80
    seen = set()
    for process in processes:  # every parent comes before its children
        assert process["parent"] is None or process["parent"] in seen
        assert (process["depth"] == 0) == (process["parent"] is None)
        seen.add(process["code"])
    milling = next(p for p in processes if p["code"] == "milling")
    assert milling["parent"] == "machining"
    assert set(milling["labels"]) == {"en", "nl", "fr", "de"}
    assert milling["label"] == "Milling"


@pytest.mark.parametrize("q", ["fraisage", "Fräsen", "FRASEN", "frezen", "Milling"])
def test_process_search_in_any_language(client, world, q):
    codes = [p["code"] for p in client.get(f"{API}/processes", {"q": q}).json()]
    assert "milling" in codes and "milling-5-axis" in codes
    assert "turning" not in codes


def test_process_search_without_match_is_empty(client, world):
    assert client.get(f"{API}/processes", {"q": "telepathy"}).json() == []


def test_process_detail_shows_its_place_in_the_tree(client, world):
    body = client.get(f"{API}/processes/milling").json()
    assert [a["code"] for a in body["ancestors"]] == ["separating", "machining"]
    assert {"milling-3-axis", "milling-5-axis"} <= {c["code"] for c in body["children"]}
    problem(client.get(f"{API}/processes/no-such-process"), 404)
    assert "code" in fields(problem(client.get(f"{API}/processes/Not_A_Code"), 422))


def test_labels_follow_the_callers_language(client, world):
    world.outsider.language = "nl"
    world.outsider.save(update_fields=["language"])
    body = client.get(f"{API}/processes/milling", headers=bearer(world.outsider)).json()
    assert body["label"] == "Frezen"


def test_materials_families_and_certifications(client, world):
    families = client.get(f"{API}/material-families").json()
    assert "steel" in [f["code"] for f in families]
    steel = client.get(f"{API}/materials", {"family": "steel"}).json()
    assert "s355" in [m["code"] for m in steel]
    assert {m["family"] for m in steel} == {"steel"}
    assert len(client.get(f"{API}/materials").json()) > len(steel)
    body = problem(client.get(f"{API}/materials", {"family": "unobtainium"}), 422)
    assert fields(body) == ["family"]
    certifications = client.get(f"{API}/certifications").json()
    iso = next(c for c in certifications if c["code"] == "iso-9001")
    assert iso["name"] == "ISO 9001" and "ISO9001" in iso["synonyms"]


# --- creating, reading, changing and removing resources --------------------------------------


def test_admin_lists_a_machine_with_all_fields(client, world, site, admin):
    partner = OrganizationFactory(name="Partner BV")
    NetworkMembershipFactory(network=world.network, organization=partner)
    response = send(client, "post", f"{API}/resources", machine_payload(
        world, site, description="6 kW fibre laser", visibility="partners",
        partner_ids=[partner.pk], price_per_hour_cents=12000, minimum_booking_hours=2.5,
        operator_included=True, lead_time_days=3, make="Trumpf", model_name="TruLaser 3030",
        year=2019, languages=["nl", "EN"], external_id="ERP-17"), headers=admin)
    assert response.status_code == 201, response.content
    body = response.json()
    resource = Resource.objects.get(pk=body["id"])
    assert (resource.organization, resource.site, resource.year) == (world.factory, site, 2019)
    assert list(resource.partners.all()) == [partner]
    assert body["minimum_booking_hours"] == 2.5 and body["languages"] == ["en", "nl"]
    assert body["organization"]["id"] == world.factory.pk and body["site"]["id"] == site.pk
    assert body["can_manage"] is True
    assert body["partner_ids"] == [partner.pk] and body["external_id"] == "ERP-17"
    assert body["capabilities"] == []
    assert body["free_time"]["total_hours"] == 0


def test_facility_and_expertise_carry_their_own_fields(client, world, site, admin):
    lab = send(client, "post", f"{API}/resources", machine_payload(
        world, site, kind="facility", name="Climate chamber", area_m2=40,
        accreditations=["iso-iec-17025"]), headers=admin).json()
    assert lab["accreditations"] == ["iso-iec-17025"] and lab["area_m2"] == 40
    expert = send(client, "post", f"{API}/resources", {
        "organization_id": world.factory.pk, "kind": "expertise", "name": "CAM programmer",
        "skills": ["milling-5-axis", "cam-programming"], "day_rate_cents": 72000,
        "languages": ["nl", "de"]}, headers=admin)
    assert expert.status_code == 201, expert.content
    assert expert.json()["site"] is None
    assert expert.json()["skills"] == ["milling-5-axis", "cam-programming"]


@pytest.mark.parametrize(("extra", "field"), [
    ({"price_per_hour_cents": -1}, "price_per_hour_cents"),
    ({"year": 1800}, "year"),
    ({"lead_time_days": 9999}, "lead_time_days"),
    ({"minimum_booking_hours": -0.5}, "minimum_booking_hours"),
    ({"languages": ["xx"]}, "languages"),
    ({"accreditations": ["iso-0000"]}, "accreditations"),
    ({"skills": ["telepathy"]}, "skills"),
    ({"site_id": None}, "site_id"),
    ({"partner_ids": [987654]}, "partner_ids"),
    ({"name": "   "}, "name"),
])
def test_bad_resource_fields_are_400_naming_the_field(client, world, site, admin, extra,
                                                      field):
    body = problem(send(client, "post", f"{API}/resources", machine_payload(world, site, **extra),
                        headers=admin), 400)
    assert fields(body) == [field]
    assert not Resource.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"colour": "red"}, "colour"),
    ({"kind": "spaceship"}, "kind"),
    ({"name": ""}, "name"),
    ({"year": 2019.5}, "year"),
    ({"minimum_booking_hours": "NaN"}, "minimum_booking_hours"),
])
def test_malformed_resource_input_is_422_naming_the_field(client, world, site, admin, payload,
                                                          field):
    body = problem(send(client, "post", f"{API}/resources", {**machine_payload(world, site),
                                                             **payload}, headers=admin), 422)
    assert field in fields(body)


def test_a_site_of_another_organization_is_refused(client, world, admin):
    other_site = world.startup.sites.get()
    body = problem(send(client, "post", f"{API}/resources",
                        machine_payload(world, other_site), headers=admin), 400)
    assert fields(body) == ["site_id"]


def test_only_admins_list_resources_for_their_organization(client, world, site):
    payload = machine_payload(world, site)
    problem(send(client, "post", f"{API}/resources", payload), 401)
    problem(send(client, "post", f"{API}/resources", payload, headers=bearer(world.member)), 403)
    # The factory's profile is public (it is admitted to a network): a 403, not a 404.
    problem(send(client, "post", f"{API}/resources", payload, headers=bearer(world.outsider)),
            403)
    # The startup is in no network: outsiders do not learn it exists.
    body = problem(send(client, "post", f"{API}/resources",
                        {**payload, "organization_id": world.startup.pk},
                        headers=bearer(world.outsider)), 404)
    assert "Organization" in body["detail"] or body["title"] == "Not found"
    assert not Resource.objects.exists()


def test_update_changes_only_what_is_sent(client, world, machine, admin):
    response = send(client, "patch", f"{API}/resources/{machine.pk}",
                    {"name": "DMU 65 (2021)", "year": 2021, "price_per_hour_cents": None},
                    headers=admin)
    assert response.status_code == 200, response.content
    machine.refresh_from_db()
    assert (machine.name, machine.year, machine.price_per_hour_cents) == ("DMU 65 (2021)", 2021,
                                                                          None)
    assert machine.site is not None
    assert "name" in fields(problem(send(client, "patch", f"{API}/resources/{machine.pk}",
                                         {"name": None}, headers=admin), 422))
    assert fields(problem(send(client, "patch", f"{API}/resources/{machine.pk}",
                               {"site_id": None}, headers=admin), 400)) == ["site_id"]
    assert "organization_id" in fields(problem(send(
        client, "patch", f"{API}/resources/{machine.pk}",
        {"organization_id": world.startup.pk}, headers=admin), 422))


def test_changes_and_removal_need_an_admin(client, world, machine):
    url = f"{API}/resources/{machine.pk}"
    for user in (world.member, world.outsider, world.founder):  # all can see it: public
        problem(send(client, "patch", url, {"name": "Mine now"}, headers=bearer(user)), 403)
        problem(client.delete(url, headers=bearer(user)), 403)
    problem(send(client, "patch", url, {"name": "Mine now"}), 401)
    assert client.delete(url, headers=bearer(world.owner)).status_code == 204
    assert not Resource.objects.filter(pk=machine.pk).exists()
    problem(client.get(url), 404)


# --- visibility ------------------------------------------------------------------------------


def test_private_resources_stay_invisible_to_outsiders(client, world, site):
    partner = OrganizationFactory(name="Partner BV")
    partner_user = MembershipFactory(organization=partner, role=Role.MEMBER).user
    peer = OrganizationFactory(name="Peer NV")
    NetworkMembershipFactory(network=world.network, organization=peer)
    peer_user = MembershipFactory(organization=peer, role=Role.MEMBER).user
    for_partners = ResourceFactory(organization=world.factory, site=site, name="Partner press",
                                   visibility="partners")
    for_partners.partners.add(partner)
    for_network = ResourceFactory(organization=world.factory, site=site, name="Network laser",
                                  visibility="network")
    inactive = ResourceFactory(organization=world.factory, site=site, name="Old lathe",
                               is_active=False)
    public = ResourceFactory(organization=world.factory, site=site, name="Public mill")

    def names(user):
        headers = bearer(user) if user else {}
        return {r["name"] for r in client.get(f"{API}/resources", headers=headers)
                .json()["items"]}

    everyone = {public.name}
    assert names(None) == everyone
    assert names(world.outsider) == everyone
    assert names(peer_user) == everyone | {for_network.name}
    assert names(partner_user) == everyone | {for_partners.name}
    assert names(world.member) == {public.name, for_network.name, for_partners.name,
                                   inactive.name}
    for resource in (for_partners, for_network, inactive):
        problem(client.get(f"{API}/resources/{resource.pk}", headers=bearer(world.outsider)),
                404)
        problem(send(client, "patch", f"{API}/resources/{resource.pk}", {"name": "x"},
                     headers=bearer(world.outsider)), 404)
        problem(client.get(f"{API}/resources/{resource.pk}/capabilities"), 404)
    assert client.get(f"{API}/resources/{for_partners.pk}",
                      headers=bearer(partner_user)).status_code == 200


def test_managers_alone_see_partners_and_external_id(client, world, machine):
    machine.external_id = "ERP-1"
    machine.save()
    public_view = client.get(f"{API}/resources/{machine.pk}").json()
    assert public_view["can_manage"] is False
    assert public_view["partner_ids"] is None and public_view["external_id"] is None
    member_view = client.get(f"{API}/resources/{machine.pk}", headers=bearer(world.member)).json()
    assert member_view["can_manage"] is False
    admin_view = client.get(f"{API}/resources/{machine.pk}", headers=bearer(world.admin)).json()
    assert admin_view["can_manage"] is True and admin_view["external_id"] == "ERP-1"


# --- filters, pagination ---------------------------------------------------------------------


def test_resource_filters(client, world, site, admin):
    five_axis = ResourceFactory(organization=world.factory, site=site, name="Hermle C42")
    laser = ResourceFactory(organization=world.factory, site=site, name="Bystronic laser",
                            description="Fibre laser for sheet")
    press = ResourceFactory(organization=world.startup, site=world.startup.sites.get(),
                            name="Press brake", kind="facility")
    expert = ResourceFactory(organization=world.factory, site=None, kind="expertise",
                             name="Milling expert")
    expert.skills.add(Process.objects.get(code="milling-3-axis"))
    catalog_services.capability_create(
        actor=world.admin, resource=five_axis, process=Process.objects.get(code="milling-5-axis"),
        axes=5)
    capability = catalog_services.capability_create(
        actor=world.admin, resource=laser,
        process=Process.objects.get(code="laser-cutting-fibre"),
        materials=[(Material.objects.get(code="s355"), 25)])
    assert capability.material_limits.count() == 1

    def names(**query):
        response = client.get(f"{API}/resources", query)
        assert response.status_code == 200, response.content
        return {r["name"] for r in response.json()["items"]}

    assert names(process="milling") == {"Hermle C42", "Milling expert"}
    assert names(process="milling-5-axis") == {"Hermle C42"}
    assert names(process="laser-cutting") == {"Bystronic laser"}
    assert names(material="s355") == {"Bystronic laser"}
    assert names(kind="facility") == {"Press brake"}
    assert names(organization_id=world.startup.pk) == {"Press brake"}
    assert names(q="fibre") == {"Bystronic laser"}
    assert names(q="fibre", process="milling") == set()
    assert fields(problem(client.get(f"{API}/resources", {"process": "telepathy"}), 422)) \
        == ["process"]
    assert fields(problem(client.get(f"{API}/resources", {"material": "mithril"}), 422)) \
        == ["material"]
    assert fields(problem(client.get(f"{API}/resources", {"kind": "boat"}), 422)) == ["kind"]
    page = client.get(f"{API}/resources", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert press.pk in {r["id"] for r in client.get(f"{API}/resources").json()["items"]}


# --- capabilities ----------------------------------------------------------------------------


def test_capabilities_with_limits_and_materials(client, world, machine, admin):
    url = f"{API}/resources/{machine.pk}/capabilities"
    response = send(client, "post", url, {
        "process": "milling-5-axis", "envelope_x_mm": 650, "envelope_y_mm": 650,
        "envelope_z_mm": 560, "max_weight_kg": 600.5, "tolerance_um": 5, "axes": 5,
        "materials": [{"material": "al-5083"}, {"material": "s355", "max_thickness_mm": 80}],
        "notes": "Heidenhain TNC 640"}, headers=admin)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["process"] == "milling-5-axis" and body["axes"] == 5
    assert body["max_weight_kg"] == 600.5
    assert body["materials"] == [{"material": "al-5083", "max_thickness_mm": None},
                                 {"material": "s355", "max_thickness_mm": 80.0}]
    listed = client.get(url).json()  # public: anyone who sees the resource
    assert listed["count"] == 1 and listed["items"][0] == body
    detail = client.get(f"{API}/resources/{machine.pk}").json()
    assert detail["capabilities"] == [body]

    patch = send(client, "patch", f"{API}/capabilities/{body['id']}",
                 {"tolerance_um": None, "axes": 4, "materials": [{"material": "s235"}]},
                 headers=admin)
    assert patch.status_code == 200, patch.content
    changed = patch.json()
    assert (changed["tolerance_um"], changed["axes"], changed["envelope_x_mm"]) == (None, 4, 650)
    assert [m["material"] for m in changed["materials"]] == ["s235"]

    assert client.delete(f"{API}/capabilities/{body['id']}", headers=admin).status_code == 204
    assert not Capability.objects.exists()


@pytest.mark.parametrize(("payload", "field", "words"), [
    ({"envelope_x_mm": -650}, "envelope_x_mm", "between"),
    ({"envelope_x_mm": 10**9}, "envelope_x_mm", "between"),
    ({"envelope_x_mm": 650.5}, "envelope_x_mm", "whole"),
    ({"tolerance_um": 0.05}, "tolerance_um", "µm"),
    ({"axes": 13}, "axes", "between"),
    ({"max_weight_kg": 0}, "max_weight_kg", "between"),
    ({"force_kn": 10**12}, "force_kn", "between"),
    ({"materials": [{"material": "s355", "max_thickness_mm": -3}]}, "materials", "between"),
    ({"materials": [{"material": "s355"}, {"material": "s355"}]}, "materials", "twice"),
    ({"materials": [{"material": "mithril"}]}, "materials", "mithril"),
    ({"process": "telepathy"}, "process", "telepathy"),
])
def test_absurd_limits_are_400_naming_the_field(client, world, machine, admin, payload, field,
                                                words):
    body = problem(send(client, "post", f"{API}/resources/{machine.pk}/capabilities",
                        {"process": "milling", **payload}, headers=admin), 400)
    assert fields(body) == [field]
    assert words in body["detail"]
    assert not Capability.objects.exists()


@pytest.mark.parametrize("payload", [
    {"process": "milling", "tolerance_um": "Infinity"},
    {"process": "milling", "envelope_x_mm": "wide"},
    {"process": "milling", "materials": [{"material": "s355", "colour": "red"}]},
    {"envelope_x_mm": 100},
])
def test_malformed_capabilities_are_422(client, world, machine, admin, payload):
    problem(send(client, "post", f"{API}/resources/{machine.pk}/capabilities", payload,
                 headers=admin), 422)


def test_one_capability_per_process(client, world, machine, admin):
    url = f"{API}/resources/{machine.pk}/capabilities"
    assert send(client, "post", url, {"process": "milling"}, headers=admin).status_code == 201
    assert fields(problem(send(client, "post", url, {"process": "milling"}, headers=admin),
                          400)) == ["process"]


def test_capability_permissions(client, world, site, machine, admin):
    created = send(client, "post", f"{API}/resources/{machine.pk}/capabilities",
                   {"process": "milling"}, headers=admin).json()
    hidden = ResourceFactory(organization=world.factory, site=site, visibility="partners")
    hidden_capability = send(client, "post", f"{API}/resources/{hidden.pk}/capabilities",
                             {"process": "milling"}, headers=admin).json()
    for user in (world.member, world.outsider):
        headers = bearer(user)
        problem(send(client, "post", f"{API}/resources/{machine.pk}/capabilities",
                     {"process": "turning"}, headers=headers), 403)
        problem(send(client, "patch", f"{API}/capabilities/{created['id']}", {"axes": 3},
                     headers=headers), 403)
        problem(client.delete(f"{API}/capabilities/{created['id']}", headers=headers), 403)
    outsider = bearer(world.outsider)
    problem(send(client, "post", f"{API}/resources/{hidden.pk}/capabilities",
                 {"process": "turning"}, headers=outsider), 404)
    problem(send(client, "patch", f"{API}/capabilities/{hidden_capability['id']}", {"axes": 3},
                 headers=outsider), 404)
    problem(client.delete(f"{API}/capabilities/{hidden_capability['id']}", headers=outsider),
            404)
    assert Capability.objects.count() == 2


# --- free time on the resource page ----------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_detail_shows_free_hours_of_the_next_four_weeks(client, world, machine):
    availability_services.rule_create(
        actor=world.admin, resource=machine, name="Night shift",
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(22), duration_minutes=480,
        starts_on=date(2026, 3, 23))
    free = client.get(f"{API}/resources/{machine.pk}").json()["free_time"]
    assert free["start"].startswith("2026-03-23T06:00:00")
    assert free["end"].startswith("2026-04-20T06:00:00")
    # 20 nights of 8 h, except the spring-forward night (Fri 27 → Sat 28 March is not it:
    # the clocks change on Sunday 29 March, when no shift runs), so 160 h, longest 8 h.
    assert free["total_hours"] == 160
    assert free["longest_hours"] == 8


# --- query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 25])
def test_resources_cost_bounded_queries(client, world, site, django_assert_max_num_queries,
                                        extra):
    milling = Process.objects.get(code="milling")
    steel = Material.objects.get(code="s355")
    resources = [ResourceFactory(organization=world.factory, site=site)
                 for _ in range(extra + 1)]
    for resource in resources:
        capability = Capability.objects.create(resource=resource, process=milling, axes=3)
        capability.material_limits.create(material=steel, max_thickness_mm=20)
        resource.skills.add(milling)
        resource.accreditations.add(*world.factory.certifications.all())
    SiteFactory(organization=world.factory, is_main=False)
    headers = bearer(world.member)
    client.get(f"{API}/tokens", headers=headers)  # the token's first use is recorded once
    # The token, the process and the tree below it, the count, the page, and its capabilities,
    # their materials, accreditations, skills, photos and documents.
    with django_assert_max_num_queries(11):
        response = client.get(f"{API}/resources", {"limit": 200, "process": "machining"},
                              headers=headers)
    assert response.json()["count"] == extra + 1
    # The token, the resource with its organization and site, its six prefetched relations,
    # the caller's role, its free time.
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/resources/{resources[0].pk}", headers=headers)
    assert response.status_code == 200
    with django_assert_max_num_queries(4):  # the resource, the count, the page, the materials
        response = client.get(f"{API}/resources/{resources[0].pk}/capabilities")
    assert response.json()["count"] == 1
