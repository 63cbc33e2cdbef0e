"""Learn when a machine is reliably idle, by hour of the week, and propose windows (pure).

For every hour of the past ``weeks`` weeks, the machine's spans say how much of the hour was
observed (known state) and how much of that was free (idle or offline). An hour counts as
*observed* when at least half of it has data, and as *idle* when at least ``idle_share`` of
the observed time was free. Per local hour of the week (Monday 00:00 = 0 … Sunday 23:00 =
167) the confidence is idle hours / observed hours, defined only with at least ``min_weeks``
observations. Proposals are the runs of coming hours whose confidence reaches
``threshold``, at least ``min_hours`` long; a window's confidence is the lowest of its hours
(a chain is as strong as its weakest link).

Cost: O(spans + hours of history + hours of horizon).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fabshare.telemetry import states as S
from fabshare.telemetry.timeline import StateSpan, clip

HOUR = timedelta(hours=1)
FREE_STATES = frozenset({S.IDLE, S.OFFLINE})


@dataclass(frozen=True)
class PatternOptions:
    weeks: int = 4
    min_weeks: int = 2
    idle_share: float = 0.9
    threshold: float = 0.75
    min_hours: int = 2
    horizon_days: int = 7


@dataclass
class IdlePattern:
    """Per hour of the week: observed hours and idle hours in the history."""

    zone: str
    observed: list[int] = field(default_factory=lambda: [0] * 168)
    idle: list[int] = field(default_factory=lambda: [0] * 168)
    min_weeks: int = 2

    def confidence(self, hour_of_week: int) -> float | None:
        seen = self.observed[hour_of_week]
        if seen < self.min_weeks:
            return None
        return self.idle[hour_of_week] / seen


@dataclass(frozen=True)
class ProposedWindow:
    start: datetime
    end: datetime
    confidence: float


def hour_of_week(moment: datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def _floor_hour(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def learn(spans: Iterable[StateSpan], now: datetime, zone: str = "Europe/Brussels",
          options: PatternOptions = PatternOptions()) -> IdlePattern:
    """Count observed and idle hours per hour of the week over the ``weeks`` before ``now``."""
    tz = ZoneInfo(zone)
    end = _floor_hour(now)
    start = end - timedelta(weeks=options.weeks)
    n_hours = int((end - start) / HOUR)
    known = [0.0] * n_hours
    free = [0.0] * n_hours
    for span in clip(spans, start, end, open_until=now):
        if span.state == S.UNKNOWN:
            continue
        cursor = span.start
        while cursor < span.end:
            index = int((cursor - start) / HOUR)
            slot_end = min(start + (index + 1) * HOUR, span.end)
            seconds = (slot_end - cursor).total_seconds()
            known[index] += seconds
            if span.state in FREE_STATES:
                free[index] += seconds
            cursor = slot_end
    pattern = IdlePattern(zone=zone, min_weeks=options.min_weeks)
    for index in range(n_hours):
        if known[index] < 1800:
            continue
        how = hour_of_week(start + index * HOUR, tz)
        pattern.observed[how] += 1
        if free[index] >= options.idle_share * known[index]:
            pattern.idle[how] += 1
    return pattern


def propose(pattern: IdlePattern, now: datetime,
            options: PatternOptions = PatternOptions()) -> list[ProposedWindow]:
    """Windows in the next ``horizon_days`` (from the next full hour) where the pattern says
    the machine is idle with at least ``threshold`` confidence."""
    tz = ZoneInfo(pattern.zone)
    first = _floor_hour(now) + HOUR
    windows: list[ProposedWindow] = []
    run_start, run_conf = None, 1.0
    hours = options.horizon_days * 24
    for index in range(hours + 1):
        moment = first + index * HOUR
        conf = pattern.confidence(hour_of_week(moment, tz)) if index < hours else None
        if conf is not None and conf >= options.threshold:
            if run_start is None:
                run_start, run_conf = moment, conf
            else:
                run_conf = min(run_conf, conf)
            continue
        if run_start is not None and (moment - run_start) >= options.min_hours * HOUR:
            windows.append(ProposedWindow(run_start, moment, round(run_conf, 3)))
        run_start = None
    return windows
