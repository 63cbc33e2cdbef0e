"""The booking pages and API: prefilled request form, tampered prices, bad input named by
field, who sees what, attachments, reviews, offers side by side, and the calendar feeds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabshare.availability.models import OrganizationCalendar
from fabshare.bookings import services
from fabshare.bookings.models import Booking, Message, Status
from fabshare.demand.models import CapacityRequest
from tests.bookings.conftest import at


def _form_time(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_request_form_is_prefilled_and_ignores_a_tampered_price(world, machine, client):
    client.force_login(world.founder)
    url = reverse("booking_new")
    page = client.get(url, {"resource": machine.pk, "start": at(3).isoformat(),
                            "end": at(3, 4).isoformat()})
    assert page.status_code == 200
    assert _form_time(at(3)) in page.content.decode()
    response = client.post(url, {"resource": machine.pk, "start": _form_time(at(3)),
                                 "end": _form_time(at(3, 4)), "price_cents": "1",
                                 "price": "0.01", "note": "Fixture plates"})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == f"/bookings/{booking.pk}/"
    assert booking.price_cents == 38000
    detail = client.get(response.url).content.decode()
    assert "380.00" in detail and "79.80" in detail and "459.80" in detail


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-03-05T13:00", "2026-03-05T09:00", "The end must come after the start."),
    ("2026-03-01T09:00", "2026-03-01T11:00", "The start is in the past."),
    ("2026-03-05T09:00", "", "This field is required."),
    ("2026-13-05T09:00", "2026-03-05T11:00", "Enter a valid date/time."),
])
def test_request_form_names_the_bad_field(world, machine, client, start, end, message):
    client.force_login(world.founder)
    response = client.post(reverse("booking_new"), {"resource": machine.pk, "start": start,
                                                    "end": end})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_api_refuses_prices_and_bad_input_and_answers_409_on_overlap(world, machine, client):
    client.force_login(world.founder)
    body = {"resource_id": machine.pk, "start": at(3).isoformat(), "end": at(3, 4).isoformat()}
    tampered = client.post("/api/v1/bookings", body | {"price_cents": 1},
                           content_type="application/json")
    assert tampered.status_code == 422
    assert tampered.json()["errors"] == [{"field": "price_cents", "message": "Unknown field."}]
    naive = client.post("/api/v1/bookings", body | {"start": "2026-03-05T09:00:00"},
                        content_type="application/json")
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "start"
    backwards = client.post("/api/v1/bookings", body | {"end": at(2).isoformat()},
                            content_type="application/json")
    assert backwards.status_code == 400
    assert backwards.json()["errors"] == [{"field": "end",
                                           "message": "The end must come after the start."}]
    created = client.post("/api/v1/bookings", body, content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert (data["price_cents"], data["vat_cents"], data["total_cents"]) == (38000, 7980, 45980)
    assert data["actions"] == ["withdraw"]
    clash = client.post("/api/v1/bookings", body, content_type="application/json")
    assert clash.status_code == 409
    assert clash["Content-Type"] == "application/problem+json"
    assert "already held or booked from" in clash.json()["detail"]
    assert Booking.objects.count() == 1


def test_booking_is_invisible_to_outsiders(world, machine, client, request_booking):
    booking = request_booking()
    client.force_login(world.outsider)
    assert client.get(reverse("booking_detail", args=[booking.pk])).status_code == 404
    assert client.get(f"/api/v1/bookings/{booking.pk}").status_code == 404
    assert client.get("/api/v1/bookings").json()["count"] == 0
    client.force_login(world.admin)
    assert client.get("/api/v1/bookings", {"role": "provider"}).json()["count"] == 1
    assert client.get("/api/v1/bookings", {"role": "seeker"}).json()["count"] == 0


def test_thread_page_with_attachment_download_and_size_limit(world, machine, client,
                                                            request_booking, settings):
    booking = request_booking()
    client.force_login(world.founder)
    url = reverse("booking_message", args=[booking.pk])
    response = client.post(url, {"body": "See the drawing",
                                 "files": [SimpleUploadedFile("part.pdf", b"%PDF-1.4 x")]})
    assert response.status_code == 302
    attachment = Message.objects.get().attachments.get()
    client.force_login(world.admin)
    download = client.get(reverse("booking_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    client.force_login(world.outsider)
    assert client.get(reverse("booking_attachment", args=[attachment.pk])).status_code == 404
    settings.BOOKINGS_ATTACHMENT_MAX_BYTES = 5
    client.force_login(world.admin)
    too_big = client.post(url, {"body": "Reply", "files": [
        SimpleUploadedFile("huge.step", b"0123456789")]})
    assert too_big.status_code == 400
    assert "huge.step is 10\xa0bytes; the limit is 5\xa0bytes." in too_big.content.decode()
    assert Message.objects.count() == 1


def test_api_threads_and_reviews(world, machine, client, request_booking, clock):
    booking = request_booking()
    client.force_login(world.admin)
    posted = client.post(f"/api/v1/bookings/{booking.pk}/messages", {"body": "Can do."},
                         content_type="application/json")
    assert posted.status_code == 201 and posted.json()["side"] == "provider"
    assert client.get(f"/api/v1/bookings/{booking.pk}/messages").json()["count"] == 1
    early = client.post(f"/api/v1/bookings/{booking.pk}/reviews", {"rating": 5},
                        content_type="application/json")
    assert early.status_code == 409
    services.booking_transition(actor=world.admin, booking=booking, action="accept")
    clock.move_to(at(3, 1))
    services.bookings_due()
    services.booking_transition(actor=world.admin, booking=booking, action="complete")
    bad = client.post(f"/api/v1/bookings/{booking.pk}/reviews", {"rating": 0},
                      content_type="application/json")
    assert bad.status_code == 422
    review = client.post(f"/api/v1/bookings/{booking.pk}/reviews",
                         {"rating": 4, "text": "Clear drawings"},
                         content_type="application/json")
    assert review.status_code == 201 and review.json()["published_at"] is None
    client.force_login(world.founder)
    assert client.get(f"/api/v1/bookings/{booking.pk}/reviews").json() == []


def test_offers_side_by_side_and_accept_by_page(world, machine, client, clock):
    capacity_request = CapacityRequest.objects.create(
        organization=world.startup, created_by=world.founder, title="Gripper housings",
        status="open")
    client.force_login(world.admin)
    response = client.post(reverse("offer_new", args=[capacity_request.pk]), {
        "resource": machine.pk, "start": _form_time(at(4)), "end": _form_time(at(4, 2)),
        "valid_until": _form_time(at(2)), "price": "250.00", "conditions": "Incl. deburring"})
    assert response.status_code == 302
    client.force_login(world.founder)
    compare = client.get(reverse("offer_compare", args=[capacity_request.pk])).content.decode()
    assert "Genk Precision NV" in compare and "250.00" in compare and "302.50" in compare
    offer = capacity_request.offers.get()
    accepted = client.post(reverse("offer_accept", args=[offer.pk]))
    booking = Booking.objects.get()
    assert accepted.url == reverse("booking_detail", args=[booking.pk])
    assert booking.status == Status.CONFIRMED and booking.price_cents == 25000
    client.force_login(world.outsider)
    assert client.get(reverse("offer_detail", args=[offer.pk])).status_code == 404


def test_calendar_feeds_show_bookings(world, machine, client, request_booking):
    booking = request_booking()
    services.booking_transition(actor=world.admin, booking=booking, action="accept")
    resource_feed = client.get(reverse("resource_calendar_export", args=[machine.feed_token]))
    assert f"Booked: {machine.name}".encode() in resource_feed.content
    calendar = OrganizationCalendar.objects.create(organization=world.factory)
    org_feed = client.get(reverse("organization_calendar_export", args=[calendar.token]))
    assert f"Booked: {machine.name}".encode() in org_feed.content
    token = services.personal_calendar_of(world.founder).token
    personal = client.get(reverse("booking_calendar_export", args=[token]))
    assert personal.status_code == 200
    assert b"Bolt Robotics BV" in personal.content
    assert b"DTSTART:20260305T080000Z" in personal.content
    assert client.get(reverse("booking_calendar_export", args=["nope"])).status_code == 404
    # The resource calendar page shows the booked block.
    client.force_login(world.founder)
    week = client.get(reverse("resource_availability", args=[machine.slug]),
                      {"date": "2026-03-05"}).content.decode()
    assert "booked" in week


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_cost_a_fixed_number_of_queries(world, machine, client,
                                                       request_booking):
    first = request_booking(start=at(1), end=at(1, 1))
    client.force_login(world.founder)
    services.personal_calendar_of(world.founder)  # created on the first visit
    services.message_post(actor=world.founder, booking=first, body="one",
                          files=[SimpleUploadedFile("a.pdf", b"%PDF-1")])
    list_small = _queries(client, reverse("booking_list"))
    detail_small = _queries(client, reverse("booking_detail", args=[first.pk]))
    for day in range(2, 12):
        request_booking(start=at(day), end=at(day, 1))
        services.message_post(actor=world.admin, booking=first, body=f"reply {day}",
                              files=[SimpleUploadedFile("b.pdf", b"%PDF-1")])
    assert _queries(client, reverse("booking_list")) \
        == list_small
    assert _queries(client, reverse("booking_detail", args=[first.pk])) == detail_small
