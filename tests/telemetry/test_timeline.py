"""Intervals from state messages: order-independent, merged, open at the end."""

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fabshare.telemetry.timeline import StatePoint, StateSpan, build_spans

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def m(minutes: int, state: str) -> StatePoint:
    return StatePoint(T0 + timedelta(minutes=minutes), state)


def test_consecutive_equal_states_merge_and_last_is_open():
    spans = build_spans([m(0, "idle"), m(5, "idle"), m(10, "running"), m(20, "idle")])
    assert spans == [StateSpan(m(0, "").ts, m(10, "").ts, "idle"),
                     StateSpan(m(10, "").ts, m(20, "").ts, "running"),
                     StateSpan(m(20, "").ts, None, "idle")]


def test_reordered_messages_give_the_same_intervals():
    points = [m(i, random.Random(i).choice(["idle", "running", "setup"])) for i in range(200)]
    shuffled = points[:]
    random.Random(7).shuffle(shuffled)
    assert build_spans(shuffled) == build_spans(points)


@given(st.lists(st.tuples(st.integers(0, 500), st.sampled_from(["idle", "running", "down"])),
                max_size=60))
def test_spans_are_contiguous_and_alternate(rows):
    spans = build_spans([m(t, s) for t, s in rows])
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end == b.start and a.state != b.state and a.start < a.end
    if spans:
        assert spans[-1].end is None
        assert spans[0].start == min(m(t, "").ts for t, _ in rows)
