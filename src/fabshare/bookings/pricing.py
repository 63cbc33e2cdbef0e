"""Prices of bookings, computed on the server only (pure: no database).

The price of a period is the resource's hourly price times the billed hours, where the billed
hours are the period's length rounded up to the next quarter hour and at least the resource's
minimum booking. VAT is added on top, rounded half up to the cent. Money is integer cents.
"""

from datetime import datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

QUARTER = Decimal("0.25")


def billed_hours(start: datetime, end: datetime, minimum_hours: Decimal | float | int = 0
                 ) -> Decimal:
    """Hours billed for [start, end): rounded up to a quarter hour, at least the minimum."""
    hours = Decimal((end - start).total_seconds()) / 3600
    quarters = (hours / QUARTER).to_integral_value(rounding=ROUND_CEILING)
    return max(quarters * QUARTER, Decimal(str(minimum_hours)))


def price_cents(per_hour_cents: int, start: datetime, end: datetime,
                minimum_hours: Decimal | float | int = 0) -> int:
    amount = Decimal(per_hour_cents) * billed_hours(start, end, minimum_hours)
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))


def vat_of(net_cents: int, vat_percent: Decimal | float | int) -> int:
    amount = Decimal(net_cents) * Decimal(str(vat_percent)) / 100
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))


def cancellation_fee(net_cents: int, *, fee_percent: int, days_before: float,
                     free_until_days: int) -> int:
    """The fee for cancelling ``days_before`` the start: nothing while at least
    ``free_until_days`` remain, then ``fee_percent`` of the price (excl. VAT)."""
    if days_before >= free_until_days:
        return 0
    amount = Decimal(net_cents) * fee_percent / 100
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))
