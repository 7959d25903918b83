"""Money as budgeting pages show it: Korean "1,000,000,000원", English "KRW 1,000,000,000"."""

from django import template

from ..money import won

register = template.Library()


@register.filter
def krw(amount):
    if amount is None or amount == "":
        return ""
    try:
        return won(amount)
    except (TypeError, ValueError):
        return amount
