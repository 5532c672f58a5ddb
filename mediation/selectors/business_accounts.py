"""Reading businesses' claims of their registry entries and their staff, each reader seeing only
what their place allows: the officials of the business's bureau its claims, the applicant their own
claim, a business's administrator its staff."""

from django.db.models import Q, QuerySet
from django.http import Http404

from mediation.models import Authority, BusinessClaim, ClaimStatus, MarketEntity, MerchantStaff
from mediation.selectors.analysis import bureau_of_official
from mediation.services.jurisdiction import bureau_for_region, entity_jurisdiction_region


def deciding_bureau(entity: MarketEntity) -> Authority | None:
    """The market-regulation bureau that decides a claim of `entity`: the bureau competent for the
    business (its place of business, its domicile or its platform's; mediation.services.jurisdiction),
    which also handles the complaints about it. None outside the mainland."""
    region = entity_jurisdiction_region(entity)
    return bureau_for_region(region) if region is not None else None


def is_held(entity: MarketEntity) -> bool:
    """Whether the business already has a seat on the platform: an approved claim, or staff."""
    return (
        MerchantStaff.objects.filter(entity=entity).exists()
        or BusinessClaim.objects.filter(entity=entity, status=ClaimStatus.APPROVED).exists()
    )


def _region_prefix(code: str) -> str:
    """The leading digits the codes under a GB/T 2260 region share: 33 for 330000, 3301 for 330100."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def claims_to_decide(*, user) -> list[BusinessClaim]:
    """The pending claims the bureau of official `user` decides, oldest first; none for anyone else.
    The database narrows them to businesses whose regions lie in the bureau's area; each one's
    deciding bureau is then worked out as for a complaint (a county without a bureau of its own
    falls to the city's)."""
    bureau = bureau_of_official(user)
    if bureau is None:
        return []
    prefix = _region_prefix(bureau.region_id)
    in_area = (
        Q(entity__business_region__code__startswith=prefix)
        | Q(entity__registered_region__code__startswith=prefix)
        | Q(entity__platform__business_region__code__startswith=prefix)
        | Q(entity__platform__registered_region__code__startswith=prefix)
    )
    pending = (
        BusinessClaim.objects.filter(in_area, status=ClaimStatus.PENDING)
        .select_related("entity__platform", "entity__business_region", "entity__registered_region", "applicant")
        .order_by("submitted_at", "pk")
    )
    return [claim for claim in pending if _bureau_id(claim.entity) == bureau.pk]


def _bureau_id(entity: MarketEntity) -> int | None:
    bureau = deciding_bureau(entity)
    return bureau.pk if bureau is not None else None


def may_decide(user, claim: BusinessClaim) -> bool:
    """Whether `user` is an official of the bureau that decides `claim`."""
    bureau = bureau_of_official(user)
    return bureau is not None and bureau.pk == _bureau_id(claim.entity)


def claim_for_decider(*, user, claim_id: int) -> BusinessClaim:
    """A claim, decided or not, for an official of its bureau. Raises Http404 both when it does not
    exist and when the user may not see it, so that claims cannot be probed."""
    claim = (
        BusinessClaim.objects.select_related("entity__platform", "applicant", "decided_by").filter(pk=claim_id).first()
    )
    if claim is None or not may_decide(user, claim):
        raise Http404
    return claim


def claim_document_reader(*, user, claim_id: int) -> BusinessClaim:
    """A claim whose document `user` may download: an official of its bureau, or its applicant."""
    claim = BusinessClaim.objects.select_related("entity__platform").filter(pk=claim_id).first()
    if claim is None or not user.is_authenticated:
        raise Http404
    if claim.applicant_id != user.pk and not may_decide(user, claim):
        raise Http404
    return claim


def claims_of_applicant(*, user) -> QuerySet[BusinessClaim]:
    """The user's own claims, newest first."""
    if user is None or not user.is_authenticated:
        return BusinessClaim.objects.none()
    return BusinessClaim.objects.filter(applicant=user).select_related("entity").order_by("-submitted_at", "-pk")


def pending_claim_of(user) -> BusinessClaim | None:
    return claims_of_applicant(user=user).filter(status=ClaimStatus.PENDING).first()


def staff_of_business(*, entity: MarketEntity) -> QuerySet[MerchantStaff]:
    """The business's staff, administrators first."""
    return (
        MerchantStaff.objects.filter(entity=entity)
        .select_related("user", "added_by")
        .order_by("-is_administrator", "added_at", "pk")
    )
