"""ISO 22400-2 key performance indicators of one machine over one period (pure).

Time elements (ISO 22400-2:2014 §5.5), read from the fabshare states of the period:

=====  ==================================  =========================================
POT    planned operation time              period − unknown (time without data)
PDOT   planned down time                   offline + maintenance
PBT    planned busy time                   POT − PDOT
APT    actual production time              running
AUST   actual unit setup time              setup
ADOT   actual unit down time (unplanned)   down
AUBT   actual unit busy time               APT + AUST
idle   (not an ISO element)                idle: planned busy but not used
=====  ==================================  =========================================

KPIs (ISO 22400-2 §6):

- availability A = APT / PBT (§6.9.2)
- utilisation efficiency UE = APT / AUBT (§6.6.9)
- setup rate = AUST / APT (§6.8.5)
- quality ratio QR = GQ / PQ, PQ = GQ + SQ (good and scrap quantities, §6.10.1)
- effectiveness E = PRU × PQ / APT, PRU = planned run time per unit (§6.9.3)
- OEE = A × E × QR (§6.9.1), only when counters arrived and the link knows PRU.

Unknown time is left out of every ratio (a machine without a connection is neither idle nor
busy); a ratio whose denominator is zero is None ("not defined"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fabshare.telemetry import states as S
from fabshare.telemetry.timeline import StateSpan, clip


@dataclass(frozen=True)
class TimeElements:
    """Seconds of each ISO 22400 time element in a period."""

    period: float
    unknown: float
    pot: float
    pdot: float
    pbt: float
    apt: float
    aust: float
    adot: float
    idle: float
    offline: float

    @property
    def aubt(self) -> float:
        return self.apt + self.aust


@dataclass(frozen=True)
class Kpis:
    label: str
    start: datetime
    end: datetime
    elements: TimeElements
    good: int
    scrap: int
    availability: float | None
    utilisation_efficiency: float | None
    setup_rate: float | None
    quality_ratio: float | None
    effectiveness: float | None
    oee: float | None


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def time_elements(spans: Iterable[StateSpan], start: datetime, end: datetime,
                  open_until: datetime | None = None) -> TimeElements:
    """Seconds per time element in [start, end); time not covered by any span is unknown, and an
    open span lasts until ``open_until`` (the present), after which time is unknown."""
    seconds = dict.fromkeys(S.STATES, 0.0)
    for span in clip(spans, start, end, open_until=min(open_until or end, end)):
        seconds[span.state] += (span.end - span.start).total_seconds()
    period = (end - start).total_seconds()
    covered = sum(seconds.values()) - seconds[S.UNKNOWN]
    unknown = period - covered
    pot = period - unknown
    pdot = seconds[S.OFFLINE] + seconds[S.MAINTENANCE]
    return TimeElements(
        period=period, unknown=unknown, pot=pot, pdot=pdot, pbt=pot - pdot,
        apt=seconds[S.RUNNING], aust=seconds[S.SETUP], adot=seconds[S.DOWN],
        idle=seconds[S.IDLE], offline=seconds[S.OFFLINE],
    )


def kpis(spans: Iterable[StateSpan], start: datetime, end: datetime, *, label: str = "",
         good: int = 0, scrap: int = 0, planned_seconds_per_unit: float | None = None,
         open_until: datetime | None = None) -> Kpis:
    """The KPIs of one period (see the module docstring for the formulas)."""
    el = time_elements(spans, start, end, open_until=open_until)
    availability = _ratio(el.apt, el.pbt)
    produced = good + scrap
    quality = _ratio(good, produced)
    effectiveness = None
    if planned_seconds_per_unit and produced:
        effectiveness = _ratio(planned_seconds_per_unit * produced, el.apt)
    oee = None
    if availability is not None and effectiveness is not None and quality is not None:
        oee = availability * effectiveness * quality
    return Kpis(label=label, start=start, end=end, elements=el, good=good, scrap=scrap,
                availability=availability,
                utilisation_efficiency=_ratio(el.apt, el.aubt),
                setup_rate=_ratio(el.aust, el.apt), quality_ratio=quality,
                effectiveness=effectiveness, oee=oee)


# --- periods ---------------------------------------------------------------------------------

PERIOD_KINDS = ("day", "shift", "week")
# Three-shift operation in local time: early, late, night (the night shift belongs to the day
# it starts on).
DEFAULT_SHIFTS: tuple[tuple[str, time, time], ...] = (
    ("early", time(6), time(14)), ("late", time(14), time(22)), ("night", time(22), time(6)))


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # In UTC: subtracting two aware datetimes of the same zone ignores a DST change.
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def periods(kind: str, start: datetime, end: datetime, zone: str = "Europe/Brussels",
            shifts=DEFAULT_SHIFTS) -> Iterator[tuple[str, datetime, datetime]]:
    """Local days, shifts or ISO weeks overlapping [start, end), as (label, start, end) with
    aware UTC datetimes (a local day lasts 23 or 25 hours across DST changes)."""
    if kind not in PERIOD_KINDS:
        raise ValueError(f"Unknown period {kind!r}; use one of {', '.join(PERIOD_KINDS)}.")
    tz = ZoneInfo(zone)
    day = start.astimezone(tz).date() - timedelta(days=1)
    if kind == "week":
        day -= timedelta(days=day.weekday())
    last = end.astimezone(tz).date()
    while day <= last:
        if kind == "day":
            rows = [(day.isoformat(), _at(day, time(0), tz), _at(day + timedelta(days=1),
                                                                  time(0), tz))]
            step = timedelta(days=1)
        elif kind == "week":
            iso = day.isocalendar()
            rows = [(f"{iso.year}-W{iso.week:02d}", _at(day, time(0), tz),
                     _at(day + timedelta(days=7), time(0), tz))]
            step = timedelta(days=7)
        else:
            rows = []
            for name, first, last_time in shifts:
                shift_end_day = day + timedelta(days=1) if last_time <= first else day
                rows.append((f"{day.isoformat()} {name}", _at(day, first, tz),
                             _at(shift_end_day, last_time, tz)))
            step = timedelta(days=1)
        for label, s, e in rows:
            if s < end and e > start:
                yield label, s, e
        day += step
