"""Every user action from every state by each side, through the service, the page and the API:
an allowed transition moves the booking, anything else is refused with a 409 (or 403/404 for
people who are not a party) and changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from fabshare.bookings import states
from fabshare.bookings.models import Booking, Side, Status
from fabshare.bookings.services import booking_transition
from fabshare.core.errors import Conflict, NotFound, PermissionDenied
from tests.bookings.conftest import at

CASES = [(status, action, side) for status in Status.values for action in states.USER_ACTIONS
         for side in (Side.SEEKER, Side.PROVIDER)]


def _booking(world, machine, status: str, action: str) -> Booking:
    started = action == "start" or status in (Status.IN_PROGRESS, Status.DISPUTED,
                                              Status.COMPLETED)
    start = at(0, -1) if started else at(3)
    return Booking.objects.create(
        resource=machine, provider=world.factory, seeker=world.startup,
        requested_by=world.founder, start=start, end=at(3, 4), status=status,
        awaiting={Status.REQUESTED: Side.PROVIDER, Status.COUNTERED: Side.SEEKER}.get(status, ""),
        price_cents=38000, vat_percent=21, hold_expires_at=at(2) if status in (
            Status.REQUESTED, Status.COUNTERED) else None)


def _expected(status: str, action: str, side: str) -> str | None:
    transition = states.TRANSITIONS[action]
    awaiting = {Status.REQUESTED: Side.PROVIDER, Status.COUNTERED: Side.SEEKER}.get(status, "")
    if status in transition.sources and states.may(transition, side, awaiting):
        return transition.target
    return None


def _actor(world, side):
    return world.founder if side == Side.SEEKER else world.admin


@pytest.mark.parametrize(("status", "action", "side"), CASES)
def test_service(world, machine, status, action, side):
    booking = _booking(world, machine, status, action)
    target = _expected(status, action, side)
    if target is None:
        with pytest.raises(Conflict):
            booking_transition(actor=_actor(world, side), booking=booking, action=action,
                               reason="late delivery")
        assert Booking.objects.get(pk=booking.pk).status == status
    else:
        booking_transition(actor=_actor(world, side), booking=booking, action=action,
                           reason="late delivery")
        assert Booking.objects.get(pk=booking.pk).status == target


@pytest.mark.parametrize(("status", "action", "side"), CASES)
def test_api(world, machine, client, status, action, side):
    booking = _booking(world, machine, status, action)
    client.force_login(_actor(world, side))
    response = client.post(f"/api/v1/bookings/{booking.pk}/transitions",
                           {"action": action, "reason": "late delivery"},
                           content_type="application/json")
    target = _expected(status, action, side)
    if target is None:
        assert response.status_code == 409, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert Booking.objects.get(pk=booking.pk).status == status
    else:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target


@pytest.mark.parametrize(("status", "action", "side"), CASES)
def test_page(world, machine, client, status, action, side):
    booking = _booking(world, machine, status, action)
    client.force_login(_actor(world, side))
    data = {"reason": "late delivery"}
    if action == "counter":
        data |= {"start": "2026-03-05T10:00", "end": "2026-03-05T14:00"}
    response = client.post(reverse("booking_act", args=[booking.pk, action]), data)
    assert response.status_code == 302
    target = _expected(status, action, side)
    [message] = list(get_messages(response.wsgi_request))
    if target is None:
        assert Booking.objects.get(pk=booking.pk).status == status
        assert message.level_tag == "error"
        assert str(message).startswith(("This booking is", "It is the other side's turn",
                                        "Only the"))
    else:
        assert Booking.objects.get(pk=booking.pk).status == target
        assert message.level_tag == "success"
        assert str(Status(target).label) in str(message)


@pytest.mark.parametrize("user", ["member", "outsider"])
def test_non_parties_cannot_act(world, machine, client, user):
    booking = _booking(world, machine, Status.REQUESTED, "accept")
    actor = getattr(world, user)
    expected = PermissionDenied if user == "member" else NotFound
    with pytest.raises(expected):
        booking_transition(actor=actor, booking=booking, action="accept")
    client.force_login(actor)
    response = client.post(f"/api/v1/bookings/{booking.pk}/transitions", {"action": "accept"},
                           content_type="application/json")
    # A provider's plain member sees the booking but may not answer; others do not see it.
    assert response.status_code == (403 if user == "member" else 404)
    assert Booking.objects.get(pk=booking.pk).status == Status.REQUESTED
