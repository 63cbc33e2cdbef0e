"""Reads of free time: per resource, and "which resources have enough free time" in SQL."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest, Least

from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    BusyPeriod,
    CalendarFeed,
    FreeSlot,
)
from fabshare.catalog.models import Resource

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
