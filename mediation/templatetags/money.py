from django import template

from mediation.selectors.rooms import money_text

register = template.Library()


@register.filter
def money(amount, currency: str = "CNY") -> str:
    """An amount with its currency sign and grouped digits: {{ case.amount|money:case.currency }}."""
    return "" if amount is None else money_text(str(amount), currency)
