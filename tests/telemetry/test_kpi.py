"""ISO 22400-2 KPIs against examples computed by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from fabshare.telemetry.kpi import kpis, periods, time_elements
from fabshare.telemetry.timeline import StateSpan

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def shift():
    """An 8-hour shift: 5 h running, 1 h setup, 1 h idle, 0.5 h down, 0.5 h maintenance."""
    return [StateSpan(h(0), h(1), "setup"), StateSpan(h(1), h(4), "running"),
            StateSpan(h(4), h(4.5), "down"), StateSpan(h(4.5), h(6.5), "running"),
            StateSpan(h(6.5), h(7), "maintenance"), StateSpan(h(7), h(8), "idle")]


def test_time_elements_of_a_shift():
    el = time_elements(shift(), h(0), h(8))
    assert (el.pot, el.pdot, el.pbt) == (8 * 3600, 0.5 * 3600, 7.5 * 3600)
    assert (el.apt, el.aust, el.adot, el.idle, el.unknown) == (18000, 3600, 1800, 3600, 0)


def test_availability_utilisation_and_oee_by_hand():
    # A = APT/PBT = 5/7.5; UE = APT/AUBT = 5/6; PQ = 300, E = 50 s × 300 / 5 h = 0.8333;
    # QR = 270/300 = 0.9; OEE = 2/3 × 5/6 × 0.9 = 0.5.
    k = kpis(shift(), h(0), h(8), good=270, scrap=30, planned_seconds_per_unit=50)
    assert k.availability == pytest.approx(2 / 3)
    assert k.utilisation_efficiency == pytest.approx(5 / 6)
    assert k.setup_rate == pytest.approx(0.2)
    assert k.quality_ratio == pytest.approx(0.9)
    assert k.effectiveness == pytest.approx(15000 / 18000)
    assert k.oee == pytest.approx(0.5)


def test_without_counters_there_is_no_oee():
    k = kpis(shift(), h(0), h(8))
    assert k.oee is None and k.quality_ratio is None and k.availability is not None


def test_unknown_time_is_left_out_not_idle():
    spans = [StateSpan(h(0), h(2), "running"), StateSpan(h(2), h(4), "unknown"),
             StateSpan(h(4), h(6), "idle")]
    el = time_elements(spans, h(0), h(8))
    # 2 h explicitly unknown + 2 h without any data.
    assert el.unknown == 4 * 3600 and el.pbt == 4 * 3600
    assert kpis(spans, h(0), h(8)).availability == pytest.approx(0.5)


def test_open_span_lasts_until_now_only():
    spans = [StateSpan(h(0), None, "running")]
    el = time_elements(spans, h(0), h(8), open_until=h(3))
    assert el.apt == 3 * 3600 and el.unknown == 5 * 3600


def test_no_planned_busy_time_gives_no_ratio():
    k = kpis([StateSpan(h(0), h(8), "offline")], h(0), h(8))
    assert k.availability is None and k.utilisation_efficiency is None


def test_days_follow_local_time_across_dst():
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    days = list(periods("day", start, start + timedelta(days=2)))
    lengths = {label: (e - s) for label, s, e in days}
    assert lengths["2026-03-29"] == timedelta(hours=23)
    assert lengths["2026-03-28"] == timedelta(hours=24)


def test_shifts_and_weeks():
    start = datetime(2026, 3, 2, 0, tzinfo=UTC)  # Monday 01:00 in Brussels
    shifts = list(periods("shift", start, start + timedelta(hours=24)))
    labels = [label for label, _s, _e in shifts]
    assert "2026-03-01 night" in labels and "2026-03-02 early" in labels
    night = next(p for p in shifts if p[0] == "2026-03-02 night")
    assert night[2] - night[1] == timedelta(hours=8)
    weeks = list(periods("week", start, start + timedelta(days=8)))
    assert [w[0] for w in weeks] == ["2026-W10", "2026-W11"]
    with pytest.raises(ValueError, match="month"):
        list(periods("month", start, start))
