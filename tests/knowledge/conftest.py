"""Fixtures for the knowledge tests: a masterclass hosted by the world's factory, and members of
several SMEs admitted to the same network who register for it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from fabshare.knowledge import services
from fabshare.network.models import Role
from tests.factories import (
    MembershipFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def _frozen(request):
    """Every knowledge test runs at ``NOW`` unless it travels on (``clock.move_to``)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clock(_frozen):
    return _frozen


def sessions(start: datetime, count: int, site, hours: int = 3) -> list[dict]:
    """``count`` weekly sessions of ``hours`` hours at ``site``."""
    return [{"title": f"Theme {n + 1}", "starts_at": start + timedelta(weeks=n),
             "ends_at": start + timedelta(weeks=n, hours=hours), "site": site,
             "speaker": "Plant manager"} for n in range(count)]


def make_event(world, *, capacity=10, quota=None, count=3, now=NOW, **extra):
    site = world.factory.sites.first()
    fields = {"title": "Lean masterclass", "kind": "masterclass", "theme": "innovation",
              "language": "en", "capacity": capacity, "quota_per_organization": quota,
              "registration_deadline": now + timedelta(days=10), **extra}
    return services.event_create(actor=world.admin, host=world.factory, network=world.network,
                                 sessions=sessions(now + timedelta(days=14), count, site),
                                 **fields)


class SMEs:
    """``n`` organizations admitted to the world's network, each with ``people`` members."""

    def __init__(self, world, n: int, people: int = 3, prefix: str = "sme"):
        self.organizations = []
        self.people = {}
        for i in range(n):
            org = OrganizationFactory(name=f"{prefix.title()} {i:02d} BV",
                                      slug=f"{prefix}-{i:02d}", kind="sme")
            SiteFactory(organization=org, city="Hasselt", latitude=50.93, longitude=5.33)
            NetworkMembershipFactory(network=world.network, organization=org)
            self.organizations.append(org)
            self.people[org.pk] = [
                MembershipFactory(organization=org, role=Role.MEMBER if j else Role.ADMIN,
                                  user__email=f"p{j}@{prefix}-{i:02d}.example",
                                  user__full_name=f"Person {j} of {prefix.title()} {i:02d}").user
                for j in range(people)]

    def person(self, org_index: int, person_index: int = 0):
        org = self.organizations[org_index]
        return org, self.people[org.pk][person_index]


@pytest.fixture
def smes(world):
    return SMEs(world, 6)


def register(event, org, user, now=NOW, **kw):
    return services.event_register(actor=user, event=event, organization=org, now=now, **kw)
