"""The officials' analysis pages: hot spots of their area, the cases behind a figure, the figures
as CSV, and the early warnings that went to their bureau."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediation.models import CaseCategory, EarlyWarning, ProblemType, WarningRecipient
from mediation.selectors import analysis
from mediation.services.early_warnings import warning_acknowledge, warning_record_action


def _scope_or_errors(request):
    params = request.GET
    try:
        return analysis.scope_for(
            user=request.user,
            region=params.get("region", "").strip()[:6],
            start=params.get("start", "").strip() or None,
            end=params.get("end", "").strip() or None,
            category=params.get("category", "").strip()[:3],
            granularity=params.get("granularity", "").strip()[:8],
        ), None
    except ValidationError as error:
        return None, error.message_dict


def _form_context(request, area, scope) -> dict:
    return {
        "area": area,
        "scope": scope,
        "categories": CaseCategory.choices,
        "granularities": [("day", _("by day")), ("week", _("by week")), ("month", _("by month"))],
        "query": request.GET.urlencode(),
    }


@login_required
def analysis_page(request):
    """Trend, rankings of regions, problem types, categories and businesses, rising terms and the
    warnings of the official's area, for a period and optionally a category."""
    area = analysis.official_area(request.user)
    scope, errors = _scope_or_errors(request)
    context = _form_context(request, area, scope)
    if errors:
        context["errors"] = errors
        return render(request, "web/analysis.html", context, status=400)
    labels = dict(ProblemType.choices)
    categories = dict(CaseCategory.choices)
    trend = analysis.trend(scope)
    regions = analysis.region_ranking(scope)
    problem_types = analysis.problem_type_ranking(scope)
    context.update(
        total=analysis.total(scope),
        trend=trend,
        regions=regions,
        problem_types=[(code, labels.get(code, code), count) for code, count in problem_types],
        category_counts=[(code, categories.get(code, code), count) for code, count in analysis.category_ranking(scope)],
        businesses=analysis.business_ranking(scope),
        rising=analysis.rising_terms(scope),
        warnings=analysis.warnings_of_area(area)[:20],
        chart_data={
            "trend": {"periods": [period.isoformat() for period, _count in trend], "counts": [c for _p, c in trend]},
            "regions": {
                "names": [region.name for region, _count in regions[:15]],
                "counts": [c for _r, c in regions[:15]],
            },
            "problemTypes": {
                "names": [str(labels.get(code, code)) for code, _count in problem_types],
                "counts": [count for _code, count in problem_types],
            },
            "texts": {"complaints": _("Complaints")},
        },
    )
    return render(request, "web/analysis.html", context)


@login_required
def analysis_cases(request):
    """The complaints behind a figure of the analysis (drill-down), newest first."""
    area = analysis.official_area(request.user)
    scope, errors = _scope_or_errors(request)
    context = _form_context(request, area, scope)
    problem_type = request.GET.get("problem_type", "").strip()[:24]
    entity = request.GET.get("entity", "").strip()
    if not errors and entity and not entity.isdigit():
        errors = {"entity": [_("Not a business: %(value)s.") % {"value": entity[:20]}]}
    if not errors:
        try:
            context["cases"] = list(
                analysis.cases_behind(scope, problem_type=problem_type, entity_id=int(entity) if entity else None)
            )
        except ValidationError as error:
            errors = error.message_dict
    if errors:
        context["errors"] = errors
        return render(request, "web/analysis_cases.html", context, status=400)
    context["problem_type"] = dict(ProblemType.choices).get(problem_type, "")
    return render(request, "web/analysis_cases.html", context)


class _SpreadsheetSafeWriter:
    """csv.writer that keeps a text cell from being read as a formula by a spreadsheet (a business
    name starting with =, +, - or @): such a cell gets a leading apostrophe, as OWASP advises."""

    def __init__(self, out):
        self.writer = csv.writer(out)

    def writerow(self, row):
        self.writer.writerow(
            [f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell for cell in row]
        )


@login_required
def analysis_export(request):
    """The figures of the analysis page as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    analysis.official_area(request.user)
    scope, errors = _scope_or_errors(request)
    if errors:
        return HttpResponse(
            "\n".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"analysis-{scope.region.code}-{scope.start}-{scope.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = _SpreadsheetSafeWriter(response)
    writer.writerow([_("Region"), scope.region.name, scope.region.code])
    writer.writerow([_("Period"), scope.start.isoformat(), scope.end.isoformat()])
    writer.writerow([_("Category"), dict(CaseCategory.choices).get(scope.category, _("all"))])
    writer.writerow([])
    writer.writerow([_("Figure"), _("Key"), _("Name"), _("Complaints")])
    for period, count in analysis.trend(scope):
        writer.writerow([_("Trend"), period.isoformat(), "", count])
    for region, count in analysis.region_ranking(scope):
        writer.writerow([_("Region"), region.code, region.name, count])
    labels = dict(ProblemType.choices)
    for code, count in analysis.problem_type_ranking(scope):
        writer.writerow([_("Problem type"), code, labels.get(code, code), count])
    categories = dict(CaseCategory.choices)
    for code, count in analysis.category_ranking(scope):
        writer.writerow([_("Category"), code, categories.get(code, code), count])
    for entity, count in analysis.business_ranking(scope):
        writer.writerow([_("Business"), entity.uscc or entity.pk, entity.name, count])
    for term in analysis.rising_terms(scope):
        writer.writerow([_("Rising term"), term.term, f"{term.weekly_before:.1f}", term.this_week])
    return response


@login_required
def warnings_page(request):
    """The early warnings that went to the bureaus of the official's area."""
    area = analysis.official_area(request.user)
    warnings = list(analysis.warnings_of_area(area)[:200])
    mine = {
        recipient.warning_id: recipient
        for recipient in WarningRecipient.objects.filter(
            authority=request.user.official.authority, warning__in=warnings
        )
    }
    rows = [(warning, mine.get(warning.pk)) for warning in warnings]
    return render(request, "web/warnings.html", {"area": area, "rows": rows})


def _warning_for(request, warning_id: int) -> EarlyWarning:
    area = analysis.official_area(request.user)
    warning = get_object_or_404(EarlyWarning.objects.select_related("region", "entity"), pk=warning_id)
    if not analysis.warnings_of_area(area).filter(pk=warning.pk).exists():
        raise PermissionDenied(_("This warning did not go to a bureau of your area."))
    return warning


def _warning_context(request, warning: EarlyWarning, **extra) -> dict:
    authority = request.user.official.authority
    return {
        "warning": warning,
        "problem_type": dict(ProblemType.choices).get(warning.problem_type, ""),
        "category": dict(CaseCategory.choices).get(warning.category, ""),
        "recipients": warning.recipients.select_related("authority", "acknowledged_by"),
        "mine": warning.recipients.filter(authority=authority).first(),
        "events": warning.events.select_related("authority", "actor"),
        "cases": warning.cases.select_related("entity").order_by("-received_at")[:100],
        "ratio": warning.observed / warning.expected if warning.expected else None,
        **extra,
    }


@login_required
def warning_page(request, warning_id: int):
    """A warning: what rose, by how much, since when, the cases behind it, who it went to, what
    each bureau did, and its history."""
    warning = _warning_for(request, warning_id)
    return render(request, "web/warning.html", _warning_context(request, warning))


@login_required
@require_POST
def warning_answer(request, warning_id: int):
    """Acknowledge a warning for one's bureau, or record what it did."""
    warning = _warning_for(request, warning_id)
    try:
        if request.POST.get("answer") == "acknowledge":
            warning_acknowledge(warning=warning, actor=request.user)
        else:
            warning_record_action(
                warning=warning, actor=request.user, action_taken=request.POST.get("action_taken", "")
            )
    except ValidationError as error:
        context = _warning_context(
            request, warning, errors=error.message_dict, action_taken=request.POST.get("action_taken", "")[:2000]
        )
        return render(request, "web/warning.html", context, status=400)
    return redirect("web:warning", warning_id=warning.pk)
