"""Recurring availability rules ("weekends", "night shift Mon–Fri 22:00–06:00") after RFC 5545.

A :class:`Rule` says *when* free time starts, in the resource's local wall-clock time, and how
long it lasts: an RRULE value (RFC 5545 §3.3.10) chooses the local dates, ``start_time`` the
wall-clock time on those dates and ``duration`` the length in wall-clock terms. :func:`expand`
turns a rule into UTC :class:`~fabshare.availability.intervals.Interval` objects inside a
window.

Semantics, chosen to match what a workshop means by "Mon–Fri 08:00–17:00":

* **Local generation.** Occurrences are generated as naive local date-times by
  ``dateutil.rrule`` and only then given the rule's ``time_zone`` (``zoneinfo``), so office
  hours stay 08:00–17:00 local on both sides of a daylight-saving change (in UTC they move
  from 07:00–16:00 to 06:00–15:00 on the last Sunday of March and back on the last Sunday of
  October, in Europe/Brussels).
* **Wall-clock end.** The end is ``local start + duration`` computed on the wall clock and
  converted to UTC *separately*, so an interval lasts the real time between those two wall
  clock readings: a 22:00 + 8 h night shift ends at 06:00 local and lasts 7 real hours over
  the spring-forward night and 9 real hours over the fall-back night.
* **Nonexistent and ambiguous local times** follow RFC 5545 §3.3.5 and ``fold=0``: a local
  time inside the spring-forward gap (02:30 on 29 March 2026 in Brussels) is read with the
  offset *before* the gap, i.e. it shifts forward by the gap (02:30 → 03:30 CEST); a local
  time that occurs twice (02:30 on 25 October 2026) means its first occurrence (CEST). Start
  and end are converted separately, so a span wholly inside the gap moves forward whole
  (02:15–02:45 → 03:15–03:45 CEST), while one that starts in the gap and ends after it loses
  up to the gap's length (02:30 + 90 min → 03:30–04:00 CEST) and is dropped if nothing is left
  (02:30 + 60 min).
* **dtstart and until** are local dates: occurrences start on or after ``dtstart`` and on or
  before ``until`` (inclusive). As in ``dateutil`` (and unlike a VEVENT's DTSTART), ``dtstart``
  is not an occurrence by itself unless it matches the rule. An ``UNTIL`` inside the RRULE text
  is honoured too: a UTC value (``…Z``) is converted to local time, a floating one is local
  wall-clock time, and a DATE value includes that whole local day. ``COUNT`` counts from
  ``dtstart``.
* **Exceptions** (``exceptions``: inclusive ranges of local dates, e.g. a summer shutdown
  ``(2026-07-20, 2026-08-09)``) are *clipped out*, not matched by start date: each range removes
  ``[first day 00:00, day after last day 00:00)`` local time from every occurrence. A night
  shift starting on the last shutdown day at 22:00 keeps its hours after midnight; one starting
  the evening before the first shutdown day loses its hours after midnight.
* :func:`expand` returns a normalized list (sorted, overlapping and touching occurrences
  merged) clipped to the window.

Complexity: ``dateutil`` iterates a rule from its ``dtstart``; for DAILY and WEEKLY rules without
COUNT, :func:`expand` first moves ``dtstart`` forward by a whole number of periods (which keeps
the phase of INTERVAL and of the weeks), so the cost is O(k log k) for the k occurrences near
the window, independent of how long ago the rule started. MONTHLY and YEARLY rules iterate
from ``dtstart`` (12 or 1 steps per year).

Sources: RFC 5545 §3.3.5 (DATE-TIME, local time and DST), §3.3.10 (RECUR), §3.8.5.3 (RRULE);
``dateutil.rrule`` (https://dateutil.readthedocs.io/en/stable/rrule.html); PEP 495 (``fold``);
PEP 615 (``zoneinfo``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from fabshare.availability.intervals import Interval, clip, normalize, subtract

__all__ = [
    "DEFAULT_TIME_ZONE",
    "MAX_DURATION",
    "PRESETS",
    "Rule",
    "RuleError",
    "expand",
    "expand_all",
    "month_days_possible",
    "parse_rrule",
    "preset",
]

DEFAULT_TIME_ZONE = "Europe/Brussels"
#: The longest single occurrence: a month of continuous availability is already a window.
MAX_DURATION = timedelta(days=31)
#: ``dtstart`` of presets when none is given: "always, since long ago".
PRESET_DTSTART = date(2000, 1, 3)

_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_TOO_FINE = ("SECONDLY", "MINUTELY", "HOURLY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Canonical order of the parts we accept; FREQ first as RFC 5545 recommends.
_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS",
          "WKST")
_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(T\d{6}Z?)?$")
_INT = re.compile(r"^[+-]?\d{1,6}$")
_MAX_INTERVAL = 1000
_MAX_COUNT = 100_000
# The longest month each calendar month can have (February in a leap year).
_MONTH_LENGTH = {m: calendar.monthrange(2000, m)[1] for m in range(1, 13)}


class RuleError(ValueError):
    """An availability rule that cannot be used; the message says why, in plain words."""


# --------------------------------------------------------------------------------------------
# Parsing and validating the RRULE text


def _ints(name: str, value: str, high: int, *, signed: bool = True,
          single: bool = False) -> list[int]:
    """Comma-separated whole numbers with 1 <= |n| <= high (n > 0 unless ``signed``)."""
    items = value.split(",")
    if single and len(items) != 1:
        raise RuleError(f"{name} must be one whole number, not '{value}'")
    numbers = []
    for item in items:
        if not _INT.match(item):
            raise RuleError(f"{name} must be whole numbers, not '{value}'")
        number = int(item)
        low = -high if signed else 1
        if number == 0 or not low <= number <= high:
            allowed = f"1..{high} or -{high}..-1" if signed else f"1..{high}"
            raise RuleError(f"{name} value {number} is out of range ({allowed})")
        numbers.append(number)
    return numbers


def month_days_possible(months: Iterable[int], month_days: Iterable[int]) -> bool:
    """Whether some month in ``months`` (1–12, empty = all) has some day in ``month_days``.

    Month days count from the start (1 … 31) or, negative, from the end (-1 is the last day).
    February counts with 29 days (leap years exist). Used to refuse rules that can never occur,
    such as BYMONTH=2;BYMONTHDAY=30, which ``dateutil`` would otherwise search for until the
    year 9999 (seconds of CPU). O(12 · 31).
    """
    month_list = list(months) or list(range(1, 13))
    day_list = list(month_days)
    if not day_list:
        return True
    return any(abs(day) <= _MONTH_LENGTH[m] for m in month_list for day in day_list)


def parse_rrule(text: str) -> str:
    """Validate an RRULE value for availability and return it in canonical form.

    Accepts ``FREQ=WEEKLY;BYDAY=MO,TU`` with or without an ``RRULE:`` prefix, in any case.
    Refuses, with a :class:`RuleError` saying why: garbage and empty text; a missing or unknown
    FREQ; SECONDLY, MINUTELY and HOURLY (absurd for availability: the start time and duration
    are given separately), and therefore BYHOUR, BYMINUTE and BYSECOND; parts availability does
    not need (BYYEARDAY, BYWEEKNO, dateutil's BYEASTER) and unknown ones; a part given twice;
    COUNT together with UNTIL (RFC 5545 §3.3.10); bad numbers and days (BYDAY=XX, BYMONTH=13,
    INTERVAL=0); BYDAY ordinals (``1MO``) outside MONTHLY/YEARLY; BYMONTHDAY with WEEKLY; BYSETPOS
    without another BY part or larger than the set it picks from; and month/day combinations
    that never occur (BYMONTH=2;BYMONTHDAY=30). The canonical text is then checked by
    ``dateutil.rrule.rrulestr``.

    The canonical form is upper case, ``FREQ`` first, then INTERVAL, COUNT, UNTIL, BYMONTH,
    BYMONTHDAY, BYDAY, BYSETPOS, WKST; INTERVAL=1 is dropped.
    """
    if not isinstance(text, str):
        raise RuleError(f"a recurrence rule must be text, not {type(text).__name__}")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:"):].strip()
    if not body:
        raise RuleError("the recurrence rule is empty; try FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
    if any(char in body for char in "\r\n:"):
        raise RuleError(
            "give one RRULE value such as FREQ=WEEKLY;BYDAY=MO (no DTSTART or other lines)")
    parts: dict[str, str] = {}
    for chunk in body.rstrip(";").split(";"):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise RuleError(f"'{chunk}' is not a NAME=VALUE part of a recurrence rule")
        if name in parts:
            raise RuleError(f"{name} is given twice")
        parts[name] = value

    freq = parts.get("FREQ")
    if freq is None:
        raise RuleError("FREQ is missing; start with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    if freq in _TOO_FINE:
        raise RuleError(
            f"FREQ={freq} is too fine for availability; use DAILY, WEEKLY, MONTHLY or YEARLY "
            "with a start time and a duration")
    if freq not in _FREQUENCIES:
        raise RuleError(f"unknown FREQ '{freq}'; use DAILY, WEEKLY, MONTHLY or YEARLY")
    for name in parts:
        if name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise RuleError(f"{name} is not used: the start time and duration are set apart "
                            "from the recurrence rule")
        if name in ("BYYEARDAY", "BYWEEKNO", "BYEASTER"):
            raise RuleError(f"{name} is not supported for availability rules")
        if name not in _PARTS:
            raise RuleError(f"unknown recurrence rule part '{name}'")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError("COUNT and UNTIL cannot both be given (RFC 5545 §3.3.10); choose one")

    if "INTERVAL" in parts:
        (interval,) = _ints("INTERVAL", parts["INTERVAL"], _MAX_INTERVAL, signed=False,
                            single=True)
        if interval == 1:
            del parts["INTERVAL"]
        else:
            parts["INTERVAL"] = str(interval)
    if "COUNT" in parts:
        (count,) = _ints("COUNT", parts["COUNT"], _MAX_COUNT, signed=False, single=True)
        parts["COUNT"] = str(count)
    if "UNTIL" in parts:
        _parse_until(parts["UNTIL"])

    months = _ints("BYMONTH", parts["BYMONTH"], 12, signed=False) if "BYMONTH" in parts else []
    month_days: list[int] = []
    if "BYMONTHDAY" in parts:
        if freq == "WEEKLY":
            raise RuleError("BYMONTHDAY cannot be used with FREQ=WEEKLY (RFC 5545 §3.3.10)")
        month_days = _ints("BYMONTHDAY", parts["BYMONTHDAY"], 31)
        if not month_days_possible(months, month_days):
            raise RuleError("this rule can never occur: no chosen month has the chosen day")
    days: list[str] = []
    if "BYDAY" in parts:
        for item in parts["BYDAY"].split(","):
            match = _BYDAY_ITEM.match(item)
            if not match:
                raise RuleError(f"bad BYDAY value '{item}'; use MO, TU, WE, TH, FR, SA, SU, "
                                "optionally with an ordinal as in 1MO or -1FR")
            ordinal, day = match.groups()
            if ordinal is not None:
                if freq not in ("MONTHLY", "YEARLY"):
                    raise RuleError(f"BYDAY '{item}' has an ordinal, which only works with "
                                    "FREQ=MONTHLY or FREQ=YEARLY")
                limit = 5 if freq == "MONTHLY" or months else 53
                if not 1 <= abs(int(ordinal)) <= limit:
                    raise RuleError(f"BYDAY '{item}': the ordinal must be 1..{limit} or "
                                    f"-{limit}..-1")
            days.append(day)
    if "BYSETPOS" in parts:
        if not (months or month_days or days):
            raise RuleError("BYSETPOS needs another BY part to pick from (RFC 5545 §3.3.10)")
        positions = _ints("BYSETPOS", parts["BYSETPOS"], 366)
        largest = {"DAILY": 1, "WEEKLY": len(set(days)) or 1, "MONTHLY": 31}.get(freq, 366)
        if any(abs(p) > largest for p in positions):
            raise RuleError(f"BYSETPOS can be at most {largest} for FREQ={freq} with these days")
    if "WKST" in parts and parts["WKST"] not in _WEEKDAYS:
        raise RuleError(f"bad WKST '{parts['WKST']}'; use MO, TU, WE, TH, FR, SA or SU")

    canonical = ";".join(f"{name}={parts[name]}" for name in _PARTS if name in parts)
    try:
        rrulestr(canonical, dtstart=datetime(2000, 1, 3), ignoretz=True)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise RuleError(f"invalid recurrence rule: {exc}") from None
    return canonical


def _parse_until(value: str) -> datetime | date:
    """UNTIL as a UTC datetime (``…Z``), a floating datetime or a date."""
    match = _UNTIL.match(value)
    message = f"UNTIL '{value}' must be a date like 20261231 or a time like 20261231T235959Z"
    if not match:
        raise RuleError(message)
    try:
        if match.group(2) is None:
            return datetime.strptime(value, "%Y%m%d").date()
        parsed = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise RuleError(message) from None
    return parsed.replace(tzinfo=UTC) if value.endswith("Z") else parsed


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise RuleError(f"unknown time zone '{name}'; use an IANA name like Europe/Brussels")\
            from None


# --------------------------------------------------------------------------------------------
# The rule


@dataclass
class Rule:
    """A recurring pattern of free time in local wall-clock time (see the module docstring).

    ``rrule`` is validated and stored canonically by :func:`parse_rrule`; every other field is
    checked too, so a :class:`Rule` that exists can be expanded. Raises :class:`RuleError`.
    """

    rrule: str
    start_time: time
    duration: timedelta
    dtstart: date
    until: date | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    exceptions: list[tuple[date, date]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rrule = parse_rrule(self.rrule)
        if not isinstance(self.start_time, time):
            raise RuleError("the start time must be a time of day such as 08:00")
        if self.start_time.tzinfo is not None:
            raise RuleError("the start time is local wall-clock time; give it without a zone")
        if not isinstance(self.duration, timedelta):
            raise RuleError("the duration must be a timedelta")
        if self.duration <= timedelta(0):
            raise RuleError("the duration must be positive")
        if self.duration > MAX_DURATION:
            raise RuleError(f"the duration may be at most {MAX_DURATION.days} days")
        if not isinstance(self.dtstart, date) or isinstance(self.dtstart, datetime):
            raise RuleError("dtstart must be a date (the first local day of the rule)")
        if self.until is not None:
            if not isinstance(self.until, date) or isinstance(self.until, datetime):
                raise RuleError("until must be a date (the last local day of the rule)")
            if self.until < self.dtstart:
                raise RuleError(f"the rule ends ({self.until}) before it starts "
                                f"({self.dtstart})")
        _zone(self.time_zone)
        checked = []
        for item in self.exceptions:
            try:
                first, last = item
            except (TypeError, ValueError):
                raise RuleError(f"an exception must be a (first day, last day) pair, not "
                                f"{item!r}") from None
            if not all(isinstance(d, date) and not isinstance(d, datetime)
                       for d in (first, last)):
                raise RuleError(f"exception {item!r} must be two dates")
            if last < first:
                raise RuleError(f"exception {first}..{last} ends before it starts")
            checked.append((first, last))
        self.exceptions = sorted(checked)


# --------------------------------------------------------------------------------------------
# Expansion


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall-clock time → UTC with ``fold=0`` (RFC 5545 §3.3.5, see module doc)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _check_window(window_start: datetime, window_end: datetime) -> None:
    for bound in (window_start, window_end):
        if not isinstance(bound, datetime) or bound.utcoffset() is None:
            raise ValueError(f"window bound {bound!r} must be a timezone-aware datetime")
    if window_end < window_start:
        raise ValueError(f"window [{window_start}, {window_end}) ends before it starts")


def _local_rrule_text(rule: Rule, zone: ZoneInfo) -> str:
    """The rule's RRULE with UNTIL rewritten as naive local time, for naive generation."""
    parts = []
    for part in rule.rrule.split(";"):
        name, _, value = part.partition("=")
        if name == "UNTIL":
            until = _parse_until(value)
            if isinstance(until, datetime) and until.tzinfo is not None:
                local = until.astimezone(zone).replace(tzinfo=None)
            elif isinstance(until, datetime):
                local = until
            else:  # a DATE: the whole local day is included
                local = datetime.combine(until, time(23, 59, 59))
            value = local.strftime("%Y%m%dT%H%M%S")
        parts.append(f"{name}={value}")
    return ";".join(parts)


def _anchor(rule: Rule, earliest: date) -> date:
    """A dtstart at most a period before ``earliest``, in phase with the rule's own dtstart.

    Only for DAILY and WEEKLY rules without COUNT: moving dtstart by whole periods
    (INTERVAL days or INTERVAL weeks) generates exactly the same occurrences after it.
    """
    if "COUNT=" in rule.rrule:
        return rule.dtstart
    freq = rule.rrule.split(";", 1)[0].removeprefix("FREQ=")
    interval = 1
    for part in rule.rrule.split(";"):
        if part.startswith("INTERVAL="):
            interval = int(part.removeprefix("INTERVAL="))
    if freq == "DAILY":
        period = interval
    elif freq == "WEEKLY":
        period = 7 * interval
    else:
        return rule.dtstart
    gap = (earliest - rule.dtstart).days
    if gap <= period:
        return rule.dtstart
    return rule.dtstart + timedelta(days=(gap // period) * period)


def expand(rule: Rule, window_start: datetime, window_end: datetime) -> list[Interval[datetime]]:
    """The rule's free time inside ``[window_start, window_end)``, as UTC intervals.

    Occurrences are generated in local time and converted with ``zoneinfo`` as the module
    docstring describes (wall-clock start and end, ``fold=0``, gaps shift forward); exceptions
    are clipped out; the result is normalized and clipped to the window. An occurrence that
    started before the window but reaches into it is included (its part inside the window).
    ``ValueError`` for a naive or reversed window.

    O(k log k) for k occurrences near the window for DAILY/WEEKLY rules without COUNT (see the
    module docstring), plus the O(e) exceptions.
    """
    _check_window(window_start, window_end)
    if window_end == window_start:
        return []
    zone = _zone(rule.time_zone)
    # Local bounds with margins: a day for UTC offsets, plus the duration for occurrences that
    # start before the window and reach into it.
    earliest = window_start.astimezone(zone).date() - timedelta(days=rule.duration.days + 2)
    latest = window_end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    anchor = _anchor(rule, earliest)
    recurrence = rrulestr(_local_rrule_text(rule, zone),
                          dtstart=datetime.combine(anchor, rule.start_time))
    found: list[Interval[datetime]] = []
    for local_start in recurrence:
        if local_start > latest:
            break
        if rule.until is not None and local_start.date() > rule.until:
            break
        if local_start.date() < earliest:
            continue
        start = _to_utc(local_start, zone)
        end = _to_utc(local_start + rule.duration, zone)
        if end <= start:  # the whole wall-clock span falls in a DST gap
            continue
        if start < window_end and end > window_start:
            found.append(Interval(start, end))
    closed = [
        Interval(_to_utc(datetime.combine(first, time()), zone),
                 _to_utc(datetime.combine(last + timedelta(days=1), time()), zone))
        for first, last in rule.exceptions
    ]
    return clip(subtract(found, closed), window_start, window_end)


def expand_all(rules: Iterable[Rule], window_start: datetime,
               window_end: datetime) -> list[Interval[datetime]]:
    """The union of several rules' free time in the window (overlaps counted once).

    O(K log K) for K occurrences in all.
    """
    _check_window(window_start, window_end)
    return normalize(iv for rule in rules for iv in expand(rule, window_start, window_end))


# --------------------------------------------------------------------------------------------
# Presets


#: name → (RRULE, local start time, duration).
PRESETS: dict[str, tuple[str, time, timedelta]] = {
    # Saturday 00:00 to Monday 00:00 local (47 or 49 real hours on DST weekends).
    "weekends": ("FREQ=WEEKLY;BYDAY=SA", time(0, 0), timedelta(hours=48)),
    # Mon–Fri 22:00 to 06:00 the next morning.
    "night-shift-weekdays": ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(22, 0), timedelta(hours=8)),
    # Mon–Fri 08:00 to 17:00.
    "weekdays-office": ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(8, 0), timedelta(hours=9)),
}


def preset(name: str, *, dtstart: date = PRESET_DTSTART, until: date | None = None,
           time_zone: str = DEFAULT_TIME_ZONE,
           exceptions: Iterable[tuple[date, date]] = ()) -> Rule:
    """A ready-made :class:`Rule`: ``weekends``, ``night-shift-weekdays``, ``weekdays-office``.

    ``RuleError`` for an unknown name, listing the known ones.
    """
    try:
        rrule, start_time, duration = PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise RuleError(f"unknown preset '{name}'; choose one of {known}") from None
    return Rule(rrule=rrule, start_time=start_time, duration=duration, dtstart=dtstart,
                until=until, time_zone=time_zone, exceptions=list(exceptions))
