"""Reads of free time: per resource, and "which resources have enough free time" in SQL."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext as _

from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    BusyPeriod,
    CalendarFeed,
    FreeSlot,
    OrganizationCalendar,
)
from fabshare.catalog.models import Resource
from fabshare.catalog.selectors import require_role_in, resources_visible_to
from fabshare.core.errors import NotFound
from fabshare.network.models import Role

Interval = tuple[datetime, datetime]


def free_slots(resource: Resource, start: datetime, end: datetime) -> list[Interval]:
    """The resource's free time within [start, end), clipped."""
    rows = FreeSlot.objects.filter(resource=resource, start__lt=end, end__gt=start).order_by(
        "start").values_list("start", "end")
    return [(max(s, start), min(e, end)) for s, e in rows]


@dataclass(frozen=True)
class FreeTimeSummary:
    total: timedelta
    longest: timedelta


def free_time_summary(resource: Resource, start: datetime, end: datetime) -> FreeTimeSummary:
    slots = free_slots(resource, start, end)
    lengths = [e - s for s, e in slots]
    return FreeTimeSummary(sum(lengths, timedelta()), max(lengths, default=timedelta()))


def resources_with_free_time(
    *, start: datetime, end: datetime, min_total: timedelta | None = None,
    min_run: timedelta | None = None, resources: QuerySet[Resource] | None = None,
) -> QuerySet:
    """Resources with at least ``min_total`` free time in all, or a single free run of at least
    ``min_run``, inside [start, end) — one aggregate query over the indexed FreeSlot table.

    Returns rows ``{"resource": id, "free_total": timedelta, "free_longest": timedelta}``.
    Free slots are normalized (no overlaps, touching ones merged) when stored, so the longest
    clipped slot is the longest free run.
    """
    clipped = ExpressionWrapper(
        Least(F("end"), Value(end)) - Greatest(F("start"), Value(start)),
        output_field=DurationField(),
    )
    rows = FreeSlot.objects.filter(start__lt=end, end__gt=start)
    if resources is not None:
        rows = rows.filter(resource__in=resources.values("pk"))
    rows = rows.values("resource").annotate(free_total=Sum(clipped), free_longest=Max(clipped))
    condition = Q()
    if min_total is not None:
        condition |= Q(free_total__gte=min_total)
    if min_run is not None:
        condition |= Q(free_longest__gte=min_run)
    return rows.filter(condition) if condition else rows


@dataclass
class CalendarData:
    free: list[tuple[datetime, datetime]]
    busy: list[tuple[datetime, datetime]]
    windows: list[AvailabilityWindow]
    rules: list[AvailabilityRule]
    feeds: list[CalendarFeed]


def calendar_data(resource: Resource, start: datetime, end: datetime) -> CalendarData:
    """What the week/month view of a resource shows."""
    return CalendarData(
        free=free_slots(resource, start, end),
        busy=list(BusyPeriod.objects.filter(resource=resource, start__lt=end, end__gt=start)
                  .order_by("start").values_list("start", "end")),
        windows=list(resource.windows.filter(start__lt=end, end__gt=start)),
        rules=list(resource.rules.prefetch_related("exceptions")),
        feeds=list(resource.feeds.all()),
    )


def busy_periods(resource: Resource, start: datetime, end: datetime) -> list[Interval]:
    """Busy times from the resource's calendar feeds within [start, end), clipped."""
    rows = BusyPeriod.objects.filter(resource=resource, start__lt=end, end__gt=start).order_by(
        "start").values_list("start", "end")
    return [(max(s, start), min(e, end)) for s, e in rows]


def get_resource_by_feed_token(token: str) -> Resource:
    """The resource whose calendar export has this secret token (NotFound otherwise)."""
    resource = Resource.objects.filter(feed_token=token).first() if token else None
    if resource is None:
        raise NotFound(_("Calendar not found."))
    return resource


def get_organization_calendar_by_token(token: str) -> OrganizationCalendar:
    """The organization calendar export with this secret token (NotFound otherwise)."""
    calendar = (OrganizationCalendar.objects.select_related("organization").filter(token=token)
                .first() if token else None)
    if calendar is None:
        raise NotFound(_("Calendar not found."))
    return calendar


def export_slots(resources: QuerySet[Resource], since: datetime) -> list[FreeSlot]:
    """Stored free slots of ``resources`` that end after ``since``, unclipped (an export's
    event must keep its start, which names it), with their resource, in one query."""
    return list(FreeSlot.objects.filter(resource__in=resources.values("pk"), end__gt=since)
                .select_related("resource").order_by("start", "resource_id"))


# --- lookups for the API ---------------------------------------------------------------------


def _for_role(rows: QuerySet, user, pk: int, minimum: str, missing: str):
    """A row of a resource the user may see (NotFound otherwise, like a missing row), if they
    hold at least ``minimum`` in the resource's organization (PermissionDenied otherwise)."""
    row = rows.select_related("resource__organization").filter(
        pk=pk, resource__in=resources_visible_to(user).values("pk")).first()
    if row is None:
        raise NotFound(missing)
    require_role_in(user, row.resource.organization, minimum)
    return row


def get_window_for_role(user, pk: int, minimum: str = Role.ADMIN) -> AvailabilityWindow:
    return _for_role(AvailabilityWindow.objects.all(), user, pk, minimum,
                     _("Availability window not found."))


def get_rule_for_role(user, pk: int, minimum: str = Role.ADMIN) -> AvailabilityRule:
    return _for_role(AvailabilityRule.objects.prefetch_related("exceptions"), user, pk, minimum,
                     _("Availability rule not found."))


def get_feed_for_role(user, pk: int, minimum: str = Role.ADMIN) -> CalendarFeed:
    return _for_role(CalendarFeed.objects.all(), user, pk, minimum, _("Calendar feed not found."))


def free_time_matches(*, resources: QuerySet[Resource], start: datetime, end: datetime,
                      min_total: timedelta | None = None, min_run: timedelta | None = None
                      ) -> QuerySet:
    """``resources_with_free_time`` with each resource's name, kind and organization in the
    same aggregate query, most free time first (for lists and pagination)."""
    return resources_with_free_time(
        start=start, end=end, min_total=min_total, min_run=min_run, resources=resources,
    ).values(
        "resource", "free_total", "free_longest", "resource__name", "resource__kind",
        "resource__organization_id", "resource__organization__name",
    ).order_by("-free_total", "resource")
