"""Template filters: ``{% load fabshare %}{{ cents|money }}``, ``{{ duration|hours }}``."""

from django import template

from fabshare.core import formatting

register = template.Library()


@register.filter
def money(cents, currency="EUR"):
    """``{{ cents|money }}`` or ``{{ cents|money:obj.currency }}``."""
    return formatting.money(cents, currency or "EUR")


@register.filter
def hours(value):
    return "" if value is None else formatting.hours(value)
