"""Registration rules: seats, quotas, approval, the waitlist in order, cancellations that offer
the seat to the next in line, and bad input that is refused with nothing half-written."""

from datetime import timedelta

import pytest

from fabshare.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from fabshare.knowledge import services
from fabshare.knowledge.models import Event, Registration, RegistrationStatus, Session
from tests.knowledge.conftest import NOW, make_event, register, sessions

S = RegistrationStatus


def test_seats_then_waitlist_in_order(world, smes):
    event = make_event(world, capacity=3)
    statuses = []
    for i in range(5):
        org, person = smes.person(i)
        statuses.append(register(event, org, person).status)
    assert statuses == [S.CONFIRMED] * 3 + [S.WAITLISTED] * 2
    waiting = Registration.objects.filter(event=event, status=S.WAITLISTED).order_by("queued_at")
    assert [services.waitlist_position(r) for r in waiting] == [1, 2]


def test_quota_per_organization_sends_the_third_colleague_to_the_waitlist(world, smes):
    event = make_event(world, capacity=10, quota=2)
    org, _ = smes.person(0)
    results = [register(event, org, person).status for person in smes.people[org.pk]]
    assert results == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    other, person = smes.person(1)
    assert register(event, other, person).status == S.CONFIRMED


def test_member_registers_a_colleague_but_not_a_stranger(world, smes):
    event = make_event(world)
    org, admin = smes.person(0, 0)
    _, colleague = smes.person(0, 1)
    registration = register(event, org, admin, attendee=colleague)
    assert registration.attendee == colleague and registration.registered_by == admin
    _, stranger = smes.person(1)
    with pytest.raises(DomainError) as exc:
        register(event, org, admin, attendee=stranger)
    assert exc.value.field == "attendee"


def test_cancel_offers_the_seat_to_the_first_in_line_and_accepting_confirms(world, smes):
    event = make_event(world, capacity=2)
    first = register(event, *smes.person(0))
    register(event, *smes.person(1))
    waiting_1 = register(event, *smes.person(2))
    waiting_2 = register(event, *smes.person(3))
    services.registration_cancel(actor=first.attendee, registration=first, now=NOW)
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == S.OFFERED
    assert waiting_1.offer_expires_at == NOW + timedelta(hours=48)
    assert waiting_2.status == S.WAITLISTED and services.waitlist_position(waiting_2) == 1
    services.offer_accept(actor=waiting_1.attendee, registration=waiting_1, now=NOW)
    waiting_1.refresh_from_db()
    assert waiting_1.status == S.CONFIRMED
    assert services.seats_taken(event) == 2


def test_promotion_skips_people_whose_organization_is_at_quota(world, smes):
    event = make_event(world, capacity=3, quota=2)
    org0 = smes.organizations[0]
    a, b, c = smes.people[org0.pk]
    register(event, org0, a)
    register(event, org0, b)
    third = register(event, *smes.person(1))
    c_reg = register(event, org0, c)  # quota full: waits although... the event is now full
    d_reg = register(event, *smes.person(2))
    assert c_reg.status == d_reg.status == S.WAITLISTED
    services.registration_cancel(actor=third.attendee, registration=third, now=NOW)
    c_reg.refresh_from_db()
    d_reg.refresh_from_db()
    assert c_reg.status == S.WAITLISTED  # org 0 still holds 2 seats
    assert d_reg.status == S.OFFERED


def test_approval_holds_the_seat_until_the_host_decides(world, smes):
    event = make_event(world, capacity=1, requires_approval=True)
    pending = register(event, *smes.person(0))
    waiting = register(event, *smes.person(1))
    assert (pending.status, waiting.status) == (S.PENDING, S.WAITLISTED)
    with pytest.raises(PermissionDenied):
        services.registration_decide(actor=smes.person(1)[1], registration=pending,
                                     approve=True)
    services.registration_decide(actor=world.admin, registration=pending, approve=False, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_host_cancels_a_registration_and_the_attendee_is_told(
        world, smes, mailoutbox, django_capture_on_commit_callbacks):
    event = make_event(world, capacity=1)
    registration = register(event, *smes.person(0))
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=world.admin, registration=registration, now=NOW)
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert "The host cancelled it" in mailoutbox[-1].body
    with pytest.raises(PermissionDenied):
        services.registration_cancel(actor=world.outsider, registration=registration)


def test_network_only_event_refuses_organizations_outside_the_network(world, smes):
    event = make_event(world, visibility="network")
    with pytest.raises(PermissionDenied) as exc:
        register(event, world.startup, world.founder)
    assert "members of Limburg Maakt" in exc.value.message
    assert register(event, *smes.person(0)).status == S.CONFIRMED


# --- bad input: a clear error, nothing written -----------------------------------------------


def _counts():
    return Event.objects.count(), Session.objects.count(), Registration.objects.count()


def test_session_that_ends_before_it_starts_writes_nothing(world):
    site = world.factory.sites.first()
    rows = sessions(NOW + timedelta(days=14), 3, site)
    rows[1]["ends_at"] = rows[1]["starts_at"] - timedelta(hours=1)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.event_create(actor=world.admin, host=world.factory, network=world.network,
                              sessions=rows, title="Broken", kind="training",
                              theme="talent", capacity=5,
                              registration_deadline=NOW + timedelta(days=5))
    assert exc.value.message.startswith("Session 2: the session ends")
    assert _counts() == before


def test_quota_above_capacity_is_refused(world):
    with pytest.raises(DomainError) as exc:
        make_event(world, capacity=4, quota=5)
    assert exc.value.field == "quota_per_organization"
    assert "above the capacity of 4" in exc.value.message
    assert Event.objects.count() == 0


def test_capacity_below_seats_taken_is_refused(world, smes):
    event = make_event(world, capacity=5)
    for i in range(4):
        register(event, *smes.person(i))
    with pytest.raises(Conflict) as exc:
        services.event_update(actor=world.admin, event=event, capacity=3)
    assert exc.value.field == "capacity" and "4 seats are already taken" in exc.value.message
    event.refresh_from_db()
    assert event.capacity == 5


def test_larger_capacity_offers_seats_to_the_waitlist(world, smes):
    event = make_event(world, capacity=1)
    register(event, *smes.person(0))
    waiting = register(event, *smes.person(1))
    services.event_update(actor=world.admin, event=event, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_duplicate_registration_is_a_conflict(world, smes):
    event = make_event(world)
    org, person = smes.person(0)
    register(event, org, person)
    with pytest.raises(Conflict) as exc:
        register(event, org, person)
    assert "already registered" in exc.value.message
    assert Registration.objects.filter(event=event).count() == 1


def test_registration_after_the_deadline_and_before_opening(world, smes):
    event = make_event(world, registration_opens_at=NOW + timedelta(days=1))
    org, person = smes.person(0)
    with pytest.raises(DomainError) as exc:
        register(event, org, person, now=NOW)
    assert exc.value.field == "registration_opens_at"
    with pytest.raises(DomainError) as exc:
        register(event, org, person, now=event.registration_deadline + timedelta(seconds=1))
    assert exc.value.field == "registration_deadline"
    assert "has passed" in exc.value.message
    assert not Registration.objects.exists()


def test_paid_event_needs_invoice_details(world):
    with pytest.raises(DomainError) as exc:
        make_event(world, price_cents=15000)
    assert exc.value.field == "invoice_details"
    event = make_event(world, price_cents=15000, invoice_details="Invoice by Genk Precision")
    assert event.price_cents == 15000


def test_only_admins_of_the_host_publish(world):
    with pytest.raises(PermissionDenied):
        services.event_create(actor=world.member, host=world.factory, network=world.network,
                              sessions=[], title="x", kind="seminar", theme="talent",
                              capacity=3, registration_deadline=NOW)
    with pytest.raises(NotFound):
        services.event_create(actor=world.outsider, host=world.factory, network=world.network,
                              sessions=[], title="x", kind="seminar", theme="talent",
                              capacity=3, registration_deadline=NOW)


def test_unknown_field_is_named(world):
    with pytest.raises(DomainError) as exc:
        make_event(world, capacityy=3)
    assert "capacityy" in exc.value.message


def test_removing_the_last_session_or_an_attended_one_is_refused(world, smes):
    event = make_event(world, count=2)
    registration = register(event, *smes.person(0))
    first, second = event.sessions.all()
    services.attendance_set(actor=world.admin, registration=registration, session=first)
    with pytest.raises(Conflict):
        services.session_delete(actor=world.admin, session=first)
    services.session_delete(actor=world.admin, session=second)
    with pytest.raises(DomainError):
        services.session_delete(actor=world.admin, session=first)
