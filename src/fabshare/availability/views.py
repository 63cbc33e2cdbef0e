"""Pages of the availability app: a resource's week and month calendar, the admins' page for
windows, rules, exceptions and calendar feeds, and the secret-token iCalendar exports.

Thin, like every page: forms check shape, services write, selectors read; a service's error
lands next to the field it names. The calendar is laid out in the viewer's local wall-clock
time: each day column runs from local midnight to local midnight (23 hours on the
spring-forward Sunday, 25 on the fall-back one), and a block sits at the local hours it covers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from fabshare.availability import selectors, services
from fabshare.availability.forms import (
    CalendarQueryForm,
    ExceptionForm,
    FeedUploadForm,
    FeedUrlForm,
    RuleForm,
    WindowForm,
    add_service_error,
)
from fabshare.availability.icalendar_io import ExportEvent, export_calendar, stable_uid
from fabshare.availability.models import AvailabilityRule, CalendarFeed
from fabshare.catalog import selectors as catalog_selectors
from fabshare.catalog.models import Resource
from fabshare.core.errors import DomainError, NotFound, PermissionDenied
from fabshare.network import selectors as network_selectors
from fabshare.network.models import ROLE_RANK, Role

Interval = tuple[datetime, datetime]
MINUTES_PER_DAY = 24 * 60

KIND_LABELS = {
    "free": gettext_lazy("Free"),
    "busy": gettext_lazy("Busy (provider's calendar)"),
    "held": gettext_lazy("Held"),
    "booked": gettext_lazy("Booked"),
}
# Beside a time in the month view; free time needs no word.
KIND_SHORT = {"busy": gettext_lazy("busy"), "held": gettext_lazy("held"),
              "booked": gettext_lazy("booked")}

# Other apps (bookings) add layers such as held and booked time to the calendar page without
# this module importing them: ``layer(resource, start, end, user) -> {"held": [(s, e), …]}``.
CalendarLayer = Callable[[Resource, datetime, datetime, object], dict[str, list[Interval]]]
_calendar_layers: list[CalendarLayer] = []


def register_calendar_layer(layer: CalendarLayer) -> None:
    if layer not in _calendar_layers:
        _calendar_layers.append(layer)


# Other apps (bookings) add events to the iCalendar exports:
# ``source(resources, since, request) -> [ExportEvent, …]``.
_calendar_exports: list[Callable] = []


def register_calendar_export(source: Callable) -> None:
    if source not in _calendar_exports:
        _calendar_exports.append(source)


# --- calendar layout (pure) ------------------------------------------------------------------


@dataclass
class Block:
    """One kind of time on one day column, positioned by local wall-clock minutes."""

    kind: str
    label: str  # this day's part in local time, e.g. "08:00–17:00"
    title: str  # the whole interval, e.g. "Free: Mon 23 Mar 22:00 – Tue 24 Mar 06:00 (8 h)"
    top: str  # CSS percentages of the day, preformatted (never localized: "33.3333")
    height: str
    minute: float  # where it starts on the wall clock, to list blocks in order
    short: str = ""  # "busy", "held" … beside the time in the month view


@dataclass
class ClockChange:
    """The local hour a daylight-saving change skips (spring) or repeats (autumn)."""

    skipped: bool
    top: str
    height: str
    note: str


@dataclass
class DayColumn:
    day: date
    start: datetime
    end: datetime
    in_period: bool
    is_today: bool
    blocks: list[Block] = field(default_factory=list)
    free: timedelta = timedelta()
    change: ClockChange | None = None

    @property
    def hours(self) -> float:
        """The real length of the local day: 23, 24 or 25 hours around DST changes."""
        return (self.end - self.start).total_seconds() / 3600

    @property
    def free_hours(self) -> float:
        return self.free.total_seconds() / 3600


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """Local midnight as a UTC instant: Python subtracts and compares two datetimes that share
    a tzinfo on the wall clock, which would make every day 24 hours long."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _wall_minutes(moment: datetime, day: date) -> float:
    """Minutes from local midnight of ``day`` on the wall clock (1440 for the next midnight)."""
    if moment.date() > day:
        return float(MINUTES_PER_DAY)
    return moment.hour * 60 + moment.minute + moment.second / 60


def _percent(minutes: float) -> str:
    return f"{max(0.0, min(100.0, minutes * 100 / MINUTES_PER_DAY)):.4f}"


def hours_text(duration: timedelta) -> str:
    """ "8", "7.5" or "7,5" (the user's language), for "8 h"."""
    return floatformat(duration.total_seconds() / 3600, -2)


def _offset(moment: datetime, zone: tzinfo) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta()


def clock_change(start: datetime, end: datetime, zone: tzinfo) -> ClockChange | None:
    """The DST change inside the local day [start, end), found by bisection to the minute."""
    before, after = _offset(start, zone), _offset(end - timedelta(microseconds=1), zone)
    if before == after:
        return None
    low, high = start, end
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if _offset(middle, zone) == before:
            low = middle
        else:
            high = middle
    instant = high.replace(second=0, microsecond=0)
    old_wall = (instant + before).replace(tzinfo=None)  # e.g. 02:00 in spring, 03:00 in autumn
    new_wall = (instant + after).replace(tzinfo=None)
    shift = abs(after - before)
    low_wall = min(old_wall, new_wall)
    top = low_wall.hour * 60 + low_wall.minute
    minutes = shift.total_seconds() / 60
    skipped = after > before
    span = {"start": f"{low_wall:%H:%M}", "end": f"{max(old_wall, new_wall):%H:%M}"}
    if skipped:
        note = _("Clocks go forward: %(start)s–%(end)s does not exist today.") % span
    else:
        note = _("Clocks go back: %(start)s–%(end)s happens twice today.") % span
    return ClockChange(skipped, _percent(top), _percent(minutes), note)


def _blocks(kind: str, intervals: list[Interval], column: DayColumn, zone: tzinfo
            ) -> list[Block]:
    blocks = []
    kind_label = KIND_LABELS.get(kind, kind)
    for start, end in intervals:
        if end <= column.start or start >= column.end:
            continue
        part_start, part_end = max(start, column.start), min(end, column.end)
        local_start, local_end = part_start.astimezone(zone), part_end.astimezone(zone)
        top = _wall_minutes(local_start, column.day)
        reaches_midnight = part_end >= column.end
        bottom = MINUTES_PER_DAY if reaches_midnight else _wall_minutes(local_end, column.day)
        if bottom <= top:  # ends in the repeated hour of a fall-back night
            bottom = min(MINUTES_PER_DAY, top + (part_end - part_start).total_seconds() / 60)
        end_label = "24:00" if reaches_midnight else f"{local_end:%H:%M}"
        whole = (f"{date_format(start.astimezone(zone), 'D j M H:i')} – "
                 f"{date_format(end.astimezone(zone), 'D j M H:i')}")
        title = _("%(kind)s: %(when)s (%(hours)s h)") % {
            "kind": kind_label, "when": whole, "hours": hours_text(end - start)}
        blocks.append(Block(kind, f"{local_start:%H:%M}–{end_label}", title, _percent(top),
                            _percent(bottom - top), top, str(KIND_SHORT.get(kind, ""))))
    return blocks


def _overlap(intervals: list[Interval], start: datetime, end: datetime) -> timedelta:
    return sum((min(e, end) - max(s, start) for s, e in intervals if s < end and e > start),
               timedelta())


def lay_out_days(days: list[date], layers: dict[str, list[Interval]], zone: tzinfo, *,
                 period: tuple[date, date], today: date) -> list[DayColumn]:
    """Day columns from local midnight to local midnight with their blocks, free time and DST
    change. ``layers`` maps a kind (free, busy, held, booked) to UTC intervals; ``period`` is
    the [first, last) local dates that belong to the shown week or month. O(d · n)."""
    columns = []
    for day in days:
        column = DayColumn(day=day, start=local_midnight(day, zone),
                           end=local_midnight(day + timedelta(days=1), zone),
                           in_period=period[0] <= day < period[1], is_today=day == today)
        column.change = clock_change(column.start, column.end, zone)
        for kind, intervals in layers.items():
            column.blocks.extend(_blocks(kind, intervals, column, zone))
        column.blocks.sort(key=lambda block: block.minute)
        column.free = _overlap(layers.get("free", []), column.start, column.end)
        columns.append(column)
    return columns


# --- access ----------------------------------------------------------------------------------


def _resource_for_admin(user, slug: str) -> Resource:
    """The resource if ``user`` is an admin of its organization: 404 for outsiders (also when
    the resource is public, so the management page does not show up for them), 403 for members
    who are not admins."""
    resource = catalog_selectors.get_resource_for_user(user, slug=slug)
    role = network_selectors.role_of(user, resource.organization)
    if role is None:
        raise NotFound(_("Resource not found."))
    if ROLE_RANK[role] < ROLE_RANK[Role.ADMIN]:
        raise PermissionDenied(_("Only admins of %(org)s can change this resource's "
                                 "availability.") % {"org": resource.organization.name})
    return resource


def _resource_page(slug: str) -> str | None:
    try:
        return reverse("resource_detail", args=[slug])
    except NoReverseMatch:  # the catalog pages are optional for this app
        return None


# --- the calendar page -----------------------------------------------------------------------


def _calendar_url(slug: str, view: str, day: date | None) -> str:
    query = {"view": view} if view != "week" else {}
    if day is not None:
        query["date"] = day.isoformat()
    url = reverse("resource_availability", args=[slug])
    return f"{url}?{urlencode(query)}" if query else url


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def resource_availability(request, slug):
    """Week (default) or month view of a resource's free and busy time in the viewer's zone."""
    resource = catalog_selectors.get_resource_for_user(request.user, slug=slug)
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    query = CalendarQueryForm(request.GET)
    view, anchor = "week", today
    if query.is_valid():
        view = query.cleaned_data["view"] or "week"
        anchor = query.cleaned_data["date"] or today

    if view == "month":
        first = anchor.replace(day=1)
        period = (first, _add_months(first, 1))
        grid_start = first - timedelta(days=first.weekday())
        last = period[1] - timedelta(days=1)
        grid_end = last + timedelta(days=7 - last.weekday())
        previous, following = _add_months(first, -1), period[1]
    else:
        first = anchor - timedelta(days=anchor.weekday())
        period = (first, first + timedelta(days=7))
        grid_start, grid_end = period
        previous, following = first - timedelta(days=7), period[1]
    days = [grid_start + timedelta(days=i) for i in range((grid_end - grid_start).days)]
    start, end = local_midnight(grid_start, zone), local_midnight(grid_end, zone)

    layers: dict[str, list[Interval]] = {
        "free": selectors.free_slots(resource, start, end),
        "busy": selectors.busy_periods(resource, start, end),
        "held": [],
        "booked": [],
    }
    for layer in _calendar_layers:
        for kind, intervals in layer(resource, start, end, request.user).items():
            layers.setdefault(kind, []).extend(intervals)
    columns = lay_out_days(days, layers, zone, period=period, today=today)

    period_start, period_end = local_midnight(period[0], zone), local_midnight(period[1], zone)
    free_total = _overlap(layers["free"], period_start, period_end)
    horizon_start, horizon_end = services.horizon()
    context = {
        "resource": resource,
        "resource_page": _resource_page(resource.slug),
        "can_manage": catalog_selectors.can_manage(request.user, resource.organization),
        "view": view,
        "columns": columns,
        "weeks": [columns[i:i + 7] for i in range(0, len(columns), 7)],
        "hours": [f"{h:02d}:00" for h in range(24)],
        "period_first": period[0],
        "period_last": period[1] - timedelta(days=1),
        "free_total": hours_text(free_total),
        "free_longest": hours_text(max((min(e, period_end) - max(s, period_start)
                                        for s, e in layers["free"]
                                        if s < period_end and e > period_start),
                                       default=timedelta())),
        "zone_name": timezone.get_current_timezone_name(),
        "legend": [(kind, KIND_LABELS[kind]) for kind in ("free", "busy", "held", "booked")],
        "past_note": period_start < horizon_start,
        "horizon_end": horizon_end if period_end > horizon_end else None,
        "urls": {
            "previous": _calendar_url(slug, view, previous),
            "next": _calendar_url(slug, view, following),
            "today": _calendar_url(slug, view, None),
            "week": _calendar_url(slug, "week", anchor),
            "month": _calendar_url(slug, "month", anchor),
        },
    }
    return render(request, "availability/calendar.html", context)


# --- the admins' page ------------------------------------------------------------------------


def _manage_url(resource: Resource, anchor: str = "") -> str:
    url = reverse("resource_availability_manage", args=[resource.slug])
    return f"{url}#{anchor}" if anchor else url


def _post_window(request, resource):
    form = WindowForm(request.POST)
    if form.is_valid():
        try:
            services.window_create(actor=request.user, resource=resource, **form.cleaned_data)
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The window was added."))
            return None, _manage_url(resource, "windows")
    return form, None


def _post_rule(request, resource):
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            rule = services.rule_create(actor=request.user, resource=resource,
                                        **form.rule_kwargs())
        except DomainError as exc:
            add_service_error(form, exc, RuleForm.ALIASES)
        else:
            messages.success(request, _("The rule “%(name)s” was added. Add exceptions such as "
                                        "a shutdown below it.") % {"name": rule.name})
            return None, _manage_url(resource, f"rule-{rule.pk}")
    return form, None


def _post_feed_url(request, resource):
    form = FeedUrlForm(request.POST)
    if form.is_valid():
        try:
            # The service fetches the calendar once its transaction commits.
            feed = services.feed_create(actor=request.user, resource=resource,
                                        name=form.cleaned_data["name"],
                                        url=form.cleaned_data["url"])
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            feed.refresh_from_db()
            _report_feed(request, feed, _("The calendar “%(name)s” was added."))
            return None, _manage_url(resource, "feeds")
    return form, None


def _post_feed_file(request, resource):
    form = FeedUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.feed_create(actor=request.user, resource=resource,
                                 name=form.cleaned_data["name"] or upload.name,
                                 upload=upload.read())
        except DomainError as exc:
            add_service_error(form, exc, {"url": "file"})
        else:
            messages.success(request, _("The calendar file was read; its busy times are "
                                        "subtracted."))
            return None, _manage_url(resource, "feeds")
    return form, None


def _report_feed(request, feed: CalendarFeed, done: str) -> None:
    if feed.status == CalendarFeed.Status.FAILING:
        messages.warning(request, _("“%(name)s” could not be read: %(error)s. It is kept and "
                                    "tried again later.") % {"name": feed.name,
                                                             "error": feed.last_error})
    else:
        messages.success(request, done % {"name": feed.name})


_FORM_ACTIONS = {
    "window": _post_window,
    "rule": _post_rule,
    "feed_url": _post_feed_url,
    "feed_file": _post_feed_file,
}


@login_required
def resource_availability_manage(request, slug):
    """Windows, rules with exceptions, calendar feeds and export addresses (admins only)."""
    resource = _resource_for_admin(request.user, slug)
    forms = {"window": WindowForm(), "rule": RuleForm(), "feed_url": FeedUrlForm(),
             "feed_file": FeedUploadForm()}
    posted_exception = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "exception":
            posted_exception, done = _post_exception(request, resource)
        elif action in _FORM_ACTIONS:
            bound, done = _FORM_ACTIONS[action](request, resource)
            forms[action] = bound or forms[action]
        else:
            done = _manage_url(resource)
        if done:
            return redirect(done)

    now = timezone.now()
    rules = list(resource.rules.prefetch_related("exceptions"))
    for rule in rules:
        rule.exception_form = (posted_exception if posted_exception is not None
                               and posted_exception.rule_id == rule.pk
                               else ExceptionForm(rule_id=rule.pk))
        rule.duration_text = hours_text(timedelta(minutes=rule.duration_minutes))
    calendar = services.organization_calendar_ensure(actor=request.user,
                                                     organization=resource.organization)
    resource_feed = request.build_absolute_uri(
        reverse("resource_calendar_export", args=[resource.feed_token]))
    organization_feed = request.build_absolute_uri(
        reverse("organization_calendar_export", args=[calendar.token]))
    return render(request, "availability/manage.html", {
        "resource": resource,
        "resource_page": _resource_page(resource.slug),
        "forms": forms,
        "windows": list(resource.windows.filter(end__gt=now)),
        "rules": rules,
        "feeds": list(resource.feeds.all()),
        "zone_name": timezone.get_current_timezone_name(),
        "resource_feed": resource_feed,
        "organization_feed": organization_feed,
        "organization_calendar": calendar,
        "webcal": {
            "resource": "webcal://" + resource_feed.split("://", 1)[1],
            "organization": "webcal://" + organization_feed.split("://", 1)[1],
        },
    })


def _rule_of(resource: Resource, pk) -> AvailabilityRule:
    rule = resource.rules.filter(pk=pk).first() if str(pk).isdigit() else None
    if rule is None:
        raise NotFound(_("Rule not found."))
    return rule


def _exceptions_of(rule) -> list[tuple[date, date, str]]:
    return [(e.first_day, e.last_day, e.reason) for e in rule.exceptions.all()]


def _post_exception(request, resource):
    rule = _rule_of(resource, request.POST.get("rule", ""))
    form = ExceptionForm(request.POST, rule_id=rule.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_update(actor=request.user, rule=rule, exceptions=[
                *_exceptions_of(rule), (data["first_day"], data["last_day"], data["reason"])])
        except DomainError as exc:
            add_service_error(form, exc, ExceptionForm.ALIASES)
        else:
            messages.success(request, _("The exception was added to “%(name)s”.")
                             % {"name": rule.name})
            return None, _manage_url(resource, f"rule-{rule.pk}")
    return form, None


def _flash(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


@login_required
@require_POST
def window_delete(request, slug, pk):
    resource = _resource_for_admin(request.user, slug)
    window = resource.windows.filter(pk=pk).first()
    if window is None:
        raise NotFound(_("Window not found."))
    services.window_delete(actor=request.user, window=window)
    messages.success(request, _("The window was removed."))
    return redirect(_manage_url(resource, "windows"))


@login_required
@require_POST
def rule_toggle(request, slug, pk):
    resource = _resource_for_admin(request.user, slug)
    rule = _rule_of(resource, pk)
    try:
        services.rule_update(actor=request.user, rule=rule, is_active=not rule.is_active)
    except DomainError as exc:
        _flash(request, exc)
    else:
        if rule.is_active:
            messages.success(request, _("“%(name)s” is on again.") % {"name": rule.name})
        else:
            messages.success(request, _("“%(name)s” is paused.") % {"name": rule.name})
    return redirect(_manage_url(resource, f"rule-{rule.pk}"))


@login_required
@require_POST
def rule_delete(request, slug, pk):
    resource = _resource_for_admin(request.user, slug)
    rule = _rule_of(resource, pk)
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("The rule “%(name)s” was removed.") % {"name": rule.name})
    return redirect(_manage_url(resource, "rules"))


@login_required
@require_POST
def exception_delete(request, slug, pk, exception_pk):
    resource = _resource_for_admin(request.user, slug)
    rule = _rule_of(resource, pk)
    kept = [row for e, row in zip(rule.exceptions.all(), _exceptions_of(rule), strict=True)
            if e.pk != exception_pk]
    try:
        services.rule_update(actor=request.user, rule=rule, exceptions=kept)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The exception was removed."))
    return redirect(_manage_url(resource, f"rule-{rule.pk}"))


def _feed_of(resource: Resource, pk: int) -> CalendarFeed:
    feed = resource.feeds.filter(pk=pk).first()
    if feed is None:
        raise NotFound(_("Calendar not found."))
    return feed


@login_required
@require_POST
def feed_refresh(request, slug, pk):
    resource = _resource_for_admin(request.user, slug)
    feed = services.feed_refresh(feed=_feed_of(resource, pk))
    _report_feed(request, feed, _("“%(name)s” is up to date."))
    return redirect(_manage_url(resource, "feeds"))


@login_required
@require_POST
def feed_delete(request, slug, pk):
    resource = _resource_for_admin(request.user, slug)
    feed = _feed_of(resource, pk)
    services.feed_delete(actor=request.user, feed=feed)
    messages.success(request, _("The calendar “%(name)s” was removed.") % {"name": feed.name})
    return redirect(_manage_url(resource, "feeds"))


@login_required
@require_POST
def resource_calendar_rotate(request, slug):
    resource = _resource_for_admin(request.user, slug)
    services.resource_feed_token_rotate(actor=request.user, resource=resource)
    messages.success(request, _("The export address of %(name)s changed; the old one no longer "
                                "works.") % {"name": resource.name})
    return redirect(_manage_url(resource, "export"))


@login_required
@require_POST
def organization_calendar_rotate(request, slug):
    resource = _resource_for_admin(request.user, slug)
    services.organization_calendar_rotate(actor=request.user,
                                          organization=resource.organization)
    messages.success(request, _("The export address of %(org)s changed; the old one no longer "
                                "works.") % {"org": resource.organization.name})
    return redirect(_manage_url(resource, "export"))


# --- iCalendar exports -----------------------------------------------------------------------


def _calendar_response(request, *, name: str, filename: str, resources) -> HttpResponse:
    since, _until = services.horizon()
    events = []
    for slot in selectors.export_slots(resources, since):
        page = request.build_absolute_uri(
            reverse("resource_availability", args=[slot.resource.slug]))
        events.append(ExportEvent(
            # The start names a slot: when a booking shortens its end, clients update it.
            uid=stable_uid("free", slot.resource_id, slot.start.isoformat()),
            start=slot.start, end=slot.end,
            summary=_("Free: %(name)s") % {"name": slot.resource.name}, url=page))
    for source in _calendar_exports:
        events.extend(source(resources, since, request))
    response = HttpResponse(export_calendar(events, name=name),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def resource_calendar_export(request, token):
    """The resource's free slots over the horizon (RFC 5545), for anyone holding the token."""
    resource = selectors.get_resource_by_feed_token(token)
    return _calendar_response(
        request, name=_("%(name)s: free time") % {"name": resource.name},
        filename=resource.slug,
        resources=Resource.objects.filter(pk=resource.pk, is_active=True))


@require_safe
def organization_calendar_export(request, token):
    """The free slots of all the organization's active resources, for anyone holding the
    token."""
    calendar = selectors.get_organization_calendar_by_token(token)
    organization = calendar.organization
    return _calendar_response(
        request, name=_("%(org)s: free time") % {"org": organization.name},
        filename=organization.slug,
        resources=Resource.objects.filter(organization=organization, is_active=True))
