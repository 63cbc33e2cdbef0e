"""Every write to a resource's availability, and the recomputation of its free time.

Free time = (one-off windows ∪ rule occurrences) − busy times from calendar feeds − time taken
by higher apps (holds and bookings register a provider with ``register_taken_time``), over the
horizon [now − 1 day, now + FREE_TIME_HORIZON_DAYS]. It is stored as FreeSlot rows so the
matching engine can ask for it in SQL; every write here refreshes the resource's slots.
"""

import http.client
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.availability import intervals
from fabshare.availability.icalendar_io import CalendarError, parse_busy
from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    BusyPeriod,
    CalendarFeed,
    FreeSlot,
    OrganizationCalendar,
    RuleException,
)
from fabshare.availability.recurrence import Rule, RuleError, expand, parse_rrule
from fabshare.catalog.models import Resource, new_feed_token
from fabshare.core.errors import DomainError, reject_unknown_fields
from fabshare.network.audit import audit_record
from fabshare.network.models import Organization, Role, User
from fabshare.network.services import require_role

MAX_WINDOW = timedelta(days=366)
EARLIEST_DAY, LATEST_DAY = date(1970, 1, 1), date(2199, 12, 31)
FEED_MAX_BYTES = 2_000_000
FEED_TIMEOUT_SECONDS = 10
FEED_REFRESH = timedelta(hours=6)

# Higher apps (bookings: holds and confirmed bookings) add the time they take from a resource.
TakenTimeProvider = Callable[[Resource, datetime, datetime], list[tuple[datetime, datetime]]]
_taken_time_providers: list[TakenTimeProvider] = []


def register_taken_time(provider: TakenTimeProvider) -> None:
    if provider not in _taken_time_providers:
        _taken_time_providers.append(provider)


def horizon(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return now - timedelta(days=1), now + timedelta(days=settings.FREE_TIME_HORIZON_DAYS)


def _rule_of(row: AvailabilityRule) -> Rule:
    return Rule(
        rrule=row.rrule, start_time=row.start_time,
        duration=timedelta(minutes=row.duration_minutes), dtstart=row.starts_on,
        until=row.ends_on, time_zone=row.time_zone,
        exceptions=[(e.first_day, e.last_day) for e in row.exceptions.all()],
    )


def offered_time(resource: Resource, start: datetime, end: datetime) -> list:
    """Windows ∪ rule occurrences within [start, end), before subtracting anything."""
    offered = [(w.start, w.end) for w in resource.windows.filter(start__lt=end, end__gt=start)]
    for row in resource.rules.filter(is_active=True).prefetch_related("exceptions"):
        offered.extend(expand(_rule_of(row), start, end))
    return intervals.clip(intervals.normalize(offered), start, end)


def busy_time(resource: Resource, start: datetime, end: datetime) -> list:
    """Busy times from feeds and time taken by holds and bookings within [start, end)."""
    busy = list(BusyPeriod.objects.filter(resource=resource, start__lt=end, end__gt=start)
                .values_list("start", "end"))
    for provider in _taken_time_providers:
        busy.extend(provider(resource, start, end))
    return intervals.normalize(busy)


_deferred: ContextVar[set | None] = ContextVar("free_time_deferred", default=None)


@contextmanager
def free_time_batch():
    """Inside the block, writes mark resources for a free-time refresh; each marked resource is
    refreshed once when the block ends (bulk imports and the demo seed write many rules and
    windows per resource)."""
    pending: dict[int, Resource] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for resource in pending.values():
        free_time_refresh(resource=resource)


def free_time_refresh(*, resource: Resource, now: datetime | None = None) -> int:
    """Recompute and store the resource's free slots over the horizon; return their number
    (inside ``free_time_batch`` the refresh is postponed to the end of the batch: -1)."""
    pending = _deferred.get()
    if pending is not None and now is None:
        pending[resource.pk] = resource
        return -1
    start, end = horizon(now)
    free = intervals.subtract(offered_time(resource, start, end), busy_time(resource, start, end))
    with transaction.atomic():
        FreeSlot.objects.filter(resource=resource).delete()
        FreeSlot.objects.bulk_create(FreeSlot(resource=resource, start=s, end=e) for s, e in free)
    return len(free)


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Unknown time zone."), field="time_zone") from None
    return name


# --- one-off windows -------------------------------------------------------------------------


@transaction.atomic
def window_create(*, actor: User, resource: Resource, start: datetime, end: datetime,
                  note: str = "", source: str = AvailabilityWindow.Source.MANUAL
                  ) -> AvailabilityWindow:
    """Offer a one-off period."""
    require_role(actor, resource.organization, Role.ADMIN)
    if start.tzinfo is None or end.tzinfo is None:
        raise DomainError(_("Give times with their time zone."), field="start")
    if end <= start:
        raise DomainError(_("The end must come after the start."), field="end")
    if end - start > MAX_WINDOW:
        raise DomainError(_("A window can span at most a year; use a recurring rule."),
                          field="end")
    window = AvailabilityWindow.objects.create(resource=resource, start=start, end=end,
                                               note=note.strip()[:200], source=source)
    free_time_refresh(resource=resource)
    audit_record(actor=actor, action="availability.window.create", target=window,
                 organization=resource.organization,
                 summary=f"{resource.name}: offered {start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}")
    return window


@transaction.atomic
def window_delete(*, actor: User, window: AvailabilityWindow) -> None:
    resource = window.resource
    require_role(actor, resource.organization, Role.ADMIN)
    audit_record(actor=actor, action="availability.window.delete", target=window,
                 organization=resource.organization, summary=f"{resource.name}: removed {window}")
    window.delete()
    free_time_refresh(resource=resource)


# --- recurring rules -------------------------------------------------------------------------


def _clean_rule(*, rrule: str, start_time: time, duration_minutes: int, starts_on: date,
                ends_on: date | None, time_zone: str) -> dict:
    try:
        rrule = parse_rrule(rrule)
    except RuleError as exc:
        raise DomainError(str(exc), field="rrule") from None
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 14 * 24 * 60:
        raise DomainError(_("The duration must be between 1 minute and 14 days."),
                          field="duration_minutes")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The rule must end after it starts."), field="ends_on")
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise DomainError(_("Choose a date between 1970 and 2199."), field=field)
    return {"rrule": rrule, "start_time": start_time, "duration_minutes": duration_minutes,
            "starts_on": starts_on, "ends_on": ends_on, "time_zone": _check_zone(time_zone)}


def _clean_exceptions(exceptions) -> list[tuple[date, date, str]]:
    rows = []
    for item in exceptions or []:
        first, last, *rest = item
        if not (EARLIEST_DAY <= first <= LATEST_DAY and EARLIEST_DAY <= last <= LATEST_DAY):
            raise DomainError(_("Choose a date between 1970 and 2199."), field="exceptions")
        if last < first:
            raise DomainError(_("An exception must end on or after its first day."),
                              field="exceptions")
        rows.append((first, last, (rest[0] if rest else "")[:120]))
    return rows


def _replace_exceptions(rule: AvailabilityRule, rows: list[tuple[date, date, str]]) -> None:
    rule.exceptions.all().delete()
    RuleException.objects.bulk_create(
        RuleException(rule=rule, first_day=f, last_day=la, reason=r) for f, la, r in rows)


@transaction.atomic
def rule_create(*, actor: User, resource: Resource, name: str, rrule: str, start_time: time,
                duration_minutes: int, starts_on: date, ends_on: date | None = None,
                time_zone: str = "Europe/Brussels", exceptions=None) -> AvailabilityRule:
    """Offer a recurring pattern, e.g. every weekend or a weekday night shift, with exceptions
    ``[(first_day, last_day, reason)]`` such as a summer shutdown."""
    require_role(actor, resource.organization, Role.ADMIN)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the rule a name, e.g. “Night shift”."), field="name")
    data = _clean_rule(rrule=rrule, start_time=start_time, duration_minutes=duration_minutes,
                       starts_on=starts_on, ends_on=ends_on, time_zone=time_zone)
    rows = _clean_exceptions(exceptions)
    rule = AvailabilityRule.objects.create(resource=resource, name=name[:100], **data)
    _replace_exceptions(rule, rows)
    free_time_refresh(resource=resource)
    audit_record(actor=actor, action="availability.rule.create", target=rule,
                 organization=resource.organization,
                 summary=f"{resource.name}: rule {rule.name} ({rule.rrule})")
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule: AvailabilityRule, exceptions=None, **changes
                ) -> AvailabilityRule:
    """Change a rule; ``exceptions``, when given, replaces the list."""
    resource = rule.resource
    require_role(actor, resource.organization, Role.ADMIN)
    allowed = {"name", "rrule", "start_time", "duration_minutes", "starts_on", "ends_on",
               "time_zone", "is_active"}
    reject_unknown_fields(changes, allowed)
    merged = {k: changes.get(k, getattr(rule, k)) for k in
              ("rrule", "start_time", "duration_minutes", "starts_on", "ends_on", "time_zone")}
    for key, value in _clean_rule(**merged).items():
        setattr(rule, key, value)
    if "name" in changes:
        if not (changes["name"] or "").strip():
            raise DomainError(_("Give the rule a name, e.g. “Night shift”."), field="name")
        rule.name = changes["name"].strip()[:100]
    if "is_active" in changes:
        rule.is_active = bool(changes["is_active"])
    rule.save()
    if exceptions is not None:
        _replace_exceptions(rule, _clean_exceptions(exceptions))
    free_time_refresh(resource=resource)
    audit_record(actor=actor, action="availability.rule.update", target=rule,
                 organization=resource.organization, summary=f"{resource.name}: rule {rule.name}")
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: AvailabilityRule) -> None:
    resource = rule.resource
    require_role(actor, resource.organization, Role.ADMIN)
    audit_record(actor=actor, action="availability.rule.delete", target=rule,
                 organization=resource.organization,
                 summary=f"{resource.name}: removed rule {rule.name}")
    rule.delete()
    free_time_refresh(resource=resource)


# --- calendar feeds --------------------------------------------------------------------------


def _store_busy(feed: CalendarFeed, busy: list) -> None:
    BusyPeriod.objects.filter(feed=feed).delete()
    BusyPeriod.objects.bulk_create(
        BusyPeriod(feed=feed, resource=feed.resource, start=s, end=e) for s, e in busy)
    feed.busy_count = len(busy)


def _parse(data: bytes) -> list:
    start, end = horizon()
    return parse_busy(data, window_start=start, window_end=end, max_bytes=FEED_MAX_BYTES)


@transaction.atomic
def feed_create(*, actor: User, resource: Resource, name: str, url: str = "",
                upload: bytes | None = None) -> CalendarFeed:
    """Subtract busy times from the provider's calendar: an iCalendar URL (fetched now and
    refreshed in the background) or an uploaded .ics file (read once, all or nothing)."""
    require_role(actor, resource.organization, Role.ADMIN)
    name = (name or "").strip()[:100] or _("Calendar")
    url = (url or "").strip()
    if bool(url) == (upload is not None):
        raise DomainError(_("Give either an iCalendar URL or a file."), field="url")
    if url and not url.lower().startswith(("http://", "https://", "webcal://")):
        raise DomainError(_("Enter an http(s) or webcal address."), field="url")
    busy = None
    if upload is not None:
        try:
            busy = _parse(upload)
        except CalendarError as exc:
            raise DomainError(str(exc), field="file") from None
    feed = CalendarFeed.objects.create(resource=resource, name=name,
                                       url=url.replace("webcal://", "https://", 1))
    if busy is not None:
        _store_busy(feed, busy)
        feed.status, feed.last_fetched_at = CalendarFeed.Status.OK, timezone.now()
        feed.save()
        free_time_refresh(resource=resource)
    else:
        transaction.on_commit(lambda: feed_refresh(feed=CalendarFeed.objects.get(pk=feed.pk)))
    audit_record(actor=actor, action="availability.feed.create", target=feed,
                 organization=resource.organization,
                 summary=f"{resource.name}: calendar {feed.name}")
    return feed


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address that passes the same check as the first one."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_feed_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def check_feed_address(url: str) -> None:
    """Refuse URLs that point into the server's own network (loopback, private, link-local,
    reserved addresses): a calendar URL must not become a way to probe internal services.
    ``FABSHARE_FEED_ALLOW_PRIVATE_HOSTS`` lifts this for closed installations and tests."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CalendarError(_("Only http and https calendar addresses can be fetched."))
    if settings.FABSHARE_FEED_ALLOW_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise CalendarError(_("The host name %(host)s does not resolve.")
                            % {"host": parts.hostname}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise CalendarError(_("Calendar addresses inside a private network are not "
                                  "fetched (%(host)s).") % {"host": parts.hostname})


def fetch_url(url: str) -> bytes:
    """GET an iCalendar URL: public addresses only, a timeout per network operation, at most
    FEED_MAX_BYTES."""
    check_feed_address(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "fabshare calendar sync"})  # noqa: S310
    with opener.open(request, timeout=FEED_TIMEOUT_SECONDS) as response:
        data = response.read(FEED_MAX_BYTES + 1)
    if len(data) > FEED_MAX_BYTES:
        raise CalendarError(_("The calendar is larger than %(mb)s MB.")
                            % {"mb": FEED_MAX_BYTES // 1_000_000})
    return data


def feed_refresh(*, feed: CalendarFeed, fetch: Callable[[str], bytes] | None = None,
                 now: datetime | None = None) -> CalendarFeed:
    """Fetch a URL feed and replace its busy times. A failure keeps the last good busy times,
    marks the feed failing with the reason and schedules a retry with exponential backoff
    (15 min, 30 min, 1 h … at most a day)."""
    now = now or timezone.now()
    fetch = fetch or fetch_url
    if not feed.url:
        return feed
    try:
        busy = _parse(fetch(feed.url))
    except (CalendarError, urllib.error.URLError, http.client.HTTPException, OSError,
            ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        feed.failures += 1
        feed.status = CalendarFeed.Status.FAILING
        feed.last_error = str(reason)[:300]
        feed.next_attempt_at = now + min(timedelta(minutes=15) * 2 ** (feed.failures - 1),
                                         timedelta(days=1))
        feed.save(update_fields=["failures", "status", "last_error", "next_attempt_at",
                                 "updated_at"])
        return feed
    with transaction.atomic():
        _store_busy(feed, busy)
        feed.status, feed.failures, feed.last_error = CalendarFeed.Status.OK, 0, ""
        feed.last_fetched_at, feed.next_attempt_at = now, now + FEED_REFRESH
        feed.save()
        free_time_refresh(resource=feed.resource, now=now)
    return feed


@transaction.atomic
def feed_delete(*, actor: User, feed: CalendarFeed) -> None:
    resource = feed.resource
    require_role(actor, resource.organization, Role.ADMIN)
    audit_record(actor=actor, action="availability.feed.delete", target=feed,
                 organization=resource.organization,
                 summary=f"{resource.name}: removed calendar {feed.name}")
    feed.delete()
    free_time_refresh(resource=resource)


def refresh_due(*, now: datetime | None = None, fetch: Callable[[str], bytes] | None = None,
                roll: bool = True) -> dict:
    """The background job: refetch feeds that are due and, with ``roll``, move every active
    resource's free time forward to the current horizon (once a day is enough: the horizon is
    months long). Returns counts."""
    now = now or timezone.now()
    feeds = CalendarFeed.objects.exclude(url="").filter(
        next_attempt_at__isnull=True) | CalendarFeed.objects.exclude(url="").filter(
        next_attempt_at__lte=now)
    refreshed = failed = 0
    for feed in feeds.select_related("resource"):
        feed_refresh(feed=feed, fetch=fetch, now=now)
        if feed.status == CalendarFeed.Status.OK:
            refreshed += 1
        else:
            failed += 1
    resources = 0
    if roll:
        for resource in Resource.objects.filter(is_active=True).iterator():
            free_time_refresh(resource=resource, now=now)
            resources += 1
    return {"feeds_refreshed": refreshed, "feeds_failed": failed, "resources": resources}


# --- calendar export tokens ------------------------------------------------------------------


@transaction.atomic
def resource_feed_token_rotate(*, actor: User, resource: Resource) -> str:
    """Give the resource's iCalendar export a new secret address; the old one stops working."""
    require_role(actor, resource.organization, Role.ADMIN)
    resource.feed_token = new_feed_token()
    resource.save(update_fields=["feed_token", "updated_at"])
    audit_record(actor=actor, action="availability.export.rotate", target=resource,
                 organization=resource.organization,
                 summary=f"{resource.name}: new calendar export address")
    return resource.feed_token


def organization_calendar_ensure(*, actor: User, organization: Organization
                                 ) -> OrganizationCalendar:
    """The organization's calendar export token, created on first use (admins only)."""
    require_role(actor, organization, Role.ADMIN)
    calendar, _created = OrganizationCalendar.objects.get_or_create(organization=organization)
    return calendar


@transaction.atomic
def organization_calendar_rotate(*, actor: User, organization: Organization
                                 ) -> OrganizationCalendar:
    """Give the organization's iCalendar export a new secret address; the old one stops
    working."""
    require_role(actor, organization, Role.ADMIN)
    calendar, _created = OrganizationCalendar.objects.select_for_update().get_or_create(
        organization=organization)
    calendar.token = new_feed_token()
    calendar.save(update_fields=["token", "updated_at"])
    audit_record(actor=actor, action="availability.export.rotate", target=calendar,
                 organization=organization,
                 summary=f"{organization.name}: new calendar export address")
    return calendar
