"""Fifty people register at the same moment for the last five seats, each through their own
database connection: exactly five get a seat (quotas respected), everyone else joins the
waitlist in the order they got the lock, and a cancellation offers the seat to the first in
line. Real threads, real transactions (on PostgreSQL row locks; on SQLite IMMEDIATE
transactions serialize the writers)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from fabshare.core.errors import Conflict
from fabshare.knowledge import services
from fabshare.knowledge.models import Registration, RegistrationStatus
from tests.knowledge.conftest import NOW, SMEs, make_event

S = RegistrationStatus
CONTENDERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_registrations_for_the_last_five_seats(world):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Shared-cache in-memory SQLite takes table locks that fail at once instead of
        # waiting (no busy timeout), so threads cannot contend there; a SQLite file can.
        pytest.skip("the in-memory SQLite test database cannot queue concurrent writers")
    holders = SMEs(world, 10, people=2, prefix="holder")
    extra = SMEs(world, 10, people=5, prefix="contender")  # 10 organizations × 5 people
    event = make_event(world, capacity=25, quota=3)
    for org in holders.organizations:  # 20 seats taken, 2 per organization
        for person in holders.people[org.pk]:
            services.event_register(actor=person, event=event, organization=org, now=NOW)
    assert services.seats_taken(event) == 20

    barrier = threading.Barrier(CONTENDERS)
    errors: list[BaseException] = []
    people = [(org, person) for org in extra.organizations for person in extra.people[org.pk]]

    retries: list[int] = []

    def run(org, person):
        try:
            barrier.wait(timeout=30)
            for attempt in range(5):
                try:
                    services.event_register(actor=person, event=event, organization=org,
                                            now=NOW + timedelta(hours=1))
                    break
                except Conflict as exc:  # the lock wait is capped: a client retries
                    if "try again" not in exc.message or attempt == 4:
                        raise
                    retries.append(1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    mine = Registration.objects.filter(event=event, organization__in=extra.organizations)
    confirmed = list(mine.filter(status=S.CONFIRMED))
    assert len(confirmed) == 5
    assert services.seats_taken(event) == event.capacity == 25
    per_org = {}
    for registration in confirmed:
        per_org[registration.organization_id] = per_org.get(registration.organization_id, 0) + 1
    assert max(per_org.values()) <= 3
    waiting = list(mine.filter(status=S.WAITLISTED).order_by("queued_at", "pk"))
    assert len(waiting) == 45
    # The waitlist is in the order the registrations were written (their ids follow the lock).
    assert [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    assert [services.waitlist_position(r) for r in waiting] == list(range(1, 46))

    # Cancelling one seat offers it to the first in line whose organization is under quota.
    services.registration_cancel(actor=confirmed[0].attendee, registration=confirmed[0],
                                 now=NOW + timedelta(hours=2))
    offered = Registration.objects.get(event=event, status=S.OFFERED)
    by_org = {}
    for r in Registration.objects.filter(event=event, status__in=[S.CONFIRMED, S.OFFERED]):
        by_org[r.organization_id] = by_org.get(r.organization_id, 0) + 1
    first_eligible = next(r for r in waiting
                          if r.organization_id == offered.organization_id
                          or by_org.get(r.organization_id, 0) < 3)
    assert offered.pk == first_eligible.pk
    assert services.seats_taken(event) == 25
