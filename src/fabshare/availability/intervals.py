"""Sets of half-open time intervals: the arithmetic under free time, busy time and bookings.

An :class:`Interval` is ``[start, end)``: it contains ``start`` and stops just before ``end``,
so ``[08:00, 12:00)`` and ``[12:00, 17:00)`` touch without overlapping and together cover
``[08:00, 17:00)`` exactly. An interval with ``start == end`` is empty.

Values. The module is generic over totally ordered values whose difference can be added up:
in production these are timezone-aware :class:`datetime.datetime` objects (differences are
:class:`datetime.timedelta`); the tests also use plain ``int`` minutes. Naive datetimes are
refused (``ValueError``), because comparing wall-clock times across a daylight-saving change
is wrong. Values are returned as given: the module compares instants and never converts time
zones, so pass UTC in to get UTC out (``recurrence`` and ``icalendar_io`` produce UTC).

Sets. Every function takes any iterable of :class:`Interval` or ``(start, end)`` pairs, in any
order, overlapping or not, and returns a *normalized* list: sorted by start, no empty
interval, and no two intervals overlapping or touching (touching ones are merged), so the
representation of a set of instants is unique and lists can be compared with ``==``.

Complexity. ``normalize`` sorts, O(n log n); the binary operations normalize both operands and
then merge them in one sweep (two pointers over the sorted lists), O((n + m) log(n + m))
overall and O(n + m) on inputs that are already normalized. Memory is O(n + m).

Sources: the sweep-line merge of sorted interval lists (de Berg et al., *Computational
Geometry*, 3rd ed., ch. 2; Cormen et al., *Introduction to Algorithms*, 3rd ed., problem 14-1);
half-open periods as in RFC 5545 §3.3.9 (PERIOD) and PostgreSQL's ``tstzrange '[)'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeAlias, TypeVar

__all__ = [
    "Interval",
    "clip",
    "intersect",
    "longest_run",
    "normalize",
    "runs_at_least",
    "subtract",
    "total",
    "union",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True, order=True)
class Interval(Generic[T]):
    """The half-open interval ``[start, end)``.

    Raises ``ValueError`` naming the interval when ``end < start`` or when a datetime bound
    is naive. ``start == end`` is allowed and means the empty interval. Unpacks like a pair
    (``start, end = interval``), so code written for tuples keeps working.
    """

    start: T
    end: T

    def __post_init__(self) -> None:
        for bound in (self.start, self.end):
            if isinstance(bound, datetime) and bound.utcoffset() is None:
                raise ValueError(
                    f"interval [{self.start}, {self.end}) has a naive datetime; "
                    "use timezone-aware datetimes (UTC)"
                )
        if self.end < self.start:  # type: ignore[operator]
            raise ValueError(f"interval [{self.start}, {self.end}) ends before it starts")

    @property
    def length(self) -> Any:
        """``end - start``: a ``timedelta`` for datetimes, a number for numbers."""
        return self.end - self.start  # type: ignore[operator]

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    def __iter__(self) -> Iterator[T]:
        """Unpack like a pair: ``start, end = interval``."""
        yield self.start
        yield self.end

    def __repr__(self) -> str:
        return f"Interval({self.start!r}, {self.end!r})"


#: An :class:`Interval` or a plain ``(start, end)`` pair.
IntervalLike: TypeAlias = Interval[Any] | tuple[Any, Any]


def _coerce(value: IntervalLike) -> Interval[Any]:
    if isinstance(value, Interval):
        return value
    try:
        start, end = value
    except (TypeError, ValueError):
        raise TypeError(f"expected an Interval or a (start, end) pair, got {value!r}") from None
    return Interval(start, end)


def normalize(intervals: Iterable[IntervalLike]) -> list[Interval[Any]]:
    """Sort, drop empty intervals and merge overlapping **and touching** ones.

    ``[1, 3), [3, 5)`` becomes ``[1, 5)``. Idempotent. O(n log n) time (the sort), O(n) memory.
    """
    items = sorted(iv for iv in map(_coerce, intervals) if not iv.is_empty)
    merged: list[Interval[Any]] = []
    for iv in items:
        if merged and iv.start <= merged[-1].end:
            if iv.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, iv.end)
        else:
            merged.append(iv)
    return merged


def union(a: Iterable[IntervalLike], b: Iterable[IntervalLike]) -> list[Interval[Any]]:
    """Every instant in ``a`` or in ``b``. O((n + m) log(n + m))."""
    return normalize([*a, *b])


def subtract(a: Iterable[IntervalLike], b: Iterable[IntervalLike]) -> list[Interval[Any]]:
    """Every instant in ``a`` and not in ``b`` (``a`` minus ``b``): free = open - busy.

    One sweep over both normalized lists. The pointer into ``b`` only moves forward, and a
    ``b`` interval is looked at again only when it reaches past the current ``a`` interval,
    at most once per ``a`` interval, so the sweep is O(n + m) after the O((n + m) log(n + m))
    normalization.
    """
    left, right = normalize(a), normalize(b)
    result: list[Interval[Any]] = []
    j = 0
    for iv in left:
        # Subtrahends that end before this interval starts cannot touch any later one either.
        while j < len(right) and right[j].end <= iv.start:
            j += 1
        cursor = iv.start
        k = j
        while k < len(right) and right[k].start < iv.end:
            if right[k].start > cursor:
                result.append(Interval(cursor, right[k].start))
            if right[k].end > cursor:
                cursor = right[k].end
            if cursor >= iv.end:
                break
            k += 1
        if cursor < iv.end:
            result.append(Interval(cursor, iv.end))
    return result


def intersect(a: Iterable[IntervalLike], b: Iterable[IntervalLike]) -> list[Interval[Any]]:
    """Every instant in both ``a`` and ``b``. Commutative.

    Two-pointer sweep: at each step the interval that ends first is done. O(n + m) after the
    O((n + m) log(n + m)) normalization. The pieces are already normalized: a piece ends where
    one operand has a gap, so the next piece cannot touch it.
    """
    left, right = normalize(a), normalize(b)
    result: list[Interval[Any]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        lo = max(left[i].start, right[j].start)
        hi = min(left[i].end, right[j].end)
        if lo < hi:
            result.append(Interval(lo, hi))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result


def clip(a: Iterable[IntervalLike], start: Any, end: Any) -> list[Interval[Any]]:
    """The part of ``a`` inside ``[start, end)``. ``ValueError`` if ``end < start``.

    O(n log n).
    """
    return intersect(a, [Interval(start, end)])


def total(a: Iterable[IntervalLike], *, zero: Any = timedelta(0)) -> Any:
    """The measure of the set: overlaps are counted once. O(n log n).

    Returns ``zero`` for an empty set (pass ``zero=0`` when the values are numbers).
    """
    result = zero
    for iv in normalize(a):
        result = result + iv.length
    return result


def longest_run(a: Iterable[IntervalLike], *, zero: Any = timedelta(0)) -> Any:
    """The length of the longest interval of the normalized set.

    Touching and overlapping intervals form one run: ``[08:00, 12:00) + [12:00, 17:00)`` is a
    9-hour run. ``zero`` for an empty set. Never more than :func:`total`. O(n log n).
    """
    result = zero
    for iv in normalize(a):
        if iv.length > result:
            result = iv.length
    return result


def runs_at_least(a: Iterable[IntervalLike], minimum: Any) -> list[Interval[Any]]:
    """The runs of the normalized set that last at least ``minimum`` (inclusive).

    "Where can a 6-hour job go?" is ``runs_at_least(free, timedelta(hours=6))``. O(n log n).
    """
    return [iv for iv in normalize(a) if iv.length >= minimum]
