"""Money and durations written the way the user's language writes them."""

from datetime import timedelta
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import pgettext


def money(cents: int | None, currency: str = "EUR") -> str:
    """Cents in the user's language: "€ 95,00" (nl, fr, de), "€ 95.00" (en); another
    currency by its code ("CHF 95.00")."""
    if cents is None:
        return ""
    amount = number_format(Decimal(int(cents)) / 100, decimal_pos=2, force_grouping=True)
    if currency != "EUR":
        return f"{currency} {amount}"
    # Translators: an amount in euro; place the sign and the space as your language does.
    return pgettext("money", "€ %(amount)s") % {"amount": amount}


def hours(value: timedelta | float | Decimal) -> str:
    """A duration in hours, with one decimal only when it is not whole: "112", "7,5"."""
    if isinstance(value, timedelta):
        number = Decimal(value.total_seconds()) / 3600
    else:
        number = Decimal(str(value))
    number = number.quantize(Decimal("0.1"))
    whole = number == number.to_integral_value()
    return number_format(number, decimal_pos=0 if whole else 1)
