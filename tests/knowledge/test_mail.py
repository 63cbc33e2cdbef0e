"""The e-mails of registration through a real SMTP server (aiosmtpd) started by the test: the
confirmation with the ticket, the waitlist place, the 48-hour offer, the reminder — each in
the recipient's language and time zone."""

from datetime import timedelta

from fabshare.knowledge import services
from tests.browser.conftest import body_of, mailbox  # noqa: F401 - the SMTP server fixture
from tests.knowledge.conftest import make_event, register


def test_registration_waitlist_offer_and_reminder_mails(
        world, smes, settings, mailbox, django_capture_on_commit_callbacks, clock):  # noqa: F811
    settings.FABSHARE_SITE_URL = "https://fabshare.example"
    event = make_event(world, capacity=1, count=2)
    org0, first = smes.person(0)
    org1, second = smes.person(1)
    second.language = "en"
    second.time_zone = "Europe/Amsterdam"
    second.save(update_fields=["language", "time_zone"])
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = register(event, org0, first)
        waiting = register(event, org1, second)

    message = mailbox.to(first.email, "Registered: Lean masterclass")
    body = body_of(message)
    assert "Your seat is confirmed." in body
    assert f"https://fabshare.example/events/tickets/{confirmed.ticket}/" in body
    assert "Theme 1" in body and "Theme 2" in body
    body = body_of(mailbox.to(second.email, "Waitlist: Lean masterclass"))
    assert "Your place in line: 1." in body

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=first, registration=confirmed)
    body = body_of(mailbox.to(second.email, "A seat is free for you: Lean masterclass"))
    # 2 March 08:00 UTC + 48 h = Wednesday 4 March 09:00 in Amsterdam.
    assert "before Wed 4 Mar 2026 09:00" in body
    assert f"/events/tickets/{waiting.ticket}/" in body
    services.offer_accept(actor=second, registration=waiting)

    clock.move_to(event.starts_at - timedelta(hours=12))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_due().reminders == 1
    message = mailbox.to(second.email, "Reminder: Lean masterclass")
    assert "Genk" in body_of(message)
    assert len([m for m in mailbox.messages if m["Subject"].startswith("Reminder")]) == 1
