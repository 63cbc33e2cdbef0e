"""Shared fixtures: a small world of one network, two organizations and their people."""

import pytest

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _taxonomy(request):
    """The vocabulary a data migration loads; a transactional test's flush empties it, so put
    it back (an upsert: one cheap query when it is already there)."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        names.add("transactional_db")
    if {"transactional_db", "live_server"} & names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps

    from fabshare.catalog.vocabulary import sync_from_apps
    from fabshare.network.models import Certification

    if not Certification.objects.exists():
        sync_from_apps(apps)


@pytest.fixture(autouse=True)
def _english():
    """Every test starts in English, whatever a previous request in the same thread did."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A fast hasher: the suite creates hundreds of users; production keeps PBKDF2/Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Limburg network with an operator; a factory (owner, admin, member) and an outsider."""
    from fabshare.network.models import Role
    from tests.factories import (
        ClusterFactory,
        MembershipFactory,
        NetworkFactory,
        NetworkMembershipFactory,
        OrganizationFactory,
        SiteFactory,
        UserFactory,
    )

    class World:
        pass

    w = World()
    w.network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg")
    w.automotive = ClusterFactory(network=w.network, name="Automotive", slug="automotive")
    w.operator = UserFactory(email="operator@example.com")
    w.network.operators.add(w.operator)
    w.factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision",
                                    certifications=["ISO 9001"])
    SiteFactory(organization=w.factory, city="Genk", latitude=50.965, longitude=5.5008)
    w.factory_membership = NetworkMembershipFactory(network=w.network, organization=w.factory)
    w.factory_membership.clusters.add(w.automotive)
    w.owner = MembershipFactory(organization=w.factory, role=Role.OWNER,
                                user__email="owner@example.com").user
    w.admin = MembershipFactory(organization=w.factory, role=Role.ADMIN,
                                user__email="admin@example.com").user
    w.member = MembershipFactory(organization=w.factory, role=Role.MEMBER,
                                 user__email="member@example.com").user
    w.startup = OrganizationFactory(name="Bolt Robotics BV", slug="bolt-robotics",
                                    kind="startup")
    SiteFactory(organization=w.startup, city="Hasselt", latitude=50.9307, longitude=5.3325)
    w.founder = MembershipFactory(organization=w.startup, role=Role.OWNER,
                                  user__email="founder@example.com").user
    w.outsider = UserFactory(email="outsider@example.com")
    return w


# A small market for demand and matching (and the apps above them): see tests/market.py.
from tests.market import clock, market, need  # noqa: E402, F401
