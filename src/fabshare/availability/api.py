"""REST endpoints for a resource's availability (one-off windows, recurring rules, calendar
feeds) and for free time: one resource's free slots, and "which resources have enough free time
in this period".

Thin like ``fabshare.catalog.api``: who may do what is decided by the selectors — free time is
read by anyone who may see the resource; the windows and rules it comes from by the members of
its organization; calendar feeds (whose addresses are often secret) and every change by its
admins — invisible is a 404, visible but not allowed a 403. Services check the domain rules (an
invalid RRULE, an end before the start, a malformed iCalendar file) and name the field.

Times are ISO 8601 with their UTC offset; a time without one is refused (422) rather than read
in some zone. Free time is stored over a rolling horizon (``FREE_TIME_HORIZON_DAYS``): past its
end there are no free slots yet.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, Field

from fabshare.api import PUBLIC
from fabshare.availability import selectors, services
from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    CalendarFeed,
)
from fabshare.catalog import api as catalog_api
from fabshare.catalog import selectors as catalog_selectors
from fabshare.catalog.api import Code
from fabshare.catalog.models import ResourceKind
from fabshare.network.api import In, Pagination, PathId, Text, errors
from fabshare.network.models import Role

router = Router(tags=["availability"])

MAX_RANGE = timedelta(days=366)
DEFAULT_RANGE = timedelta(days=28)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_HOURS = 366 * 24


# --- field types -----------------------------------------------------------------------------


def _plus_sign(value):
    # In a query string an unencoded "+" arrives as a space: 08:00:00 01:00 meant 08:00:00+01:00.
    if isinstance(value, str):
        return re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$", r"\1+\2",
                      value.strip())
    return value


def _aware(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(_("Give the time with its UTC offset, e.g. 2026-03-23T08:00:00+01:00."))
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        instant = None
    if instant is None or not EARLIEST <= instant < LATEST:
        raise ValueError(_("Give a time between 1970 and 2199."))
    return instant


def _day(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(_("Give a date between 1970 and 2199."))
    return value


def _feed_url(value: str) -> str:
    # Calendar apps offer webcal:// links; the service fetches them over https.
    value = re.sub(r"^(webcal|https?)://", lambda m: m.group(0).lower(), value.strip(),
                   flags=re.IGNORECASE)
    try:
        URLValidator(schemes=["http", "https"])(value.replace("webcal://", "https://", 1))
    except DjangoValidationError:
        raise ValueError(_("Enter an iCalendar address starting with https://, http:// or "
                           "webcal://.")) from None
    return value


Instant = Annotated[datetime, BeforeValidator(_plus_sign), AfterValidator(_aware),
                    Field(examples=["2026-03-23T08:00:00+01:00"])]
Day = Annotated[date, AfterValidator(_day)]
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["22:00"],
                             description="Local wall-clock time, HH:MM")]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, allow_inf_nan=False)]
FeedUrl = Annotated[Text(500, 1), AfterValidator(_feed_url)]
FeedName = Annotated[Text(100), Form("")]


# --- output schemas --------------------------------------------------------------------------


class WindowOut(Schema):
    id: int
    resource_id: int
    start: datetime
    end: datetime
    source: AvailabilityWindow.Source
    note: str
    created_at: datetime


class RuleExceptionOut(Schema):
    first_day: date
    last_day: date
    reason: str


class RuleOut(Schema):
    id: int
    resource_id: int
    name: str
    rrule: str = Field(..., description="RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=SA")
    start_time: str = Field(..., description="Local wall-clock time, HH:MM")
    duration_minutes: int
    starts_on: date
    ends_on: date | None
    time_zone: str
    is_active: bool
    exceptions: list[RuleExceptionOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_start_time(obj) -> str:
        return obj.start_time.strftime("%H:%M")

    @staticmethod
    def resolve_exceptions(obj) -> list:
        return list(obj.exceptions.all())


class FeedOut(Schema):
    id: int
    resource_id: int
    name: str
    url: str = Field(..., description="Empty for an uploaded file")
    status: CalendarFeed.Status
    last_fetched_at: datetime | None
    last_error: str
    failures: int
    next_attempt_at: datetime | None
    busy_count: int = Field(..., description="Busy periods read within the horizon")
    created_at: datetime


class SlotOut(Schema):
    start: datetime
    end: datetime


class FreeTimeOut(Schema):
    resource_id: int
    start: datetime
    end: datetime
    total_hours: float
    longest_hours: float = Field(..., description="The longest uninterrupted free run")
    computed_until: datetime = Field(..., description="Free time is known up to here")
    slots: list[SlotOut]


class OrganizationBrief(Schema):
    id: int
    name: str


class FreeTimeMatchOut(Schema):
    resource_id: int
    name: str
    kind: ResourceKind
    organization: OrganizationBrief
    free_total_hours: float
    free_longest_hours: float = Field(..., description="The longest uninterrupted free run")

    @staticmethod
    def resolve_resource_id(obj) -> int:
        return obj["resource"]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj["resource__name"]

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj["resource__kind"]

    @staticmethod
    def resolve_organization(obj) -> dict:
        return {"id": obj["resource__organization_id"],
                "name": obj["resource__organization__name"]}

    @staticmethod
    def resolve_free_total_hours(obj) -> float:
        return _hours(obj["free_total"])

    @staticmethod
    def resolve_free_longest_hours(obj) -> float:
        return _hours(obj["free_longest"])


# --- input schemas ---------------------------------------------------------------------------


class WindowIn(In):
    start: Instant
    end: Instant = Field(..., description="After the start, at most 366 days later")
    note: Text(200) = ""


class RuleExceptionIn(In):
    first_day: Day
    last_day: Day = Field(..., description="Inclusive")
    reason: Text(120) = ""


RuleExceptions = Annotated[list[RuleExceptionIn], Field(max_length=100)]
RRule = Annotated[Text(300, 1), Field(examples=["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"])]
Duration = Annotated[int, Field(description="1 minute to 14 days (20160)")]
TimeZone = Annotated[Text(64, 1), Field(description="IANA name, e.g. Europe/Brussels")]


class RuleIn(In):
    name: Text(100, 1)
    rrule: RRule
    start_time: Clock
    duration_minutes: Duration
    starts_on: Day = Field(None, description="The first local day; default today")
    ends_on: Day | None = Field(None, description="The last local day (inclusive), if any")
    time_zone: TimeZone = "Europe/Brussels"
    exceptions: RuleExceptions = Field([], description="Local days without free time, e.g. a "
                                                       "summer shutdown")


class RulePatch(In):
    # Omitted fields stay as they are; exceptions, when given, replace the list.
    name: Text(100, 1) = None
    rrule: RRule = None
    start_time: Clock = None
    duration_minutes: Duration = None
    starts_on: Day = None
    ends_on: Day | None = None
    time_zone: TimeZone = None
    is_active: bool = None
    exceptions: RuleExceptions = None


class FeedIn(In):
    url: FeedUrl = Field(..., description="An iCalendar address (https, http or webcal) whose "
                                          "busy times are subtracted; refreshed in the background")
    name: Text(100) = ""


class RangeFilters(Schema):
    start: Instant = Field(None, description="Default: now")
    end: Instant = Field(None, description="Default: 28 days after the start; at most 366 days "
                                           "after it")


class FreeTimeFilters(RangeFilters):
    min_hours: Hours = Field(None, description="At least this many free hours in all")
    min_run_hours: Hours = Field(None, description="Or a free run of at least this many hours")
    process: Code = Field(None, description="A process code; the processes below it count too")
    kind: ResourceKind = None


# --- helpers ---------------------------------------------------------------------------------


def _hours(value: timedelta | None) -> float:
    return (value or timedelta()).total_seconds() / 3600


def _range(filters: RangeFilters) -> tuple[datetime, datetime]:
    start = filters.start or timezone.now().replace(microsecond=0)
    end = filters.end or start + DEFAULT_RANGE
    if end <= start:
        message = _("The end must come after the start.")
    elif end - start > MAX_RANGE:
        message = _("Ask for at most 366 days at a time.")
    else:
        return start, end
    raise ValidationError([{"loc": ("query", "end"), "type": "value_error", "msg": message}])


def _rule_arguments(data: dict) -> dict:
    """The API's fields as the service's arguments: a time of day, exceptions as tuples."""
    if data.get("start_time") is not None:
        data["start_time"] = time.fromisoformat(data["start_time"])
    if data.get("exceptions") is not None:
        data["exceptions"] = [(e["first_day"], e["last_day"], e.get("reason", ""))
                              for e in data["exceptions"]]
    return data


def _rule(user, pk: int) -> AvailabilityRule:
    return selectors.get_rule_for_role(user, pk, minimum=Role.ADMIN)





# --- windows ---------------------------------------------------------------------------------


@router.get("/resources/{resource_id}/windows",
            response={200: list[WindowOut], **errors(401, 403, 404, 422)})
@paginate(Pagination)
def list_windows(request, resource_id: PathId):
    """One-off periods the resource is offered, by start (members of its organization)."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id,
                                                       minimum=Role.MEMBER)
    return resource.windows.order_by("start", "pk")


@router.post("/resources/{resource_id}/windows",
             response={201: WindowOut, **errors(400, 401, 403, 404, 422)})
def create_window(request, resource_id: PathId, payload: WindowIn):
    """Offer a one-off period, at most 366 days long (admins)."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id)
    window = services.window_create(actor=request.auth, resource=resource, start=payload.start,
                                    end=payload.end, note=payload.note)
    return Status(201, window)


@router.delete("/windows/{window_id}", response={204: None, **errors(401, 403, 404, 422)})
def delete_window(request, window_id: PathId):
    """Withdraw a one-off period (admins)."""
    window = selectors.get_window_for_role(request.auth, window_id)
    services.window_delete(actor=request.auth, window=window)
    return Status(204, None)


# --- recurring rules -------------------------------------------------------------------------


@router.get("/resources/{resource_id}/rules",
            response={200: list[RuleOut], **errors(401, 403, 404, 422)})
@paginate(Pagination)
def list_rules(request, resource_id: PathId):
    """Recurring patterns of free time with their exceptions (members of its organization)."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id,
                                                       minimum=Role.MEMBER)
    return resource.rules.prefetch_related("exceptions").order_by("name", "pk")


@router.post("/resources/{resource_id}/rules",
             response={201: RuleOut, **errors(400, 401, 403, 404, 422)})
def create_rule(request, resource_id: PathId, payload: RuleIn):
    """Offer a recurring pattern in local wall-clock time (admins): an RFC 5545 RRULE chooses
    the days, start_time and duration_minutes the hours, e.g. a night shift Mon–Fri is
    FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR at 22:00 for 480 minutes. Correct across daylight-saving
    changes. An invalid RRULE is a 400 naming rrule."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id)
    data = _rule_arguments(payload.model_dump())
    if data["starts_on"] is None:
        data["starts_on"] = timezone.localdate()
    rule = services.rule_create(actor=request.auth, resource=resource, **data)
    return Status(201, _rule(request.auth, rule.pk))


@router.patch("/rules/{rule_id}", response={200: RuleOut, **errors(400, 401, 403, 404, 422)})
def update_rule(request, rule_id: PathId, payload: RulePatch):
    """Change a rule (admins). Only the fields sent are changed; exceptions, when sent,
    replace the list."""
    rule = _rule(request.auth, rule_id)
    data = _rule_arguments(payload.model_dump(exclude_unset=True))
    services.rule_update(actor=request.auth, rule=rule, **data)
    return _rule(request.auth, rule_id)


@router.delete("/rules/{rule_id}", response={204: None, **errors(401, 403, 404, 422)})
def delete_rule(request, rule_id: PathId):
    """Remove a rule and the free time it offered (admins)."""
    services.rule_delete(actor=request.auth, rule=_rule(request.auth, rule_id))
    return Status(204, None)


# --- calendar feeds --------------------------------------------------------------------------


@router.get("/resources/{resource_id}/feeds",
            response={200: list[FeedOut], **errors(401, 403, 404, 422)})
@paginate(Pagination)
def list_feeds(request, resource_id: PathId):
    """Calendars whose busy times are subtracted, with their state: a failing feed keeps its
    last good busy times and says why (admins)."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id)
    return resource.feeds.order_by("name", "pk")


@router.post("/resources/{resource_id}/feeds",
             response={201: FeedOut, **errors(400, 401, 403, 404, 422)})
def create_feed(request, resource_id: PathId, payload: FeedIn):
    """Subscribe to an iCalendar address (admins). It is fetched at once and then refreshed in
    the background; an unreachable address is kept, flagged as failing and retried."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id)
    feed = services.feed_create(actor=request.auth, resource=resource, name=payload.name,
                                url=payload.url)
    return Status(201, selectors.get_feed_for_role(request.auth, feed.pk))


@router.post("/resources/{resource_id}/feeds/upload",
             response={201: FeedOut, **errors(400, 401, 403, 404, 422)})
def upload_feed(request, resource_id: PathId, calendar: File[UploadedFile],
                name: FeedName = ""):
    """Upload an iCalendar (.ics) file as the multipart field ``calendar`` (admins, at most
    2 MB): its busy times are read once and subtracted; a malformed or oversized file is a 400
    naming calendar, and nothing is saved."""
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id)
    data = calendar.read(services.FEED_MAX_BYTES + 1)
    with catalog_api.api_field_names(file="calendar"):
        feed = services.feed_create(actor=request.auth, resource=resource,
                                    name=name or calendar.name or "", upload=data)
    return Status(201, selectors.get_feed_for_role(request.auth, feed.pk))


@router.delete("/feeds/{feed_id}", response={204: None, **errors(401, 403, 404, 422)})
def delete_feed(request, feed_id: PathId):
    """Unsubscribe: its busy times stop being subtracted (admins)."""
    feed = selectors.get_feed_for_role(request.auth, feed_id)
    services.feed_delete(actor=request.auth, feed=feed)
    return Status(204, None)


# --- free time -------------------------------------------------------------------------------


@router.get("/resources/{resource_id}/free-time",
            response={200: FreeTimeOut, **errors(401, 404, 422)}, auth=PUBLIC,
            tags=["free time"])
def resource_free_time(request, resource_id: PathId, filters: Query[RangeFilters]):
    """The resource's free slots in [start, end) with their total and the longest run."""
    start, end = _range(filters)
    resource = catalog_selectors.get_resource_for_role(request.auth, pk=resource_id,
                                                       minimum=None)
    slots = selectors.free_slots(resource, start, end)
    lengths = [e - s for s, e in slots]
    return {"resource_id": resource.pk, "start": start, "end": end,
            "total_hours": _hours(sum(lengths, timedelta())),
            "longest_hours": _hours(max(lengths, default=timedelta())),
            "computed_until": services.horizon()[1],
            "slots": [{"start": s, "end": e} for s, e in slots]}


@router.get("/free-time", response={200: list[FreeTimeMatchOut], **errors(401, 422)},
            auth=PUBLIC, tags=["free time"])
@paginate(Pagination)
def find_free_time(request, filters: Query[FreeTimeFilters]):
    """Active resources the caller may see with at least min_hours free hours in all, or a free
    run of at least min_run_hours, inside [start, end) (either suffices; without both, any free
    time), most free time first. Filtered by kind and by process (the processes below it count
    too)."""
    start, end = _range(filters)
    resources = catalog_selectors.search_resources(
        request.auth, kind=filters.kind.value if filters.kind else None,
        process=catalog_api.process_for_filter(filters.process),
    ).filter(is_active=True)
    return selectors.free_time_matches(
        resources=resources, start=start, end=end,
        min_total=None if filters.min_hours is None else timedelta(hours=filters.min_hours),
        min_run=None if filters.min_run_hours is None else timedelta(hours=filters.min_run_hours),
    )
