"""Searching the registry of market entities."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from mediation.models import MarketEntity
from mediation.services.identifiers import validate_uscc
from mediation.services.registry import normalize_name, query_search_terms

MAX_RESULTS = 50
MIN_CODE_PREFIX = 6
_CODE_LIKE = re.compile(rf"^[0-9A-HJ-NPQRTUWXY]{{{MIN_CODE_PREFIX},18}}$")


def _looks_like_code(query: str) -> bool:
    return bool(_CODE_LIKE.match(query)) and sum(ch.isdigit() for ch in query) >= 4


def registry_search(*, query: str, limit: int = 20) -> QuerySet[MarketEntity]:
    """Businesses matching a fragment of their name or their Unified Social Credit Code, best
    first: the exact name, then names starting with the fragment, then names holding it as a whole
    word, then shorter names. Raises ValidationError for a query that cannot find anything useful."""
    limit = max(1, min(limit, MAX_RESULTS))
    entities = MarketEntity.objects.select_related("platform", "registered_region", "business_region")
    raw = query.strip()
    upper = normalize_name(raw).upper()
    if _looks_like_code(upper):
        if len(upper) == 18:
            return entities.filter(uscc=validate_uscc(upper))[:1]
        return entities.filter(uscc__startswith=upper).order_by("uscc")[:limit]

    terms = query_search_terms(raw)
    if not any(len(term) > 1 for term in terms):
        raise ValidationError(
            _("Please enter at least two characters of the business name (not only 有限公司 and the like)."),
            code="query_too_short",
        )
    fragment = normalize_name(raw)
    if connection.vendor == "postgresql":
        # Served by the GIN index on string_to_array(search_terms, ' ') (migration 0002).
        matches = entities.filter(
            RawSQL(
                "string_to_array(mediation_marketentity.search_terms, ' ') @> %s::text[]",
                (terms,),
                output_field=BooleanField(),
            )
        )
    else:
        condition = Q()
        for term in terms:
            condition &= Q(search_terms__contains=f" {term} ")
        matches = entities.filter(condition)
    return matches.annotate(
        placement=Case(
            When(name=raw, then=Value(0)),
            When(name__startswith=raw, then=Value(1)),
            When(name_words__contains=f" {fragment} ", then=Value(2)),
            When(name__icontains=raw, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        name_length=Length("name"),
    ).order_by("placement", "name_length", "id")[:limit]
