"""The pure ranking: order and explanation pinned for hand-made cases, near misses included."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fabshare.matching.ranking import Candidate, Need, estimate_price, rank

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NEED = Need(start=NOW, end=NOW + timedelta(days=14), hours=Decimal(16),
            part_mm=(600, 400, None), thickness_mm=Decimal(3), tolerance_um=100,
            material_id=7, budget_cents=200_000, max_distance_km=80)


def cand(rid, **kw):
    base = {"resource_id": rid, "organization_id": rid * 10, "envelope_mm": (3000, 1500, None),
            "max_thickness_mm": Decimal(20), "tolerance_um": 50, "handles_material": True,
            "distance_km": 20.0, "free_hours": 80.0, "longest_free_hours": 40.0,
            "price_per_hour_cents": 9000}
    base.update(kw)
    return Candidate(**base)


def codes(match, kind):
    return [r.code for r in match.reasons if r.kind == kind]


def test_closer_cheaper_better_rated_ranks_first():
    near_cheap = cand(1, distance_km=8.0, price_per_hour_cents=7500, rating=4.8,
                      review_count=12)
    far_dear = cand(2, distance_km=70.0, price_per_hour_cents=11000)
    middle = cand(3, distance_km=30.0, price_per_hour_cents=9000, rating=4.0, review_count=2)
    order = [m.candidate.resource_id for m in rank(NEED, [far_dear, middle, near_cheap],
                                                   now=NOW)]
    assert order == [1, 3, 2]


def test_explanation_of_a_full_match():
    (match,) = rank(NEED, [cand(1)], now=NOW)
    assert not match.near_miss
    assert codes(match, "fit") == ["envelope", "thickness", "tolerance", "material",
                                   "free_time", "price"]
    assert match.estimated_price_cents == 16 * 9000
    free = next(r for r in match.reasons if r.code == "free_time")
    assert free.param("free") == 80.0 and free.param("needed") == 16.0
    assert next(r for r in match.reasons if r.code == "distance").param("km") == 20.0


def test_one_failed_filter_is_a_near_miss_after_every_full_match():
    too_thin = cand(1, max_thickness_mm=Decimal(2), distance_km=1.0, rating=5.0,
                    review_count=50)
    fine = cand(2, distance_km=75.0, price_per_hour_cents=12000)
    ranked = rank(NEED, [too_thin, fine], now=NOW)
    assert [m.candidate.resource_id for m in ranked] == [2, 1]
    assert ranked[1].near_miss and codes(ranked[1], "missing") == ["thickness"]
    assert ranked[1].reasons[0].kind == "missing"  # missing reasons come first


def test_two_failed_filters_drop_the_candidate():
    ranked = rank(NEED, [cand(1, max_thickness_mm=Decimal(2), handles_material=False)],
                  now=NOW)
    assert ranked == []


def test_part_fits_the_envelope_in_any_orientation():
    rotated = cand(1, envelope_mm=(450, 700, 300))
    (match,) = rank(NEED, [rotated], now=NOW)
    assert "envelope" in codes(match, "fit") + codes(match, "tight")
    small = cand(2, envelope_mm=(500, 500, 500))
    (miss,) = rank(NEED, [small], now=NOW)
    assert miss.near_miss and codes(miss, "missing") == ["envelope"]


def test_tight_limits_and_split_free_time_are_flagged():
    tight = cand(1, max_thickness_mm=Decimal("3.2"), longest_free_hours=6.0, free_hours=20.0)
    (match,) = rank(NEED, [tight], now=NOW)
    assert not match.near_miss
    assert set(codes(match, "tight")) == {"thickness", "free_time"}


def test_not_enough_free_time_or_too_long_lead_time_is_missing():
    (busy,) = rank(NEED, [cand(1, free_hours=10.0, longest_free_hours=10.0)], now=NOW)
    assert busy.near_miss and codes(busy, "missing") == ["free_time"]
    (late,) = rank(NEED, [cand(2, lead_time_days=14)], now=NOW)
    assert late.near_miss and codes(late, "missing") == ["lead_time"]


def test_missing_certification_is_named():
    need = Need(start=NOW, end=NOW + timedelta(days=14), certification_ids=frozenset({3, 4}))
    (match,) = rank(need, [cand(1, missing_certification_ids=frozenset({4}))], now=NOW)
    assert match.near_miss
    assert match.missing[0].code == "certification" and match.missing[0].param("ids") == (4,)


def test_price_over_budget_is_tight_and_scores_lower():
    cheap, dear = cand(1, price_per_hour_cents=8000), cand(2, price_per_hour_cents=14000)
    ranked = rank(NEED, [dear, cheap], now=NOW)
    assert [m.candidate.resource_id for m in ranked] == [1, 2]
    assert "price" in codes(ranked[1], "tight")  # 16 h × € 140 = € 2 240 > € 2 000


def test_minimum_booking_sets_the_price_floor():
    candidate = cand(1, minimum_booking_hours=Decimal(24))
    assert estimate_price(candidate, NEED) == 24 * 9000
    assert estimate_price(cand(2, price_per_hour_cents=None), NEED) is None


def test_idle_capacity_is_preferred_when_all_else_is_equal():
    idle, busy = cand(1, free_hours=300.0), cand(2, free_hours=30.0)
    assert [m.candidate.resource_id for m in rank(NEED, [busy, idle], now=NOW)] == [1, 2]


def test_ties_are_broken_by_distance_then_id():
    ranked = rank(NEED, [cand(5), cand(4)], now=NOW)
    assert [m.candidate.resource_id for m in ranked] == [4, 5]
