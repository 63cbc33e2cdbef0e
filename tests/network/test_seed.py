"""The ``seed`` command: the demo data it loads, the logins it prints, and that it is safe to
run again."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from stdnum.be import vat as be_vat

from fabshare.network import demo
from fabshare.network.models import (
    AuditEntry,
    Invitation,
    JoinRequest,
    Membership,
    Network,
    NetworkMembership,
    Organization,
    Role,
    Site,
    User,
)

# Generous boxes around each region (min lat, max lat, min lon, max lon), drawn from the map,
# not from the demo data: a site with swapped or mistyped coordinates falls outside.
REGION_BOXES = {
    "limburg": (50.68, 51.32, 4.98, 5.92),  # Belgian Limburg
    "west-vlaanderen": (50.68, 51.38, 2.53, 3.50),  # coast to Waregem
    "noord-nederland": (52.60, 53.60, 5.15, 7.25),  # Friesland, Groningen, Drenthe
}
LOGIN_LINE = re.compile(r"^\s+(\S+@\S+)\s{2,}\S", re.MULTILINE)


def seed(*args) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once for the module (the demo takes several seconds); roll it all back at the
    end so other modules start from an empty database. Each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        from django.apps import apps

        from fabshare.catalog.vocabulary import sync_from_apps
        from fabshare.network.models import Certification

        if not Certification.objects.exists():  # a transactional test flushed it
            sync_from_apps(apps)
        # The suite's fast hasher, so the printed logins can be checked (tests/conftest.py).
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ):
            yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_networks_and_organizations(seeded):
    networks = {n.slug: n for n in Network.objects.prefetch_related("clusters", "operators")}
    assert set(networks) == {"limburg", "west-vlaanderen", "noord-nederland"}
    limburg = networks["limburg"]
    assert limburg.name == "Limburg Maakt"
    assert limburg.languages == ["nl", "en", "fr"]
    assert {c.name for c in limburg.clusters.all()} == {
        "Automotive", "New materials", "Machine building", "Food"}
    assert networks["noord-nederland"].languages == ["nl", "en", "de"]
    policies = sorted(n.admission_policy for n in networks.values())
    assert policies == ["approval", "approval", "open"]
    for slug, network in networks.items():
        emails = {u.email for u in network.operators.all()}
        assert {f"operator.{slug}@fabshare.test", "admin@fabshare.test"} <= emails

    assert Organization.objects.count() >= 55
    assert set(Organization.objects.values_list("kind", flat=True)) == {
        "manufacturer", "sme", "startup", "knowledge", "support"}
    # Every organization has an owner; every role occurs.
    assert not Organization.objects.exclude(memberships__role=Role.OWNER).exists()
    assert set(Membership.objects.values_list("role", flat=True)) == {"owner", "admin", "member"}


def test_sites_lie_in_their_region_and_enterprise_numbers_are_valid(seeded):
    assert Site.objects.count() == sum(len(o.sites) for o in demo.ORGANIZATIONS)
    assert sum(len(o.sites) > 1 for o in demo.ORGANIZATIONS) >= 2
    for data in demo.ORGANIZATIONS:
        organization = Organization.objects.get(name=data.name)
        min_lat, max_lat, min_lon, max_lon = REGION_BOXES[data.home_network]
        sites = list(organization.sites.all())
        assert len(sites) == len(data.sites), data.name
        assert sum(site.is_main for site in sites) == 1, data.name
        for site in sites:
            assert min_lat <= site.latitude <= max_lat, (data.name, site.city)
            assert min_lon <= site.longitude <= max_lon, (data.name, site.city)

    belgian = Organization.objects.filter(country="BE")
    dutch = Organization.objects.filter(country="NL")
    assert belgian.count() >= 20
    assert dutch.count() >= 15
    for organization in belgian:
        assert be_vat.is_valid(organization.enterprise_number), organization.name
    for organization in dutch:
        assert re.fullmatch(r"\d{8}", organization.enterprise_number), organization.name


def test_people_and_open_cases(seeded):
    assert set(User.objects.values_list("language", flat=True)) == {"nl", "en", "fr", "de"}
    assert User.objects.get(email="admin@fabshare.test").is_superuser
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert EmailAddress.objects.filter(primary=True).count() == User.objects.count()

    statuses = {
        (nm.organization.name, nm.network.slug): nm.status
        for nm in NetworkMembership.objects.select_related("organization", "network")
    }
    expected = {
        (data.name, application.network): application.outcome
        for data in demo.ORGANIZATIONS for application in data.applications
    }
    assert statuses == expected
    outcomes = list(statuses.values())
    assert outcomes.count("pending") >= 3
    assert outcomes.count("rejected") == 1
    assert outcomes.count("suspended") == 1
    invitation = Invitation.objects.get(status="pending")
    assert invitation.email == "newcomer@fabshare.test"
    assert invitation.is_open
    assert JoinRequest.objects.filter(status="pending").count() == 1
    # Written through the services, so the audit log tells the story.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"organization.create", "site.create", "invitation.accept",
            "network_membership.apply", "network_membership.approve",
            "network_membership.reject", "network_membership.suspend"} <= actions


def test_printed_logins_work_and_operator_sees_pending_applications(seeded, client):
    assert f"password for all: {demo.DEMO_PASSWORD}" in seeded
    logins = LOGIN_LINE.findall(seeded.split("Demo logins", 1)[1])
    assert len(logins) >= 8
    assert {"admin@fabshare.test", "founder@fabshare.test",
            "operator.limburg@fabshare.test"} <= set(logins)
    for email in logins:
        assert client.login(username=email, password=demo.DEMO_PASSWORD), email
        client.logout()
    client.login(username="admin@fabshare.test", password=demo.DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200

    client.login(username="operator.limburg@fabshare.test", password=demo.DEMO_PASSWORD)
    page = client.get("/networks/limburg/applications/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Perovia Solar BV" in body
    assert "Brustem Aero Parts BV" in body
    assert "Kolenspoor Precision NV" not in body  # approved, not on the pending tab


def test_seed_again_with_if_empty_changes_nothing(seeded):
    models = (User, Organization, Site, Membership, NetworkMembership, AuditEntry, Invitation)
    before = {model: model.objects.count() for model in models}
    output = seed("--if-empty")
    assert "left as it is" in output
    assert "founder@fabshare.test" in output  # the logins are printed again
    assert {model: model.objects.count() for model in models} == before


def test_seed_without_if_empty_refuses_to_duplicate(seeded):
    with pytest.raises(CommandError, match="already holds networks"):
        seed()
