"""The open feed of the handling figures (who handles cases well, in public): the same figures as the
pages, for businesses or for the bureaus and consumer associations, by page, with what each figure
means, the period and the minimum. Counts, shares and durations only: no consumer, no case number
(mediation.selectors.handling_figures)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mediation.api.query_params import whole_number
from mediation.models import Region
from mediation.selectors import handling_figures as figures

PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
OF = ("authorities", "businesses")
BUSINESS_FIGURES = ("response_rate", "reply_median", "mediation_success", "odr_kept")
AUTHORITY_FIGURES = ("received", "accepted_in_time", "mediated_in_time", "days_to_close")


def _region(params, errors: dict) -> Region | None:
    code = params.get("region", "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first() if code.isascii() and code.isdigit() and len(code) == 6 else None
    if region is None:
        errors["region"] = [_("No region has the code %(code)s.") % {"code": code[:20]}]
    return region


def figure_data(figure: figures.Figure) -> dict:
    """A figure as the feed gives it; a hidden one without any number."""
    value = figure.value
    unit = figure.unit
    if unit == figures.Unit.DURATION:
        unit = "hours"
        value = None if value is None else round(value.total_seconds() / 3600, 2)
    elif isinstance(value, float):
        value = round(value, 4)
    return {"published": not figure.hidden, "unit": unit, "value": value, "cases": figure.cases, "part": figure.part}


def _place(region: Region | None) -> dict | None:
    return None if region is None else {"code": region.code, "name": region.name}


class HandlingFiguresFeedView(APIView):
    """The handling figures of the bureaus and consumer associations (`of=authorities`, the default),
    in the order of their regions, or of the businesses with a complaint decided in the period
    (`of=businesses`), by id; the last 12 full months, or a `year`."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "of", str, enum=list(OF), required=False, description="authorities (default) or businesses"
            ),
            OpenApiParameter(
                "year", int, required=False, description="A year from 2020; none: the last 12 full months"
            ),
            OpenApiParameter("region", str, required=False, description="A region code: those of it and under it"),
            OpenApiParameter("q", str, required=False, description="Authorities: a region's name"),
            OpenApiParameter("kind", str, enum=list(figures.HANDLING_KINDS), required=False, description="Authorities"),
            OpenApiParameter("entity", int, required=False, description="Businesses: the registry id"),
            OpenApiParameter("page", int, required=False),
            OpenApiParameter("page_size", int, required=False, description=f"At most {MAX_PAGE_SIZE}"),
        ],
        # The figures' names depend on `of`; each is {published, unit, value, cases, part}.
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params
        errors: dict[str, list[str]] = {}
        of = params.get("of", "").strip() or "authorities"
        if of not in OF:
            errors["of"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(OF)}]
        page = whole_number(params, "page", errors, default=1, low=1, high=100000)
        size = whole_number(params, "page_size", errors, default=PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        entity = whole_number(params, "entity", errors, default=None, low=1, high=2**31 - 1)
        region = _region(params, errors)
        try:
            period = figures.figures_period_from(params.get("year", "")[:8])
        except DjangoValidationError as error:
            errors.update(error.message_dict)
        if of == "authorities":
            try:
                listed = figures.authorities_handling(
                    query=params.get("q", ""), kind=params.get("kind", "").strip()[:40], region=region
                )
            except DjangoValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise DjangoValidationError(errors)
        if of == "businesses":
            listed = figures.businesses_with_figures(period=period, region=region, entity_id=entity)
        count = listed.count()
        rows = list(listed[(page - 1) * size : page * size])
        if of == "businesses":
            results = [
                {
                    "id": entry.entity.pk,
                    "name": entry.entity.name,
                    "uscc": entry.entity.uscc,
                    "is_odr": entry.entity.is_odr,
                    "url": reverse("web:disclosure", args=[entry.entity.pk]),
                    "figures": {figure.name: figure_data(figure) for figure in entry.figures},
                }
                for entry in figures.businesses_figures(entities=rows, period=period)
            ]
            names = BUSINESS_FIGURES
        else:
            results = [
                {
                    "id": entry.authority.pk,
                    "name": entry.authority.name,
                    "kind": entry.authority.kind,
                    "region": _place(entry.authority.region),
                    "url": reverse("web:figures-authority", args=[entry.authority.pk]),
                    "figures": {figure.name: figure_data(figure) for figure in entry.figures},
                }
                for entry in figures.authorities_figures(authorities=rows, period=period)
            ]
            names = AUTHORITY_FIGURES
        return Response(
            {
                "of": of,
                "period": {"from": period.since, "until": period.until, "year": period.year},
                "minimum_cases": figures.minimum_cases(),
                "definitions": {
                    name: {"label": str(figures.FIGURES[name][0]), "meaning": str(figures.FIGURES[name][1])}
                    for name in names
                },
                "count": count,
                "page": page,
                "page_size": size,
                "next_page": page + 1 if page * size < count else None,
                "results": results,
            }
        )
