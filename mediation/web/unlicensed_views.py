"""Operators without a licence (无照经营) on the pages: the handling bureau's official finds the
operator a report named in the registry and links the case to that business
(services.unlicensed.operator_identify). Filing such a report is part of /file/ (filing_forms)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mediation.models import MarketEntity
from mediation.selectors.cases import case_for_viewer
from mediation.selectors.registry import registry_search
from mediation.services.unlicensed import may_identify, operator_identify

MAX_QUERY_LENGTH = 100
RESULTS = 10


def _search(query: str) -> tuple[list[MarketEntity], list[str]]:
    """The registry's matches for `query`, or its reasons for finding nothing useful."""
    if not query:
        return [], []
    if len(query) > MAX_QUERY_LENGTH:
        return [], [_("The search text is too long (at most 100 characters).")]
    try:
        return registry_search(query=query, limit=RESULTS), []
    except ValidationError as error:
        return [], error.messages


@login_required
def operator_identify_page(request, number: str):
    """Search the registry and link the case to the business found (GET searches, POST links)."""
    case, _viewer = case_for_viewer(user=request.user, number=number)
    if not may_identify(request.user, case):
        raise PermissionDenied(_("Only an official of the bureau handling the report links it to the registry."))
    operator = case.entity
    query = str(request.GET.get("q") or request.POST.get("q") or "").strip()
    found, search_errors = _search(query)
    errors: list[str] = []
    if request.method == "POST":
        chosen = str(request.POST.get("entity") or "").strip()
        entity = None
        if chosen.isascii() and chosen.isdigit() and len(chosen) <= 12:
            entity = MarketEntity.objects.filter(pk=int(chosen)).first()
        if entity is None:
            errors.append(_("Choose a business from the registry."))
        else:
            try:
                operator_identify(case=case, entity=entity, actor=request.user)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(
                    request,
                    _("The case now names %(business)s. If its bureau is another, you may forward the case to it.")
                    % {"business": entity.name},
                )
                return redirect("web:case", number=case.number)
    context = {
        "case": case,
        "operator": operator,
        "query": query,
        "found": found,
        "search_errors": search_errors,
        "errors": errors,
        "max_query_length": MAX_QUERY_LENGTH,
    }
    return render(request, "web/operator_identify.html", context, status=400 if errors or search_errors else 200)
