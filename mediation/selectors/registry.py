"""Searching the registry of market entities."""

import contextlib
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Q
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


# Each tier ranks at most this many of its matches. A fragment matching tens of thousands of names
# ranks the first candidates found; a narrower one is ranked in full.
TIER_CANDIDATES = 500


@contextlib.contextmanager
def _bitmap_scans_only():
    """Term lookups go through the GIN index whatever the planner guesses: it costs a conjunction
    of correlated terms (美容 and 美发) as rare and of unrelated ones as common, and a wrong guess
    either sorts tens of thousands of rows or scans the whole table."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
        yield


def registry_search(*, query: str, limit: int = 20) -> list[MarketEntity]:
    """Businesses matching a fragment of their name or their Unified Social Credit Code, best
    first: the exact name, names starting with the fragment, names holding its words as whole
    words, then names merely holding its characters; shorter names first within each tier.

    Every tier is a bounded index lookup, so a fragment that matches half the registry costs no
    more than a rare one. Raises ValidationError for a query that cannot find anything useful."""
    limit = max(1, min(limit, MAX_RESULTS))
    entities = MarketEntity.objects.select_related("platform", "registered_region", "business_region")
    raw = query.strip()
    upper = normalize_name(raw).upper()
    if _looks_like_code(upper):
        if len(upper) == 18:
            return list(entities.filter(uscc=validate_uscc(upper))[:1])
        with _bitmap_scans_only():
            codes = sorted(
                MarketEntity.objects.filter(uscc__startswith=upper).values_list("uscc", "id")[:TIER_CANDIDATES]
            )
        found = entities.in_bulk([pk for _code, pk in codes[:limit]])
        return [found[pk] for _code, pk in codes[:limit]]

    terms = query_search_terms(raw)
    if not any(len(term) > 1 for term in terms):
        raise ValidationError(
            _("Please enter at least two characters of the business name (not only 有限公司 and the like)."),
            code="query_too_short",
        )
    words = query_word_terms(raw)
    tiers = [
        MarketEntity.objects.filter(name=raw),
        MarketEntity.objects.filter(name__startswith=raw),
        *([MarketEntity.objects.filter(has_search_terms(words))] if words else []),
        MarketEntity.objects.filter(has_search_terms(terms)),
    ]
    ranked: list[int] = []
    with _bitmap_scans_only():
        for tier in tiers:
            if len(ranked) >= limit:
                break
            candidates = tier.exclude(pk__in=ranked).values_list("id", Length("name"))[:TIER_CANDIDATES]
            ranked += [pk for pk, _length in sorted(candidates, key=lambda row: (row[1], row[0]))][
                : limit - len(ranked)
            ]
    found = entities.in_bulk(ranked)
    return [found[pk] for pk in ranked]
