"""Who handles cases well, in public: the handling figures of the bureaus and consumer associations
(/figures/, /figures/authorities/<id>/) and of each business (its disclosure page). Public, no
log-in; counts, shares and durations only (mediation.selectors.handling_figures)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from mediation.models import Authority, AuthorityKind, MarketEntity, Region
from mediation.selectors import handling_figures as figures

PAGE_SIZE = 20
AUTHORITY_FIGURES = ("received", "accepted_in_time", "mediated_in_time", "days_to_close")


def region_path(region: Region | None) -> str:
    """浙江省 杭州市 西湖区: the region under the ones above it."""
    if region is None:
        return ""
    return " ".join(place.name for place in reversed(region.ancestors_and_self()))


def _period_context(request, errors: dict) -> dict:
    """The period the request chose (`year`, else the last 12 full months) and the years on offer;
    a refused year goes into `errors` and the default period is shown."""
    try:
        period = figures.figures_period_from(request.GET.get("year", "")[:8])
    except ValidationError as error:
        errors.update(error.message_dict)
        period = figures.figures_period()
    return {"period": period, "years": figures.figures_years(), "minimum": figures.minimum_cases()}


def business_handling_context(request, entity: MarketEntity) -> tuple[dict, dict]:
    """What a business's disclosure page shows of how it handles complaints, and the errors of the
    request (a year refused)."""
    errors: dict = {}
    context = _period_context(request, errors)
    context["handling"] = figures.business_figures(entity=entity, period=context["period"])
    return context, errors


def _page_number(request, errors: dict) -> int:
    value = request.GET.get("page", "1").strip()[:10] or "1"
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        errors["page"] = [_("A page is a whole number from 1.")]
        return 1
    return int(value)


def figures_index(request):
    """The bureaus and consumer associations with their handling figures, in the order of their
    regions, found by a region's name; a page of them at a time."""
    errors: dict = {}
    context = _period_context(request, errors)
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "").strip()[:40]
    try:
        authorities = figures.authorities_handling(query=query, kind=kind)
    except ValidationError as error:
        errors.update(error.message_dict)
        authorities = figures.authorities_handling()
        query, kind = query[: figures.SEARCH_MAX_LENGTH], ""
    paginator = Paginator(authorities, PAGE_SIZE)
    number = _page_number(request, errors)
    if number > paginator.num_pages:
        errors["page"] = [
            _("There is no page %(page)s; the last is %(last)s.") % {"page": number, "last": paginator.num_pages}
        ]
        number = 1
    page = paginator.page(number)
    listed = figures.authorities_figures(authorities=page.object_list, period=context["period"])
    context.update(
        {
            "query": query,
            "kind": kind,
            "kinds": [(value, label) for value, label in AuthorityKind.choices if value in figures.HANDLING_KINDS],
            "page": page,
            "listed": [
                (authority_figures, region_path(authority_figures.authority.region)) for authority_figures in listed
            ],
            "meanings": [
                (label, meaning) for name, (label, meaning) in figures.FIGURES.items() if name in AUTHORITY_FIGURES
            ],
            "errors": errors,
        }
    )
    return render(request, "web/figures.html", context, status=400 if errors else 200)


def authority_figures_page(request, authority_id: int):
    """One bureau's or consumer association's handling figures, each with what it means."""
    authority = get_object_or_404(
        Authority.objects.select_related("region__parent__parent"), pk=authority_id, kind__in=figures.HANDLING_KINDS
    )
    errors: dict = {}
    context = _period_context(request, errors)
    context.update(
        {
            "figures_of": figures.authority_figures(authority=authority, period=context["period"]),
            "place": region_path(authority.region),
            "errors": errors,
        }
    )
    return render(request, "web/figures_authority.html", context, status=400 if errors else 200)
