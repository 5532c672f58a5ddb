"""On the hotline intake page and the work queue of an official who takes hotline calls: how many
texts received wait to be completed into a case."""

from django import template

from mediation.selectors.sms import incoming_waiting_count, may_handle_texts, sms_consent_of

register = template.Library()


@register.inclusion_tag("web/sms_waiting.html", takes_context=True)
def texts_waiting(context):
    user = context["user"]
    if not may_handle_texts(user):
        return {"shown": False}
    return {"shown": True, "count": incoming_waiting_count()}


@register.inclusion_tag("web/sms_consent.html", takes_context=True)
def sms_consent_section(context):
    """On a consumer's notification settings: whether they are texted the decisions, and at which
    phone (masked)."""
    from mediation.web.sms_views import SmsConsentForm

    consent = sms_consent_of(user=context["user"])
    if consent is None:
        return {"shown": False}
    form = SmsConsentForm(initial={"agreed": consent["agreed_at"] is not None})
    return {"shown": True, "consent": consent, "form": form, "csrf_token": context.get("csrf_token")}
