"""Reading busy time from iCalendar files and writing iCalendar feeds (RFC 5545).

:func:`parse_busy` reads a provider's calendar (an upload or a fetched feed) and returns the
times it is busy inside a window, as normalized UTC
:class:`~fabshare.availability.intervals.Interval` objects, ready to be subtracted from the
offered time. :func:`export_calendar` writes a feed of a resource's or an organization's
bookings that calendar clients subscribe to.

What counts as busy:

* every VEVENT occurrence, from DTSTART to DTEND, or DTSTART + DURATION; without either, a
  DATE event lasts one day and a DATE-TIME event is an instant (and so not busy)
  (RFC 5545 §3.6.1);
* recurring events are expanded inside the window with ``recurring_ical_events`` (RRULE, RDATE,
  EXDATE and RECURRENCE-ID overrides, on top of ``dateutil``), including occurrences that
  started before the window and reach into it;
* except events or occurrences with ``TRANSP:TRANSPARENT`` or ``STATUS:CANCELLED``;
* every FREEBUSY period of a VFREEBUSY component, unless ``FBTYPE=FREE`` (BUSY,
  BUSY-UNAVAILABLE and BUSY-TENTATIVE are all busy).

Time zones: DATE-TIME values with TZID (IANA names, or VTIMEZONE definitions as Outlook writes
them) and UTC values are exact. Floating values and all-day DATE values are read in the
calendar's ``X-WR-TIMEZONE`` when it names a known zone, else in ``default_time_zone``
(Europe/Brussels): an all-day holiday on 1 May 2026 is busy from 00:00 to 24:00 Brussels time.
Local times follow ``fold=0`` (RFC 5545 §3.3.5), like :mod:`.recurrence`.

Limits, so that a hostile or broken feed costs bounded time and memory: the file size
(``max_bytes``), the number of VEVENT components plus FREEBUSY periods and the number of
occurrences inside the window (``max_events``), and the number of recurrence steps
``dateutil`` would walk from each series' start to the window's end (``50 × max_events``; it
refuses e.g. ``FREQ=SECONDLY`` since 1970). Rules that can never occur (BYMONTH=2;
BYMONTHDAY=30) are refused, because ``dateutil`` would search for them until the year 9999.
Anything malformed raises :class:`CalendarError` with a message fit for the provider.

Complexity: parsing is linear in the file size; expansion is O(E + K log K) for E components
and K occurrences near the window.

Sources: RFC 5545 §3.3.5 (DATE-TIME), §3.3.9 (PERIOD), §3.6.1 (VEVENT), §3.6.4 (VFREEBUSY),
§3.8.2.7 (TRANSP), §3.8.1.11 (STATUS); RFC 7986 §5.1 (NAME); icalendar
(https://icalendar.readthedocs.io), recurring-ical-events
(https://recurring-ical-events.readthedocs.io).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
from icalendar import vText

from fabshare.availability.intervals import Interval, clip, normalize
from fabshare.availability.recurrence import DEFAULT_TIME_ZONE, month_days_possible

__all__ = [
    "CalendarError",
    "ExportEvent",
    "export_calendar",
    "parse_busy",
    "stable_uid",
]

MAX_BYTES = 2_000_000
MAX_EVENTS = 20_000
#: Recurrence steps allowed per allowed event (see the module docstring).
STEPS_PER_EVENT = 50
# Query margin around the window for floating and all-day events, whose instants depend on a
# zone the expansion library does not know about; the result is clipped exactly afterwards.
_MARGIN = timedelta(days=2)
# Properties whose breakage changes busy time; a broken DTSTAMP or DESCRIPTION is ignored.
_TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
                    "RECURRENCE-ID", "STATUS", "TRANSP", "FREEBUSY")
_STEP_SECONDS = {
    "SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400,
    # Shortest month and year, so the estimate stays an upper bound.
    "MONTHLY": 28 * 86400, "YEARLY": 365 * 86400,
}


class CalendarError(ValueError):
    """An iCalendar file that cannot be used; the message says why, in plain words."""


# --------------------------------------------------------------------------------------------
# Reading


def _zone_or_none(name: Any) -> ZoneInfo | None:
    if name is None:
        return None
    text = name.decode() if isinstance(name, bytes) else str(name)
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _as_utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DATE (local midnight), floating or aware DATE-TIME value as a UTC datetime."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=zone, fold=0)
    return value.astimezone(UTC)


def _label(component: Any, index: int) -> str:
    summary = component.get("SUMMARY")
    uid = component.get("UID")
    name = f"event {index}"
    if summary:
        name += f" '{summary}'"
    if uid:
        name += f" (UID {uid})"
    return name


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _recurrence_steps(component: Any, label: str, zone: ZoneInfo, until: datetime) -> int:
    """An upper bound on the steps ``dateutil`` walks for the component's RRULEs up to ``until``.

    Also refuses rules that can never occur for lack of a day (BYMONTH × BYMONTHDAY).
    """
    steps = 0
    start = _as_utc(component["DTSTART"].dt, zone)
    for recur in _as_list(component.get("RRULE")):
        freq = str((recur.get("FREQ") or [""])[0]).upper()
        seconds = _STEP_SECONDS.get(freq)
        if seconds is None:
            raise CalendarError(f"{label}: RRULE has an unknown FREQ '{freq}'")
        months = [int(m) for m in recur.get("BYMONTH") or []]
        month_days = [int(d) for d in recur.get("BYMONTHDAY") or []]
        if not month_days_possible(months, month_days):
            raise CalendarError(f"{label}: RRULE can never occur (no chosen month has the "
                                "chosen day)")
        end = until
        for value in recur.get("UNTIL") or []:
            end = min(end, _as_utc(value, zone))
        interval = max(int((recur.get("INTERVAL") or [1])[0] or 1), 1)
        span = max((end - start).total_seconds(), 0.0)
        count = int(span // (seconds * interval)) + 1
        for part, finer_than in (("BYHOUR", 3600), ("BYMINUTE", 60), ("BYSECOND", 1)):
            if seconds > finer_than and recur.get(part):
                count *= len(recur[part])
        steps += count
    return steps


def parse_busy(
    data: bytes,
    *,
    window_start: datetime,
    window_end: datetime,
    default_time_zone: str = DEFAULT_TIME_ZONE,
    max_bytes: int = MAX_BYTES,
    max_events: int = MAX_EVENTS,
) -> list[Interval[datetime]]:
    """The busy time of an iCalendar file inside ``[window_start, window_end)``, in UTC.

    Normalized (sorted, merged) and clipped to the window. See the module docstring for what
    counts as busy, how zones are read and which limits apply. Raises :class:`CalendarError`
    for data that is not iCalendar, that is malformed (a VEVENT without DTSTART, a bad date, an
    end before the start, a bad RRULE), larger than ``max_bytes``, or with more than
    ``max_events`` events or occurrences in the window; ``ValueError`` for a naive or reversed
    window.

    O(E + K log K) for E components and K occurrences near the window, after a parse linear in
    the size of ``data``.
    """
    for bound in (window_start, window_end):
        if not isinstance(bound, datetime) or bound.utcoffset() is None:
            raise ValueError(f"window bound {bound!r} must be a timezone-aware datetime")
    if window_end < window_start:
        raise ValueError(f"window [{window_start}, {window_end}) ends before it starts")
    if not isinstance(data, bytes | bytearray):
        raise CalendarError("the calendar must be given as bytes")
    if len(data) > max_bytes:
        raise CalendarError(f"the calendar is {len(data):,} bytes, more than the limit of "
                            f"{max_bytes:,} bytes")
    head = bytes(data[:64]).lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise CalendarError("this is not an iCalendar file: it must start with BEGIN:VCALENDAR")
    try:
        cal = icalendar.Calendar.from_ical(bytes(data))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise CalendarError(f"the calendar is malformed: {exc}") from None
    if getattr(cal, "name", None) != "VCALENDAR":
        raise CalendarError("this is not an iCalendar file: no VCALENDAR at the top")

    zone = _zone_or_none(cal.get("X-WR-TIMEZONE")) or _zone_or_none(default_time_zone)
    if zone is None:
        raise ValueError(f"unknown default time zone {default_time_zone!r}")
    events = cal.walk("VEVENT")
    free_busy = cal.walk("VFREEBUSY")
    periods = sum(len(_as_list(fb.get("FREEBUSY"))) for fb in free_busy)
    if len(events) + periods > max_events:
        raise CalendarError(f"the calendar has {len(events) + periods:,} events, more than the "
                            f"limit of {max_events:,}")

    # Check every event before expanding, so the messages name the event at fault.
    query_start, query_end = window_start - _MARGIN, window_end + _MARGIN
    steps = 0
    for index, component in enumerate([*events, *free_busy], start=1):
        label = _label(component, index)
        for name, message in getattr(component, "errors", []):
            if name in _TIME_PROPERTIES:
                raise CalendarError(f"{label}: bad {name}: {message}")
        if component.name != "VEVENT":
            continue
        if component.get("DTSTART") is None:
            raise CalendarError(f"{label} has no DTSTART")
        try:
            start = component["DTSTART"].dt
            if component.get("DTEND") is not None:
                end = component["DTEND"].dt
                if _as_utc(end, zone) < _as_utc(start, zone):
                    raise CalendarError(f"{label} ends ({end}) before it starts ({start})")
            steps += _recurrence_steps(component, label, zone, query_end)
        except CalendarError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise CalendarError(f"{label}: bad date or recurrence: {exc}") from None
    if steps > STEPS_PER_EVENT * max_events:
        raise CalendarError(f"the calendar's recurring events repeat too often to expand "
                            f"(about {steps:,} repetitions before the end of the window)")

    busy: list[Interval[datetime]] = []
    try:
        occurrences = recurring_ical_events.of(cal).between(
            query_start.astimezone(UTC), query_end.astimezone(UTC))
        if len(occurrences) > max_events:
            raise CalendarError(f"the calendar has more than {max_events:,} events in the "
                                "window")
        for occurrence in occurrences:
            interval = _occurrence_interval(occurrence, zone)
            if interval is not None:
                busy.append(interval)
        for component in free_busy:
            busy.extend(_free_busy_periods(component, zone))
    except CalendarError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # recurring_ical_events.InvalidCalendar and icalendar.InvalidCalendar are ValueErrors.
        raise CalendarError(f"the calendar is malformed: {exc}") from None
    return clip(normalize(busy), window_start, window_end)


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    return str(value).strip().upper() if value is not None else ""


def _occurrence_interval(occurrence: Any, zone: ZoneInfo) -> Interval[datetime] | None:
    if _text(occurrence, "STATUS") == "CANCELLED" or _text(occurrence, "TRANSP") == "TRANSPARENT":
        return None
    start_value = occurrence["DTSTART"].dt
    if occurrence.get("DTEND") is not None:
        end_value = occurrence["DTEND"].dt
    elif occurrence.get("DURATION") is not None:
        end_value = start_value + occurrence["DURATION"].dt
    elif isinstance(start_value, datetime):
        end_value = start_value
    else:
        end_value = start_value + timedelta(days=1)
    start, end = _as_utc(start_value, zone), _as_utc(end_value, zone)
    if end < start:
        summary = occurrence.get("SUMMARY") or occurrence.get("UID") or "an event"
        raise CalendarError(f"'{summary}' ends ({end_value}) before it starts ({start_value})")
    return Interval(start, end) if end > start else None


def _free_busy_periods(component: Any, zone: ZoneInfo) -> list[Interval[datetime]]:
    result = []
    for prop in _as_list(component.get("FREEBUSY")):
        params = getattr(prop, "params", {}) or {}
        if str(params.get("FBTYPE", "BUSY")).upper() == "FREE":
            continue
        start_value, end_or_duration = prop.dt
        start = _as_utc(start_value, zone)
        if isinstance(end_or_duration, timedelta):
            end = start + end_or_duration
        else:
            end = _as_utc(end_or_duration, zone)
        if end < start:
            raise CalendarError(f"FREEBUSY period {start}/{end} ends before it starts")
        result.append(Interval(start, end))
    return result


# --------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class ExportEvent:
    """One event of an exported feed. ``uid`` must stay the same across exports of the same
    booking (see :func:`stable_uid`), so clients update instead of duplicating."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str | None = None
    url: str | None = None


def stable_uid(*parts: object, domain: str = "fabshare") -> str:
    """A UID that depends only on ``parts``: ``stable_uid("booking", 42)`` is the same in
    every export (a UUID 5, RFC 4122 §4.3, plus ``@domain`` as RFC 5545 §3.8.4.7 suggests)."""
    name = "/".join(str(part) for part in parts)
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:fabshare:{name}')}@{domain}"


def export_calendar(
    events: Iterable[ExportEvent],
    *,
    name: str,
    prodid: str = "-//fabshare//EN",
    dtstamp: datetime | None = None,
) -> bytes:
    """A VCALENDAR (RFC 5545) with one VEVENT per event, as UTF-8 bytes with CRLF lines.

    Each VEVENT has UID, DTSTAMP, DTSTART and DTEND in UTC (``…Z``), SUMMARY and the optional
    DESCRIPTION and URL; the calendar has VERSION, PRODID, CALSCALE, METHOD:PUBLISH, NAME
    (RFC 7986) and X-WR-CALNAME (read by Google, Apple and Outlook). Events are written sorted
    by start, end and UID, so the same data gives the same bytes. ``dtstamp`` defaults to the
    current time (to the second). ``ValueError`` for a naive datetime, an end not after its
    start, or an empty or repeated UID. O(n log n).
    """
    stamp = (dtstamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    seen: set[str] = set()
    for event in sorted(events, key=lambda e: (e.start, e.end, e.uid)):
        if not event.uid or not event.uid.strip():
            raise ValueError(f"event {event.summary!r} has no UID")
        if event.uid in seen:
            raise ValueError(f"UID {event.uid!r} is used by more than one event")
        seen.add(event.uid)
        for bound in (event.start, event.end):
            if not isinstance(bound, datetime) or bound.utcoffset() is None:
                raise ValueError(f"event {event.uid!r}: {bound!r} must be a timezone-aware "
                                 "datetime")
        if event.end <= event.start:
            raise ValueError(f"event {event.uid!r} ends ({event.end}) before or when it starts "
                             f"({event.start})")
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.start.astimezone(UTC))
        vevent.add("dtend", event.end.astimezone(UTC))
        vevent.add("summary", event.summary)
        if event.description:
            vevent.add("description", event.description)
        if event.url:
            vevent.add("url", event.url)
        cal.add_component(vevent)
    return cal.to_ical()
