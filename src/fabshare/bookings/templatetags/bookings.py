from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cents(value) -> str:
    """Integer cents as an amount in the active language: 123456 → "1,234.56" / "1.234,56"."""
    if value is None:
        return ""
    return number_format(Decimal(int(value)) / 100, 2, use_l10n=True, force_grouping=True)


@register.filter
def stars(value) -> str:
    value = int(value or 0)
    return "★" * value + "☆" * (5 - value)
