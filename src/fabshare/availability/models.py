"""Published free time of resources: one-off windows, recurring rules with exceptions, busy
times imported from calendar feeds, and the derived free slots the matching engine queries."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.models import Resource, new_feed_token
from fabshare.core.models import TimeStampedModel
from fabshare.network.models import Organization


class AvailabilityWindow(TimeStampedModel):
    """A one-off period the provider offers (entered by hand, imported, or from machine data)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported")
        MACHINE = "machine", _("Machine data")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="windows")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        ordering = ["start"]
        indexes = [models.Index(fields=["resource", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="window_end_after_start")]

    def __str__(self):
        return f"{self.resource}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class AvailabilityRule(TimeStampedModel):
    """A recurring pattern of free time, e.g. weekends or a night shift, in local time
    (RFC 5545 RRULE underneath), with exceptions such as a summer shutdown."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=100)
    rrule = models.CharField(_("recurrence (RRULE)"), max_length=300)
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(14 * 24 * 60)]
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("availability rule")
        verbose_name_plural = _("availability rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="rule_ends_after_start"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=20160),
                name="rule_duration_range"),
        ]

    def __str__(self):
        return self.name


class RuleException(models.Model):
    """Local dates on which a rule offers nothing (holidays, a summer shutdown)."""

    rule = models.ForeignKey(AvailabilityRule, on_delete=models.CASCADE,
                             related_name="exceptions")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["first_day"]
        constraints = [models.CheckConstraint(condition=Q(last_day__gte=F("first_day")),
                                              name="exception_last_after_first")]

    def __str__(self):
        return f"{self.first_day} – {self.last_day} {self.reason}"


class CalendarFeed(TimeStampedModel):
    """Busy times from the provider's own calendar (an iCalendar URL or an uploaded file);
    they are subtracted from the published free time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not fetched yet")
        OK = "ok", _("Up to date")
        FAILING = "failing", _("Failing")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="feeds")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("iCalendar URL"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    busy_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BusyPeriod(models.Model):
    """A busy time read from a calendar feed."""

    feed = models.ForeignKey(CalendarFeed, on_delete=models.CASCADE, related_name="busy")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="busy")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["resource", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="busy_end_after_start")]

    def __str__(self):
        return f"busy {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class FreeSlot(models.Model):
    """Derived, never edited: the resource's free time = windows ∪ rule occurrences − busy
    times − taken time, normalized (no overlaps, touching slots merged), over the planning
    horizon. Recomputed by ``availability.services.free_time_refresh``; queried in SQL by
    ``availability.selectors.resources_with_free_time``."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="free_slots")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        indexes = [
            # With the end, one resource's slots in a period are read from the index alone
            # (an index-only scan on PostgreSQL), as a results page does for 200 resources.
            models.Index(fields=["resource", "start", "end"]),
            models.Index(fields=["start", "end"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="free_slot_end_after_start")]

    def __str__(self):
        return f"free {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class OrganizationCalendar(TimeStampedModel):
    """The secret token of an organization's iCalendar export (the free time of all its
    resources). Created on first use; rotating the token locks out every old subscriber."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="calendar")
    token = models.CharField(max_length=40, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("organization calendar")
        verbose_name_plural = _("organization calendars")

    def __str__(self):
        return f"calendar of {self.organization}"
