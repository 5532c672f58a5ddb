"""Reports against operators without a licence (无照经营): the operator as the reporter knows it, the
bureau of the county where the conduct took place (penalty procedure Art. 7: 由违法行为发生地的县级以上
市场监督管理部门管辖), and an official linking the case to the registry later."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.models import CaseEvent, CaseKind, EntityKind, MarketEntity, Region, ViolationType
from mediation.services.cases import report_submit
from mediation.services.jurisdiction import forwarding_candidates
from mediation.services.unlicensed import address_region, operator_identify
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

STALL = {"name": "路边烧烤摊", "address": "浙江省杭州市西湖区文三路90号门口", "goods": "烧烤、散装白酒"}
FACTS = "每天晚上在文三路门口摆摊卖烧烤和散装白酒，没有营业执照，也没有健康证。"


def _report(reporter, operator=None, **extra):
    return report_submit(reporter=reporter, operator=operator or dict(STALL), facts=FACTS, **extra)


def _messages(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


# GB/T 2260 codes: 330106 杭州市西湖区, 110105 北京市朝阳区, 330100 杭州市, 330000 浙江省, 441900 东莞市.


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("浙江省杭州市西湖区文三路90号", "330106"),
        ("杭州市西湖区文三路90号", "330106"),
        ("北京市朝阳区建国路88号", "110105"),
        ("杭州市文三路90号", "330100"),
        ("浙江省某个夜市", "330000"),
        ("文三路90号门口", None),
        ("", None),
    ],
)
def test_an_address_is_read_to_its_most_specific_region(places, address, code):
    region = address_region(address)
    assert (region.code if region else None) == code


def test_a_report_goes_to_the_bureau_of_the_county_of_the_address_not_the_reporters(places):
    reporter = factories.consumer(home_region="110105")  # lives in 北京朝阳区
    case = _report(reporter)
    assert case.kind == CaseKind.REPORT
    assert case.handling_authority == factories.bureau("330106")
    assert case.conduct_region_id == "330106"
    assert case.co_mediating_authority is None
    assert case.violation_type == ViolationType.UNLICENSED  # the default
    operator = case.entity
    assert operator.kind == EntityKind.UNLICENSED and operator.is_registered is False
    assert (operator.name, operator.goods, operator.business_address) == (
        "路边烧烤摊",
        "烧烤、散装白酒",
        "浙江省杭州市西湖区文三路90号门口",
    )
    assert operator.uscc is None and operator.identified_as is None


def test_the_reporter_may_choose_the_county_instead_of_writing_it(places):
    reporter = factories.consumer()
    operator = {"name": "某某微店", "shop_link": "https://weidian.example/shop/123", "goods": "代购化妆品"}
    case = _report(reporter, operator, conduct_region=places.chaoyang, violation_type=ViolationType.COUNTERFEIT)
    assert case.handling_authority == factories.bureau("110105")
    assert case.entity.shop_link == "https://weidian.example/shop/123"
    assert case.violation_type == ViolationType.COUNTERFEIT


def test_the_chosen_county_wins_over_the_address(places):
    # The address says 西湖区; the reporter chose 余杭区 on purpose (docs/legal-rules.md).
    case = _report(factories.consumer(), conduct_region=places.yuhang)
    assert case.handling_authority == factories.bureau("330110")
    assert case.conduct_region_id == "330110"


def test_a_city_without_counties_is_a_county_of_its_own(places):
    dongguan = Region.objects.get(code="441900")
    if Region.objects.filter(parent=dongguan, is_current=True).exists():
        pytest.skip("this division table lists counties under 东莞市")
    case = _report(factories.consumer(), {**STALL, "address": "广东省东莞市南城街道某路"})
    assert case.handling_authority.region_id == "441900"


@pytest.mark.parametrize(
    ("address", "chosen", "expected"),
    [
        ("杭州市文三路90号", None, "names only 杭州市"),
        ("文三路90号门口", None, "cannot be told from the address"),
        ("浙江省杭州市西湖区文三路", "330100", "Choose the county or district too, not only 杭州市"),
        ("浙江省杭州市西湖区文三路", "330000", "not only 浙江省"),
    ],
)
def test_without_a_county_the_reporter_is_asked_to_choose_one(places, address, chosen, expected):
    region = Region.objects.get(code=chosen) if chosen else None
    with pytest.raises(ValidationError) as error:
        _report(factories.consumer(), {**STALL, "address": address}, conduct_region=region)
    assert expected in _messages(error, "conduct_region")
    assert not MarketEntity.with_unlicensed.filter(kind=EntityKind.UNLICENSED).exists()


def test_an_online_seller_without_an_address_needs_the_county_chosen(places):
    operator = {"name": "某某微店", "shop_link": "https://weidian.example/shop/123", "goods": "代购化妆品"}
    with pytest.raises(ValidationError) as error:
        _report(factories.consumer(), operator)
    assert "Choose the county or district where the operator works" in _messages(error, "conduct_region")


def test_what_the_reporter_must_say_of_the_operator_is_refused_all_at_once(places):
    with pytest.raises(ValidationError) as error:
        report_submit(
            reporter=factories.consumer(),
            operator={"name": " ", "address": "", "shop_link": "weidian shop", "goods": ""},
            facts="",
        )
    fields = error.value.message_dict
    assert "name, or what its shop sign says" in " ".join(fields["operator.name"])
    assert "web address" in " ".join(fields["operator.shop_link"])
    assert "what the operator sells" in " ".join(fields["operator.goods"])
    assert "describe what happened" in " ".join(fields["facts"])
    assert not MarketEntity.with_unlicensed.filter(kind=EntityKind.UNLICENSED).exists()


def test_an_address_or_a_link_is_needed(places):
    with pytest.raises(ValidationError) as error:
        _report(factories.consumer(), {"name": "路边摊", "goods": "水果"}, conduct_region=places.xihu)
    assert "address, or the link to its online shop" in _messages(error, "operator.address")


def test_naming_both_a_registered_business_and_an_operator_is_refused(places):
    with pytest.raises(ValidationError) as error:
        report_submit(reporter=factories.consumer(), entity=factories.shop(), operator=dict(STALL), facts=FACTS)
    assert "either a business from the registry or an operator" in _messages(error, "entity")


def test_the_same_facts_about_the_same_operator_are_not_handled_again(places):
    reporter = factories.consumer()
    first = _report(reporter)
    with pytest.raises(ValidationError) as error:
        _report(reporter, {**STALL, "name": "路边 烧烤摊！"})
    assert first.number in _messages(error, "facts")
    # Another reporter, or new facts, make a new report.
    _report(factories.consumer())
    report_submit(reporter=reporter, operator=dict(STALL), facts=FACTS + "今天又来了。")


def test_online_reports_are_real_name_as_any_report(places):
    with pytest.raises(ValidationError) as error:
        _report(factories.consumer(), is_anonymous=True)
    assert "real-name" in _messages(error, "is_anonymous")
    anonymous = _report(None, is_anonymous=True, intake_channel="hotline")
    assert anonymous.consumer is None and anonymous.handling_authority == factories.bureau("330106")


def test_the_operator_is_never_a_registered_business(places):
    case = _report(factories.consumer())
    assert not MarketEntity.objects.filter(pk=case.entity_id).exists()
    assert MarketEntity.with_unlicensed.filter(pk=case.entity_id).exists()


# Linking the case to the registry ------------------------------------------------------------------


def test_the_handling_official_links_the_case_to_the_registered_business(world):
    case = _report(factories.consumer())
    operator = case.entity
    shop = factories.shop(region="330110", name="杭州余杭老王烧烤店")
    case = operator_identify(case=case, entity=shop, actor=world.shop_official)
    assert case.entity == shop
    operator.refresh_from_db()
    assert operator.identified_as == shop
    event = CaseEvent.objects.filter(case=case, action="identify_operator").get()
    assert event.actor == world.shop_official and "杭州余杭老王烧烤店" in event.reason
    # The business's own bureau (余杭区) is now a place to forward the case to.
    assert factories.bureau("330110") in forwarding_candidates(case)


@pytest.mark.parametrize("who", ["home_official", "outsider_official", "superior_official", "consumer_user"])
def test_nobody_but_the_handling_bureau_links_the_case(world, who):
    case = _report(world.consumer)
    with pytest.raises(PermissionDenied):
        operator_identify(case=case, entity=world.shop, actor=getattr(world, who))


def test_a_case_is_linked_once_and_only_to_a_registered_business(world):
    case = _report(factories.consumer())
    other = _report(factories.consumer())
    with pytest.raises(ValidationError) as error:
        operator_identify(case=case, entity=other.entity, actor=world.shop_official)
    assert "from the registry" in _messages(error, "entity")
    case = operator_identify(case=case, entity=world.shop, actor=world.shop_official)
    with pytest.raises(ValidationError) as error:
        operator_identify(case=case, entity=world.shop, actor=world.shop_official)
    assert "already names a registered business" in _messages(error, "entity")


def test_a_complaint_cannot_name_an_unlicensed_operator(places):
    from mediation.services.cases import complaint_submit

    operator = _report(factories.consumer()).entity
    with pytest.raises(ValidationError) as error:
        complaint_submit(consumer=factories.consumer(), entity=operator, facts=FACTS, category="G01", demand="refund")
    assert "from the registry" in _messages(error, "entity")


def test_a_municipality_chosen_without_its_district_is_named_as_the_person_knows_it(places):
    # 110100 is the "市辖区" row under 北京市 (GB/T 2260); the picker shows it as 北京市.
    with pytest.raises(ValidationError) as error:
        _report(factories.consumer(), conduct_region=Region.objects.get(code="110100"))
    assert "not only 北京市" in _messages(error, "conduct_region")


def test_an_address_naming_only_a_municipality_asks_for_its_district(places):
    with pytest.raises(ValidationError) as error:
        _report(factories.consumer(), {**STALL, "address": "北京市某个夜市"})
    assert "names only 北京市" in _messages(error, "conduct_region")
