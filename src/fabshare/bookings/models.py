"""Bookings of resources, offers on open capacity requests, the messages that stay with each
deal, and the reviews both sides leave afterwards.

A booking's period never overlaps another live booking of the same resource: the service
checks under a lock on the resource row, and on PostgreSQL an exclusion constraint over
(resource, [start, end)) restricted to the blocking states makes an overlap impossible even if
code is wrong (migration 0002). See docs/bookings.md for the state machine.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.models import Resource
from fabshare.core.models import TimeStampedModel
from fabshare.demand.models import CapacityRequest, RequestStep
from fabshare.network.models import Organization


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    COUNTERED = "countered", _("Counter-offer")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    DISPUTED = "disputed", _("Disputed")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# A live hold (a request or counter-offer waiting for an answer) or a booking that still
# takes the machine's time. Only these take part in the overlap rule.
HOLD_STATES = (Status.REQUESTED, Status.COUNTERED)
BLOCKING_STATES = (*HOLD_STATES, Status.CONFIRMED, Status.IN_PROGRESS, Status.DISPUTED)
FINAL_STATES = (Status.COMPLETED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED,
                Status.CANCELLED)


class Side(models.TextChoices):
    SEEKER = "seeker", _("Seeker")
    PROVIDER = "provider", _("Provider")


class CancellationPolicy(models.Model):
    """A resource's cancellation terms: free until ``free_until_days`` before the start, then
    ``fee_percent`` of the price. Owned by bookings (the catalog knows nothing of it); a
    resource without a row uses the defaults from settings."""

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE,
                                    related_name="cancellation_policy")
    free_until_days = models.PositiveSmallIntegerField(
        _("free cancellation until (days before)"), default=2,
        validators=[MaxValueValidator(365)])
    fee_percent = models.PositiveSmallIntegerField(
        _("fee after that (% of the price)"), default=50,
        validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("cancellation policy")
        verbose_name_plural = _("cancellation policies")
        constraints = [models.CheckConstraint(condition=Q(fee_percent__lte=100),
                                              name="cancellation_fee_percent_max")]

    def __str__(self):
        return f"{self.resource}: free until {self.free_until_days} d, then {self.fee_percent} %"


class Priced:
    """Price excl. VAT in cents with its VAT rate; VAT and total derived, never stored."""

    @property
    def vat_cents(self) -> int:
        from fabshare.bookings.pricing import vat_of

        return vat_of(self.price_cents, self.vat_percent)

    @property
    def total_cents(self) -> int:
        return self.price_cents + self.vat_cents


class Booking(Priced, TimeStampedModel):
    """A seeker organization's booking of a resource for [start, end)."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                 related_name="provided_bookings")
    seeker = models.ForeignKey(Organization, on_delete=models.PROTECT,
                               related_name="bookings")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    step = models.ForeignKey(RequestStep, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="bookings")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.REQUESTED, db_index=True)
    # Whose answer a request or counter-offer waits for.
    awaiting = models.CharField(max_length=8, choices=Side.choices, blank=True)
    price_cents = models.PositiveBigIntegerField(_("price excl. VAT (cents)"))
    currency = models.CharField(max_length=3, default="EUR")
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # completed, cancelled, …
    cancellation_fee_cents = models.PositiveBigIntegerField(default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["resource", "start"]),
                   models.Index(fields=["status", "end"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="booking_end_after_start")]

    def __str__(self):
        return f"{self.resource}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"

    @property
    def is_hold(self) -> bool:
        return self.status in HOLD_STATES


class Offer(Priced, TimeStampedModel):
    """A provider's answer to an open capacity request (or one of its steps): a resource for a
    period at a price, with conditions, valid until a date. Accepting it confirms a booking."""

    class OfferStatus(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not chosen")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    request = models.ForeignKey(CapacityRequest, on_delete=models.CASCADE,
                                related_name="offers")
    step = models.ForeignKey(RequestStep, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="offers")
    provider = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                 related_name="offers_made")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="offers")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    price_cents = models.PositiveBigIntegerField(_("price excl. VAT (cents)"))
    currency = models.CharField(max_length=3, default="EUR")
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2)
    conditions = models.TextField(_("conditions"), blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    status = models.CharField(max_length=10, choices=OfferStatus.choices,
                              default=OfferStatus.OPEN, db_index=True)
    booking = models.OneToOneField(Booking, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="offer")

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["price_cents", "start", "pk"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="offer_end_after_start")]

    def __str__(self):
        return f"{self.provider}: {self.resource} for {self.request}"


class Message(models.Model):
    """One message of the thread of a booking or of an offer."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="messages")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(
            condition=Q(booking__isnull=False, offer__isnull=True)
            | Q(booking__isnull=True, offer__isnull=False),
            name="message_in_one_thread")]

    def __str__(self):
        return self.body[:60]


def _attachment_path(instance, filename):
    return f"threads/{instance.message_id}/{secrets.token_hex(8)}/{filename}"


class MessageAttachment(models.Model):
    """A file sent with a message; served only to the two parties of the thread."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Review(models.Model):
    """One side's rating of the other after completion; hidden until both sides reviewed or
    ``REVIEW_BLIND_DAYS`` passed (double-blind)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reviews")
    side = models.CharField(max_length=8, choices=Side.choices)  # who wrote it
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("review"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "side"], name="review_once_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5),
                                   name="review_rating_range"),
        ]

    def __str__(self):
        return f"{self.rating}/5 by the {self.side} of {self.booking}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class PersonalCalendar(models.Model):
    """The secret token of a user's personal iCalendar feed of their bookings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="booking_calendar")
    token = models.CharField(max_length=40, unique=True, default=new_calendar_token)

    def __str__(self):
        return f"calendar of {self.user}"
