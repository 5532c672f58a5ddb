"""The open feed of published penalties for the credit system (市场监督管理行政处罚信息公示规定 Art. 4,
15): the summary's fields and the decision document as published, JSON by page or CSV, filtered by
business and by the days of decision or publication. Only what is public now: a decision withdrawn,
ended or removed early is not in it."""

import csv
import datetime
import io

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mediation.api.query_params import whole_number
from mediation.selectors.penalties import penalty_summary, published_penalties

PAGE_SIZE, MAX_PAGE_SIZE, CSV_MAX_ROWS = 50, 200, 10000
DATE_FILTERS = ("decided_from", "decided_to", "published_from", "published_to")
CSV_FIELDS = [
    "document_number",
    "party_name",
    "party_uscc",
    "party_summary",
    "violation_type",
    "violation_type_display",
    "legal_basis",
    "penalty_kinds",
    "fine_amount",
    "confiscated_amount",
    "penalty_text",
    "authority",
    "decided_on",
    "published_on",
    "public_until",
    "url",
]
PARAMETERS = [
    OpenApiParameter("entity", int, required=False, description="The business's registry id"),
    OpenApiParameter("uscc", str, required=False, description="The business's Unified Social Credit Code"),
    *(OpenApiParameter(name, datetime.date, required=False, description="YYYY-MM-DD") for name in DATE_FILTERS),
]


class PenaltySummarySerializer(serializers.Serializer):
    """A published decision: the summary of Art. 4 (selectors.penalties.penalty_summary) and the
    decision document as published."""

    id = serializers.IntegerField()
    document_number = serializers.CharField()
    party_name = serializers.CharField()
    party_uscc = serializers.CharField()
    party_summary = serializers.CharField()
    violation_type = serializers.CharField()
    violation_type_display = serializers.CharField()
    legal_basis = serializers.CharField()
    penalty_kinds = serializers.ListField(child=serializers.CharField())
    penalty_kinds_display = serializers.ListField(child=serializers.CharField())
    fine_amount = serializers.CharField(allow_null=True)
    confiscated_amount = serializers.CharField(allow_null=True)
    penalty_text = serializers.CharField()
    authority = serializers.CharField()
    decided_on = serializers.DateField()
    published_on = serializers.DateField(allow_null=True)
    public_until = serializers.DateField(allow_null=True)
    url = serializers.CharField()
    document_text = serializers.CharField()


class PenaltyPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next_page = serializers.IntegerField(allow_null=True)
    results = PenaltySummarySerializer(many=True)


def _filters(params) -> dict:
    errors: dict[str, list[str]] = {}
    filters: dict = {}
    entity = whole_number(params, "entity", errors, default=None, low=1, high=2**31 - 1)
    uscc = params.get("uscc", "").strip()
    if uscc and (len(uscc) != 18 or not uscc.isalnum() or not uscc.isascii()):
        errors["uscc"] = [_("A Unified Social Credit Code has 18 letters and digits.")]
    for name in DATE_FILTERS:
        value = params.get(name, "").strip()
        if value:
            try:
                filters[name] = datetime.date.fromisoformat(value)
            except ValueError:
                errors[name] = [_("Give a day as YYYY-MM-DD.")]
    if errors:
        raise DjangoValidationError(errors)
    decisions = published_penalties(uscc=uscc, **filters)
    if entity is not None:
        decisions = decisions.filter(entity_id=entity)
    return {"decisions": decisions}


class PublicPenaltiesView(APIView):
    """The published penalty decisions, newest decision first, by page."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            *PARAMETERS,
            OpenApiParameter("page", int, required=False),
            OpenApiParameter("page_size", int, required=False, description=f"At most {MAX_PAGE_SIZE}"),
        ],
        responses=PenaltyPageSerializer,
    )
    def get(self, request):
        errors: dict[str, list[str]] = {}
        page = whole_number(request.query_params, "page", errors, default=1, low=1, high=100000)
        size = whole_number(request.query_params, "page_size", errors, default=PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        if errors:
            raise DjangoValidationError(errors)
        decisions = _filters(request.query_params)["decisions"]
        count = decisions.count()
        rows = decisions[(page - 1) * size : page * size]
        results = [penalty_summary(decision) | {"document_text": decision.document_text} for decision in rows]
        return Response(
            {
                "count": count,
                "page": page,
                "page_size": size,
                "next_page": page + 1 if page * size < count else None,
                "results": results,
            }
        )


class PublicPenaltiesCsvView(APIView):
    """The same as CSV (UTF-8 with a byte-order mark, for spreadsheets), without the documents."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=PARAMETERS, responses={(200, "text/csv"): str})
    def get(self, request):
        decisions = _filters(request.query_params)["decisions"][:CSV_MAX_ROWS]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for decision in decisions:
            summary = penalty_summary(decision)
            summary["penalty_kinds"] = " ".join(summary["penalty_kinds"])
            writer.writerow(summary)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="penalties.csv"'
        return response
