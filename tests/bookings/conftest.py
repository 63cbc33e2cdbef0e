"""Bookings fixtures: the world's factory offers a machine with a window of free time over the
next 60 days at EUR 95/h; the startup's founder books it."""

from datetime import UTC, datetime, timedelta

import pytest

# A fixed "now" (a Monday 09:00 Brussels) so periods and fees are exact; tests travel from here.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def at(days: float, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def offered_machine(organization, *, price=9500, minimum=1, days=60, start=None, **kwargs):
    from fabshare.availability.models import AvailabilityWindow
    from fabshare.availability.services import free_time_refresh
    from tests.factories import ResourceFactory

    resource = ResourceFactory(organization=organization, price_per_hour_cents=price,
                               minimum_booking_hours=minimum, **kwargs)
    start = start or NOW - timedelta(days=1)
    AvailabilityWindow.objects.create(resource=resource, start=start,
                                      end=start + timedelta(days=days))
    free_time_refresh(resource=resource, now=NOW)
    return resource


@pytest.fixture
def clock():
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def machine(world, clock):
    return offered_machine(world.factory)


@pytest.fixture
def request_booking(world, machine):
    """Make a booking request as the founder (default: day 3, 08:00–12:00 UTC)."""
    from fabshare.bookings.services import booking_request

    def make(start=None, end=None, **kwargs):
        kwargs.setdefault("actor", world.founder)
        kwargs.setdefault("resource", machine)
        return booking_request(start=start or at(3), end=end or at(3, 4), **kwargs)

    return make
