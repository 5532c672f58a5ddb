"""Searching the registry of market entities."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from mediation.models import MarketEntity
from mediation.services.identifiers import validate_uscc
from mediation.services.registry import normalize_name, query_search_terms, query_word_terms

MAX_RESULTS = 50
MIN_CODE_PREFIX = 6
_CODE_LIKE = re.compile(rf"^[0-9A-HJ-NPQRTUWXY]{{{MIN_CODE_PREFIX},18}}$")


def _looks_like_code(query: str) -> bool:
    return bool(_CODE_LIKE.match(query)) and sum(ch.isdigit() for ch in query) >= 4


def has_search_terms(terms: list[str]) -> Q | RawSQL:
    """Names whose search index holds every one of `terms`."""
    if connection.vendor == "postgresql":
        # Served by the GIN index on string_to_array(search_terms, ' ') (migration 0002).
        return RawSQL(
            "string_to_array(mediation_marketentity.search_terms, ' ') @> %s::text[]",
            (terms,),
            output_field=BooleanField(),
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_terms__contains=f" {term} ")
    return condition


def registry_search(*, query: str, limit: int = 20) -> list[MarketEntity]:
    """Businesses matching a fragment of their name or their Unified Social Credit Code, best
    first: the exact name, names starting with the fragment, names holding its words as whole
    words, then names merely holding its characters; shorter names first within each.

    Each tier is its own indexed query that stops after `limit` rows, so a fragment that matches
    half the registry costs no more than a rare one. Raises ValidationError for a query that
    cannot find anything useful."""
    limit = max(1, min(limit, MAX_RESULTS))
    entities = MarketEntity.objects.select_related("platform", "registered_region", "business_region")
    raw = query.strip()
    upper = normalize_name(raw).upper()
    if _looks_like_code(upper):
        if len(upper) == 18:
            return list(entities.filter(uscc=validate_uscc(upper))[:1])
        return list(entities.filter(uscc__startswith=upper).order_by("uscc")[:limit])

    terms = query_search_terms(raw)
    if not any(len(term) > 1 for term in terms):
        raise ValidationError(
            _("Please enter at least two characters of the business name (not only 有限公司 and the like)."),
            code="query_too_short",
        )
    shortest_first = (Length("name"), "id")
    results: list[MarketEntity] = []

    def take(tier: QuerySet[MarketEntity]) -> None:
        seen = [entity.pk for entity in results]
        results.extend(tier.exclude(pk__in=seen).order_by(*shortest_first)[: limit - len(results)])

    exact = entities.filter(name=raw).order_by("id")[:limit]
    results.extend(exact)
    if len(results) < limit:
        take(entities.filter(name__startswith=raw))
    words = query_word_terms(raw)
    if words and len(results) < limit:
        take(entities.filter(has_search_terms(words)).filter(has_search_terms(terms)))
    if len(results) < limit:
        take(entities.filter(has_search_terms(terms)))
    return results
