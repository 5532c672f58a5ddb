"""Which authority handles a case, and who co-mediates (DOMAIN.md, "Jurisdiction").

- A complaint goes to the bureau where the business actually operates, else where it is domiciled.
- An e-commerce platform operator: its domicile.
- A merchant on a platform: its actual place of business; if it has published no address or cannot
  be reached there, the platform operator's domicile (SAMR Order 121).
- A report goes to the bureau where the conduct happened (platform rules as above).
- Cross-region: the business's bureau handles and the consumer's home bureau co-mediates.
- Cross-border: the mainland side's bureau handles and the partner agency of the other side
  (Hong Kong, Macao, or a foreign agency by country) co-mediates.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mediation.models import Authority, AuthorityKind, CaseKind, EntityKind, MarketEntity, Region
from mediation.models.regions import MAINLAND_COUNTRY


@dataclasses.dataclass(frozen=True)
class Jurisdiction:
    handling_authority: Authority
    co_mediating_authority: Authority | None
    is_cross_region: bool
    is_cross_border: bool


def entity_jurisdiction_region(entity: MarketEntity) -> Region | None:
    """The region whose bureau is competent for this business."""
    if entity.kind == EntityKind.PLATFORM:
        return entity.registered_region or entity.business_region
    if entity.kind == EntityKind.PLATFORM_MERCHANT:
        if entity.business_region is not None and entity.business_address and entity.reachable_at_address:
            return entity.business_region
        return entity.platform.registered_region or entity.platform.business_region
    if entity.business_region is not None and entity.reachable_at_address:
        return entity.business_region
    return entity.registered_region or entity.business_region


def bureaus_up_from(region: Region) -> list[Authority]:
    """The bureaus of this region and the regions above it, most specific first (county,
    prefecture, province), leaving out levels that have none."""
    chain = [r.code for r in region.ancestors_and_self()]
    bureaus = {
        authority.region_id: authority
        for authority in Authority.objects.filter(kind=AuthorityKind.BUREAU, region__in=chain)
    }
    return [bureaus[code] for code in chain if code in bureaus]


def bureau_for_region(region: Region) -> Authority | None:
    """The bureau of the most specific current level of this region that has one."""
    return next(iter(bureaus_up_from(region)), None)


def partner_agency_for(*, region: Region | None, country_code: str) -> Authority | None:
    agencies = Authority.objects.filter(kind=AuthorityKind.PARTNER_AGENCY)
    if region is not None and region.is_cross_border:
        province = region.ancestors_and_self()[-1]
        return agencies.filter(region=province).first()
    return agencies.filter(country_code=country_code).order_by("id").first()


def is_outside_mainland(region: Region | None, country_code: str) -> bool:
    return country_code != MAINLAND_COUNTRY or (region is not None and region.is_cross_border)


def resolve_jurisdiction(
    *,
    kind: str,
    entity: MarketEntity,
    consumer_region: Region | None,
    consumer_country_code: str = MAINLAND_COUNTRY,
    conduct_region: Region | None = None,
) -> Jurisdiction:
    """Raises ValidationError when no mainland bureau can be found for the case."""
    business_region = entity_jurisdiction_region(entity)
    if kind == CaseKind.REPORT and conduct_region is not None:
        business_region = conduct_region
    business_abroad = is_outside_mainland(business_region, entity.country_code)
    consumer_abroad = is_outside_mainland(consumer_region, consumer_country_code)

    if business_abroad:
        # Only the consumer's side is on the mainland: their home bureau handles.
        handling = bureau_for_region(consumer_region) if consumer_region and not consumer_abroad else None
        if handling is None:
            raise ValidationError(
                _("Neither the business nor the consumer is on the mainland; no bureau is competent."),
                code="no_jurisdiction",
            )
        partner = partner_agency_for(region=business_region, country_code=entity.country_code)
        return Jurisdiction(handling, partner, is_cross_region=False, is_cross_border=True)

    handling = bureau_for_region(business_region) if business_region else None
    if handling is None:
        raise ValidationError(
            _("The business has no known place of business or domicile; please give its address or region."),
            code="no_jurisdiction",
        )
    if kind == CaseKind.REPORT:
        # A reporter takes no part in mediation; the reporter's home plays no role.
        return Jurisdiction(handling, None, is_cross_region=False, is_cross_border=False)
    if consumer_abroad:
        partner = partner_agency_for(region=consumer_region, country_code=consumer_country_code)
        return Jurisdiction(handling, partner, is_cross_region=False, is_cross_border=True)
    if consumer_region is not None and consumer_region.prefecture_code != business_region.prefecture_code:
        # Different cities: the consumer's home bureau co-mediates with the business's bureau.
        return Jurisdiction(handling, bureau_for_region(consumer_region), is_cross_region=True, is_cross_border=False)
    return Jurisdiction(handling, None, is_cross_region=False, is_cross_border=False)


def forwarding_candidates(case) -> list[Authority]:
    """The bureaus a case is usually forwarded to, nearest first: those of the business's place of
    business and domicile, of its platform, and of where the reported conduct happened, each with
    the bureaus above it; never the bureau that has the case now."""
    entity = case.entity
    regions = [
        case.conduct_region,
        entity_jurisdiction_region(entity),
        entity.business_region,
        entity.registered_region,
        entity.platform.registered_region if entity.platform_id else None,
        case.handling_authority.region,
    ]
    seen, candidates = {case.handling_authority_id}, []
    for region in regions:
        if region is None:
            continue
        for bureau in bureaus_up_from(region):
            if bureau.pk not in seen:
                seen.add(bureau.pk)
                candidates.append(bureau)
    return candidates
