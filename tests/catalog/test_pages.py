"""The catalog's pages as users see them: creating a machine with capabilities, field errors,
who may see and change what, the language of labels and money, and query budgets."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image

from fabshare.availability.models import FreeSlot
from fabshare.catalog.models import (
    Capability,
    CapabilityMaterial,
    Material,
    Process,
    Resource,
    ResourceDocument,
    ResourcePhoto,
)
from fabshare.network.models import Certification, Role
from tests.factories import (
    MembershipFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
    UserFactory,
)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(buffer, "PNG")
    return SimpleUploadedFile("press.png", buffer.getvalue(), content_type="image/png")


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("sheet.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
                              content_type="application/pdf")


def _resource_data(world, **changes) -> dict:
    data = {"kind": "machine", "name": "DMU 65 monoBLOCK",
            "site": world.factory.sites.get().pk, "description": "Five axes, 20 000 rpm.",
            "visibility": "public", "price_per_hour": "95.50", "minimum_booking_hours": "2",
            "lead_time_days": "3", "operator_included": "on", "is_active": "on",
            "make": "DMG Mori", "model_name": "DMU 65 monoBLOCK", "year": "2019"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _capability_data(**changes) -> dict:
    data = {"process": Process.objects.get(code="milling-5-axis").pk,
            "envelope_x_mm": "735", "envelope_y_mm": "650", "envelope_z_mm": "560",
            "max_weight_kg": "600", "tolerance_um": "5", "axes": "5", "notes": ""}
    data.update(changes)
    return data


@pytest.fixture
def machine(world):
    resource = ResourceFactory(organization=world.factory, site=world.factory.sites.get(),
                               name="Trumpf TruLaser 3030", make="Trumpf")
    capability = Capability.objects.create(
        resource=resource, process=Process.objects.get(code="laser-cutting-fibre"),
        envelope_x_mm=3000, envelope_y_mm=1500, max_thickness_mm=25, tolerance_um=100)
    CapabilityMaterial.objects.create(capability=capability,
                                      material=Material.objects.get(code="s235"),
                                      max_thickness_mm=25)
    CapabilityMaterial.objects.create(capability=capability,
                                      material=Material.objects.get(code="al-6061"),
                                      max_thickness_mm=15)
    return resource


# --- a provider lists a machine with a capability -------------------------------------------


def test_admin_creates_a_machine_with_a_capability(client, world):
    client.force_login(world.admin)
    url = reverse("resource_create") + "?organization=genk-precision"
    page = client.get(url)
    assert page.status_code == 200
    assert "Main plant" in page.content.decode()  # the organization's site is offered

    response = client.post(url, _resource_data(world))
    resource = Resource.objects.get(name="DMU 65 monoBLOCK")
    assert response.url == reverse("resource_edit", args=[resource.slug])
    assert resource.price_per_hour_cents == 9550
    assert (resource.make, resource.year, resource.lead_time_days) == ("DMG Mori", 2019, 3)
    assert resource.operator_included and resource.is_active
    assert resource.organization == world.factory

    steel, aluminium = Material.objects.get(code="s235"), Material.objects.get(code="al-6061")
    response = client.post(reverse("capability_create", args=[resource.slug]), _capability_data(
        materials=[steel.pk], **{f"thickness_{aluminium.pk}": "15"}))
    assert response.status_code == 302
    capability = resource.capabilities.get()
    assert capability.process.code == "milling-5-axis"
    assert (capability.envelope_x_mm, capability.tolerance_um, capability.axes) == (735, 5, 5)
    limits = {row.material.code: row.max_thickness_mm
              for row in capability.material_limits.select_related("material")}
    assert limits == {"s235": None, "al-6061": 15}  # a thickness alone also ticks the material

    body = client.get(reverse("resource_detail", args=[resource.slug])).content.decode()
    assert "5-axis milling" in body
    assert "735 × 650 × 560 mm" in body
    assert "±5 µm" in body
    assert "€ 95.50" in body
    assert "(≤ 15 mm)" in body


def test_admin_edits_capability_and_removes_it(client, world, machine):
    client.force_login(world.admin)
    capability = machine.capabilities.get()
    url = reverse("capability_edit", args=[capability.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="3000"' in page.content.decode()
    steel = Material.objects.get(code="s235")
    response = client.post(url, _capability_data(
        process=capability.process_id, materials=[steel.pk],
        **{f"thickness_{steel.pk}": "20"}))
    assert response.status_code == 302
    capability.refresh_from_db()
    assert capability.envelope_x_mm == 735
    assert [(r.material_id, r.max_thickness_mm) for r in capability.material_limits.all()] == [
        (steel.pk, 20)]

    delete_url = reverse("capability_delete", args=[capability.pk])
    assert "Remove" in client.get(delete_url).content.decode()
    client.post(delete_url)
    assert not machine.capabilities.exists()


def test_admin_edits_and_deletes_a_resource(client, world, machine):
    # Partners are chosen among the organizations the admin may see: admit the startup.
    NetworkMembershipFactory(network=world.network, organization=world.startup)
    client.force_login(world.admin)
    url = reverse("resource_edit", args=[machine.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, _resource_data(world, name="TruLaser 3030 fiber",
                                               price_per_hour="120", visibility="partners",
                                               partners=[world.startup.pk]))
    assert response.status_code == 302
    machine.refresh_from_db()
    assert machine.name == "TruLaser 3030 fiber"
    assert machine.price_per_hour_cents == 12000
    assert list(machine.partners.all()) == [world.startup]

    # Leaving "selected partners" clears the list: it would mean nothing any more.
    client.post(url, _resource_data(world, name="TruLaser 3030 fiber",
                                    partners=[world.startup.pk]))
    assert not machine.partners.exists()

    delete_url = reverse("resource_delete", args=[machine.slug])
    assert "cannot be undone" in client.get(delete_url).content.decode()
    assert Resource.objects.filter(pk=machine.pk).exists()
    response = client.post(delete_url)
    assert response.url == reverse("organization_resources", args=["genk-precision"])
    assert not Resource.objects.filter(pk=machine.pk).exists()


def test_facility_and_expertise_keep_only_their_own_fields(client, world):
    client.force_login(world.admin)
    url = reverse("resource_create") + "?organization=genk-precision"
    iso17025 = Certification.objects.get(code="iso-iec-17025")
    # A facility: the (hidden) machine fields are ignored, even a malformed year.
    response = client.post(url, _resource_data(
        world, kind="facility", name="Climate chamber lab", make="Weiss", year="abc",
        area_m2="120", accreditations=[iso17025.pk]))
    assert response.status_code == 302
    lab = Resource.objects.get(name="Climate chamber lab")
    assert (lab.make, lab.year, lab.area_m2) == ("", None, 120)
    assert list(lab.accreditations.all()) == [iso17025]

    welding = Process.objects.get(code="robot-welding")
    response = client.post(url, _resource_data(
        world, kind="expertise", name="Welding engineer (IWE)", site="",
        skills=[welding.pk], languages=["nl", "de"], day_rate="720"))
    assert response.status_code == 302
    expert = Resource.objects.get(name="Welding engineer (IWE)")
    assert expert.site is None
    assert expert.languages == ["de", "nl"]
    assert expert.day_rate_cents == 72000
    assert list(expert.skills.all()) == [welding]
    body = client.get(reverse("resource_detail", args=[expert.slug])).content.decode()
    assert "Robot welding" in body
    assert "German" in body and "Dutch" in body
    assert "€ 720.00" in body
    body = client.get(reverse("resource_detail", args=[lab.slug])).content.decode()
    assert "ISO/IEC 17025" in body and "120 m²" in body


def test_create_without_organization_offers_the_administered_ones(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("resource_create"))
    assert response.url == reverse("resource_create") + "?organization=genk-precision"
    client.force_login(world.outsider)
    body = client.get(reverse("resource_create")).content.decode()
    assert "Only admins of an organization" in body


# --- field errors ----------------------------------------------------------------------------


def test_machine_without_site_gets_the_service_message(client, world):
    client.force_login(world.admin)
    url = reverse("resource_create") + "?organization=genk-precision"
    response = client.post(url, _resource_data(world, site=""))
    assert response.status_code == 200
    assert response.context["form"].errors["site"] == ["Machines and facilities need a site."]
    assert not Resource.objects.exists()


def test_price_and_year_errors_stand_next_to_their_field(client, world):
    client.force_login(world.admin)
    url = reverse("resource_create") + "?organization=genk-precision"
    errors = client.post(url, _resource_data(world, price_per_hour="-5")).context["form"].errors
    assert list(errors) == ["price_per_hour"]
    errors = client.post(url, _resource_data(world, year="1850")).context["form"].errors
    assert errors["year"] == ["Enter a year between 1900 and 2100."]
    errors = client.post(url, _resource_data(world, kind="expertise", site="",
                                             languages=["xx"])).context["form"].errors
    assert "languages" in errors
    assert not Resource.objects.exists()


def test_absurd_limits_and_tolerance_in_mm_are_refused(client, world, machine):
    client.force_login(world.admin)
    url = reverse("capability_create", args=[machine.slug])
    response = client.post(url, _capability_data(envelope_x_mm="-200", envelope_y_mm="5000000",
                                                 tolerance_um="0.05", axes="30"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["envelope_x_mm"][0].startswith("Must be between 1 and ")
    assert errors["envelope_y_mm"][0].endswith(" mm.")
    assert errors["tolerance_um"] == [
        "The tolerance is in micrometres (µm): ±0.05 mm is 50 µm."]
    assert "axes" in errors
    body = response.content.decode()
    assert "is in micrometres" in body
    steel = Material.objects.get(code="s235")
    response = client.post(url, _capability_data(**{f"thickness_{steel.pk}": "0"}))
    assert f"thickness_{steel.pk}" in response.context["form"].errors
    # The same process twice: the service's message next to the process.
    response = client.post(url, _capability_data(
        process=Process.objects.get(code="laser-cutting-fibre").pk))
    assert "already has a capability" in response.context["form"].errors["process"][0]
    assert machine.capabilities.count() == 1


def test_photos_and_datasheets_are_checked_by_content(client, world, machine):
    client.force_login(world.admin)
    fake = SimpleUploadedFile("shell.png", b"#!/bin/sh\necho pwned", content_type="image/png")
    response = client.post(reverse("resource_photo_add", args=[machine.slug]), {"image": fake})
    assert response.status_code == 200
    assert "PNG, JPEG, WebP or GIF" in response.context["photo_form"].errors["image"][0]
    not_pdf = SimpleUploadedFile("sheet.pdf", b"PK\x03\x04 a zip", content_type="application/pdf")
    response = client.post(reverse("resource_document_add", args=[machine.slug]),
                           {"file": not_pdf, "title": "Datasheet"})
    assert response.context["document_form"].errors["file"] == ["Upload a PDF document."]
    assert not ResourcePhoto.objects.exists() and not ResourceDocument.objects.exists()

    client.post(reverse("resource_photo_add", args=[machine.slug]),
                {"image": _png(), "caption": "Loading table"})
    client.post(reverse("resource_document_add", args=[machine.slug]),
                {"file": _pdf(), "title": "TruLaser 3030 datasheet"})
    photo, document = ResourcePhoto.objects.get(), ResourceDocument.objects.get()
    body = client.get(reverse("resource_detail", args=[machine.slug])).content.decode()
    assert reverse("resource_file", args=[machine.slug, "photos", photo.pk]) in body
    assert reverse("resource_file", args=[machine.slug, "documents", document.pk]) in body
    assert "TruLaser 3030 datasheet" in body

    client.post(reverse("resource_photo_remove", args=[machine.slug, photo.pk]))
    client.post(reverse("resource_document_remove", args=[machine.slug, document.pk]))
    assert not ResourcePhoto.objects.exists() and not ResourceDocument.objects.exists()


# --- permissions -----------------------------------------------------------------------------


@pytest.fixture
def peer(world):
    """A member of another organization admitted to the same network."""
    organization = OrganizationFactory(name="Hasselt Lasertech", slug="hasselt-lasertech")
    NetworkMembershipFactory(network=world.network, organization=organization)
    return MembershipFactory(organization=organization, role=Role.MEMBER).user


def test_network_resource_is_for_network_members_only(client, world, peer):
    resource = ResourceFactory(organization=world.factory, visibility="network")
    detail = reverse("resource_detail", args=[resource.slug])
    edit = reverse("resource_edit", args=[resource.slug])
    assert client.get(detail).status_code == 404  # anonymous
    for outsider in (world.outsider, world.founder):  # the startup is not admitted
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert client.get(edit).status_code == 404
        assert client.get(reverse("capability_create", args=[resource.slug])).status_code == 404
        assert client.post(reverse("resource_delete", args=[resource.slug])).status_code == 404
        assert client.post(reverse("resource_photo_add", args=[resource.slug]),
                           {"image": _png()}).status_code == 404
    client.force_login(peer)
    assert client.get(detail).status_code == 200
    assert client.get(edit).status_code == 403


def test_partners_resource_is_seen_by_its_partners(client, world, peer):
    resource = ResourceFactory(organization=world.factory, visibility="partners")
    resource.partners.add(world.startup)
    detail = reverse("resource_detail", args=[resource.slug])
    for outsider in (world.outsider, peer):
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert client.get(reverse("resource_edit", args=[resource.slug])).status_code == 404
    client.force_login(world.founder)
    assert client.get(detail).status_code == 200


def test_plain_member_sees_but_may_not_change(client, world, machine):
    client.force_login(world.member)
    capability = machine.capabilities.get()
    body = client.get(reverse("resource_detail", args=[machine.slug])).content.decode()
    assert reverse("resource_edit", args=[machine.slug]) not in body
    assert client.get(reverse("resource_edit", args=[machine.slug])).status_code == 403
    assert client.post(reverse("resource_delete", args=[machine.slug])).status_code == 403
    assert client.get(reverse("capability_create", args=[machine.slug])).status_code == 403
    assert client.post(reverse("resource_photo_add", args=[machine.slug]),
                       {"image": _png()}).status_code == 403
    # A capability belongs to the admins' pages only: it does not exist for anyone else.
    assert client.get(reverse("capability_edit", args=[capability.pk])).status_code == 404
    assert client.post(reverse("capability_delete", args=[capability.pk])).status_code == 404
    assert Capability.objects.filter(pk=capability.pk).exists()
    assert client.get(reverse("resource_create") + "?organization=genk-precision"
                      ).status_code == 403


def test_anonymous_is_sent_to_sign_in_for_provider_pages(client, machine):
    response = client.get(reverse("resource_edit", args=[machine.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_inactive_resources_are_hidden_from_outsiders(client, world, machine):
    hidden = ResourceFactory(organization=world.factory, name="Old press brake",
                             is_active=False)
    org_list = reverse("organization_resources", args=["genk-precision"])
    client.force_login(world.outsider)
    body = client.get(org_list).content.decode()
    assert "Trumpf TruLaser 3030" in body and "Old press brake" not in body
    assert client.get(reverse("resource_detail", args=[hidden.slug])).status_code == 404
    client.force_login(world.member)
    body = client.get(org_list).content.decode()
    assert "Old press brake" in body and "inactive" in body
    assert "Add a resource" not in body
    assert client.get(reverse("resource_detail", args=[hidden.slug])).status_code == 200
    client.force_login(world.admin)
    assert "Add a resource" in client.get(org_list).content.decode()


def test_organization_page_loads_the_resources_from_the_catalog(client, world, machine):
    client.force_login(world.admin)
    body = client.get(reverse("organization_detail", args=["genk-precision"])).content.decode()
    url = reverse("organization_resources", args=["genk-precision"])
    assert f'hx-get="{url}?fragment=1"' in body
    assert reverse("resource_create") + "?organization=genk-precision" in body
    fragment = client.get(url, {"fragment": "1"})
    html = fragment.content.decode()
    assert "<html" not in html
    assert "Trumpf TruLaser 3030" in html and "Fibre laser cutting" in html
    assert client.get(url, HTTP_HX_REQUEST="true").templates[0].name == (
        "catalog/_organization_resources.html")


def test_resources_of_an_invisible_organization_are_not_found(client, world):
    client.force_login(world.outsider)
    url = reverse("organization_resources", args=["bolt-robotics"])
    assert client.get(url).status_code == 404


# --- language, money and free time -----------------------------------------------------------


def test_dutch_page_shows_dutch_labels_and_money(client, world, machine):
    body = client.get(reverse("resource_detail", args=[machine.slug]),
                      HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Fiberlasersnijden" in body
    assert "€ 95,00" in body
    user = UserFactory(language="de")
    client.force_login(user)
    body = client.get(reverse("resource_detail", args=[machine.slug])).content.decode()
    assert "95,00" in body


def test_process_chooser_is_an_indented_tree_in_the_users_language(client, world, machine):
    world.admin.language = "nl"
    world.admin.save(update_fields=["language"])
    client.force_login(world.admin)
    body = client.get(reverse("capability_create", args=[machine.slug])).content.decode()
    milling = Process.objects.get(code="milling-5-axis")
    assert f'<option value="{milling.pk}">' + "\u00a0" * 9 + "5-assig frezen</option>" in body


def test_free_time_in_the_next_four_weeks(client, world, machine):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    FreeSlot.objects.create(resource=machine, start=start, end=start + timedelta(hours=8))
    FreeSlot.objects.create(resource=machine, start=start + timedelta(days=1),
                            end=start + timedelta(days=1, hours=16))
    FreeSlot.objects.create(resource=machine, start=start + timedelta(days=40),
                            end=start + timedelta(days=41))  # beyond the 4 weeks
    body = client.get(reverse("resource_detail", args=[machine.slug])).content.decode()
    assert "24 h" in body
    assert "Longest free run: 16 h" in body
    try:
        availability = reverse("resource_availability", args=[machine.slug])
    except NoReverseMatch:  # the calendar page is built in parallel
        return
    assert availability in body


# --- query budgets ---------------------------------------------------------------------------


def _grow(resource: Resource, n: int) -> None:
    processes = list(Process.objects.exclude(capabilities__resource=resource)[:n])
    steel, aluminium = Material.objects.get(code="s235"), Material.objects.get(code="al-6061")
    for process in processes:
        capability = Capability.objects.create(resource=resource, process=process, axes=3)
        CapabilityMaterial.objects.create(capability=capability, material=steel)
        CapabilityMaterial.objects.create(capability=capability, material=aluminium,
                                          max_thickness_mm=10)
    for i in range(n):
        ResourcePhoto.objects.create(resource=resource, image=f"resources/x/{i}.png")
        ResourceDocument.objects.create(resource=resource, file=f"resources/x/{i}.pdf",
                                        title=f"Sheet {i}")
        FreeSlot.objects.create(resource=resource,
                                start=timezone.now() + timedelta(days=i + 1),
                                end=timezone.now() + timedelta(days=i + 1, hours=4))


@pytest.mark.parametrize("size", [1, 12])
def test_resource_page_query_budget(client, world, machine, size,
                                    django_assert_max_num_queries):
    _grow(machine, size)
    client.force_login(world.admin)
    url = reverse("resource_detail", args=[machine.slug])
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get(reverse("resource_edit", args=[machine.slug])).status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_organization_resources_query_budget(client, world, size,
                                             django_assert_max_num_queries):
    site = world.factory.sites.get()
    for _ in range(size):
        resource = ResourceFactory(organization=world.factory, site=site)
        _grow(resource, 2)
    SiteFactory(organization=world.factory, name="Hal 2", is_main=False)
    client.force_login(world.member)
    url = reverse("organization_resources", args=["genk-precision"])
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(url, {"fragment": "1"}).status_code == 200
