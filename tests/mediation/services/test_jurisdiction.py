"""Which bureau handles a case, and who co-mediates (DOMAIN.md, "Jurisdiction")."""

import pytest
from django.core.exceptions import ValidationError

from mediation.models import CaseKind, EntityKind, Region
from mediation.services.jurisdiction import resolve_jurisdiction
from mediation.services.registry import entity_register
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _resolve(entity, consumer_region, kind=CaseKind.COMPLAINT, **extra):
    return resolve_jurisdiction(kind=kind, entity=entity, consumer_region=consumer_region, **extra)


def test_local_shop_goes_to_the_bureau_where_it_operates(places):
    # Registered in 余杭区 (its code's region) but trading in 西湖区: the place of business counts.
    shop = entity_register(
        name="杭州鑫达食品店", uscc=factories.uscc("330110"), business_region=places.xihu, business_address="文三路1号"
    )
    result = _resolve(shop, places.xihu)
    assert result.handling_authority == factories.bureau("330106")
    assert result.co_mediating_authority is None
    assert (result.is_cross_region, result.is_cross_border) == (False, False)


def test_shop_unreachable_at_its_address_goes_to_its_domicile(places):
    shop = factories.shop(region="330106")
    shop.business_region = places.yuhang
    shop.reachable_at_address = False
    shop.save()
    assert _resolve(shop, places.xihu).handling_authority == factories.bureau("330106")


def test_platform_goes_to_its_domicile(places):
    # Domiciled (code region) in 余杭区, with a published office in 西湖区.
    platform = entity_register(
        name="杭州优选网络科技有限公司",
        kind=EntityKind.PLATFORM,
        uscc=factories.uscc("330110"),
        business_region=places.xihu,
        business_address="文三路2号",
    )
    assert _resolve(platform, places.yuhang).handling_authority == factories.bureau("330110")


def test_platform_merchant_with_an_address_goes_to_its_place_of_business(places):
    platform = factories.platform(region="330110")
    merchant = entity_register(
        name="好物优选旗舰店",
        kind=EntityKind.PLATFORM_MERCHANT,
        platform=platform,
        uscc=factories.uscc("440305"),
        business_region=places.shenzhen_nanshan,
        business_address="科技园路1号",
    )
    assert _resolve(merchant, places.yuhang).handling_authority == factories.bureau("440305")


@pytest.mark.parametrize("unreachable", [False, True], ids=["no-published-address", "unreachable-at-address"])
def test_platform_merchant_without_usable_address_goes_to_the_platform_domicile(places, unreachable):
    platform = factories.platform(region="330110")
    merchant = entity_register(
        name="好物优选旗舰店",
        kind=EntityKind.PLATFORM_MERCHANT,
        platform=platform,
        uscc=factories.uscc("440305"),
        business_region=places.shenzhen_nanshan if unreachable else None,
        business_address="科技园路1号" if unreachable else "",
    )
    merchant.reachable_at_address = not unreachable
    merchant.save()
    result = _resolve(merchant, places.chaoyang)
    assert result.handling_authority == factories.bureau("330110")  # 余杭区, the platform's domicile
    assert result.is_cross_region


def test_cross_region_complaint_is_co_mediated_by_the_consumer_home_bureau(places):
    shop = factories.shop(region="330106")
    result = _resolve(shop, places.chaoyang)
    assert result.handling_authority == factories.bureau("330106")
    assert result.co_mediating_authority == factories.bureau("110105")
    assert result.is_cross_region and not result.is_cross_border


def test_two_districts_of_one_city_are_not_cross_region(places):
    result = _resolve(factories.shop(region="330106"), places.yuhang)
    assert not result.is_cross_region
    assert result.co_mediating_authority is None


def test_cross_border_business_in_hong_kong(places):
    hk_shop = entity_register(name="香港铜锣湾美妆店", country_code="HK", business_region=places.hong_kong)
    result = _resolve(hk_shop, places.chaoyang)
    assert result.handling_authority == factories.bureau("110105")
    assert result.co_mediating_authority.name == "香港消费者委员会"
    assert result.is_cross_border and not result.is_cross_region


def test_cross_border_consumer_from_macao(places):
    result = _resolve(factories.shop(region="330106"), places.macao, consumer_country_code="MO")
    assert result.handling_authority == factories.bureau("330106")
    assert result.co_mediating_authority.name == "澳门消费者委员会"
    assert result.is_cross_border


def test_foreign_business_with_a_partner_agency_by_country(places):
    from mediation.models import Authority, AuthorityKind

    agency = Authority.objects.create(
        kind=AuthorityKind.PARTNER_AGENCY, country_code="JP", name="日本国民生活中心", name_en="NCAC"
    )
    tokyo_shop = entity_register(name="東京ドラッグストア", country_code="JP")
    result = _resolve(tokyo_shop, places.chaoyang)
    assert result.handling_authority == factories.bureau("110105")
    assert result.co_mediating_authority == agency


def test_report_goes_where_the_conduct_happened(places):
    shop = factories.shop(region="330106")
    conduct = Region.objects.get(code="330110")
    result = _resolve(shop, places.chaoyang, kind=CaseKind.REPORT, conduct_region=conduct)
    assert result.handling_authority == factories.bureau("330110")
    assert result.co_mediating_authority is None


def test_no_mainland_side_is_refused_with_a_message(places):
    hk_shop = entity_register(name="香港铜锣湾美妆店", country_code="HK", business_region=places.hong_kong)
    with pytest.raises(ValidationError, match="mainland"):
        _resolve(hk_shop, places.macao, consumer_country_code="MO")
