"""Booking requests, holds, counter-offers, cancellation, periodic work, offers, threads and
reviews through the services (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from fabshare.availability.models import FreeSlot
from fabshare.bookings import services
from fabshare.bookings.models import Booking, Message, Offer, Review, Status
from fabshare.bookings.selectors import reputation_of, taken_intervals
from fabshare.core.errors import Conflict, DomainError, NotFound
from fabshare.demand.models import CapacityRequest
from fabshare.network.models import Notification
from tests.bookings.conftest import NOW, at, offered_machine


def _free(resource):
    return [(s.start, s.end) for s in FreeSlot.objects.filter(resource=resource)]


def test_request_holds_the_period_at_the_computed_price(world, machine, request_booking):
    booking = request_booking(note="Prototype brackets")
    assert booking.status == Status.REQUESTED and booking.awaiting == "provider"
    assert booking.price_cents == 4 * 9500 and booking.vat_cents == 7980
    assert booking.total_cents == 45980
    assert booking.hold_expires_at == NOW + timedelta(hours=48)
    # The free time loses the held hours at once; the calendar shows them as held.
    assert not any(s < at(3, 4) and e > at(3) for s, e in _free(machine))
    assert taken_intervals(machine, at(0), at(10), now=NOW) == {
        "held": [(at(3), at(3, 4))], "booked": []}
    # The provider's admins are told, in-app and by e-mail.
    titles = set(Notification.objects.filter(user__in=[world.owner, world.admin])
                 .values_list("title", flat=True))
    assert titles == {f"Booking request: {machine.name}"}


def test_overlap_is_a_409_naming_the_conflicting_period(world, machine, request_booking):
    request_booking()
    with pytest.raises(Conflict, match="already held or booked from"):
        request_booking(start=at(3, 3), end=at(3, 6))
    # Touching periods are fine.
    assert request_booking(start=at(3, 4), end=at(3, 6)).status == Status.REQUESTED


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    (at(3, 4), at(3), "end", "The end must come after the start."),
    (at(3), at(3), "end", "The end must come after the start."),
    (at(3), at(3, 0.1), "end", "at least 15 minutes"),
    (at(3), at(300), "end", "at most 90 days"),
    (at(-1), at(-1, 2), "start", "The start is in the past."),
    (at(58), at(62), "start", "not offered for the whole period"),
])
def test_bad_periods_are_refused_and_nothing_is_written(world, machine, request_booking,
                                                        start, end, field, message):
    with pytest.raises(DomainError, match=message) as caught:
        request_booking(start=start, end=end)
    assert caught.value.field == field
    assert not Booking.objects.exists() and not Notification.objects.exists()


def test_lead_time_and_unpriced_resources(world, clock, request_booking):
    far = offered_machine(world.factory, lead_time_days=5)
    with pytest.raises(DomainError, match="5 days' notice"):
        request_booking(resource=far)
    unpriced = offered_machine(world.factory, price=None)
    with pytest.raises(DomainError, match="no hourly price"):
        request_booking(resource=unpriced)


def test_minimum_booking_sets_the_price_of_short_periods(world, clock, request_booking):
    resource = offered_machine(world.factory, minimum=3)
    booking = request_booking(resource=resource, start=at(3), end=at(3, 1))
    assert booking.price_cents == 3 * 9500


def test_provider_cannot_book_its_own_resource(world, machine, request_booking):
    with pytest.raises(DomainError, match="owns this resource"):
        request_booking(actor=world.admin)


def test_counter_offer_moves_the_hold_and_changes_the_price(world, machine, request_booking):
    booking = request_booking()
    services.booking_transition(actor=world.admin, booking=booking, action="counter",
                                start=at(4), end=at(4, 6), price_cents=50000)
    booking.refresh_from_db()
    assert (booking.status, booking.awaiting) == (Status.COUNTERED, "seeker")
    assert (booking.start, booking.end, booking.price_cents) == (at(4), at(4, 6), 50000)
    assert taken_intervals(machine, at(0), at(10), now=NOW)["held"] == [(at(4), at(4, 6))]
    # The seeker may counter the period back, but not the price.
    with pytest.raises(DomainError, match="Only the provider can change the price"):
        services.booking_transition(actor=world.founder, booking=booking, action="counter",
                                    start=at(5), end=at(5, 2), price_cents=1)
    services.booking_transition(actor=world.founder, booking=booking, action="accept")
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.price_cents == 50000
    assert taken_intervals(machine, at(0), at(10), now=NOW)["booked"] == [(at(4), at(4, 6))]


def test_counter_into_another_booking_is_a_conflict(world, machine, request_booking):
    first = request_booking()
    request_booking(start=at(5), end=at(5, 2))
    with pytest.raises(Conflict):
        services.booking_transition(actor=world.admin, booking=first, action="counter",
                                    start=at(5, 1), end=at(5, 3))
    first.refresh_from_db()
    assert (first.status, first.start) == (Status.REQUESTED, at(3))


def test_expired_holds_free_the_time(world, machine, request_booking, clock):
    booking = request_booking()
    clock.move_to(NOW + timedelta(hours=49))
    # Under the lock, an overdue hold is expired before counting: the period is free again.
    again = request_booking()
    booking.refresh_from_db()
    assert booking.status == Status.EXPIRED and again.status == Status.REQUESTED
    with pytest.raises(Conflict, match="hold has expired"):
        clock.move_to(NOW + timedelta(hours=49 + 49))
        services.booking_transition(actor=world.admin, booking=again, action="accept")


def test_bookings_due_expires_starts_and_completes(world, machine, request_booking, clock):
    held = request_booking(start=at(10), end=at(10, 2))
    confirmed = request_booking()
    services.booking_transition(actor=world.admin, booking=confirmed, action="accept")
    clock.move_to(at(2, 1))
    assert services.bookings_due()["expired"] == 1
    held.refresh_from_db()
    assert held.status == Status.EXPIRED
    clock.move_to(at(3, 1))
    call_command("bookings_due")
    confirmed.refresh_from_db()
    assert confirmed.status == Status.IN_PROGRESS
    clock.move_to(at(3 + 3, 3.9))  # not yet 3 days after the end
    assert services.bookings_due()["completed"] == 0
    clock.move_to(at(3 + 3, 4))
    assert services.bookings_due()["completed"] == 1
    confirmed.refresh_from_db()
    assert confirmed.status == Status.COMPLETED
    assert services.bookings_due() == {"expired": 0, "started": 0, "completed": 0,
                                       "offers_expired": 0, "reviews_published": 0}


def test_a_disputed_booking_is_not_auto_completed(world, machine, request_booking, clock):
    booking = request_booking()
    services.booking_transition(actor=world.admin, booking=booking, action="accept")
    clock.move_to(at(3, 1))
    services.bookings_due()
    services.booking_transition(actor=world.founder, booking=booking, action="dispute",
                                reason="Surface finish out of tolerance")
    clock.move_to(at(30))
    services.bookings_due()
    booking.refresh_from_db()
    assert booking.status == Status.DISPUTED


@pytest.mark.parametrize(("days_before", "fee"), [(3, 0), (1, 19000)])
def test_cancellation_fee_follows_the_policy(world, machine, request_booking, clock,
                                             days_before, fee):
    booking = request_booking()
    services.booking_transition(actor=world.admin, booking=booking, action="accept")
    clock.move_to(at(3 - days_before))
    services.booking_transition(actor=world.founder, booking=booking, action="cancel",
                                reason="Design changed")
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED and booking.cancellation_fee_cents == fee
    assert taken_intervals(machine, at(0), at(10)) == {"held": [], "booked": []}


def test_provider_cancelling_charges_no_fee_and_policy_is_per_resource(world, machine,
                                                                      request_booking, clock):
    services.cancellation_policy_set(actor=world.admin, resource=machine, free_until_days=7,
                                     fee_percent=100)
    booking = request_booking()
    services.booking_transition(actor=world.admin, booking=booking, action="accept")
    services.booking_transition(actor=world.admin, booking=booking, action="cancel")
    booking.refresh_from_db()
    assert booking.cancellation_fee_cents == 0
    other = request_booking()
    services.booking_transition(actor=world.admin, booking=other, action="accept")
    services.booking_transition(actor=world.founder, booking=other, action="cancel")
    other.refresh_from_db()
    assert other.cancellation_fee_cents == other.price_cents
    with pytest.raises(DomainError):
        services.cancellation_policy_set(actor=world.admin, resource=machine,
                                         free_until_days=3, fee_percent=101)


# --- offers ----------------------------------------------------------------------------------


@pytest.fixture
def open_request(world):
    return CapacityRequest.objects.create(organization=world.startup, created_by=world.founder,
                                          title="Housings for a gripper", status="open")


def test_offers_compare_and_accept(world, machine, clock, open_request):
    from tests.factories import MembershipFactory, OrganizationFactory

    rival = OrganizationFactory(name="Hasselt Laser BV")
    rival_admin = MembershipFactory(organization=rival, role="admin").user
    rival_machine = offered_machine(rival, price=8000)
    cheap = services.offer_create(actor=rival_admin, request=open_request,
                                  resource=rival_machine, start=at(5), end=at(5, 4),
                                  valid_until=at(2))
    dear = services.offer_create(actor=world.admin, request=open_request, resource=machine,
                                 start=at(4), end=at(4, 4), valid_until=at(2),
                                 price_cents=45000, conditions="Material supplied by you")
    assert (cheap.price_cents, dear.price_cents) == (32000, 45000)
    booking = services.offer_accept(actor=world.founder, offer=dear)
    assert booking.status == Status.CONFIRMED and booking.price_cents == 45000
    cheap.refresh_from_db()
    dear.refresh_from_db()
    assert (dear.status, cheap.status) == ("accepted", "rejected")
    open_request.refresh_from_db()
    assert open_request.status == "matched"
    with pytest.raises(Conflict):
        services.offer_accept(actor=world.founder, offer=cheap)


def test_offer_rules(world, machine, clock, open_request, request_booking):
    with pytest.raises(DomainError, match="expire before the period starts"):
        services.offer_create(actor=world.admin, request=open_request, resource=machine,
                              start=at(4), end=at(4, 4), valid_until=at(5))
    with pytest.raises(NotFound):  # not an admin of the resource's organization
        services.offer_create(actor=world.founder, request=open_request, resource=machine,
                              start=at(4), end=at(4, 4), valid_until=at(2))
    offer = services.offer_create(actor=world.admin, request=open_request, resource=machine,
                                  start=at(3), end=at(3, 4), valid_until=at(2))
    with pytest.raises(NotFound):
        services.offer_accept(actor=world.outsider, offer=offer)
    # Someone else took the time meanwhile: accepting is a 409 and the offer stays open.
    from tests.factories import MembershipFactory, OrganizationFactory

    other = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    request_booking(actor=other)
    with pytest.raises(Conflict):
        services.offer_accept(actor=world.founder, offer=offer)
    offer.refresh_from_db()
    assert offer.status == "open"
    clock.move_to(at(2))
    assert services.bookings_due()["offers_expired"] == 1


# --- threads and reviews ---------------------------------------------------------------------


def test_thread_with_attachments_and_limits(world, machine, request_booking, settings):
    booking = request_booking()
    drawing = SimpleUploadedFile("bracket.pdf", b"%PDF-1.4 drawing")
    message = services.message_post(actor=world.founder, booking=booking,
                                    body="Drawing attached", files=[drawing])
    assert message.side == "seeker" and message.attachments.get().name == "bracket.pdf"
    assert Notification.objects.filter(user=world.admin, kind="message").exists()
    settings.BOOKINGS_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.step", b"x" * 11)
    with pytest.raises(DomainError, match="big.step is 11"):
        services.message_post(actor=world.admin, booking=booking, body="Too big", files=[big])
    assert Message.objects.count() == 1
    with pytest.raises(DomainError, match="Write a message"):
        services.message_post(actor=world.admin, booking=booking, body="  ")
    with pytest.raises(NotFound):
        services.message_post(actor=world.outsider, booking=booking, body="hi")


def _completed(world, request_booking, clock):
    booking = request_booking()
    services.booking_transition(actor=world.admin, booking=booking, action="accept")
    clock.move_to(at(3, 1))
    services.bookings_due()
    services.booking_transition(actor=world.admin, booking=booking, action="complete")
    return booking


def test_reviews_are_blind_until_both_sides_reviewed(world, machine, request_booking, clock):
    booking = _completed(world, request_booking, clock)
    first = services.review_submit(actor=world.founder, booking=booking, rating=5,
                                   text="Spot on")
    assert first.published_at is None
    assert reputation_of([world.factory.pk]) == {}
    with pytest.raises(Conflict, match="already reviewed"):
        services.review_submit(actor=world.founder, booking=booking, rating=1)
    services.review_submit(actor=world.admin, booking=booking, rating=4, text="Clear brief")
    assert Review.objects.filter(published_at__isnull=False).count() == 2
    assert reputation_of([world.factory.pk, world.startup.pk]) == {world.factory.pk: (5.0, 1)}


def test_a_lone_review_is_published_after_14_days(world, machine, request_booking, clock):
    booking = _completed(world, request_booking, clock)
    services.review_submit(actor=world.founder, booking=booking, rating=3)
    clock.move_to(at(3, 1) + timedelta(days=14))
    assert services.bookings_due()["reviews_published"] == 1
    assert reputation_of([world.factory.pk]) == {world.factory.pk: (3.0, 1)}
    with pytest.raises(Conflict, match="review period"):
        services.review_submit(actor=world.admin, booking=booking, rating=3)


def test_reviews_need_a_completed_booking_and_a_sane_rating(world, machine, request_booking,
                                                           clock):
    booking = request_booking(start=at(5), end=at(5, 2))
    with pytest.raises(Conflict, match="Reviews open when the booking is completed"):
        services.review_submit(actor=world.founder, booking=booking, rating=5)
    booking = _completed(world, request_booking, clock)
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.review_submit(actor=world.founder, booking=booking, rating=6)
    assert not Offer.objects.exists()
