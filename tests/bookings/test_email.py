"""E-mails about bookings reach a real SMTP server (aiosmtpd) started by the test: the people
who must act get the message, in their own language."""

import pytest

from fabshare.bookings import services
from tests.bookings.conftest import at
from tests.browser.conftest import Mailbox, _free_port, body_of


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


def test_request_counter_and_confirmation_mails(world, machine, smtp, request_booking,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = request_booking()
    for address in ("admin@example.com", "owner@example.com"):
        mail = smtp.to(address, f"Booking request: {machine.name}")
        assert "Bolt Robotics BV asks for" in body_of(mail)
        assert f"/bookings/{booking.pk}/" in body_of(mail)
    # The seeker hears nothing about their own request, nor does the provider's plain member.
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == [
        "admin@example.com", "owner@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_transition(actor=world.admin, booking=booking, action="counter",
                                    start=at(4), end=at(4, 4), price_cents=41000)
    counter = smtp.to("founder@example.com", f"Counter-offer: {machine.name}")
    assert "Genk Precision NV proposes" in body_of(counter)
    assert "€ 410.00" in body_of(counter)
    # The admin who countered is not told about their own action; the owner is not either
    # (the counter waits for the seeker).
    assert not [m for m in smtp.messages if "Counter-offer" in m["Subject"]
                and "founder@" not in m["X-Envelope-To"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_transition(actor=world.founder, booking=booking, action="accept")
    for address in ("admin@example.com", "owner@example.com"):
        assert "Bolt Robotics BV accepted" in body_of(
            smtp.to(address, f"Booking confirmed: {machine.name}"))


def test_each_recipient_reads_in_their_language_and_zone(world, machine, smtp, request_booking,
                                                        django_capture_on_commit_callbacks):
    """Rendered under each recipient's language and time zone, not the actor's: numbers and
    dates follow the language, times the zone."""
    from django.utils import translation

    world.owner.language, world.owner.time_zone = "de", "America/New_York"
    world.owner.save(update_fields=["language", "time_zone"])
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        request_booking()
    owner = body_of(smtp.to("owner@example.com"))
    admin = body_of(smtp.to("admin@example.com"))
    # 2026-03-05 08:00 UTC is 09:00 in Brussels and 03:00 in New York.
    assert "380,00 €" in owner and "05.03.2026 03:00" in owner  # German order
    assert "€ 380.00" in admin and "05/03/2026 09:00" in admin
