"""The REST API as integrators use it: tokens, permissions, field-level errors as
problem+json, pagination, session auth with CSRF and bounded query counts."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from fabshare.network import services
from fabshare.network.models import (
    AuditEntry,
    Invitation,
    JoinRequest,
    Membership,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
    PersonalAccessToken,
    Role,
    Site,
)
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
)

API = "/api/v1"
PROBLEM = "application/problem+json"


def bearer(user, name="integration") -> dict:
    _, raw = services.token_create(actor=user, name=name)
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, url, data=None, *, headers=None, **extra):
    """A JSON request (the body serialised unless it is already a string)."""
    body = data if isinstance(data, str | bytes) else json.dumps(data or {})
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=headers or {}, **extra)


def problem(response, status) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body) -> list:
    return [e["field"] for e in body.get("errors") or []]


def png(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


# --- authentication --------------------------------------------------------------------------


def test_token_auth_records_last_use_and_revoked_token_is_401(client, world):
    token, raw = services.token_create(actor=world.owner, name="ERP")
    headers = {"Authorization": f"Bearer {raw}"}
    assert token.last_used_at is None
    response = client.get(f"{API}/tokens", headers=headers)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listed = response.json()["items"]
    assert [t["name"] for t in listed] == ["ERP"]
    assert set(listed[0]) == {"id", "name", "prefix", "created_at", "last_used_at",
                              "revoked_at", "is_active"}
    assert raw not in response.content.decode()  # never the secret, never the digest
    assert token.digest not in response.content.decode()

    services.token_revoke(actor=world.owner, token=token)
    body = problem(client.get(f"{API}/tokens", headers=headers), 401)
    assert "revoked" in body["detail"]


def test_wrong_token_is_401_even_on_public_reads(client, world):
    response = client.get(f"{API}/networks", headers={"Authorization": "Bearer fsh_nope"})
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{API}/networks").status_code == 200  # anonymous is fine


def test_anonymous_write_is_401(client, world):
    response = send(client, "post", f"{API}/organizations", {"name": "Anon", "kind": "sme"})
    problem(response, 401)
    assert not Organization.objects.filter(name="Anon").exists()


def test_tokens_are_listed_and_revoked_by_their_owner_only(client, world):
    headers = bearer(world.owner, "mine")
    other, _ = services.token_create(actor=world.admin, name="theirs")
    mine = PersonalAccessToken.objects.get(name="mine")
    assert [t["name"] for t in client.get(f"{API}/tokens", headers=headers).json()["items"]] \
        == ["mine"]
    problem(client.delete(f"{API}/tokens/{other.pk}", headers=headers), 404)
    other.refresh_from_db()
    assert other.revoked_at is None
    assert client.delete(f"{API}/tokens/{mine.pk}", headers=headers).status_code == 204
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    problem(client.get(f"{API}/tokens", headers=headers), 401)


def test_session_auth_needs_csrf_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.get(f"{API}/tokens").status_code == 200  # reads need no CSRF token
    data = {"name": "Sessie NV", "kind": "sme"}
    body = problem(send(client, "post", f"{API}/organizations", data), 403)
    assert "CSRF" in body["detail"]
    assert not Organization.objects.filter(name="Sessie NV").exists()
    csrf = "k" * 32
    client.cookies["csrftoken"] = csrf
    response = send(client, "post", f"{API}/organizations", data,
                    headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.content
    assert response.json()["my_role"] == "owner"


# --- API-wide errors -------------------------------------------------------------------------


def test_malformed_json_is_a_400_problem(client, world):
    response = send(client, "post", f"{API}/organizations", '{"name": "Broken",',
                    headers=bearer(world.owner))
    body = problem(response, 400)
    assert body["detail"] == "The request body is not valid JSON."
    assert body["instance"] == f"{API}/organizations"


def test_unknown_field_is_a_422_naming_it(client, world):
    response = send(client, "post", f"{API}/organizations",
                    {"name": "Extra NV", "kind": "sme", "colour": "red"},
                    headers=bearer(world.owner))
    body = problem(response, 422)
    assert body["errors"] == [{"field": "colour", "message": "Unknown field."}]
    response = send(client, "patch", f"{API}/sites/{world.factory.sites.get().pk}",
                    {"altitude": 12}, headers=bearer(world.owner))
    assert fields(problem(response, 422)) == ["altitude"]


def test_unknown_route_and_wrong_method_are_problems(client, world):
    problem(client.get(f"{API}/no-such-thing"), 404)
    response = send(client, "put", f"{API}/organizations", {})
    problem(response, 405)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert fields(problem(client.get(f"{API}/organizations/abc"), 422)) == ["organization_id"]


def test_openapi_document_declares_problems_and_docs_are_local(client, world):
    document = client.get(f"{API}/openapi.json").json()
    operation_ids = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == [PROBLEM], (path, method, status)
            assert "422" in operation["responses"], (path, method)
            assert "401" in operation["responses"], (path, method)
            if "requestBody" in operation:  # a body that is not JSON is a 400
                assert "400" in operation["responses"], (path, method)
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids)), "operation ids must be unique"
    # Public reads say so: an empty security requirement next to the token and the session.
    assert {} in document["paths"][f"{API}/networks"]["get"]["security"]
    assert {} not in document["paths"][f"{API}/tokens"]["get"]["security"]
    html = client.get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


# --- organizations ---------------------------------------------------------------------------


def test_anonymous_lists_admitted_organizations_with_filters(client, world):
    names = [o["name"] for o in client.get(f"{API}/organizations").json()["items"]]
    assert names == ["Genk Precision NV"]  # Bolt Robotics is not admitted anywhere
    founder = bearer(world.founder)
    names = [o["name"] for o in client.get(f"{API}/organizations", headers=founder)
             .json()["items"]]
    assert names == ["Bolt Robotics BV", "Genk Precision NV"]
    assert [o["name"] for o in client.get(f"{API}/organizations", {"kind": "startup"},
                                          headers=founder).json()["items"]] == ["Bolt Robotics BV"]
    assert client.get(f"{API}/organizations", {"q": "precision"}).json()["count"] == 1
    assert client.get(f"{API}/organizations", {"q": "nothing-like-it"}).json()["count"] == 0
    assert fields(problem(client.get(f"{API}/organizations", {"kind": "bakery"}), 422)) \
        == ["kind"]


def test_pagination_with_limit_and_offset(client, world):
    for i in range(7):
        org = OrganizationFactory(name=f"Page {i} NV")
        NetworkMembershipFactory(network=world.network, organization=org)
    first = client.get(f"{API}/organizations", {"limit": 3}).json()
    assert first["count"] == 8 and len(first["items"]) == 3
    rest = client.get(f"{API}/organizations", {"limit": 3, "offset": 6}).json()
    assert [o["name"] for o in rest["items"]] == ["Page 5 NV", "Page 6 NV"]
    assert fields(problem(client.get(f"{API}/organizations", {"limit": 0}), 422)) == ["limit"]
    problem(client.get(f"{API}/organizations", {"limit": 1000}), 422)
    problem(client.get(f"{API}/organizations", {"offset": -1}), 422)


def test_create_organization_makes_the_caller_owner(client, world):
    response = send(client, "post", f"{API}/organizations", {
        "name": "Nieuwco BV", "kind": "sme", "country": "be",
        "enterprise_number": "BE 0403.170.701", "website": "https://nieuwco.example",
        "sectors": ["metal", "metal", "plastics"], "certifications": ["ISO 9001"],
    }, headers=bearer(world.outsider))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["my_role"] == "owner"
    assert body["country"] == "BE" and body["enterprise_number"] == "0403170701"
    assert body["sectors"] == ["metal", "plastics"]
    assert body["sites"] == [] and body["networks"] == []
    organization = Organization.objects.get(pk=body["id"])
    assert Membership.objects.get(organization=organization).user == world.outsider
    assert AuditEntry.objects.filter(organization=organization,
                                     action="organization.create").exists()


def test_invalid_enterprise_number_names_the_field(client, world):
    headers = bearer(world.outsider)
    response = send(client, "post", f"{API}/organizations",
                    {"name": "Foutco", "kind": "sme", "country": "BE",
                     "enterprise_number": "0403.170.702"}, headers=headers)
    body = problem(response, 400)
    assert fields(body) == ["enterprise_number"]
    assert "check digits" in body["errors"][0]["message"]
    response = send(client, "post", f"{API}/organizations",
                    {"name": "Foutco", "kind": "sme", "country": "NL",
                     "enterprise_number": "1234"}, headers=headers)
    assert fields(problem(response, 400)) == ["enterprise_number"]
    assert not Organization.objects.filter(name="Foutco").exists()


def test_duplicate_enterprise_number_is_a_conflict(client, world):
    headers = bearer(world.outsider)
    data = {"name": "Eerste", "kind": "sme", "enterprise_number": "0403.170.701"}
    assert send(client, "post", f"{API}/organizations", data, headers=headers).status_code == 201
    response = send(client, "post", f"{API}/organizations", {**data, "name": "Tweede"},
                    headers=headers)
    assert fields(problem(response, 409)) == ["enterprise_number"]


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "", "kind": "sme"}, "name"),
    ({"name": "X", "kind": "bakery"}, "kind"),
    ({"name": "X", "kind": "sme", "website": "javascript:alert(1)"}, "website"),
    ({"name": "X", "kind": "sme", "country": "Belgium"}, "country"),
    ({"name": "X\x00", "kind": "sme"}, "name"),
    ({"name": "X", "kind": "sme", "sectors": "metal"}, "sectors"),
    ({"kind": "sme"}, "name"),
])
def test_organization_shape_errors_name_the_field(client, world, data, field):
    response = send(client, "post", f"{API}/organizations", data, headers=bearer(world.owner))
    assert field in fields(problem(response, 422))


def test_organization_profile_visibility(client, world):
    factory_url = f"{API}/organizations/{world.factory.pk}"
    startup_url = f"{API}/organizations/{world.startup.pk}"
    public = client.get(factory_url).json()
    assert public["my_role"] is None
    assert [s["city"] for s in public["sites"]] == ["Genk"]
    assert [(n["network_name"], n["status"]) for n in public["networks"]] \
        == [("Limburg Maakt", "approved")]
    assert [c["slug"] for c in public["networks"][0]["clusters"]] == ["automotive"]
    # A non-admitted organization is invisible to outsiders: 404, as if it did not exist.
    problem(client.get(startup_url), 404)
    problem(client.get(startup_url, headers=bearer(world.outsider)), 404)
    problem(client.get(f"{API}/organizations/999999"), 404)
    assert client.get(startup_url, headers=bearer(world.founder)).json()["my_role"] == "owner"
    # Its pending application shows to its members, not to the public.
    services.network_apply(actor=world.founder, network=world.network,
                           organization=world.startup)
    mine = client.get(startup_url, headers=bearer(world.founder)).json()
    assert [n["status"] for n in mine["networks"]] == ["pending"]


def test_patch_changes_only_the_fields_sent(client, world):
    url = f"{API}/organizations/{world.factory.pk}"
    response = send(client, "patch", url, {"description": "Now with a press brake."},
                    headers=bearer(world.admin))
    assert response.status_code == 200, response.content
    world.factory.refresh_from_db()
    assert world.factory.description == "Now with a press brake."
    assert world.factory.name == "Genk Precision NV"
    assert [c.name for c in world.factory.certifications.all()] == ["ISO 9001"]
    assert AuditEntry.objects.filter(action="organization.update").count() == 1
    problem(send(client, "patch", url, {"name": None}, headers=bearer(world.admin)), 422)
    body = problem(send(client, "patch", url, {"enterprise_number": "0403.170.702"},
                        headers=bearer(world.admin)), 400)
    assert fields(body) == ["enterprise_number"]


def test_outsider_and_member_cannot_edit_an_organization(client, world):
    url = f"{API}/organizations/{world.factory.pk}"
    problem(send(client, "patch", url, {"name": "Hijacked"}, headers=bearer(world.outsider)),
            403)
    problem(send(client, "patch", url, {"name": "Hijacked"}, headers=bearer(world.member)), 403)
    problem(send(client, "patch", f"{API}/organizations/{world.startup.pk}", {"name": "Hijacked"},
                 headers=bearer(world.outsider)), 404)
    assert not Organization.objects.filter(name="Hijacked").exists()


def test_logo_must_be_a_small_image(client, world, settings):
    url = f"{API}/organizations/{world.factory.pk}/logo"
    headers = bearer(world.owner)
    fake = SimpleUploadedFile("logo.png", b"#!/bin/sh\necho pwned", content_type="image/png")
    body = problem(client.post(url, {"logo": fake}, headers=headers), 400)
    assert fields(body) == ["logo"] and "PNG, JPEG, WebP or GIF" in body["detail"]
    settings.FABSHARE_LOGO_MAX_BYTES = 100
    big = SimpleUploadedFile("logo.png", png((64, 64)) + b"\0" * 200, content_type="image/png")
    body = problem(client.post(url, {"logo": big}, headers=headers), 400)
    assert fields(body) == ["logo"] and "the limit is" in body["detail"]
    settings.FABSHARE_LOGO_MAX_BYTES = 2 * 1024 * 1024
    problem(client.post(url, {}, headers=headers), 422)  # no file at all

    small = SimpleUploadedFile("whatever.bin", png(), content_type="application/octet-stream")
    response = client.post(url, {"logo": small}, headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["logo_url"].endswith(".png")
    assert response.json()["logo_url"].startswith("http://testserver/media/logos/")

    member = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    problem(client.post(url, {"logo": member}, headers=bearer(world.member)), 403)
    problem(client.delete(url, headers=bearer(world.member)), 403)
    assert client.delete(url, headers=headers).status_code == 204
    world.factory.refresh_from_db()
    assert not world.factory.logo


# --- sites -----------------------------------------------------------------------------------


def test_sites_are_listed_created_changed_and_removed(client, world):
    headers = bearer(world.admin)
    url = f"{API}/organizations/{world.factory.pk}/sites"
    assert [s["city"] for s in client.get(url).json()["items"]] == ["Genk"]
    response = send(client, "post", url, {"name": "Hal 2", "city": "Hasselt", "latitude": 50.93,
                                          "longitude": 5.33, "is_main": True}, headers=headers)
    assert response.status_code == 201, response.content
    site = response.json()
    assert site["is_main"] and site["country"] == "BE"
    assert Site.objects.filter(organization=world.factory, is_main=True).count() == 1
    response = send(client, "patch", f"{API}/sites/{site['id']}",
                    {"street": "Kempische Steenweg 1"}, headers=headers)
    assert response.json()["street"] == "Kempische Steenweg 1"
    assert response.json()["city"] == "Hasselt"
    assert client.delete(f"{API}/sites/{site['id']}", headers=headers).status_code == 204
    assert not Site.objects.filter(pk=site["id"]).exists()
    assert Site.objects.get(organization=world.factory).is_main


@pytest.mark.parametrize(("data", "field"), [
    ({"latitude": 95, "longitude": 5.5}, "latitude"),
    ({"latitude": 50.9, "longitude": -181}, "longitude"),
    ({"latitude": "north", "longitude": 5.5}, "latitude"),
])
def test_out_of_range_coordinates_name_the_field(client, world, data, field):
    url = f"{API}/organizations/{world.factory.pk}/sites"
    response = send(client, "post", url, {"name": "Hal 3", "city": "Genk", **data},
                    headers=bearer(world.owner))
    assert fields(problem(response, 422)) == [field]
    site = world.factory.sites.get()
    response = send(client, "patch", f"{API}/sites/{site.pk}", data, headers=bearer(world.owner))
    assert field in fields(problem(response, 422))
    assert not Site.objects.filter(name="Hal 3").exists()


def test_outsider_and_member_cannot_change_sites(client, world):
    site = world.factory.sites.get()
    hidden = world.startup.sites.get()
    for user, status in ((world.outsider, 403), (world.member, 403)):
        problem(send(client, "patch", f"{API}/sites/{site.pk}", {"city": "X"},
                     headers=bearer(user)), status)
        problem(client.delete(f"{API}/sites/{site.pk}", headers=bearer(user)), status)
        problem(send(client, "post", f"{API}/organizations/{world.factory.pk}/sites",
                     {"name": "X", "city": "X", "latitude": 1, "longitude": 1},
                     headers=bearer(user)), status)
    problem(client.delete(f"{API}/sites/{hidden.pk}", headers=bearer(world.outsider)), 404)
    problem(client.get(f"{API}/organizations/{world.startup.pk}/sites"), 404)
    assert Site.objects.filter(pk__in=[site.pk, hidden.pk]).count() == 2


# --- memberships, invitations, join requests -------------------------------------------------


def test_membership_list_is_private_to_members_and_operators(client, world):
    url = f"{API}/organizations/{world.factory.pk}/memberships"
    listed = client.get(url, headers=bearer(world.member)).json()["items"]
    assert {m["user"]["email"] for m in listed} == {
        "owner@example.com", "admin@example.com", "member@example.com"}
    assert client.get(url, headers=bearer(world.operator)).status_code == 200
    body = problem(client.get(url, headers=bearer(world.outsider)), 403)
    assert "@example.com" not in json.dumps(body)
    problem(client.get(url), 401)
    problem(client.get(f"{API}/organizations/{world.startup.pk}/memberships",
                       headers=bearer(world.outsider)), 404)


def test_roles_change_but_the_last_owner_stays(client, world):
    owner = Membership.objects.get(user=world.owner)
    admin = Membership.objects.get(user=world.admin)
    member = Membership.objects.get(user=world.member)
    # The last owner can neither be demoted nor removed, even by themselves.
    body = problem(send(client, "patch", f"{API}/memberships/{owner.pk}", {"role": "admin"},
                        headers=bearer(world.owner)), 409)
    assert "at least one owner" in body["detail"]
    problem(client.delete(f"{API}/memberships/{owner.pk}", headers=bearer(world.owner)), 409)
    # An admin may not make owners, nor remove one; a member may not change roles.
    problem(send(client, "patch", f"{API}/memberships/{member.pk}", {"role": "owner"},
                 headers=bearer(world.admin)), 403)
    problem(client.delete(f"{API}/memberships/{owner.pk}", headers=bearer(world.admin)), 403)
    problem(send(client, "patch", f"{API}/memberships/{admin.pk}", {"role": "member"},
                 headers=bearer(world.member)), 403)
    # Outsiders do not learn that the membership exists.
    problem(send(client, "patch", f"{API}/memberships/{member.pk}", {"role": "admin"},
                 headers=bearer(world.outsider)), 404)
    problem(client.delete(f"{API}/memberships/{member.pk}", headers=bearer(world.founder)), 404)
    assert fields(problem(send(client, "patch", f"{API}/memberships/{member.pk}",
                               {"role": "king"}, headers=bearer(world.owner)), 422)) == ["role"]

    response = send(client, "patch", f"{API}/memberships/{admin.pk}", {"role": "owner"},
                    headers=bearer(world.owner))
    assert response.status_code == 200 and response.json()["role"] == "owner"
    # With two owners, one may step down.
    response = send(client, "patch", f"{API}/memberships/{owner.pk}", {"role": "member"},
                    headers=bearer(world.owner))
    assert response.json()["role"] == "member"
    assert client.delete(f"{API}/memberships/{member.pk}", headers=bearer(world.member)
                         ).status_code == 204  # leaving
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_invitations_by_admins(client, world, django_capture_on_commit_callbacks, mailoutbox):
    url = f"{API}/organizations/{world.factory.pk}/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "post", url, {"email": "New@Example.com", "role": "admin"},
                        headers=bearer(world.admin))
    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert response.json()["email"] == "new@example.com"
    assert invitation.token not in response.content.decode()  # the link's secret stays secret
    assert mailoutbox[-1].to == ["new@example.com"]
    listed = client.get(url, headers=bearer(world.owner)).json()["items"]
    assert [i["email"] for i in listed] == ["new@example.com"]
    assert fields(problem(send(client, "post", url, {"email": "not-an-address"},
                               headers=bearer(world.admin)), 422)) == ["email"]
    problem(send(client, "post", url, {"email": "x@example.com", "role": "owner"},
                 headers=bearer(world.admin)), 403)
    assert fields(problem(send(client, "post", url, {"email": "member@example.com"},
                               headers=bearer(world.admin)), 409)) == ["email"]
    problem(send(client, "post", url, {"email": "x@example.com"}, headers=bearer(world.member)),
            403)
    problem(client.get(url, headers=bearer(world.member)), 403)
    problem(client.get(url, headers=bearer(world.outsider)), 403)


def test_join_requests_are_decided_by_admins(client, world):
    url = f"{API}/organizations/{world.factory.pk}/join-requests"
    response = send(client, "post", url, {"message": "I run the laser."},
                    headers=bearer(world.outsider))
    assert response.status_code == 201, response.content
    join_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    problem(send(client, "post", url, {}, headers=bearer(world.outsider)), 409)  # already waiting
    problem(send(client, "post", url, {}, headers=bearer(world.member)), 409)  # already in
    assert [j["id"] for j in client.get(url, headers=bearer(world.admin)).json()["items"]] \
        == [join_id]
    problem(client.get(url, headers=bearer(world.member)), 403)
    problem(send(client, "post", f"{API}/join-requests/{join_id}/accept", None,
                 headers=bearer(world.member)), 403)
    problem(send(client, "post", f"{API}/join-requests/{join_id}/accept", None,
                 headers=bearer(world.founder)), 404)
    response = send(client, "post", f"{API}/join-requests/{join_id}/accept", None,
                    headers=bearer(world.admin))
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert Membership.objects.get(user=world.outsider, organization=world.factory).role \
        == Role.MEMBER
    problem(send(client, "post", f"{API}/join-requests/{join_id}/decline", None,
                 headers=bearer(world.admin)), 409)
    # Joining an organization one cannot see is a 404.
    problem(send(client, "post", f"{API}/organizations/{world.startup.pk}/join-requests", {},
                 headers=bearer(world.member)), 404)
    assert JoinRequest.objects.count() == 1


# --- networks and the directory --------------------------------------------------------------


def test_networks_are_public(client, world):
    listed = client.get(f"{API}/networks").json()
    assert listed["count"] == 1
    network = listed["items"][0]
    assert network["name"] == "Limburg Maakt" and network["member_count"] == 1
    assert [c["slug"] for c in network["clusters"]] == ["automotive"]
    assert client.get(f"{API}/networks/{world.network.pk}").json()["admission_policy"] \
        == "approval"
    problem(client.get(f"{API}/networks/999999"), 404)


def test_directory_filters_by_text_kind_cluster_certification_and_distance(client, world):
    far = OrganizationFactory(name="Drachten Plastics BV", country="NL", kind="sme")
    SiteFactory(organization=far, city="Drachten", latitude=53.1066, longitude=6.0986)
    NetworkMembershipFactory(network=world.network, organization=far)
    url = f"{API}/networks/{world.network.pk}/members"

    def names(**params):
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        return [e["organization"]["name"] for e in response.json()["items"]]

    assert names() == ["Drachten Plastics BV", "Genk Precision NV"]
    assert names(kind="sme") == ["Drachten Plastics BV"]
    assert names(cluster="automotive") == ["Genk Precision NV"]
    assert names(certification="ISO 9001") == ["Genk Precision NV"]
    assert names(q="drachten") == ["Drachten Plastics BV"]
    assert names(lat=50.9307, lon=5.3325, radius_km=50) == ["Genk Precision NV"]
    nearest = client.get(url, {"lat": 50.9307, "lon": 5.3325, "radius_km": 1000}).json()
    assert [e["site"]["city"] for e in nearest["items"]] == ["Genk", "Drachten"]
    assert 10 < nearest["items"][0]["distance_km"] < 15
    assert nearest["items"][0]["organization"]["certifications"] == ["ISO 9001"]
    assert names(limit=1, offset=1) == ["Genk Precision NV"]


@pytest.mark.parametrize(("params", "field"), [
    ({"lat": 91, "lon": 5}, "lat"),
    ({"lat": -90.5, "lon": 5}, "lat"),
    ({"lat": 50, "lon": 181}, "lon"),
    ({"lat": 50}, "lon"),
    ({"lon": 5}, "lat"),
    ({"lat": "nan", "lon": 5}, "lat"),
    ({"lat": 50, "lon": 5, "radius_km": 0}, "radius_km"),
])
def test_directory_rejects_out_of_range_places(client, world, params, field):
    response = client.get(f"{API}/networks/{world.network.pk}/members", params)
    assert fields(problem(response, 422)) == [field]


def test_network_memberships_operators_see_all_others_their_own(client, world):
    services.network_apply(actor=world.founder, network=world.network,
                           organization=world.startup)
    url = f"{API}/networks/{world.network.pk}/memberships"

    def orgs(user, **params):
        response = client.get(url, params, headers=bearer(user))
        assert response.status_code == 200, response.content
        return sorted(m["organization"]["name"] for m in response.json()["items"])

    assert orgs(world.operator) == ["Bolt Robotics BV", "Genk Precision NV"]
    assert orgs(world.operator, status="pending") == ["Bolt Robotics BV"]
    assert orgs(world.founder) == ["Bolt Robotics BV"]
    assert orgs(world.member) == ["Genk Precision NV"]
    assert orgs(world.outsider) == []
    problem(client.get(url), 401)
    assert fields(problem(client.get(url, {"status": "maybe"}, headers=bearer(world.operator)),
                          422)) == ["status"]


def test_apply_and_operators_decide(client, world):
    url = f"{API}/networks/{world.network.pk}/applications"
    data = {"organization_id": world.startup.pk, "cluster_ids": [world.automotive.pk],
            "motivation": "We build cobots for car plants."}
    problem(send(client, "post", url, data, headers=bearer(world.outsider)), 404)
    response = send(client, "post", url, data, headers=bearer(world.founder))
    assert response.status_code == 201, response.content
    application = response.json()
    assert application["status"] == "pending"
    assert [c["slug"] for c in application["clusters"]] == ["automotive"]
    problem(send(client, "post", url, data, headers=bearer(world.founder)), 409)

    decide = f"{API}/network-memberships/{application['id']}"
    problem(send(client, "post", f"{decide}/approve", {}, headers=bearer(world.founder)), 403)
    problem(send(client, "post", f"{decide}/approve", {}, headers=bearer(world.outsider)), 404)
    problem(send(client, "post", f"{decide}/suspend", {}, headers=bearer(world.operator)), 409)
    response = send(client, "post", f"{decide}/approve", {"note": "Welcome!"},
                    headers=bearer(world.operator))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["decision_note"] == "Welcome!"
    # Now it is in the directory and public.
    members = client.get(f"{API}/networks/{world.network.pk}/members").json()["items"]
    assert "Bolt Robotics BV" in [e["organization"]["name"] for e in members]
    assert client.get(f"{API}/organizations/{world.startup.pk}").status_code == 200
    # A body is optional.
    response = send(client, "post", f"{decide}/suspend", "", headers=bearer(world.operator))
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert NetworkMembership.objects.get(pk=application["id"]).status \
        == NetworkMembershipStatus.SUSPENDED


def test_application_errors(client, world):
    other = NetworkFactory(name="West-Vlaanderen", admission_policy="invitation")
    url = f"{API}/networks/{world.network.pk}/applications"
    foreign_cluster = other.clusters.create(name="Blue energy", slug="blue-energy")
    body = problem(send(client, "post", url, {"organization_id": world.startup.pk,
                                               "cluster_ids": [foreign_cluster.pk]},
                        headers=bearer(world.founder)), 400)
    assert fields(body) == ["cluster_ids"]
    problem(send(client, "post", f"{API}/networks/{other.pk}/applications",
                 {"organization_id": world.startup.pk}, headers=bearer(world.founder)), 403)
    problem(send(client, "post", url, {"organization_id": world.factory.pk},
                 headers=bearer(world.member)), 403)
    assert fields(problem(send(client, "post", url, {"organization_id": 0},
                               headers=bearer(world.founder)), 422)) == ["organization_id"]
    problem(send(client, "post", f"{API}/networks/999999/applications",
                 {"organization_id": world.startup.pk}, headers=bearer(world.founder)), 404)


def test_open_network_admits_at_once(client, world):
    world.network.admission_policy = "open"
    world.network.save()
    response = send(client, "post", f"{API}/networks/{world.network.pk}/applications",
                    {"organization_id": world.startup.pk}, headers=bearer(world.founder))
    assert response.json()["status"] == "approved"


# --- audit log -------------------------------------------------------------------------------


def test_audit_logs_are_for_admins_and_operators(client, world):
    services.organization_update(actor=world.owner, organization=world.factory,
                                 description="Changed")
    url = f"{API}/organizations/{world.factory.pk}/audit"
    problem(client.get(url, headers=bearer(world.member)), 403)
    problem(client.get(url, headers=bearer(world.outsider)), 403)
    services.network_membership_decide(actor=world.operator, membership=world.factory_membership,
                                       decision="suspend", note="Unpaid fees")
    entries = client.get(url, headers=bearer(world.admin)).json()["items"]
    assert [e["action"] for e in entries] == ["network_membership.suspend",
                                              "organization.update"]
    assert entries[1]["actor_email"] == "owner@example.com"
    # Suspended, the organization is no longer public: outsiders now get a 404.
    problem(client.get(url, headers=bearer(world.outsider)), 404)
    problem(client.get(f"{API}/organizations/{world.startup.pk}/audit",
                       headers=bearer(world.outsider)), 404)
    network_url = f"{API}/networks/{world.network.pk}/audit"
    assert [e["action"] for e in client.get(network_url, headers=bearer(world.operator))
            .json()["items"]] == ["network_membership.suspend"]
    problem(client.get(network_url, headers=bearer(world.owner)), 403)
    problem(client.get(network_url), 401)


# --- query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_directory_and_organization_cost_bounded_queries(
    client, world, django_assert_max_num_queries, extra
):
    for i in range(extra):
        org = OrganizationFactory(name=f"Bulk {i} NV", certifications=["ISO 9001"])
        SiteFactory(organization=org)
        SiteFactory(organization=org, is_main=False)
        NetworkMembershipFactory(network=world.network, organization=org).clusters.add(
            world.automotive)
        SiteFactory(organization=world.factory, is_main=False, name=f"Hal {i}")
    headers = bearer(world.owner)
    client.get(f"{API}/tokens", headers=headers)  # the token's first use is recorded once
    # The token, the network with its clusters, the members with their clusters, sites and
    # certifications.
    with django_assert_max_num_queries(7):
        response = client.get(f"{API}/networks/{world.network.pk}/members",
                              {"cluster": "automotive", "lat": 50.93, "lon": 5.33,
                               "radius_km": 100, "limit": 200}, headers=headers)
    assert response.status_code == 200
    assert response.json()["count"] == extra + 1
    # The token, the organization, its sites, certifications, networks and clusters, the
    # caller's role.
    with django_assert_max_num_queries(7):
        response = client.get(f"{API}/organizations/{world.factory.pk}", headers=headers)
    assert len(response.json()["sites"]) == extra + 1
    with django_assert_max_num_queries(3):  # the count, the page, their certifications
        assert client.get(f"{API}/organizations", {"limit": 200}).json()["count"] == extra + 1
