from django import template

register = template.Library()


@register.filter
def stars(value) -> str:
    value = int(value or 0)
    return "★" * value + "☆" * (5 - value)
