"""The registry of market entities: registering a business and keeping its search index."""

import logging
import re
import unicodedata

import jieba
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import EntityKind, MarketEntity, Region
from mediation.models.regions import MAINLAND_COUNTRY
from mediation.services.identifiers import validate_uscc

jieba.setLogLevel(logging.WARNING)

# Legal-form words that nearly every name carries. A query made only of them finds everything and
# tells nothing, so their bigrams never narrow a search on their own (see query_search_terms).
LEGAL_FORM_WORDS = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "个体工商户", "合伙企业")
_WORD_RUNS = re.compile(r"\w+")


def normalize_name(text: str) -> str:
    """Full-width letters and digits to half-width, Latin letters to lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def name_search_terms(text: str) -> list[str]:
    """Character bigrams of a name (a run of one character stands as itself). Every fragment of a
    name has a subset of the name's terms, which is what fragment search relies on."""
    terms: set[str] = set()
    for run in _WORD_RUNS.findall(normalize_name(text)):
        if len(run) == 1:
            terms.add(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(terms)


_LEGAL_FORM_TERMS = frozenset(term for word in LEGAL_FORM_WORDS for term in name_search_terms(word))


def query_search_terms(text: str) -> list[str]:
    """The terms a query fragment is matched on: its bigrams less those of legal-form words, which
    would only slow the search down. Empty when nothing distinctive is left."""
    return [term for term in name_search_terms(text) if term not in _LEGAL_FORM_TERMS]


# Marks a whole jieba word among the bigrams of the search index ("w:食品").
WORD_MARK = "w:"


def name_word_terms(name: str) -> list[str]:
    """The name's jieba words (search mode, which adds the shorter words inside long ones)."""
    words = {word for word in jieba.cut_for_search(normalize_name(name)) if len(word.strip()) > 1}
    return sorted(WORD_MARK + word for word in words)


def query_word_terms(text: str) -> list[str]:
    """The whole words of a query fragment, less legal-form words. A name holding all of them as
    words ranks above one that merely contains the characters."""
    words = {
        word
        for word in jieba.cut(normalize_name(text))
        if len(word.strip()) > 1 and word not in LEGAL_FORM_WORDS and word not in _LEGAL_FORM_TERMS
    }
    return sorted(WORD_MARK + word for word in words)


def search_fields(name: str) -> dict[str, str]:
    """The search index of a name: its bigrams and its marked words, space-delimited."""
    return {"search_terms": " " + " ".join([*name_search_terms(name), *name_word_terms(name)]) + " "}


@transaction.atomic
def entity_register(
    *,
    name: str,
    kind: str = EntityKind.SHOP,
    uscc: str | None = None,
    platform: MarketEntity | None = None,
    business_region: Region | None = None,
    business_address: str = "",
    country_code: str = MAINLAND_COUNTRY,
    registered_region: Region | None = None,
    is_odr: bool = False,
) -> MarketEntity:
    """Add a business to the registry. A mainland business needs a valid Unified Social Credit
    Code; its registered region is the code's region part."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = [_("The business name is required.")]
    code = None
    if uscc:
        try:
            code = validate_uscc(uscc)
        except ValidationError as error:
            errors["uscc"] = error.messages
    elif country_code == MAINLAND_COUNTRY:
        errors["uscc"] = [_("A mainland business needs its Unified Social Credit Code.")]
    if code and MarketEntity.objects.filter(uscc=code).exists():
        errors["uscc"] = [_("A business with this Unified Social Credit Code is already registered.")]
    if kind == EntityKind.PLATFORM_MERCHANT and platform is None:
        errors["platform"] = [_("A merchant on a platform must name its platform.")]
    if kind != EntityKind.PLATFORM_MERCHANT and platform is not None:
        errors["platform"] = [_("Only a merchant on a platform has a platform.")]
    if platform is not None and platform.kind != EntityKind.PLATFORM:
        errors["platform"] = [_("The business named as platform is not an e-commerce platform operator.")]
    if errors:
        raise ValidationError(errors)
    if code and registered_region is None:
        registered_region = Region.objects.get(code=code[2:8])
    return MarketEntity.objects.create(
        name=name,
        uscc=code,
        kind=kind,
        platform=platform,
        registered_region=registered_region,
        business_region=business_region,
        business_address=business_address.strip(),
        country_code=country_code,
        is_odr=is_odr,
        **search_fields(name),
    )
