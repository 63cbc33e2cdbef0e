"""Reads of bookings, offers, threads and reviews, scoped to the acting user."""

from datetime import datetime

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.bookings import states
from fabshare.bookings.models import (
    BLOCKING_STATES,
    HOLD_STATES,
    Booking,
    Message,
    MessageAttachment,
    Offer,
    PersonalCalendar,
    Review,
    Side,
    Status,
)
from fabshare.bookings.services import sides_of, thread_sides
from fabshare.catalog.models import Resource
from fabshare.core.errors import NotFound
from fabshare.demand.models import CapacityRequest
from fabshare.demand.selectors import requests_visible_to
from fabshare.network.models import Membership

Interval = tuple[datetime, datetime]


def _my_orgs(user):
    return Membership.objects.filter(user=user).values("organization_id")


def bookings_of(user, *, role: str | None = None, status: str | None = None
                ) -> QuerySet[Booking]:
    """Bookings of the user's organizations, as seeker, as provider (``role``) or both."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    orgs = _my_orgs(user)
    if role == Side.SEEKER:
        condition = Q(seeker__in=orgs)
    elif role == Side.PROVIDER:
        condition = Q(provider__in=orgs)
    else:
        condition = Q(seeker__in=orgs) | Q(provider__in=orgs)
    rows = Booking.objects.filter(condition)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("resource", "provider", "seeker").order_by("-start", "-pk")


def get_booking_for_user(user, pk: int) -> Booking:
    """A booking of one of the user's organizations (NotFound otherwise, like a missing one)."""
    booking = (bookings_of(user).select_related("requested_by", "step__request")
               .filter(pk=pk).first())
    if booking is None:
        raise NotFound(_("Booking not found."))
    return booking


def actions_for(user, booking: Booking) -> list[str]:
    sides = sides_of(user, seeker_id=booking.seeker_id, provider_id=booking.provider_id)
    actions = []
    for side in sorted(sides):
        for action in states.allowed_actions(booking.status, side, booking.awaiting):
            if action not in actions:
                actions.append(action)
    return actions


def messages_of(*, booking: Booking | None = None, offer: Offer | None = None
                ) -> QuerySet[Message]:
    rows = Message.objects.filter(booking=booking) if booking else Message.objects.filter(
        offer=offer)
    return rows.select_related("author").prefetch_related("attachments")


def get_attachment_for_user(user, pk: int) -> MessageAttachment:
    attachment = (MessageAttachment.objects.select_related(
        "message__booking", "message__offer__request").filter(pk=pk).first())
    if attachment is None or not thread_sides(
            user, booking=attachment.message.booking, offer=attachment.message.offer):
        raise NotFound(_("File not found."))
    return attachment


def reviews_visible(user, booking: Booking) -> list[Review]:
    """Published reviews, plus the user's own side's review before publication."""
    sides = sides_of(user, seeker_id=booking.seeker_id, provider_id=booking.provider_id) \
        | thread_sides(user, booking=booking)
    return [r for r in booking.reviews.select_related("author")
            if r.published_at is not None or r.side in sides]


def reputation_of(organization_ids) -> dict[int, tuple[float, int]]:
    """Average published rating and number of published reviews that seekers gave each
    provider organization: ``{id: (average, count)}``; organizations without any are absent."""
    rows = (Review.objects.filter(side=Side.SEEKER, published_at__isnull=False,
                                  booking__provider_id__any_of=list(organization_ids))
            .values("booking__provider_id").annotate(avg=Avg("rating"), n=Count("pk")))
    return {row["booking__provider_id"]: (round(float(row["avg"]), 2), row["n"])
            for row in rows}


def taken_intervals(resource: Resource, start: datetime, end: datetime,
                    now: datetime | None = None) -> dict[str, list[Interval]]:
    """Held (live holds) and booked time of a resource overlapping [start, end)."""
    now = now or timezone.now()
    rows = Booking.objects.filter(resource=resource, status__in=BLOCKING_STATES,
                                  start__lt=end, end__gt=start).exclude(
        status__in=HOLD_STATES, hold_expires_at__lte=now).values_list("status", "start", "end")
    layers: dict[str, list[Interval]] = {"held": [], "booked": []}
    for status, s, e in rows:
        layers["held" if status in HOLD_STATES else "booked"].append((s, e))
    return layers


def export_bookings(resource_ids, since: datetime) -> QuerySet[Booking]:
    return (Booking.objects.filter(resource_id__in=resource_ids, end__gt=since,
                                   status__in=(*BLOCKING_STATES, Status.COMPLETED))
            .exclude(status__in=HOLD_STATES, hold_expires_at__lte=timezone.now())
            .select_related("resource", "seeker", "provider"))


def get_personal_calendar_by_token(token: str) -> PersonalCalendar:
    calendar = (PersonalCalendar.objects.select_related("user").filter(
        token=token, user__is_active=True).first() if token else None)
    if calendar is None:
        raise NotFound(_("Calendar not found."))
    return calendar


# --- offers ----------------------------------------------------------------------------------


def get_request_for_offers(user, pk: int) -> CapacityRequest:
    """A request the user may see (demand decides: their own, or a published one of an
    organization in one of their networks); ``is_mine`` tells whether they are the requester."""
    request = (requests_visible_to(user).select_related("organization").filter(pk=pk)
               .first())
    if request is None:
        raise NotFound(_("Request not found."))
    request.is_mine = Membership.objects.filter(
        user=user, organization=request.organization).exists()
    return request


def offers_for(user, request: CapacityRequest) -> QuerySet[Offer]:
    """All offers for the requester's members; a provider sees only its own."""
    rows = Offer.objects.filter(request=request).select_related(
        "resource", "provider", "step__process", "booking")
    if getattr(request, "is_mine", False):
        return rows
    return rows.filter(provider__in=_my_orgs(user))


def get_offer_for_user(user, pk: int) -> Offer:
    offer = (Offer.objects.select_related("request__organization", "resource", "provider",
                                          "step__process", "booking")
             .filter(pk=pk).first())
    if offer is None or not thread_sides(user, offer=offer):
        raise NotFound(_("Offer not found."))
    return offer
