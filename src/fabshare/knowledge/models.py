"""Knowledge sharing: events with sessions, registrations with quotas and a waitlist,
attendance, and collaboration projects.

Seats are never a stored counter: the services count the registrations that hold a seat while
the event row is locked (see ``services.event_register``). The database guards what must never
be false even if code is wrong: one active registration per person and event, one attendance
per registration and session, a session that ends after it starts, a quota within capacity.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabshare.core.models import TimeStampedModel
from fabshare.network.models import Cluster, Network, Organization, Site


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventKind(models.TextChoices):
    MASTERCLASS = "masterclass", _("Masterclass programme")
    TRAINING = "training", _("Training")
    VISIT = "visit", _("Company visit")
    SEMINAR = "seminar", _("Seminar")
    NETWORKING = "networking", _("Networking")
    WEBINAR = "webinar", _("Webinar")


class Theme(models.TextChoices):
    INNOVATION = "innovation", _("Innovation")
    DIGITALISATION = "digitalisation", _("Digitalisation")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    TALENT = "talent", _("Talent")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public page")
    NETWORK = "network", _("Network members only")


class EventStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Event(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    host = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="hosted_events",
                             verbose_name=_("host"))
    co_hosts = models.ManyToManyField(Organization, blank=True, related_name="co_hosted_events",
                                      verbose_name=_("co-hosts"))
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="events",
                                verbose_name=_("network"))
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="events",
                                      verbose_name=_("clusters"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES,
                                default="nl")
    description = models.TextField(_("description"), blank=True, max_length=10000)
    capacity = models.PositiveIntegerField(_("capacity"))
    quota_per_organization = models.PositiveIntegerField(
        _("seats per organization"), null=True, blank=True,
        help_text=_("At most this many seats per company; empty for no limit."))
    price_cents = models.PositiveIntegerField(_("price (cents)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    invoice_details = models.TextField(_("invoice details"), blank=True, max_length=2000)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"))
    requires_approval = models.BooleanField(_("the host approves each registration"),
                                            default=False)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    min_sessions_for_certificate = models.PositiveIntegerField(
        _("sessions needed for a certificate"), null=True, blank=True,
        help_text=_("Empty: every session."))
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices,
                              default=EventStatus.PUBLISHED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    # Set from the sessions by the services, so the calendar filters and sorts in SQL.
    starts_at = models.DateTimeField(null=True, db_index=True)
    ends_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(quota_per_organization__isnull=True)
                | Q(quota_per_organization__gte=1, quota_per_organization__lte=F("capacity")),
                name="event_quota_within_capacity"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_opens_at__lt=F("registration_deadline")),
                name="event_registration_opens_before_deadline"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def price(self) -> Decimal:
        return Decimal(self.price_cents) / 100


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="event_sessions", verbose_name=_("host site"))
    online_url = models.URLField(_("online link"), blank=True)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="session_ends_after_start"),
        ]

    def __str__(self):
        return self.title or f"{self.event} {self.starts_at:%Y-%m-%d}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the host's approval")
    CONFIRMED = "confirmed", _("Registered")
    OFFERED = "offered", _("Seat offered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined by the host")
    EXPIRED = "expired", _("Offer expired")


# A registration in these states holds a seat (and counts toward its organization's quota).
SEAT_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED,
                 RegistrationStatus.OFFERED)
ACTIVE_STATUSES = (*SEAT_STATUSES, RegistrationStatus.WAITLISTED)


class Registration(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    attendee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="event_registrations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="event_registrations")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    # The waitlist is ordered by the moment a person joined it (then by id).
    queued_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ticket = models.CharField(max_length=40, unique=True, default=new_token)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "attendee"],
                condition=Q(status__in=["pending", "confirmed", "offered", "waitlisted"]),
                name="registration_one_active_per_attendee"),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.attendee} @ {self.event} ({self.status})"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE,
                                     related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["registration", "session"],
                                               name="attendance_unique")]

    def __str__(self):
        return f"{self.registration_id} @ {self.session}"


class CalendarToken(models.Model):
    """The secret address of a person's own event calendar (iCalendar feed)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="event_calendar")
    token = models.CharField(max_length=40, unique=True, default=new_token)

    def __str__(self):
        return f"{self.user} calendar"


# --- collaboration projects ------------------------------------------------------------------


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Running")
    COMPLETED = "completed", _("Completed")


class Project(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    goals = models.TextField(_("goals"), max_length=10000)
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="projects",
                                verbose_name=_("network"))
    lead = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="led_projects",
                             verbose_name=_("project lead"))
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.PLANNED)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True)
                                   | Q(ends_on__gte=F("starts_on")),
                                   name="project_ends_after_start"),
        ]

    def __str__(self):
        return self.title


class PartnerStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked to join")
    APPROVED = "approved", _("Partner")
    DECLINED = "declined", _("Declined")


class ProjectPartner(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="project_partnerships")
    role = models.CharField(_("role"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=PartnerStatus.choices)
    message = models.TextField(_("message"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "organization"],
                                               name="project_partner_unique")]

    def __str__(self):
        return f"{self.organization} in {self.project} ({self.role})"


class ProjectUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    body = models.TextField(_("update"), max_length=5000)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.project}: {self.body[:40]}"


class ProjectDocument(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to="project-documents/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title
