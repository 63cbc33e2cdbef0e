"""REST endpoints for bookings, their transitions, message threads and reviews, and offers on
capacity requests. The same services decide as on the pages: a transition the state or the
side does not allow is a 409, an overlap a 409 naming the conflicting period, an invisible
booking a 404. Prices are never read from the client: a request carries no price (an unknown
field is a 422); only the provider's counter-offer may set one."""

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from fabshare.availability.api import Instant
from fabshare.bookings import selectors, services, states
from fabshare.bookings.models import Booking, Side
from fabshare.bookings.models import Status as BookingStatus
from fabshare.catalog import selectors as catalog_selectors
from fabshare.core.errors import NotFound
from fabshare.demand.models import RequestStep
from fabshare.network.api import Id, In, Pagination, PathId, Text, errors
from fabshare.network.models import Membership, Organization

router = Router(tags=["bookings"])


class BookingOut(Schema):
    id: int
    resource_id: int
    resource_name: str = Field(..., alias="resource.name")
    provider_id: int
    seeker_id: int
    step_id: int | None
    start: datetime
    end: datetime
    status: BookingStatus
    awaiting: str
    price_cents: int
    vat_cents: int
    total_cents: int
    currency: str
    hold_expires_at: datetime | None
    cancellation_fee_cents: int
    note: str
    reason: str
    created_at: datetime


class BookingDetailOut(BookingOut):
    actions: list[str]


class BookingIn(In):
    resource_id: Id
    start: Instant
    end: Instant
    organization_id: Id | None = Field(None, description="The seeker organization (default: "
                                                         "your first)")
    step_id: Id | None = None
    note: Text(4000) = ""


class TransitionIn(In):
    action: Literal[tuple(states.USER_ACTIONS)]
    start: Instant | None = Field(None, description="counter: the new start")
    end: Instant | None = Field(None, description="counter: the new end")
    price_cents: int | None = Field(None, ge=0, le=10**11,
                                    description="counter by the provider: a new price")
    reason: Text(300) = ""


class BookingFilters(Schema):
    role: Side | None = None
    status: BookingStatus | None = None


class MessageOut(Schema):
    id: int
    side: Side
    author_id: int | None
    body: str
    created_at: datetime
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class MessageIn(In):
    body: Text(10_000, 1)


class ReviewOut(Schema):
    id: int
    side: Side
    rating: int
    text: str
    created_at: datetime
    published_at: datetime | None


class ReviewIn(In):
    rating: int = Field(..., ge=1, le=5)
    text: Text(4000) = ""


class OfferOut(Schema):
    id: int
    request_id: int
    step_id: int | None
    provider_id: int
    resource_id: int
    start: datetime
    end: datetime
    price_cents: int
    vat_cents: int
    total_cents: int
    currency: str
    conditions: str
    valid_until: datetime
    status: str
    booking_id: int | None


class OfferIn(In):
    resource_id: Id
    start: Instant
    end: Instant
    valid_until: Instant
    step_id: Id | None = None
    price_cents: int | None = Field(None, ge=0, le=10**11,
                                    description="Default: the resource's hourly price")
    conditions: Text(4000) = ""


def _detail(user, booking: Booking) -> Booking:
    booking = selectors.get_booking_for_user(user, booking.pk)
    booking.actions = selectors.actions_for(user, booking)
    return booking


@router.get("/bookings", response={200: list[BookingOut], **errors(401, 422)})
@paginate(Pagination)
def list_bookings(request, filters: Query[BookingFilters]):
    """Bookings of your organizations, newest period first; filter by role and status."""
    return selectors.bookings_of(request.auth, role=filters.role, status=filters.status)


@router.post("/bookings", response={201: BookingDetailOut, **errors(400, 401, 403, 404, 409,
                                                                      422)})
def create_booking(request, payload: BookingIn):
    """Request a resource for a period; it is held until the provider answers or the hold
    expires. The price is computed by the server. 409 names the conflicting period."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=payload.resource_id,
                                                       minimum=None)
    organization = None
    if payload.organization_id is not None:
        organization = Organization.objects.filter(
            pk=payload.organization_id,
            pk__in=Membership.objects.filter(user=request.auth).values("organization_id")
        ).first()
        if organization is None:
            raise NotFound(_("Organization not found."))
    step = None
    if payload.step_id is not None:
        step = RequestStep.objects.select_related("request").filter(pk=payload.step_id).first()
        if step is None:
            raise NotFound(_("Request step not found."))
    booking = services.booking_request(actor=request.auth, resource=resource,
                                       start=payload.start, end=payload.end,
                                       organization=organization, step=step, note=payload.note)
    return Status(201, _detail(request.auth, booking))


@router.get("/bookings/{booking_id}", response={200: BookingDetailOut, **errors(401, 404, 422)})
def get_booking(request, booking_id: PathId):
    """One booking with the actions you may take now."""
    return _detail(request.auth, Booking(pk=booking_id))


@router.post("/bookings/{booking_id}/transitions",
             response={200: BookingDetailOut, **errors(400, 401, 403, 404, 409, 422)})
def transition_booking(request, booking_id: PathId, payload: TransitionIn):
    """Move the booking: accept, counter (new start/end; the provider may set price_cents),
    decline, withdraw, cancel, start, complete, dispute, resolve. A transition the state or
    your side does not allow is a 409."""
    booking = selectors.get_booking_for_user(request.auth, booking_id)
    services.booking_transition(actor=request.auth, booking=booking, action=payload.action,
                                start=payload.start, end=payload.end,
                                price_cents=payload.price_cents, reason=payload.reason)
    return _detail(request.auth, booking)


@router.get("/bookings/{booking_id}/messages",
            response={200: list[MessageOut], **errors(401, 404, 422)})
@paginate(Pagination)
def list_booking_messages(request, booking_id: PathId):
    """The booking's thread, oldest first."""
    booking = selectors.get_booking_for_user(request.auth, booking_id)
    return selectors.messages_of(booking=booking)


@router.post("/bookings/{booking_id}/messages",
             response={201: MessageOut, **errors(400, 401, 404, 422)})
def post_booking_message(request, booking_id: PathId, payload: MessageIn):
    """Write to the other side (attachments: on the booking page)."""
    booking = selectors.get_booking_for_user(request.auth, booking_id)
    message = services.message_post(actor=request.auth, booking=booking, body=payload.body)
    return Status(201, message)


@router.get("/bookings/{booking_id}/reviews",
            response={200: list[ReviewOut], **errors(401, 404, 422)})
def list_reviews(request, booking_id: PathId):
    """Published reviews, and your side's before publication."""
    booking = selectors.get_booking_for_user(request.auth, booking_id)
    return selectors.reviews_visible(request.auth, booking)


@router.post("/bookings/{booking_id}/reviews",
             response={201: ReviewOut, **errors(400, 401, 404, 409, 422)})
def create_review(request, booking_id: PathId, payload: ReviewIn):
    """Rate the other side of a completed booking, once per side (double-blind)."""
    booking = selectors.get_booking_for_user(request.auth, booking_id)
    review = services.review_submit(actor=request.auth, booking=booking,
                                    rating=payload.rating, text=payload.text)
    return Status(201, review)


# --- offers ----------------------------------------------------------------------------------


@router.get("/requests/{request_id}/offers",
            response={200: list[OfferOut], **errors(401, 404, 422)})
@paginate(Pagination)
def list_offers(request, request_id: PathId):
    """All offers on your request, cheapest first; a provider sees its own."""
    capacity_request = selectors.get_request_for_offers(request.auth, request_id)
    return selectors.offers_for(request.auth, capacity_request)


@router.post("/requests/{request_id}/offers",
             response={201: OfferOut, **errors(400, 401, 403, 404, 409, 422)})
def create_offer(request, request_id: PathId, payload: OfferIn):
    """Offer one of your resources for a period on an open request (admins of the
    resource's organization)."""
    capacity_request = selectors.get_request_for_offers(request.auth, request_id)
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=payload.resource_id)
    step = None
    if payload.step_id is not None:
        step = capacity_request.steps.filter(pk=payload.step_id).first()
        if step is None:
            raise NotFound(_("Request step not found."))
    offer = services.offer_create(
        actor=request.auth, request=capacity_request, resource=resource, start=payload.start,
        end=payload.end, valid_until=payload.valid_until, step=step,
        price_cents=payload.price_cents, conditions=payload.conditions)
    return Status(201, offer)


@router.get("/offers/{offer_id}", response={200: OfferOut, **errors(401, 404, 422)})
def get_offer(request, offer_id: PathId):
    return selectors.get_offer_for_user(request.auth, offer_id)


@router.post("/offers/{offer_id}/accept",
             response={201: BookingDetailOut, **errors(401, 404, 409, 422)})
def accept_offer(request, offer_id: PathId):
    """Accept an offer (the requester): it becomes a confirmed booking."""
    offer = selectors.get_offer_for_user(request.auth, offer_id)
    booking = services.offer_accept(actor=request.auth, offer=offer)
    return Status(201, _detail(request.auth, booking))


@router.post("/offers/{offer_id}/withdraw",
             response={200: OfferOut, **errors(401, 403, 404, 409, 422)})
def withdraw_offer(request, offer_id: PathId):
    offer = selectors.get_offer_for_user(request.auth, offer_id)
    return services.offer_withdraw(actor=request.auth, offer=offer)


@router.get("/offers/{offer_id}/messages",
            response={200: list[MessageOut], **errors(401, 404, 422)})
@paginate(Pagination)
def list_offer_messages(request, offer_id: PathId):
    offer = selectors.get_offer_for_user(request.auth, offer_id)
    return selectors.messages_of(offer=offer)


@router.post("/offers/{offer_id}/messages",
             response={201: MessageOut, **errors(400, 401, 404, 422)})
def post_offer_message(request, offer_id: PathId, payload: MessageIn):
    offer = selectors.get_offer_for_user(request.auth, offer_id)
    return Status(201, services.message_post(actor=request.auth, offer=offer,
                                             body=payload.body))


