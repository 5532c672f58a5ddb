"""What a person's account could take on, shown where they look: the cases entered for them from
the hotline (a consumer's "my cases"), the state of their claim of a business (an account without a
role), and the claims their bureau has to decide (an official's work queue)."""

from django import template

from mediation.selectors.analysis import bureau_of_official
from mediation.selectors.business_accounts import claims_of_applicant, claims_to_decide
from mediation.selectors.hotline_link import hotline_cases_count

register = template.Library()


@register.inclusion_tag("web/account_offers.html", takes_context=True)
def account_offers(context):
    """On "my cases": how many cases officials entered under the consumer's identity (the number
    only, until they consent), or the applicant's latest claim."""
    user = context["user"]
    offers = {"hotline_cases": 0, "claim": None}
    if not user.is_authenticated:
        return offers
    consumer = getattr(user, "consumer", None)
    if consumer is not None:
        offers["hotline_cases"] = hotline_cases_count(consumer=consumer)
    elif getattr(user, "merchant_staff", None) is None and getattr(user, "official", None) is None:
        offers["claim"] = claims_of_applicant(user=user).first()
    offers["csrf_token"] = context.get("csrf_token")
    return offers


@register.inclusion_tag("web/business_claims_waiting.html", takes_context=True)
def claims_waiting(context):
    """On an official's work queue: the claims of businesses their bureau has to decide."""
    user = context["user"]
    bureau = bureau_of_official(user)
    return {"bureau": bureau, "count": len(claims_to_decide(user=user)) if bureau is not None else 0}
