"""Searching the registry of market entities."""

import contextlib
import functools
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from mediation.models import MarketEntity, Region, RegionLevel
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


# A tier is read whole and ranked in full (one bitmap lookup of at most this many rows). A fragment
# matching more names than this (电器 alone: one business in forty) is too broad to rank: its
# tier gives nothing, and a search that finds nothing else asks for the city or more of the name.
RANKED_IN_FULL = 5000
# How many code prefixes a code search reads.
CODE_CANDIDATES = 500

# A registered name written inside a longer text ("我在杭州星辰电器西湖店有限公司买的冰箱") is found by
# looking up every piece of the text this long as a whole name: an index probe each.
NAME_IN_TEXT_LENGTHS = range(4, 41)


def names_within(text: str) -> list[str]:
    """Every piece of `text` that could be a whole registered name, longest first."""
    pieces = {
        text[start : start + length]
        for start in range(len(text))
        for length in NAME_IN_TEXT_LENGTHS
        if start + length <= len(text)
    }
    return sorted(pieces, key=len, reverse=True)


@functools.lru_cache(maxsize=1)
def _places() -> dict[str, list[tuple[str, str]]]:
    """Short names of the mainland's provinces and prefectures (杭州 for 杭州市, 内蒙古 for 内蒙古自治区)
    → their (level, code). Read once per process: the divisions change once a year at most."""
    suffixes = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟")
    places: dict[str, list[tuple[str, str]]] = {}
    levels = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE)
    for code, name, level in Region.objects.filter(level__in=levels, is_current=True).values_list(
        "code", "name", "level"
    ):
        short = next((name[: -len(suffix)] for suffix in suffixes if name.endswith(suffix)), name)
        for spelling in {name, short} if len(short) >= 2 else {name}:
            places.setdefault(spelling, []).append((level, code))
    return places


def place_prefix(near: str) -> str:
    """The region-code prefix of the place `near` names: a region code, or a text naming a city
    (杭州, 杭州市西湖区文三路) or else a province (浙江). The city's four digits, the province's
    two; empty when it names neither."""
    near = (near or "").strip()
    if re.fullmatch(r"\d{6}", near):
        return near[:4] if near[2:4] != "00" else near[:2]
    found = [
        (len(spelling), level, code)
        for spelling, entries in _places().items()
        if spelling in near
        for level, code in entries
    ]
    prefectures = [item for item in found if item[1] == RegionLevel.PREFECTURE]
    if prefectures:
        return max(prefectures)[2][:4]
    return max(found)[2][:2] if found else ""


def _in_place(prefix: str) -> Q:
    """Businesses operating in the region whose codes start with `prefix`: a list of codes, so that
    the index of the business region column serves it."""
    codes = list(Region.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    return Q(business_region_id__in=codes)


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


def registry_search(*, query: str, limit: int = 20, near: str = "") -> list[MarketEntity]:
    """Businesses matching a fragment of their name or their Unified Social Credit Code, best
    first: registered names written whole inside the query (longest first), the exact name, names
    starting with the fragment, names holding its words as whole words, then names merely holding
    its characters; shorter names first within each tier.

    `near` (a region code, or a text naming a place; else the query itself) puts the businesses of
    that city (or province) first: its starting, word and character tiers, then everyone's.

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
                MarketEntity.objects.filter(uscc__startswith=upper).values_list("uscc", "id")[:CODE_CANDIDATES]
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
    prefix = place_prefix(near) or place_prefix(raw)
    closeness = [
        Q(name__startswith=raw),
        *([has_search_terms(words)] if words else []),
        has_search_terms(terms),
    ]
    ranked: list[int] = []
    with _bitmap_scans_only():
        if len(raw) > NAME_IN_TEXT_LENGTHS.start:
            within = dict(MarketEntity.objects.filter(name__in=names_within(raw)).values_list("id", "name"))
            ranked += sorted(within, key=lambda pk: (-len(within[pk]), pk))[:limit]
        # Each tier with its scope: whether it is everywhere, and its closeness level (the exact
        # name, which every later tier everywhere holds, first).
        tiers = [(MarketEntity.objects.filter(name=raw), (True, -1))]
        if prefix:
            in_place = _in_place(prefix)
            tiers += [
                (MarketEntity.objects.filter(condition).filter(in_place), (False, level))
                for level, condition in enumerate(closeness)
            ]
        tiers += [(MarketEntity.objects.filter(condition), (True, level)) for level, condition in enumerate(closeness)]
        too_broad: list[tuple[bool, int]] = []
        for tier, scope in tiers:
            if len(ranked) >= limit:
                break
            if any(_holds_every_name_of(scope, broad) for broad in too_broad):
                continue
            best = _shortest_first(tier.exclude(pk__in=ranked), limit - len(ranked))
            if best is None:
                too_broad.append(scope)
                continue
            ranked += best
    if not ranked and too_broad:
        raise ValidationError(
            _(
                "More than %(count)s businesses match “%(query)s”. Please add the city, more of the name, "
                "or the credit code."
            )
            % {"count": f"{RANKED_IN_FULL:,}", "query": raw},
            code="query_too_broad",
        )
    found = entities.in_bulk(ranked)
    return [found[pk] for pk in ranked]


def _holds_every_name_of(scope: tuple[bool, int], broad: tuple[bool, int]) -> bool:
    """Whether a tier of `scope` holds (about) every name of the too-broad tier `broad`, and so is
    too broad as well and need not be read: a later closeness level in the same place, or any
    level everywhere from the same one on."""
    everywhere, level = scope
    broad_everywhere, broad_level = broad
    return level >= broad_level and (everywhere or not broad_everywhere)


def _shortest_first(tier, count: int) -> list[int] | None:
    """The ids of the tier's `count` shortest names (ties by id), all its matches ranked; None when
    it matches more names than RANKED_IN_FULL."""
    candidates = list(tier.values_list("id", Length("name"))[: RANKED_IN_FULL + 1])
    if len(candidates) > RANKED_IN_FULL:
        return None
    return [pk for pk, _length in sorted(candidates, key=lambda row: (row[1], row[0]))][:count]
