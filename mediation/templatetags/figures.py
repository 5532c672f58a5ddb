"""Numbers on the pages, the local way: amounts with their currency sign and grouped digits,
shares as percentages."""

from django import template
from django.utils.formats import number_format

from mediation.selectors.rooms import money_text

register = template.Library()


@register.filter
def money(amount, currency: str = "CNY") -> str:
    """{{ case.amount|money:case.currency }} -> ¥3,500.00"""
    return "" if amount is None else money_text(str(amount), currency)


@register.filter
def percent(share: float | None) -> str:
    """{{ 0.625|percent }} -> 62.5%; no share (nothing to divide) -> –"""
    if share is None:
        return "–"
    # Rounded, not cut: number_format drops the digits beyond decimal_pos (2/3 would read 66.6%).
    return f"{number_format(round(share * 100, 1), decimal_pos=1)}%"


@register.filter
def signed_percent(change: float | None) -> str:
    """{{ 0.25|signed_percent }} -> +25.0%"""
    if change is None:
        return "–"
    return ("+" if change > 0 else "") + percent(change)
