"""The pure price arithmetic: quarter hours, minimum booking, VAT and cancellation fees."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fabshare.bookings import pricing

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def test_price_is_hourly_price_times_billed_hours():
    assert pricing.price_cents(9500, T0, T0 + timedelta(hours=4)) == 38000


def test_started_quarter_hours_are_billed():
    assert pricing.billed_hours(T0, T0 + timedelta(minutes=61)) == Decimal("1.25")
    assert pricing.price_cents(10000, T0, T0 + timedelta(minutes=61)) == 12500


def test_minimum_booking_applies_to_short_periods():
    assert pricing.price_cents(9500, T0, T0 + timedelta(minutes=30), Decimal("2")) == 19000


def test_vat_is_rounded_half_up_to_the_cent():
    assert pricing.vat_of(38000, Decimal("21")) == 7980
    assert pricing.vat_of(5, Decimal("21")) == 1  # 1.05 → 1
    assert pricing.vat_of(50, Decimal("21")) == 11  # 10.5 → 11


def test_cancellation_is_free_until_the_policy_then_costs_the_fee():
    assert pricing.cancellation_fee(10000, fee_percent=50, days_before=3,
                                    free_until_days=2) == 0
    assert pricing.cancellation_fee(10000, fee_percent=50, days_before=1.5,
                                    free_until_days=2) == 5000


@given(minutes=st.integers(1, 60 * 24 * 90), rate=st.integers(0, 10**6))
def test_price_never_undercharges_the_period(minutes, rate):
    end = T0 + timedelta(minutes=minutes)
    price = pricing.price_cents(rate, T0, end)
    assert price >= rate * minutes / 60 - 0.5
    assert price <= rate * (minutes + 15) / 60 + 0.5
