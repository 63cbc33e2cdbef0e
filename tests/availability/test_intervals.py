"""The interval algebra, checked against a brute-force oracle on a minute grid.

Every interval here starts and ends on whole minutes of a small range, so a set of intervals
is exactly the set of minutes it covers; the oracle computes with Python sets and turns the
result back into maximal runs, which must equal the module's normalized answer.
"""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabshare.availability.intervals import (
    Interval,
    clip,
    intersect,
    longest_run,
    normalize,
    runs_at_least,
    subtract,
    total,
    union,
)

# Deterministic in CI, quick enough to keep the availability suite well under 30 s.
PROPERTY = settings(max_examples=150, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(name="settings")
def _no_django_settings():
    """Stand-in for pytest-django's ``settings``, which an autouse fixture of tests/conftest.py
    asks for: these pure tests touch no Django setting and must also run with -p no:django."""
    return SimpleNamespace()


# The spring-forward night in Brussels: the module must not care, it compares UTC instants.
BASE = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def at(minute: int) -> datetime:
    return BASE + minute * MINUTE


def index(moment: datetime) -> int:
    return int((moment - BASE) / MINUTE)


intervals = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 12)).map(
        lambda pair: Interval(at(pair[0]), at(pair[0] + pair[1]))),
    max_size=6,
)
bounds = st.tuples(st.integers(-5, 60), st.integers(0, 30)).map(
    lambda pair: (at(pair[0]), at(pair[0] + pair[1])))


def minutes(items) -> set[int]:
    return {m for start, end in items for m in range(index(start), index(end))}


def runs(grid: set[int]) -> list[Interval]:
    """Maximal runs of consecutive minutes: the unique normalized form of the set."""
    result: list[Interval] = []
    for m in sorted(grid):
        if result and index(result[-1].end) == m:
            result[-1] = Interval(result[-1].start, at(m + 1))
        else:
            result.append(Interval(at(m), at(m + 1)))
    return result


def is_normalized(items: list[Interval]) -> bool:
    return all(iv.start < iv.end for iv in items) and all(
        left.end < right.start for left, right in zip(items, items[1:], strict=False))


# --- the oracle -----------------------------------------------------------------------------


@PROPERTY
@given(intervals)
def test_normalize_matches_oracle(a):
    result = normalize(a)
    assert result == runs(minutes(a))
    assert is_normalized(result)


@PROPERTY
@given(intervals, intervals)
def test_union_matches_oracle(a, b):
    assert union(a, b) == runs(minutes(a) | minutes(b))


@PROPERTY
@given(intervals, intervals)
def test_subtract_matches_oracle(a, b):
    result = subtract(a, b)
    assert result == runs(minutes(a) - minutes(b))
    assert is_normalized(result)


@PROPERTY
@given(intervals, intervals)
def test_intersect_matches_oracle(a, b):
    result = intersect(a, b)
    assert result == runs(minutes(a) & minutes(b))
    assert is_normalized(result)


@PROPERTY
@given(intervals, bounds)
def test_clip_matches_oracle(a, window):
    start, end = window
    assert clip(a, start, end) == runs(minutes(a) & set(range(index(start), index(end))))


@PROPERTY
@given(intervals)
def test_total_and_longest_run_match_oracle(a):
    grid = runs(minutes(a))
    assert total(a) == len(minutes(a)) * MINUTE
    assert longest_run(a) == max((iv.length for iv in grid), default=timedelta(0))


@PROPERTY
@given(intervals, st.integers(0, 15))
def test_runs_at_least_matches_oracle(a, least):
    expected = [iv for iv in runs(minutes(a)) if iv.length >= least * MINUTE]
    assert runs_at_least(a, least * MINUTE) == expected


@PROPERTY
@given(st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 8)), max_size=6),
       st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 8)), max_size=6))
def test_plain_integers_work_too(a, b):
    a = [(s, s + n) for s, n in a]
    b = [(s, s + n) for s, n in b]

    def cells(items):
        return {x for s, e in items for x in range(s, e)}

    assert {x for iv in subtract(a, b) for x in range(iv.start, iv.end)} == cells(a) - cells(b)
    assert total(union(a, b), zero=0) == len(cells(a) | cells(b))
    assert longest_run(a, zero=0) <= total(a, zero=0)


# --- the algebraic properties ---------------------------------------------------------------


@PROPERTY
@given(intervals, intervals)
def test_subtract_then_add_back_the_part_inside_covers_the_original(a, b):
    assert union(subtract(a, b), intersect(a, b)) == normalize(a)
    assert intersect(subtract(a, b), b) == []


@PROPERTY
@given(intervals, intervals)
def test_total_of_union_at_most_sum_of_totals(a, b):
    assert total(union(a, b)) <= total(a) + total(b)
    assert total(union(a, b)) + total(intersect(a, b)) == total(a) + total(b)


@PROPERTY
@given(intervals)
def test_normalize_is_idempotent(a):
    assert normalize(normalize(a)) == normalize(a)


@PROPERTY
@given(intervals)
def test_longest_run_at_most_total(a):
    assert longest_run(a) <= total(a)


@PROPERTY
@given(intervals, intervals)
def test_intersect_is_commutative(a, b):
    assert intersect(a, b) == intersect(b, a)


@PROPERTY
@given(intervals, bounds)
def test_clip_stays_within_bounds(a, window):
    start, end = window
    for iv in clip(a, start, end):
        assert start <= iv.start < iv.end <= end


@PROPERTY
@given(intervals)
def test_subtract_self_is_empty(a):
    assert subtract(a, a) == []


@PROPERTY
@given(intervals)
def test_order_of_input_does_not_matter(a):
    assert normalize(list(reversed(a))) == normalize(a)


# --- examples -------------------------------------------------------------------------------


def test_touching_intervals_merge_into_one_run():
    morning, afternoon = Interval(at(0), at(240)), Interval(at(240), at(540))
    assert normalize([afternoon, morning]) == [Interval(at(0), at(540))]
    assert longest_run([morning, afternoon]) == timedelta(hours=9)
    assert runs_at_least([morning, afternoon], timedelta(hours=9)) == [Interval(at(0), at(540))]


def test_empty_intervals_are_dropped_and_empty_sets_have_zero_measure():
    assert normalize([Interval(at(5), at(5))]) == []
    assert total([]) == timedelta(0)
    assert longest_run([]) == timedelta(0)
    assert total([], zero=0) == 0


def test_reversed_interval_is_refused_with_its_bounds_in_the_message():
    with pytest.raises(ValueError, match=r"ends before it starts") as info:
        Interval(at(10), at(5))
    assert str(at(10)) in str(info.value)
    with pytest.raises(ValueError, match="ends before it starts"):
        normalize([(at(3), at(1))])
    with pytest.raises(ValueError, match="ends before it starts"):
        clip([], at(3), at(1))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        Interval(datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 9))  # noqa: DTZ001


def test_pairs_are_accepted_and_intervals_unpack_like_pairs():
    start, end = Interval(at(1), at(2))
    assert (start, end) == (at(1), at(2))
    assert subtract([(at(0), at(10))], [(at(2), at(3))]) == [
        Interval(at(0), at(2)), Interval(at(3), at(10))]
    with pytest.raises(TypeError, match="pair"):
        normalize([at(1)])


def test_instants_compare_across_zones():
    brussels = ZoneInfo("Europe/Brussels")
    local = Interval(datetime(2026, 3, 29, 3, 0, tzinfo=brussels),  # 01:00 UTC, CEST
                     datetime(2026, 3, 29, 4, 0, tzinfo=brussels))
    utc = Interval(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 30,
                                                                      tzinfo=UTC))
    assert total(union([local], [utc])) == timedelta(minutes=90)
    assert total(intersect([local], [utc])) == timedelta(minutes=30)


def test_subtract_with_a_subtrahend_spanning_several_intervals():
    a = [(at(0), at(10)), (at(20), at(30)), (at(40), at(50))]
    b = [(at(5), at(45))]
    assert subtract(a, b) == [Interval(at(0), at(5)), Interval(at(45), at(50))]
