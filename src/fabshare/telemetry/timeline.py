"""State intervals from state messages (pure).

A message says "from ``ts`` on, the machine is in ``state``". The interval of a message runs
until the next message's timestamp; consecutive messages in the same state form one interval.
The last interval is open (``end`` None) until a later message closes it. Messages may arrive
out of order: the caller rebuilds from the earliest changed timestamp, so the result depends
only on the set of messages, never on their arrival order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StatePoint:
    ts: datetime
    state: str


@dataclass
class StateSpan:
    start: datetime
    end: datetime | None
    state: str


def build_spans(points: Iterable[StatePoint]) -> list[StateSpan]:
    """Merge points (in any order) into spans; O(n log n). Two points at the same instant: the
    greater state name wins, so the result never depends on arrival order."""
    at: dict[datetime, str] = {}
    for point in points:
        if point.ts not in at or point.state > at[point.ts]:
            at[point.ts] = point.state
    spans: list[StateSpan] = []
    for ts in sorted(at):
        state = at[ts]
        if spans and spans[-1].state == state:
            continue
        if spans:
            spans[-1].end = ts
        spans.append(StateSpan(ts, None, state))
    return spans


def clip(spans: Iterable[StateSpan], start: datetime, end: datetime,
         open_until: datetime | None = None) -> list[StateSpan]:
    """Spans cut to [start, end); an open span lasts until ``open_until`` (default ``end``)."""
    out = []
    for span in spans:
        span_end = span.end if span.end is not None else (open_until or end)
        s, e = max(span.start, start), min(span_end, end)
        if s < e:
            out.append(StateSpan(s, e, span.state))
    return out


def durations(spans: Iterable[StateSpan]) -> dict[str, float]:
    """Seconds per state of closed spans."""
    totals: dict[str, float] = {}
    for span in spans:
        if span.end is not None:
            totals[span.state] = totals.get(span.state, 0.0) + (
                span.end - span.start).total_seconds()
    return totals
