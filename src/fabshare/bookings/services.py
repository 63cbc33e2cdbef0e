"""Every write to bookings, offers, their message threads and reviews.

Capacity discipline (STYLE.md, after pretix): inside one transaction the resource row is locked
(``SELECT … FOR UPDATE``, lock wait capped by ``BOOKINGS_LOCK_TIMEOUT_MS``) before the live
bookings of that resource are counted; overdue holds found under the lock are expired first.
On PostgreSQL an exclusion constraint backs this up: if the code were wrong the insert fails
with an IntegrityError, which is answered as the same 409. On SQLite writers are serialized by
IMMEDIATE transactions.

The resource's free slots (availability) are recomputed inside the same transaction while the
row is locked; notifications are written with it and their e-mails leave after commit.
"""

import importlib
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabshare.availability import intervals
from fabshare.availability import services as availability_services
from fabshare.availability.models import BusyPeriod
from fabshare.bookings import pricing, states
from fabshare.bookings.models import (
    BLOCKING_STATES,
    HOLD_STATES,
    Booking,
    CancellationPolicy,
    Message,
    MessageAttachment,
    Offer,
    PersonalCalendar,
    Review,
    Side,
    Status,
)
from fabshare.catalog import selectors as catalog_selectors
from fabshare.catalog.models import Resource
from fabshare.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from fabshare.core.formatting import money
from fabshare.demand.models import CapacityRequest, RequestStatus, RequestStep
from fabshare.demand.selectors import requests_visible_to
from fabshare.network.audit import audit_record
from fabshare.network.models import (
    ROLE_RANK,
    Membership,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
    Role,
    User,
)
from fabshare.network.services import notify

MIN_DURATION = timedelta(minutes=15)


def _max_duration() -> timedelta:
    return timedelta(days=settings.BOOKINGS_MAX_DAYS)


# --- parties ---------------------------------------------------------------------------------


def _roles(user, organization_ids) -> dict[int, str]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(Membership.objects.filter(user=user, organization_id__in=organization_ids)
                .values_list("organization_id", "role"))


def sides_of(user, *, seeker_id: int, provider_id: int) -> set[str]:
    """The sides ``user`` may act for: the seeker's members act for the seeker, the provider's
    admins and owners for the provider."""
    roles = _roles(user, [seeker_id, provider_id])
    sides = set()
    if seeker_id in roles:
        sides.add(Side.SEEKER)
    if provider_id in roles and ROLE_RANK[roles[provider_id]] >= ROLE_RANK[Role.ADMIN]:
        sides.add(Side.PROVIDER)
    return sides


def _party_users(organization: Organization, *, extra: User | None = None) -> list[User]:
    """Who hears about an event of one side: its admins and owners (and the requester)."""
    users = {m.user.pk: m.user for m in organization.memberships.select_related("user")
             .filter(role__in=[Role.OWNER, Role.ADMIN], user__is_active=True)}
    if extra is not None and extra.is_active:
        users.setdefault(extra.pk, extra)
    return list(users.values())


def _when(booking_or_offer) -> str:
    start = timezone.localtime(booking_or_offer.start)
    end = timezone.localtime(booking_or_offer.end)
    return f"{formats.date_format(start, 'SHORT_DATETIME_FORMAT')} – " \
           f"{formats.date_format(end, 'SHORT_DATETIME_FORMAT')}"


def _tell(users, *, kind: str, key: str, url: str, title, body, actor=None, context: dict,
          email: str | None = "now") -> None:
    """Notify each user (not the actor), in their language and time zone."""
    for user in users:
        if actor is not None and user.pk == actor.pk:
            continue
        with translation.override(user.language), timezone.override(user.time_zone):
            values = {k: (v() if callable(v) else v) for k, v in context.items()}
            notify(user=user, kind=kind, key=key, title=str(title) % values,
                   body=str(body) % values, url=url, email=email)


# --- locking ---------------------------------------------------------------------------------


def _lock_resource(resource_id: int) -> Resource:
    """Lock the resource row (the capacity row of its bookings); a wait longer than
    ``BOOKINGS_LOCK_TIMEOUT_MS`` becomes a retryable 409."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s",
                           [f"{int(settings.BOOKINGS_LOCK_TIMEOUT_MS)}ms"])
    try:
        return Resource.objects.select_for_update(of=("self",)).select_related("organization").get(
            pk=resource_id)
    except OperationalError:
        raise Conflict(_("The resource is busy with other bookings; please try again.")) \
            from None
    except Resource.DoesNotExist:
        raise NotFound(_("Resource not found.")) from None


def _refresh_free_time(resource: Resource) -> None:
    """Recompute the resource's free slots inside the booking's transaction, while its row is
    locked: matching sees the hold or booking the moment it commits, and two refreshes of one
    resource never interleave."""
    availability_services.free_time_refresh(resource=resource)


# --- period checks ---------------------------------------------------------------------------


def _fmt(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def check_period(resource: Resource, start, end, *, now: datetime) -> None:
    """Shape and domain rules of a period: aware, ordered, a sane length, not in the past or
    inside the lead time, and inside the resource's published free time (windows and rules
    minus the provider's own calendar; other bookings are checked under the lock)."""
    if not isinstance(start, datetime) or start.utcoffset() is None:
        raise DomainError(_("Give the start with its time zone."), field="start")
    if not isinstance(end, datetime) or end.utcoffset() is None:
        raise DomainError(_("Give the end with its time zone."), field="end")
    if end <= start:
        raise DomainError(_("The end must come after the start."), field="end")
    if end - start < MIN_DURATION:
        raise DomainError(_("A booking lasts at least 15 minutes."), field="end")
    if end - start > _max_duration():
        raise DomainError(_("A booking lasts at most %(days)s days.")
                          % {"days": settings.BOOKINGS_MAX_DAYS}, field="end")
    if start < now:
        raise DomainError(_("The start is in the past."), field="start")
    earliest = now + timedelta(days=resource.lead_time_days)
    if start < earliest:
        raise DomainError(_("This resource needs %(days)s days' notice: start on %(date)s or "
                            "later.") % {"days": resource.lead_time_days, "date": _fmt(earliest)},
                          field="start")
    offered = availability_services.offered_time(resource, start, end)
    busy = list(BusyPeriod.objects.filter(resource=resource, start__lt=end, end__gt=start)
                .values_list("start", "end"))
    free = intervals.subtract(offered, intervals.normalize(busy))
    covered = sum(((e - s) for s, e in free), timedelta())
    if covered < end - start:
        raise DomainError(_("The resource is not offered for the whole period; choose a time "
                            "inside its published availability."), field="start")


def _expire_overdue_holds(resource_id: int, now: datetime) -> None:
    for booking in Booking.objects.filter(resource_id=resource_id, status__in=HOLD_STATES,
                                          hold_expires_at__lte=now):
        _apply(booking, states.TRANSITIONS["expire"], actor=None, now=now)


def _check_free(resource_id: int, start, end, *, exclude_pk: int | None = None) -> None:
    clash = (Booking.objects.filter(resource_id=resource_id, status__in=BLOCKING_STATES,
                                    start__lt=end, end__gt=start)
             .exclude(pk=exclude_pk).order_by("start").first())
    if clash is not None:
        raise _conflict_with(clash.start, clash.end)


def _conflict_with(start, end) -> Conflict:
    error = Conflict(_("The resource is already held or booked from %(start)s to %(end)s.")
                     % {"start": _fmt(start), "end": _fmt(end)}, field="start")
    error.conflict = (start, end)
    return error


def _save_guarded(booking: Booking, **kwargs) -> None:
    """Write inside a savepoint: the PostgreSQL exclusion constraint's IntegrityError (the
    safety net under the service's own check) becomes the same 409."""
    try:
        with transaction.atomic():
            booking.save(**kwargs)
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise Conflict(_("The resource is already held or booked in this period.")) \
                from None
        raise


def price_for(resource: Resource, start, end) -> int:
    if resource.price_per_hour_cents is None:
        raise DomainError(_("This resource has no hourly price yet, so it cannot be booked "
                            "online; write to the provider."), field="resource")
    return pricing.price_cents(resource.price_per_hour_cents, start, end,
                               resource.minimum_booking_hours)


def vat_percent() -> Decimal:
    return Decimal(str(settings.BOOKINGS_VAT_PERCENT))


# --- requests --------------------------------------------------------------------------------


def _seeker_org(actor: User, organization: Organization | None) -> Organization:
    if organization is None:
        membership = (Membership.objects.filter(user=actor).select_related("organization")
                      .order_by("pk").first())
        if membership is None:
            raise PermissionDenied(_("Join an organization before booking."))
        return membership.organization
    if not Membership.objects.filter(user=actor, organization=organization).exists() \
            and not _operates_network_of(actor, organization):
        raise NotFound(_("Organization not found."))
    return organization


def viewer_for(actor: User, seeker: Organization) -> User:
    """Whose view of the catalog decides what ``actor`` may book for ``seeker``: the actor's
    own, or, for an operator acting on behalf of a member organization, that organization's
    (its first owner, else admin, else member)."""
    members = seeker.memberships.filter(user__is_active=True).select_related("user")
    if members.filter(user=actor).exists():
        return actor
    ranked = sorted(members, key=lambda m: (-ROLE_RANK[m.role], m.pk))
    return ranked[0].user if ranked else actor


def _operates_network_of(actor: User, organization: Organization) -> bool:
    """A network operator may request on behalf of an organization admitted to their network
    (the network planner's accepted plans); the booking records the operator as requester."""
    return NetworkMembership.objects.filter(
        organization=organization, network__operators=actor,
        status=NetworkMembershipStatus.APPROVED).exists()


@transaction.atomic
def booking_request(*, actor: User, resource: Resource, start: datetime, end: datetime,
                    organization: Organization | None = None, step: RequestStep | None = None,
                    note: str = "", hold_hours: float | None = None,
                    now: datetime | None = None) -> Booking:
    """Request ``resource`` for [start, end) on behalf of ``organization`` (default: the actor's
    first). The period is held until the provider answers or the hold expires
    (``hold_hours``, default ``BOOKINGS_HOLD_HOURS``, never past the start). The price is
    computed here from the resource. 409 when another hold or booking overlaps."""
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to book."))
    seeker = _seeker_org(actor, organization)
    resource = catalog_selectors.get_resource_for_role(viewer_for(actor, seeker), pk=resource.pk,
                                                       minimum=None)
    if not resource.is_active:
        raise DomainError(_("This resource is not active."), field="resource")
    if seeker.pk == resource.organization_id:
        raise DomainError(_("Your organization owns this resource; block the time in its "
                            "availability instead."), field="resource")
    if step is not None and step.request.organization_id != seeker.pk:
        raise NotFound(_("Request step not found."))
    hold = timedelta(hours=settings.BOOKINGS_HOLD_HOURS if hold_hours is None else hold_hours)
    if not timedelta(minutes=1) <= hold <= timedelta(days=30):
        raise DomainError(_("A hold lasts between 1 minute and 30 days."), field="hold_hours")
    check_period(resource, start, end, now=now)
    price = price_for(resource, start, end)
    locked = _lock_resource(resource.pk)
    _expire_overdue_holds(locked.pk, now)
    _check_free(locked.pk, start, end)
    booking = Booking(
        resource=locked, provider=locked.organization, seeker=seeker, requested_by=actor,
        step=step, start=start, end=end, status=Status.REQUESTED, awaiting=Side.PROVIDER,
        price_cents=price, currency=locked.currency, vat_percent=vat_percent(),
        note=(note or "").strip()[:4000], hold_expires_at=min(now + hold, start))
    _save_guarded(booking)
    entry = audit_record(actor=actor, action="booking.request", target=booking,
                         organization=locked.organization,
                         summary=f"{seeker.name} requested {locked.name}: {_when(booking)}")
    _tell(_party_users(locked.organization), kind="booking.request", actor=actor,
          key=f"booking:{booking.pk}:{entry.pk}", url=booking_url(booking),
          title=gettext_lazy("Booking request: %(resource)s"),
          body=gettext_lazy("%(seeker)s asks for %(resource)s, %(when)s, for %(price)s excl. "
                            "VAT. Accept, decline or make a counter-offer before "
                            "%(expires)s."),
          context={"resource": locked.name, "seeker": seeker.name,
                   "when": lambda: _when(booking), "price": lambda: money(price, booking.currency),
                   "expires": lambda: _fmt(booking.hold_expires_at)})
    _refresh_free_time(locked)
    return booking


def booking_url(booking: Booking) -> str:
    return reverse("booking_detail", args=[booking.pk])


# --- transitions -----------------------------------------------------------------------------


STATE_MESSAGES = {
    "accept": (
        gettext_lazy("Booking confirmed: %(resource)s"),
        gettext_lazy("%(actor_org)s accepted. %(resource)s is booked for you, %(when)s.")),
    "counter": (
        gettext_lazy("Counter-offer: %(resource)s"),
        gettext_lazy("%(actor_org)s proposes %(when)s for %(price)s excl. VAT. Accept it, "
                     "make another counter-offer or let it go before %(expires)s.")),
    "decline": (
        gettext_lazy("Booking request declined: %(resource)s"),
        gettext_lazy("%(actor_org)s declined the request for %(when)s. %(reason)s")),
    "withdraw": (
        gettext_lazy("Booking request withdrawn: %(resource)s"),
        gettext_lazy("%(actor_org)s withdrew the request for %(when)s. The time is free "
                     "again.")),
    "expire": (
        gettext_lazy("Booking request expired: %(resource)s"),
        gettext_lazy("Nobody answered in time; the hold on %(when)s has lapsed.")),
    "cancel": (
        gettext_lazy("Booking cancelled: %(resource)s"),
        gettext_lazy("%(actor_org)s cancelled the booking of %(when)s. Cancellation fee: "
                     "%(fee)s. %(reason)s")),
    "start": (
        gettext_lazy("Booking started: %(resource)s"),
        gettext_lazy("The booking of %(when)s is in progress.")),
    "complete": (
        gettext_lazy("Booking completed: %(resource)s — please review"),
        gettext_lazy("The booking of %(when)s is completed. Rate the other side within "
                     "%(days)s days.")),
    "dispute": (
        gettext_lazy("Booking disputed: %(resource)s"),
        gettext_lazy("%(actor_org)s disputes the booking of %(when)s: %(reason)s")),
    "resolve": (
        gettext_lazy("Booking completed: %(resource)s — please review"),
        gettext_lazy("The dispute about %(when)s is resolved and the booking completed. "
                     "Rate the other side within %(days)s days.")),
}


def _apply(booking: Booking, transition: states.Transition, *, actor: User | None,
           now: datetime, side: str | None = None, reason: str = "") -> Booking:
    """Move ``booking`` (locked by the caller) along ``transition``; record and notify."""
    booking.status = transition.target
    fields = ["status", "awaiting", "hold_expires_at", "updated_at"]
    if transition.target not in HOLD_STATES:
        booking.awaiting, booking.hold_expires_at = "", None
    if transition.target == Status.CONFIRMED:
        booking.confirmed_at = now
        fields.append("confirmed_at")
    if transition.target in (Status.COMPLETED, Status.CANCELLED, Status.DECLINED,
                             Status.WITHDRAWN, Status.EXPIRED):
        booking.ended_at = now
        fields.append("ended_at")
    if reason:
        booking.reason = reason.strip()[:300]
        fields.append("reason")
    if transition.action == "cancel":
        fields.append("cancellation_fee_cents")
    booking.save(update_fields=fields)
    entry = audit_record(actor=actor, action=f"booking.{transition.action}", target=booking,
                         organization=booking.provider,
                         summary=f"{booking.resource.name}: {transition.action} ({_when(booking)})")
    actor_org = {Side.SEEKER: booking.seeker, Side.PROVIDER: booking.provider}.get(side)
    title, body = STATE_MESSAGES[transition.action]
    audience = []
    if side != Side.SEEKER:
        audience += _party_users(booking.seeker, extra=booking.requested_by)
    if side != Side.PROVIDER:
        audience += _party_users(booking.provider)
    _tell(audience, kind=f"booking.{transition.action}", actor=actor,
          key=f"booking:{booking.pk}:{entry.pk}", url=booking_url(booking),
          title=title, body=body,
          context={"resource": booking.resource.name,
                   "actor_org": actor_org.name if actor_org else "fabshare",
                   "when": lambda: _when(booking),
                   "price": lambda: money(booking.price_cents, booking.currency),
                   "fee": lambda: money(booking.cancellation_fee_cents, booking.currency),
                   "reason": booking.reason if reason else "",
                   "days": settings.BOOKINGS_REVIEW_BLIND_DAYS,
                   "expires": lambda: _fmt(booking.hold_expires_at) if booking.hold_expires_at
                   else ""})
    if transition.action not in ("accept", "start", "dispute"):  # those keep the time taken
        _refresh_free_time(booking.resource)
    return booking


def _locked_booking(booking: Booking) -> Booking:
    _lock_resource(booking.resource_id)
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("resource", "provider", "seeker", "requested_by")
            .get(pk=booking.pk))


def _side_for(actor: User, booking: Booking, transition: states.Transition) -> str:
    sides = sides_of(actor, seeker_id=booking.seeker_id, provider_id=booking.provider_id)
    if not sides:
        if Membership.objects.filter(user=actor, organization=booking.provider).exists():
            raise PermissionDenied(_("Only admins of %(org)s can answer bookings.")
                                   % {"org": booking.provider.name})
        raise NotFound(_("Booking not found."))
    if booking.status not in transition.sources:
        allowed = states.allowed_actions(booking.status, next(iter(sides)), booking.awaiting)
        raise Conflict(_("This booking is %(status)s: it cannot be %(action)s now. Possible "
                         "now: %(allowed)s.") % {
            "status": Status(booking.status).label.lower(), "action": ACTION_PAST[
                transition.action], "allowed": ", ".join(allowed) or _("nothing")})
    for side in sorted(sides):
        if states.may(transition, side, booking.awaiting):
            return side
    if states.AWAITED in transition.by:
        raise Conflict(_("It is the other side's turn to answer this booking."))
    raise Conflict(_("Only the %(side)s can do this.") % {
        "side": " / ".join(str(Side(s).label).lower() for s in transition.by
                           if s in (Side.SEEKER, Side.PROVIDER))})


ACTION_PAST = {
    "accept": gettext_lazy("accepted"),
    "counter": gettext_lazy("countered"),
    "decline": gettext_lazy("declined"),
    "withdraw": gettext_lazy("withdrawn"),
    "expire": gettext_lazy("expired"),
    "cancel": gettext_lazy("cancelled"),
    "start": gettext_lazy("started"),
    "complete": gettext_lazy("completed"),
    "dispute": gettext_lazy("disputed"),
    "resolve": gettext_lazy("resolved"),
}


@transaction.atomic
def booking_transition(*, actor: User, booking: Booking, action: str, start=None, end=None,
                       price_cents: int | None = None, reason: str = "",
                       now: datetime | None = None) -> Booking:
    """Apply a user action of the state machine (``states.TRANSITIONS``). ``counter`` takes a
    new ``start``/``end`` (default: unchanged) and, from the provider only, a ``price_cents``.
    409 for a transition the state or the side does not allow."""
    now = now or timezone.now()
    transition = states.TRANSITIONS.get(action)
    if transition is None or transition.by == (states.SYSTEM,):
        raise DomainError(_("Unknown action: %(a)s") % {"a": action}, field="action")
    booking = _locked_booking(booking)
    if booking.status in HOLD_STATES and booking.hold_expires_at \
            and booking.hold_expires_at <= now:
        raise Conflict(_("The hold has expired; the request can no longer be answered."))
    side = _side_for(actor, booking, transition)
    if action == "counter":
        _counter(booking, side=side, start=start or booking.start, end=end or booking.end,
                 price_cents=price_cents, now=now)
    elif price_cents is not None:
        raise DomainError(_("Only a counter-offer can change the price."), field="price_cents")
    if action == "accept" and booking.start <= now:
        raise Conflict(_("The period has already begun; make a counter-offer with a new "
                         "period."))
    if action == "cancel":
        if booking.start <= now:
            raise Conflict(_("The booking has begun; it can no longer be cancelled."))
        booking.cancellation_fee_cents = cancellation_fee(booking, side=side, now=now)
    if action == "start" and booking.start > now:
        raise Conflict(_("The booking starts at %(start)s.") % {"start": _fmt(booking.start)})
    if action == "dispute" and not (reason or "").strip():
        raise DomainError(_("Say what is wrong."), field="reason")
    if action == "counter":
        booking.awaiting = Side.SEEKER if side == Side.PROVIDER else Side.PROVIDER
        booking.hold_expires_at = min(now + timedelta(hours=settings.BOOKINGS_HOLD_HOURS),
                                      booking.start)
    _apply(booking, transition, actor=actor, now=now, side=side, reason=reason)
    return booking


def _counter(booking: Booking, *, side: str, start, end, price_cents, now) -> None:
    check_period(booking.resource, start, end, now=now)
    if price_cents is not None and side != Side.PROVIDER:
        raise DomainError(_("Only the provider can change the price."), field="price_cents")
    if price_cents is not None and not 0 <= price_cents <= 10**11:
        raise DomainError(_("Give a price between 0 and 1 000 000 000."), field="price_cents")
    _expire_overdue_holds(booking.resource_id, now)
    _check_free(booking.resource_id, start, end, exclude_pk=booking.pk)
    if price_cents is None:
        price_cents = (booking.price_cents if (start, end) == (booking.start, booking.end)
                       else price_for(booking.resource, start, end))
    booking.start, booking.end, booking.price_cents = start, end, price_cents
    _save_guarded(booking, update_fields=["start", "end", "price_cents", "updated_at"])


def policy_of(resource: Resource) -> tuple[int, int]:
    policy = CancellationPolicy.objects.filter(resource=resource).first()
    if policy is None:
        return settings.BOOKINGS_FREE_CANCELLATION_DAYS, settings.BOOKINGS_CANCELLATION_FEE_PERCENT
    return policy.free_until_days, policy.fee_percent


def cancellation_fee(booking: Booking, *, side: str, now: datetime) -> int:
    """A seeker cancelling late pays the resource's fee; a provider cancelling pays none
    (and the seeker is told)."""
    if side != Side.SEEKER:
        return 0
    free_days, percent = policy_of(booking.resource)
    days_before = (booking.start - now).total_seconds() / 86400
    return pricing.cancellation_fee(booking.price_cents, fee_percent=percent,
                                    days_before=days_before, free_until_days=free_days)


@transaction.atomic
def cancellation_policy_set(*, actor: User, resource: Resource, free_until_days: int,
                            fee_percent: int) -> CancellationPolicy:
    """Set the resource's cancellation terms (admins of its organization)."""
    from fabshare.network.services import require_role

    require_role(actor, resource.organization, Role.ADMIN)
    if not isinstance(free_until_days, int) or not 0 <= free_until_days <= 365:
        raise DomainError(_("Give 0 to 365 days."), field="free_until_days")
    if not isinstance(fee_percent, int) or not 0 <= fee_percent <= 100:
        raise DomainError(_("Give a percentage from 0 to 100."), field="fee_percent")
    policy, _created = CancellationPolicy.objects.update_or_create(
        resource=resource, defaults={"free_until_days": free_until_days,
                                     "fee_percent": fee_percent})
    audit_record(actor=actor, action="booking.policy", target=policy,
                 organization=resource.organization, summary=str(policy))
    return policy


# --- periodic work ---------------------------------------------------------------------------


def bookings_due(*, now: datetime | None = None) -> dict[str, int]:
    """The background work, idempotent: expire lapsed holds and offers, start confirmed
    bookings whose start has come, complete bookings ``BOOKINGS_AUTO_COMPLETE_DAYS`` after their
    end unless disputed, and publish reviews ``BOOKINGS_REVIEW_BLIND_DAYS`` after completion.
    Each booking is handled in its own transaction under the resource lock."""
    now = now or timezone.now()
    counts = {"expired": 0, "started": 0, "completed": 0, "offers_expired": 0,
              "reviews_published": 0}
    work = [
        ("expired", "expire", Q(status__in=HOLD_STATES, hold_expires_at__lte=now)),
        ("started", "start", Q(status=Status.CONFIRMED, start__lte=now)),
        ("completed", "complete", Q(
            status=Status.IN_PROGRESS,
            end__lte=now - timedelta(days=settings.BOOKINGS_AUTO_COMPLETE_DAYS))),
    ]
    for count, action, condition in work:
        transition = states.TRANSITIONS[action]
        for pk in list(Booking.objects.filter(condition).order_by("pk")
                       .values_list("pk", flat=True)):
            with transaction.atomic():
                booking = _locked_booking(Booking(pk=pk, resource_id=Booking.objects.filter(
                    pk=pk).values_list("resource_id", flat=True).first()))
                if booking.status in transition.sources and Booking.objects.filter(
                        condition, pk=pk).exists():
                    _apply(booking, transition, actor=None, now=now)
                    counts[count] += 1
    with transaction.atomic():
        counts["offers_expired"] = Offer.objects.filter(
            status=Offer.OfferStatus.OPEN, valid_until__lte=now).update(
            status=Offer.OfferStatus.EXPIRED, updated_at=now)
    deadline = now - timedelta(days=settings.BOOKINGS_REVIEW_BLIND_DAYS)
    with transaction.atomic():
        counts["reviews_published"] = Review.objects.filter(
            published_at__isnull=True, booking__ended_at__lte=deadline).update(published_at=now)
    return counts


# --- offers ----------------------------------------------------------------------------------


def _request_parties(offer_or_request) -> CapacityRequest:
    return offer_or_request if isinstance(offer_or_request, CapacityRequest) \
        else offer_or_request.request


@transaction.atomic
def offer_create(*, actor: User, request: CapacityRequest, resource: Resource, start: datetime,
                 end: datetime, valid_until: datetime, step: RequestStep | None = None,
                 price_cents: int | None = None, conditions: str = "",
                 now: datetime | None = None) -> Offer:
    """A provider's offer on an open request: one of its resources for a period, at its hourly
    price unless ``price_cents`` quotes another, valid until ``valid_until``."""
    from fabshare.network.services import require_role

    now = now or timezone.now()
    require_role(actor, resource.organization, Role.ADMIN)
    if not requests_visible_to(actor).filter(pk=request.pk).exists():
        raise NotFound(_("Request not found."))
    if request.status != RequestStatus.OPEN:
        raise Conflict(_("This request is not open for offers."))
    if request.organization_id == resource.organization_id:
        raise DomainError(_("You cannot answer your own request."), field="resource")
    if step is not None and step.request_id != request.pk:
        raise DomainError(_("This step belongs to another request."), field="step")
    check_period(resource, start, end, now=now)
    if price_cents is None:
        price_cents = price_for(resource, start, end)
    elif not isinstance(price_cents, int) or not 0 <= price_cents <= 10**11:
        raise DomainError(_("Give a price between 0 and 1 000 000 000."), field="price_cents")
    if not isinstance(valid_until, datetime) or valid_until.utcoffset() is None:
        raise DomainError(_("Give the time with its time zone."), field="valid_until")
    if valid_until <= now:
        raise DomainError(_("The offer must stay valid for some time."), field="valid_until")
    if valid_until > start:
        raise DomainError(_("The offer must expire before the period starts."),
                          field="valid_until")
    offer = Offer.objects.create(
        request=request, step=step, provider=resource.organization, resource=resource,
        created_by=actor, start=start, end=end, price_cents=price_cents,
        currency=resource.currency, vat_percent=vat_percent(),
        conditions=(conditions or "").strip()[:4000], valid_until=valid_until)
    entry = audit_record(actor=actor, action="offer.create", target=offer,
                         organization=resource.organization,
                         summary=f"Offer on {request.title}: {resource.name}")
    _tell(_party_users(request.organization, extra=request.created_by), kind="offer.new",
          actor=actor, key=f"offer:{offer.pk}:{entry.pk}", url=offer_url(offer),
          title=gettext_lazy("New offer on %(request)s"),
          body=gettext_lazy("%(provider)s offers %(resource)s, %(when)s, for %(price)s excl. "
                            "VAT, valid until %(valid)s."),
          context={"request": request.title, "provider": resource.organization.name,
                   "resource": resource.name, "when": lambda: _when(offer),
                   "price": lambda: money(price_cents, offer.currency),
                   "valid": lambda: _fmt(valid_until)})
    return offer


def offer_url(offer: Offer) -> str:
    return reverse("offer_detail", args=[offer.pk])


def _mark_matched(request: CapacityRequest) -> None:
    try:
        demand_services = importlib.import_module("fabshare.demand.services")
    except ImportError:
        demand_services = None
    mark = getattr(demand_services, "request_mark_matched", None)
    if mark is not None:
        mark(request=request)
    else:
        CapacityRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
            status=RequestStatus.MATCHED, updated_at=timezone.now())


@transaction.atomic
def offer_accept(*, actor: User, offer: Offer, now: datetime | None = None) -> Booking:
    """The seeker accepts an offer: it becomes a confirmed booking (409 if the resource was
    taken meanwhile); the other open offers on the same request step are not chosen, and the
    request is marked matched."""
    now = now or timezone.now()
    request = offer.request
    if not Membership.objects.filter(user=actor, organization=request.organization).exists():
        raise NotFound(_("Offer not found."))
    locked = _lock_resource(offer.resource_id)
    offer = Offer.objects.select_for_update(of=("self",)).select_related("request", "resource").get(
        pk=offer.pk)
    if offer.status != Offer.OfferStatus.OPEN:
        raise Conflict(_("This offer is %(status)s and can no longer be accepted.")
                       % {"status": offer.get_status_display().lower()})
    if offer.valid_until <= now:
        raise Conflict(_("This offer expired on %(date)s.") % {"date": _fmt(offer.valid_until)})
    if offer.start <= now:
        raise Conflict(_("The offered period has already begun."))
    _expire_overdue_holds(locked.pk, now)
    _check_free(locked.pk, offer.start, offer.end)
    booking = Booking(
        resource=locked, provider=offer.provider, seeker=request.organization,
        requested_by=actor, step=offer.step, start=offer.start, end=offer.end,
        status=Status.CONFIRMED, price_cents=offer.price_cents, currency=offer.currency,
        vat_percent=offer.vat_percent, note=offer.conditions, confirmed_at=now)
    _save_guarded(booking)
    offer.status, offer.booking = Offer.OfferStatus.ACCEPTED, booking
    offer.save(update_fields=["status", "booking", "updated_at"])
    Offer.objects.filter(request=request, status=Offer.OfferStatus.OPEN, step=offer.step) \
        .exclude(pk=offer.pk).update(status=Offer.OfferStatus.REJECTED, updated_at=now)
    _mark_matched(request)
    entry = audit_record(actor=actor, action="offer.accept", target=offer,
                         organization=offer.provider,
                         summary=f"Accepted offer on {request.title}: {locked.name}")
    _tell(_party_users(offer.provider, extra=offer.created_by), kind="offer.accepted",
          actor=actor, key=f"offer:{offer.pk}:{entry.pk}", url=booking_url(booking),
          title=gettext_lazy("Offer accepted: %(resource)s"),
          body=gettext_lazy("%(seeker)s accepted your offer on %(request)s. %(resource)s is "
                            "booked, %(when)s."),
          context={"seeker": request.organization.name, "request": request.title,
                   "resource": locked.name, "when": lambda: _when(booking)})
    _refresh_free_time(locked)
    return booking


@transaction.atomic
def offer_withdraw(*, actor: User, offer: Offer) -> Offer:
    from fabshare.network.services import require_role

    require_role(actor, offer.provider, Role.ADMIN)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != Offer.OfferStatus.OPEN:
        raise Conflict(_("This offer is %(status)s and can no longer be withdrawn.")
                       % {"status": offer.get_status_display().lower()})
    offer.status = Offer.OfferStatus.WITHDRAWN
    offer.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="offer.withdraw", target=offer,
                 organization=offer.provider, summary=f"Withdrew offer {offer.pk}")
    return offer


# --- messages --------------------------------------------------------------------------------


def thread_sides(user, *, booking: Booking | None = None, offer: Offer | None = None
                 ) -> set[str]:
    """Members of both organizations may read and write the thread."""
    if booking is not None:
        seeker_id, provider_id = booking.seeker_id, booking.provider_id
    else:
        seeker_id, provider_id = offer.request.organization_id, offer.provider_id
    roles = _roles(user, [seeker_id, provider_id])
    return ({Side.SEEKER} if seeker_id in roles else set()) | (
        {Side.PROVIDER} if provider_id in roles else set())


@transaction.atomic
def message_post(*, actor: User, body: str = "", booking: Booking | None = None,
                 offer: Offer | None = None, files: list[UploadedFile] | None = None
                 ) -> Message:
    """Add a message (with up to ``BOOKINGS_MAX_ATTACHMENTS`` files of at most
    ``BOOKINGS_ATTACHMENT_MAX_BYTES`` each) to a booking's or an offer's thread; the other
    side is notified. All files are checked before anything is written."""
    if (booking is None) == (offer is None):
        raise DomainError(_("A message belongs to one booking or one offer."))
    sides = thread_sides(actor, booking=booking, offer=offer)
    if not sides:
        raise NotFound(_("Booking not found.") if booking else _("Offer not found."))
    body = (body or "").strip()
    files = list(files or [])
    if not body and not files:
        raise DomainError(_("Write a message or attach a file."), field="body")
    if len(body) > 10_000:
        raise DomainError(_("A message has at most 10 000 characters."), field="body")
    if len(files) > settings.BOOKINGS_MAX_ATTACHMENTS:
        raise DomainError(_("Attach at most %(n)s files.")
                          % {"n": settings.BOOKINGS_MAX_ATTACHMENTS}, field="files")
    for upload in files:
        if upload.size > settings.BOOKINGS_ATTACHMENT_MAX_BYTES:
            raise DomainError(_("%(name)s is %(size)s; the limit is %(limit)s.") % {
                "name": upload.name, "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.BOOKINGS_ATTACHMENT_MAX_BYTES)}, field="files")
        if upload.size == 0:
            raise DomainError(_("%(name)s is empty.") % {"name": upload.name}, field="files")
    side = Side.SEEKER if Side.SEEKER in sides else Side.PROVIDER
    if booking is not None and len(sides) == 2:
        side = Side.PROVIDER
    message = Message.objects.create(booking=booking, offer=offer, author=actor, side=side,
                                     body=body)
    for upload in files:
        name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
        MessageAttachment.objects.create(message=message, file=upload, name=name,
                                         size=upload.size)
    if booking is not None:
        other = booking.seeker if side == Side.PROVIDER else booking.provider
        extra = booking.requested_by if other == booking.seeker else None
        url, subject = booking_url(booking), booking.resource.name
    else:
        other = offer.request.organization if side == Side.PROVIDER else offer.provider
        extra = offer.request.created_by if side == Side.PROVIDER else offer.created_by
        url, subject = offer_url(offer), offer.request.title
    author_org = booking.provider if booking and side == Side.PROVIDER else (
        booking.seeker if booking else (offer.provider if side == Side.PROVIDER
                                        else offer.request.organization))
    _tell(_party_users(other, extra=extra), kind="message", actor=actor,
          key=f"message:{message.pk}", url=url, title=gettext_lazy("New message about %(subject)s"),
          body=gettext_lazy("%(org)s wrote: %(excerpt)s"),
          context={"subject": subject, "org": author_org.name,
                   "excerpt": body[:300] or gettext_lazy("(attachments)")})
    return message


# --- reviews ---------------------------------------------------------------------------------


@transaction.atomic
def review_submit(*, actor: User, booking: Booking, rating: int, text: str = "",
                  now: datetime | None = None) -> Review:
    """Rate the other side of a completed booking (1–5). Double-blind: both reviews are
    published once both sides have reviewed, or ``BOOKINGS_REVIEW_BLIND_DAYS`` after
    completion (then the window closes)."""
    now = now or timezone.now()
    sides = thread_sides(actor, booking=booking)
    if not sides:
        raise NotFound(_("Booking not found."))
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Status.COMPLETED:
        raise Conflict(_("Reviews open when the booking is completed."))
    if booking.ended_at and now >= booking.ended_at + timedelta(
            days=settings.BOOKINGS_REVIEW_BLIND_DAYS):
        raise Conflict(_("The review period of %(days)s days has ended.")
                       % {"days": settings.BOOKINGS_REVIEW_BLIND_DAYS})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Give a rating from 1 to 5."), field="rating")
    text = (text or "").strip()
    if len(text) > 4000:
        raise DomainError(_("A review has at most 4 000 characters."), field="text")
    existing = set(booking.reviews.values_list("side", flat=True))
    free = [s for s in (Side.SEEKER, Side.PROVIDER) if s in sides and s not in existing]
    if not free:
        raise Conflict(_("Your side has already reviewed this booking."))
    review = Review.objects.create(booking=booking, side=free[0], author=actor, rating=rating,
                                   text=text)
    if booking.reviews.count() == 2:
        booking.reviews.update(published_at=now)
        review.published_at = now
    audit_record(actor=actor, action="review.submit", target=review,
                 organization=booking.provider, summary=f"{rating}/5 on booking {booking.pk}")
    return review


# --- personal calendar -----------------------------------------------------------------------


def personal_calendar_of(user: User) -> PersonalCalendar:
    calendar, _created = PersonalCalendar.objects.get_or_create(user=user)
    return calendar


@transaction.atomic
def personal_calendar_rotate(*, actor: User) -> PersonalCalendar:
    """A new secret address for the personal feed; the old one stops working."""
    from fabshare.bookings.models import new_calendar_token

    calendar = personal_calendar_of(actor)
    calendar.token = new_calendar_token()
    calendar.save(update_fields=["token"])
    return calendar
