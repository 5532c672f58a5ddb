"""The case page's part about an operator without a licence (无照经营): what the reporter knows of it,
and for the handling bureau's official the way to link the case to the registry."""

from django import template

from mediation.models import EntityKind
from mediation.services.unlicensed import may_identify

register = template.Library()


@register.inclusion_tag("web/case_operator.html", takes_context=True)
def case_operator(context):
    case = context["case"]
    operator = case.entity if case.entity.kind == EntityKind.UNLICENSED else None
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "case": case,
        "operator": operator,
        "may_identify": operator is not None and user is not None and may_identify(user, case),
    }
