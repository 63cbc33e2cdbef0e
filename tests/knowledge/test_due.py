"""The periodic work, by travelling in time (never sleeping): offers lapse after 48 hours and
pass on, registration closes at its deadline, reminders go out once, a day before a session."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from fabshare.core.errors import Conflict, DomainError
from fabshare.knowledge import services
from fabshare.knowledge.models import RegistrationStatus
from tests.knowledge.conftest import NOW, make_event, register

S = RegistrationStatus


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent(): …`` delivers the e-mails the services queue on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_offer_lapses_after_48_hours_and_passes_to_the_next(
        world, smes, clock, sent, mailoutbox):
    event = make_event(world, capacity=1)
    first = register(event, *smes.person(0))
    second = register(event, *smes.person(1))
    third = register(event, *smes.person(2))
    services.registration_cancel(actor=first.attendee, registration=first)
    second.refresh_from_db()
    assert second.status == S.OFFERED
    assert second.offer_expires_at == NOW + timedelta(hours=48)

    clock.move_to(NOW + timedelta(hours=47, minutes=59))
    assert services.run_due().offers_expired == 0

    clock.move_to(NOW + timedelta(hours=48))
    with sent():
        counts = services.run_due()
    assert (counts.offers_expired, counts.offers_made) == (1, 1)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.EXPIRED
    assert third.status == S.OFFERED
    assert third.offer_expires_at == NOW + timedelta(hours=96)
    subjects = [(m.to[0], m.subject) for m in mailoutbox]
    assert (second.attendee.email, "Offer expired: Lean masterclass") in subjects
    assert (third.attendee.email, "A seat is free for you: Lean masterclass") in subjects
    with pytest.raises(Conflict):  # too late for the one who let it lapse
        services.offer_accept(actor=second.attendee, registration=second)


def test_an_offer_cannot_be_taken_after_it_expires_even_before_the_worker_runs(
        world, smes, clock):
    event = make_event(world, capacity=1)
    first = register(event, *smes.person(0))
    second = register(event, *smes.person(1))
    services.registration_cancel(actor=first.attendee, registration=first)
    clock.move_to(NOW + timedelta(hours=49))
    second.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        services.offer_accept(actor=second.attendee, registration=second)
    assert "expired" in exc.value.message


def test_offers_never_outlast_the_start_of_the_event(world, smes, clock):
    event = make_event(world, capacity=1)  # first session 14 days after NOW
    first = register(event, *smes.person(0))
    second = register(event, *smes.person(1))
    clock.move_to(event.starts_at - timedelta(hours=5))
    services.registration_cancel(actor=first.attendee, registration=first)
    second.refresh_from_db()
    assert second.offer_expires_at == event.starts_at


def test_registration_closes_at_the_deadline(world, smes, clock):
    event = make_event(world)
    clock.move_to(event.registration_deadline)
    assert register(event, *smes.person(0), now=None).status == S.CONFIRMED
    clock.move_to(event.registration_deadline + timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        register(event, *smes.person(1), now=None)
    assert exc.value.field == "registration_deadline"


def test_reminders_go_out_once_a_day_before_each_session(world, smes, clock, sent, mailoutbox):
    event = make_event(world, count=2)
    confirmed = register(event, *smes.person(0))
    register(event, *smes.person(1))
    waiting_event = make_event(world, capacity=1, title="Other")
    register(waiting_event, *smes.person(2))
    first, second = event.sessions.all()

    clock.move_to(first.starts_at - timedelta(hours=25))
    assert services.run_due().reminders == 0

    clock.move_to(first.starts_at - timedelta(hours=23))
    out = StringIO()
    with sent():
        call_command("knowledge_due", stdout=out)
    assert "reminders sent: 3" in out.getvalue()  # two for this event, one for "Other"
    reminders = [m for m in mailoutbox if m.subject.startswith("Reminder: Lean masterclass")]
    assert sorted(m.to[0] for m in reminders) == sorted(
        [confirmed.attendee.email, smes.person(1)[1].email])
    assert "Theme 1" in reminders[0].body

    clock.move_to(first.starts_at - timedelta(hours=1))
    assert services.run_due().reminders == 0  # never twice

    clock.move_to(second.starts_at - timedelta(hours=2))
    assert services.run_due().reminders == 3


def test_cancelled_registrations_get_no_reminder(world, smes, clock):
    event = make_event(world, count=1)
    registration = register(event, *smes.person(0))
    services.registration_cancel(actor=registration.attendee, registration=registration)
    clock.move_to(event.starts_at - timedelta(hours=3))
    assert services.run_due().reminders == 0


def test_loop_interval_is_checked():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("knowledge_due", "--loop", "--interval", "1")
