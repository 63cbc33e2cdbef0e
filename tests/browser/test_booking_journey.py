"""The booking journey in real Chromium against the live server: a start-up requests a
machine from its page, the provider counter-offers another period and price, the start-up
accepts, both see the booking in the resource calendar and their personal calendar feed, the
booking runs and is completed, and both sides review (published once both have).

The clock is moved with time-machine (it patches the whole process, so the live server's
thread follows) to after the booking's end; nothing sleeps."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from fabshare.availability.models import AvailabilityWindow
from fabshare.availability.services import free_time_refresh
from fabshare.bookings import services
from fabshare.bookings.models import Booking, Review
from fabshare.network.models import Role
from tests.browser.conftest import body_of
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
)

pytestmark = pytest.mark.browser


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def cast(transactional_db):
    class Cast:
        pass

    c = Cast()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg")
    c.factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    SiteFactory(organization=c.factory, city="Genk")
    NetworkMembershipFactory(network=network, organization=c.factory)
    c.provider = MembershipFactory(organization=c.factory, role=Role.ADMIN,
                                   user__email="provider@genk.example").user
    c.startup = OrganizationFactory(name="Bolt Robotics BV", slug="bolt-robotics",
                                    kind="startup")
    NetworkMembershipFactory(network=network, organization=c.startup)
    c.seeker = MembershipFactory(organization=c.startup, role=Role.OWNER,
                                 user__email="seeker@bolt.example").user
    c.machine = ResourceFactory(organization=c.factory, name="DMU 65 monoBLOCK",
                                slug="dmu-65", price_per_hour_cents=9500)
    day = timezone.localdate() + timedelta(days=3)
    c.start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())
                                  ) + timedelta(hours=8)
    AvailabilityWindow.objects.create(resource=c.machine, start=c.start - timedelta(days=1),
                                      end=c.start + timedelta(days=10))
    free_time_refresh(resource=c.machine)
    return c


def test_request_counter_accept_calendar_complete_review(signed_in_page, cast, mailbox):
    seeker = signed_in_page(cast.seeker)
    provider = signed_in_page(cast.provider)

    # --- the seeker requests the machine for 08:00–12:00 from its page ---------------------
    seeker.goto("/resources/dmu-65/")
    seeker.get_by_role("link", name="Request booking").click()
    form = seeker.get_by_test_id("booking-form")
    form.get_by_label("From").fill(local(cast.start))
    form.get_by_label("Until").fill(local(cast.start + timedelta(hours=4)))
    form.get_by_label("Note to the provider").fill("40 aluminium brackets.")
    form.get_by_role("button", name="Send request").click()
    expect(seeker.get_by_test_id("booking-status")).to_have_text("Requested")
    expect(seeker.get_by_test_id("price")).to_contain_text("380.00")
    booking = Booking.objects.get()

    # --- the provider is told by e-mail and in the notification centre, and counters --------
    mail = mailbox.to("provider@genk.example", "Booking request: DMU 65 monoBLOCK")
    assert f"/bookings/{booking.pk}/" in body_of(mail)
    provider.goto("/notifications/")
    provider.get_by_role("link", name="Booking request: DMU 65 monoBLOCK").click()
    counter = provider.get_by_test_id("counter-form")
    counter.get_by_label("From").fill(local(cast.start + timedelta(days=1)))
    counter.get_by_label("Until").fill(local(cast.start + timedelta(days=1, hours=5)))
    counter.get_by_label("Price excl. VAT").fill("450")
    counter.get_by_role("button", name="Send counter-offer").click()
    expect(provider.get_by_test_id("booking-status")).to_have_text("Counter-offer")

    # --- the seeker accepts the counter-offer ----------------------------------------------
    mailbox.to("seeker@bolt.example", "Counter-offer: DMU 65 monoBLOCK")
    seeker.reload()
    expect(seeker.get_by_test_id("price")).to_contain_text("544.50")  # 450 + 21 % VAT
    seeker.get_by_test_id("actions").get_by_role("button", name="Accept").click()
    expect(seeker.get_by_test_id("booking-status")).to_have_text("Confirmed")
    mailbox.to("provider@genk.example", "Booking confirmed: DMU 65 monoBLOCK")

    # --- both see it in the resource calendar and in their personal feed --------------------
    day = timezone.localtime(cast.start + timedelta(days=1)).date()
    for page in (seeker, provider):
        page.goto(f"/resources/dmu-65/availability/?date={day:%Y-%m-%d}")
        expect(page.locator("li.fs-block[data-kind='booked']")).to_have_count(1)
        page.goto("/bookings/")
        expect(page.get_by_test_id("bookings")).to_contain_text("DMU 65 monoBLOCK")
        feed = page.request.get(page.get_by_test_id("feed-url").input_value())
        assert feed.ok and "Booked: DMU 65 monoBLOCK" in feed.text()

    # --- the booking runs and the provider completes it ---------------------------------------
    end = cast.start + timedelta(days=1, hours=5)
    with time_machine.travel(end + timedelta(minutes=5), tick=True):
        services.bookings_due()
        provider.goto(f"/bookings/{booking.pk}/")
        expect(provider.get_by_test_id("booking-status")).to_have_text("In progress")
        provider.get_by_test_id("actions").get_by_role("button", name="Mark completed").click()
        expect(provider.get_by_test_id("booking-status")).to_have_text("Completed")

        # --- both review; the reviews appear once both have written theirs ------------------
        provider.get_by_test_id("review-form").get_by_label("Rating").select_option("5")
        provider.get_by_test_id("review-form").get_by_label("Review").fill("Clear drawings.")
        provider.get_by_role("button", name="Publish review").click()
        expect(provider.get_by_test_id("review")).to_contain_text("not published yet")
        seeker.goto(f"/bookings/{booking.pk}/")
        expect(seeker.get_by_test_id("review")).to_have_count(0)  # blind
        seeker.get_by_test_id("review-form").get_by_label("Rating").select_option("4")
        seeker.get_by_test_id("review-form").get_by_label("Review").fill("Precise work.")
        seeker.get_by_role("button", name="Publish review").click()
        expect(seeker.get_by_test_id("review")).to_have_count(2)
        expect(seeker.locator("#reviews")).not_to_contain_text("not published yet")
    assert Review.objects.filter(published_at__isnull=False).count() == 2
