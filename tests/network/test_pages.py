"""Pages as users see them: status codes, permissions, field-level errors, query budgets."""

import pytest
from django.urls import reverse

from fabshare.network.models import Membership, NetworkMembershipStatus, Organization
from tests.factories import NetworkMembershipFactory, OrganizationFactory, SiteFactory


def test_landing_and_network_pages_are_public(client, world):
    assert client.get("/").status_code == 200
    page = client.get(reverse("network_detail", args=["limburg"]))
    assert page.status_code == 200
    assert "Genk Precision NV" in page.content.decode()
    assert "Bolt Robotics" not in page.content.decode()  # not admitted


def test_home_lists_what_to_do_next(client, world):
    client.force_login(world.operator)
    from fabshare.network import services

    services.network_apply(actor=world.founder, network=world.network, organization=world.startup)
    body = client.get("/").content.decode()
    assert "Bolt Robotics BV applies to join Limburg Maakt" in body


def test_create_organization_with_field_errors(client, world):
    client.force_login(world.outsider)
    url = reverse("organization_create")
    response = client.post(url, {"name": "Nieuwco", "kind": "sme", "country": "BE",
                                 "enterprise_number": "0403.170.702"})
    assert response.status_code == 200
    assert "check digits" in response.context["form"].errors["enterprise_number"][0]
    assert not Organization.objects.filter(name="Nieuwco").exists()
    response = client.post(url, {"name": "Nieuwco", "kind": "sme", "country": "BE",
                                 "enterprise_number": "0403.170.701"})
    org = Organization.objects.get(name="Nieuwco")
    assert response.url == reverse("site_create", args=[org.slug])


def test_logo_must_be_a_small_image(client, world):
    client.force_login(world.owner)
    url = reverse("organization_edit", args=["genk-precision"])
    data = {"name": "Genk Precision NV", "kind": "manufacturer", "country": "BE"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"#!/bin/sh\necho pwned", content_type="image/png")
    response = client.post(url, {**data, "logo": fake})
    assert "PNG, JPEG, WebP or GIF" in response.context["form"].errors["logo"][0]


def test_site_coordinates_out_of_range(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("site_create", args=["genk-precision"]),
                           {"name": "Hal 2", "city": "Genk", "country": "BE",
                            "latitude": "95", "longitude": "5.5"})
    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors


def test_outsider_cannot_edit_or_see_members(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("organization_edit", args=["genk-precision"])).status_code == 403
    assert client.get(reverse("organization_members", args=["genk-precision"])).status_code == 403
    # A non-admitted organization is invisible to outsiders: 404, as if it did not exist.
    assert client.get(reverse("organization_detail", args=["bolt-robotics"])).status_code == 404
    assert client.get(reverse("organization_edit", args=["bolt-robotics"])).status_code == 404


def test_member_cannot_remove_the_last_owner(client, world):
    owner = Membership.objects.get(user=world.owner)
    client.force_login(world.owner)
    response = client.post(reverse("membership_remove", args=["genk-precision", owner.pk]),
                           follow=True)
    assert "keeps at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_operator_approves_from_the_applications_page(client, world):
    from fabshare.network import services

    nm = services.network_apply(actor=world.founder, network=world.network,
                                organization=world.startup)
    client.force_login(world.owner)
    url = reverse("network_membership_decide", args=["limburg", nm.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(world.operator)
    client.post(url, {"decision": "approve"})
    nm.refresh_from_db()
    assert nm.status == NetworkMembershipStatus.APPROVED


def test_directory_filters_by_distance(client, world):
    far = OrganizationFactory(name="Drachten Plastics BV", country="NL")
    SiteFactory(organization=far, city="Drachten", latitude=53.1066, longitude=6.0986)
    NetworkMembershipFactory(network=world.network, organization=far)
    page = client.get(reverse("network_detail", args=["limburg"]),
                      {"place": "Hasselt", "radius": 50})
    names = [e.organization.name for e in page.context["page"]]
    assert names == ["Genk Precision NV"]
    bad = client.get(reverse("network_detail", args=["limburg"]), {"place": "91, 5"})
    assert "between -90 and 90" in bad.context["form"].errors["place"][0]


@pytest.mark.parametrize("extra", [0, 30])
def test_directory_and_organization_pages_cost_bounded_queries(
    client, world, django_assert_max_num_queries, extra
):
    for i in range(extra):
        org = OrganizationFactory(name=f"Bulk {i} NV", certifications=["ISO 9001"])
        SiteFactory(organization=org)
        SiteFactory(organization=org, is_main=False)
        NetworkMembershipFactory(network=world.network, organization=org).clusters.add(
            world.automotive)
    client.force_login(world.owner)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("network_detail", args=["limburg"]),
                          {"cluster": "automotive"}).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("organization_detail", args=["genk-precision"])
                          ).status_code == 200


def test_operator_invites_the_first_owner_of_an_imported_organization(client, world):
    imported = OrganizationFactory(name="Imported Gieterij NV")
    NetworkMembershipFactory(network=world.network, organization=imported)
    url = reverse("organization_members", args=[imported.slug])
    client.force_login(world.outsider)
    assert client.post(url, {"email": "boss@gieterij.example", "role": "owner"}
                       ).status_code == 403
    client.force_login(world.operator)
    page = client.get(url)
    assert page.context["first_owner"] and page.context["form"]["role"].value() == "owner"
    client.post(url, {"email": "boss@gieterij.example", "role": "owner"})
    invitation = imported.invitations.get()
    assert (invitation.email, invitation.role) == ("boss@gieterij.example", "owner")
    # Once someone belongs to it, the organization's own admins take over.
    from tests.factories import MembershipFactory

    MembershipFactory(organization=imported, role="owner")
    assert client.post(url, {"email": "x@gieterij.example", "role": "member"}
                       ).status_code == 403


def test_a_site_with_resources_cannot_be_removed(client, world):
    from tests.factories import ResourceFactory

    site = world.factory.sites.get()
    ResourceFactory(organization=world.factory, site=site)
    client.force_login(world.owner)
    response = client.post(reverse("site_delete", args=["genk-precision", site.pk]), follow=True)
    assert "Resources are listed at this site" in response.content.decode()
    assert world.factory.sites.filter(pk=site.pk).exists()
