"""Ranking candidate resources for one step of a capacity request, with the reasons why.

Pure code: plain dataclasses in, plain dataclasses out, no database and no translation (the
reasons are codes with parameters; ``matching.explain`` turns them into sentences in the
reader's language). ``matching.selectors.candidates_for_step`` gathers the facts in SQL.

Hard filters (a candidate that fails one of them is a *near miss*, two or more and it is
dropped): the part fits the envelope (in any orientation), the thickness, the tolerance, the
weight, the material, the required certifications, and enough free time between the earliest
start and the deadline — the step's hours in total. (Process, visibility and distance are
decided in SQL: a candidate that fails them never reaches this module.)

Score (0–100) of a candidate, a weighted mean of components in [0, 1]:

============  ======  =================================================================
component     weight  1.0 means
============  ======  =================================================================
fit margin    0.25    the limits leave room (a part at 95 % of the envelope is *tight*)
distance      0.20    next door (0 at the edge of the radius, or 1/(1+d/50 km) without one)
price         0.20    at most 70 % of the budget (0 at 130 %); without a budget, the
                      cheapest candidate (0 for the dearest)
lead time     0.10    work can start at the earliest start
reputation    0.15    5 stars from many reviews (few reviews pull towards 3.5 stars)
idle          0.10    the resource is free the whole window (capacity that is otherwise idle)
============  ======  =================================================================

Ties are broken by distance, then by the resource id, so the order is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

WEIGHTS = {"fit": 0.25, "distance": 0.20, "price": 0.20, "lead_time": 0.10,
           "reputation": 0.15, "idle": 0.10}
TIGHT_MARGIN = 0.10  # less than 10 % room on a limit is "tight"
DEFAULT_HOURS = Decimal(8)  # a step without an estimate asks for one shift
PRIOR_RATING, PRIOR_WEIGHT = 3.5, 3  # Bayesian average: 3 virtual reviews of 3.5 stars


@dataclass(frozen=True)
class Need:
    """One step of a request, as the ranking sees it."""

    start: datetime
    end: datetime
    hours: Decimal | None = None
    part_mm: tuple[int | None, int | None, int | None] = (None, None, None)
    thickness_mm: Decimal | None = None
    tolerance_um: int | None = None
    weight_kg: Decimal | None = None
    material_id: int | None = None
    material_family_id: int | None = None  # any grade of the family
    certification_ids: frozenset[int] = frozenset()
    budget_cents: int | None = None
    max_distance_km: float | None = None

    @property
    def needed_hours(self) -> Decimal:
        return self.hours if self.hours else DEFAULT_HOURS


@dataclass(frozen=True)
class Candidate:
    """What the database knows about one resource's best capability for the step."""

    resource_id: int
    organization_id: int
    envelope_mm: tuple[int | None, int | None, int | None] = (None, None, None)
    max_thickness_mm: Decimal | None = None
    tolerance_um: int | None = None
    max_weight_kg: Decimal | None = None
    # None: the capability lists no materials (it does not say); else whether it lists ours,
    # with that material's own maximum thickness where one is given.
    handles_material: bool | None = None
    material_thickness_mm: Decimal | None = None
    missing_certification_ids: frozenset[int] = frozenset()
    distance_km: float | None = None
    free_hours: float = 0.0
    longest_free_hours: float = 0.0
    price_per_hour_cents: int | None = None
    minimum_booking_hours: Decimal = Decimal(1)
    lead_time_days: int = 0
    rating: float | None = None
    review_count: int = 0


class Reason(NamedTuple):  # a tuple: a ranking makes about a thousand of them
    """One line of an explanation: ``kind`` is fit, tight, missing or info; ``code`` names
    the criterion; ``params`` holds the numbers the sentence shows."""

    kind: str
    code: str
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str, default=None):
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    near_miss: bool
    reasons: tuple[Reason, ...]
    estimated_price_cents: int | None
    components: tuple[tuple[str, float], ...] = field(default=())

    @property
    def missing(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.kind == "missing")


def _reason(kind: str, code: str, **params) -> Reason:
    items = tuple(params.items())
    return Reason(kind, code, tuple(sorted(items)) if len(items) > 1 else items)


def _margin(limit, needed) -> float:
    return (float(limit) - float(needed)) / float(limit) if limit else 0.0


def _fits_envelope(envelope, part) -> tuple[bool, float] | None:
    """Whether the part fits in some orientation, and the smallest margin; None if unknown."""
    dims = sorted(d for d in part if d)
    room = sorted(e for e in envelope if e)
    if not dims or not room:
        return None
    if len(room) < len(dims):
        room = room + [room[-1]] * (len(dims) - len(room))
    room = room[-len(dims):]
    fits = all(d <= r for d, r in zip(dims, room, strict=True))
    return fits, min(_margin(r, d) for d, r in zip(dims, room, strict=True))


def estimate_price(candidate: Candidate, need: Need) -> int | None:
    """Hours (at least the minimum booking) times the hourly price, in cents."""
    if candidate.price_per_hour_cents is None:
        return None
    hours = max(need.needed_hours, candidate.minimum_booking_hours)
    return int((hours * candidate.price_per_hour_cents).to_integral_value())


def _check_limits(candidate: Candidate, need: Need, reasons: list[Reason]) -> list[float]:
    margins = []

    def judge(code: str, ok: bool, margin: float | None, **params):
        if not ok:
            reasons.append(_reason("missing", code, **params))
            return
        margins.append(margin if margin is not None else 1.0)
        kind = "tight" if margin is not None and margin < TIGHT_MARGIN else "fit"
        reasons.append(_reason(kind, code, **params))

    envelope = _fits_envelope(candidate.envelope_mm, need.part_mm)
    if envelope is not None:
        ok, margin = envelope
        judge("envelope", ok, margin, part=tuple(d for d in need.part_mm if d),
              envelope=tuple(e for e in candidate.envelope_mm if e))
    if need.thickness_mm is not None:
        limit = candidate.material_thickness_mm or candidate.max_thickness_mm
        if limit is not None:
            judge("thickness", need.thickness_mm <= limit,
                  _margin(limit, need.thickness_mm), needed=need.thickness_mm, limit=limit)
    if need.tolerance_um is not None and candidate.tolerance_um is not None:
        # A machine holding ±10 µm meets a ±50 µm requirement; the margin is how much better.
        ok = candidate.tolerance_um <= need.tolerance_um
        judge("tolerance", ok, _margin(need.tolerance_um, candidate.tolerance_um),
              needed=need.tolerance_um, limit=candidate.tolerance_um)
    if need.weight_kg is not None and candidate.max_weight_kg is not None:
        judge("weight", need.weight_kg <= candidate.max_weight_kg,
              _margin(candidate.max_weight_kg, need.weight_kg),
              needed=need.weight_kg, limit=candidate.max_weight_kg)
    if need.material_id is not None or need.material_family_id is not None:
        if candidate.handles_material is False:
            reasons.append(_reason("missing", "material"))
        elif candidate.handles_material:
            reasons.append(_reason("fit", "material"))
        else:
            reasons.append(_reason("info", "material_unlisted"))
    if need.certification_ids:
        missing = sorted(candidate.missing_certification_ids & need.certification_ids)
        if missing:
            reasons.append(_reason("missing", "certification", ids=tuple(missing)))
        else:
            reasons.append(_reason("fit", "certification", ids=tuple(sorted(
                need.certification_ids))))
    return margins


class _Window(NamedTuple):
    """What ``_check_time`` needs of the step, computed once per ranking."""

    hours: float
    window_hours: float
    latest_start: datetime


def _window(need: Need) -> _Window:
    hours = float(need.needed_hours)
    return _Window(hours, max((need.end - need.start).total_seconds() / 3600, 1e-9),
                   need.end - timedelta(hours=hours))


def _check_time(candidate: Candidate, need: Need, window: _Window, reasons: list[Reason],
                now: datetime) -> tuple[float, float]:
    """Free time and lead time; returns (lead time score, idle score)."""
    hours, window_hours = window.hours, window.window_hours
    free = candidate.free_hours
    if free + 1e-9 < hours:
        reasons.append(_reason("missing", "free_time", free=round(free, 1), needed=hours))
    elif candidate.longest_free_hours + 1e-9 < hours:
        reasons.append(_reason("tight", "free_time", free=round(free, 1), needed=hours,
                               longest=round(candidate.longest_free_hours, 1)))
    else:
        reasons.append(_reason("fit", "free_time", free=round(free, 1), needed=hours))
    earliest = max(need.start, now + timedelta(days=candidate.lead_time_days))
    if earliest > window.latest_start:
        reasons.append(_reason("missing", "lead_time", days=candidate.lead_time_days))
        lead = 0.0
    else:
        lost = (earliest - need.start).total_seconds() / 3600
        lead = 1.0 - lost / window_hours
        if candidate.lead_time_days:
            reasons.append(_reason("info", "lead_time", days=candidate.lead_time_days))
    return max(0.0, min(1.0, lead)), max(0.0, min(1.0, free / window_hours))


def _distance_score(candidate: Candidate, need: Need, reasons: list[Reason]) -> float:
    d = candidate.distance_km
    if d is None:
        reasons.append(_reason("info", "distance_unknown"))
        return 0.5
    reasons.append(_reason("info", "distance", km=round(d, 1)))
    if need.max_distance_km:
        return max(0.0, 1.0 - d / need.max_distance_km)
    return 1.0 / (1.0 + d / 50.0)


def _reputation_score(candidate: Candidate, reasons: list[Reason]) -> float:
    n = candidate.review_count
    if not n or candidate.rating is None:
        reasons.append(_reason("info", "no_reviews"))
        return (PRIOR_RATING - 1) / 4
    reasons.append(_reason("info", "reputation", rating=round(candidate.rating, 1), count=n))
    shrunk = (candidate.rating * n + PRIOR_RATING * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT)
    return (shrunk - 1) / 4


def _price_scores(candidates: Sequence[Candidate], need: Need
                  ) -> tuple[dict[int, float], dict[int, int | None]]:
    """Each candidate's price score and estimated price, by resource id."""
    prices = {c.resource_id: estimate_price(c, need) for c in candidates}
    known = [p for p in prices.values() if p is not None]
    high, low = (max(known), min(known)) if known else (0, 0)
    scores = {}
    for rid, price in prices.items():
        if price is None:
            scores[rid] = 0.5
        elif need.budget_cents:
            ratio = price / need.budget_cents
            scores[rid] = max(0.0, min(1.0, (1.3 - ratio) / 0.6))
        elif high > low:
            scores[rid] = (high - price) / (high - low)
        else:
            scores[rid] = 1.0
    return scores, prices


def rank(need: Need, candidates: Iterable[Candidate], *, now: datetime) -> list[Match]:
    """Every candidate that fails at most one hard filter, best first: full matches by score,
    then near misses by score."""
    candidates = list(candidates)
    price_scores, prices = _price_scores(candidates, need)
    window = _window(need)
    order = {"missing": 0, "tight": 1, "fit": 2, "info": 3}
    matches = []
    for candidate in candidates:
        reasons: list[Reason] = []
        margins = _check_limits(candidate, need, reasons)
        lead, idle = _check_time(candidate, need, window, reasons, now)
        distance = _distance_score(candidate, need, reasons)
        price = prices[candidate.resource_id]
        if price is None:
            reasons.append(_reason("info", "price_unknown"))
        elif need.budget_cents:
            kind = "fit" if price <= need.budget_cents else "tight"
            reasons.append(_reason(kind, "price", cents=price, budget=need.budget_cents))
        else:
            reasons.append(_reason("info", "price", cents=price))
        missing = [r for r in reasons if r.kind == "missing"]
        if len(missing) > 1:
            continue
        fit = (sum(max(0.0, min(1.0, m * 2)) for m in margins) / len(margins)
               if margins else 0.5)
        components = {
            "fit": fit, "distance": distance, "price": price_scores[candidate.resource_id],
            "lead_time": lead, "reputation": _reputation_score(candidate, reasons),
            "idle": idle,
        }
        score = 100 * sum(WEIGHTS[k] * v for k, v in components.items())
        reasons.sort(key=lambda r: order[r[0]])
        matches.append(Match(
            candidate=candidate, score=round(score, 1), near_miss=bool(missing),
            reasons=tuple(reasons), estimated_price_cents=price,
            components=tuple((k, round(v, 3)) for k, v in components.items()),
        ))
    matches.sort(key=lambda m: (
        m.near_miss, -m.score,
        m.candidate.distance_km if m.candidate.distance_km is not None else math.inf,
        m.candidate.resource_id,
    ))
    return matches
