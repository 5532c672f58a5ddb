"""Reports against operators without a licence (无照经营) on the pages: filed on /file/ with what the
reporter knows and the county of the conduct (penalty procedure Art. 7), never listed as a registered
business, and linked to the registry later by the handling bureau's official from the case page."""

import pytest

from mediation.models import Case, CaseEvent, EntityKind, MarketEntity
from tests import factories
from tests.mediation.web.pages import browser, page

FACTS = "每天晚上在文三路门口摆摊卖烧烤和散装白酒，没有营业执照。"


def operator_form(**changes) -> dict:
    return {
        "kind": "report",
        "business": "",
        "not_registered": "on",
        "operator_name": "路边烧烤摊",
        "operator_address": "浙江省杭州市西湖区文三路90号门口",
        "operator_goods": "烧烤、散装白酒",
        "facts": FACTS,
        "currency": "CNY",
        **changes,
    }


def test_the_form_offers_an_operator_not_in_the_registry(world):
    shown = page(browser(world.consumer_user, "en").get("/file/"))
    assert "The business is not in the registry (no licence)" in shown
    for name in ("operator_name", "operator_address", "operator_shop_link", "operator_goods", "operator_county_0"):
        assert f'name="{name}"' in shown
    assert 'data-group="operator"' in shown


def test_a_report_against_a_stall_goes_to_the_bureau_of_its_county(world):
    response = browser(world.consumer_user).post("/file/", operator_form())
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.number}/"
    # 330106 杭州市西湖区 (GB/T 2260), not the reporter's 北京朝阳区.
    assert case.handling_authority == factories.bureau("330106")
    assert case.entity.kind == EntityKind.UNLICENSED and case.violation_type == "unlicensed"
    shown = page(browser(world.consumer_user, "en").get(response["Location"]))
    assert "路边烧烤摊" in shown and "Operator without a licence" in shown


def test_the_county_picked_wins_over_the_address(world):
    form = operator_form(operator_county_0="330000", operator_county_1="330100", operator_county_2="330110")
    assert browser(world.consumer_user).post("/file/", form).status_code == 302
    assert Case.objects.get().handling_authority == factories.bureau("330110")


def test_an_online_seller_with_only_a_link_and_a_county(world):
    form = operator_form(
        operator_address="",
        operator_shop_link="https://weidian.example/shop/1",
        operator_county_0="110000",
        operator_county_1="110100",
        operator_county_2="110105",
    )
    assert browser(world.consumer_user).post("/file/", form).status_code == 302
    case = Case.objects.get()
    assert case.handling_authority == factories.bureau("110105") and case.entity.shop_link.endswith("/shop/1")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"operator_address": "杭州市文三路"}, "operator_county", "names only 杭州市"),
        ({"operator_address": "文三路门口"}, "operator_county", "cannot be told from the address"),
        ({"operator_name": ""}, "operator_name", "shop sign"),
        ({"operator_goods": ""}, "operator_goods", "sells"),
        ({"operator_address": ""}, "operator_address", "online shop"),
        ({"operator_shop_link": "weidian"}, "operator_shop_link", "web address"),
        ({"kind": "complaint"}, "not_registered", "can only be reported"),
        ({"kind": "both"}, "not_registered", "can only be reported"),
    ],
)
def test_refusals_show_beside_the_field_and_file_nothing(world, changes, field, message):
    response = browser(world.consumer_user, "en").post("/file/", operator_form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert not Case.objects.exists()
    assert not MarketEntity.with_unlicensed.filter(kind=EntityKind.UNLICENSED).exists()


def test_without_the_box_the_business_is_still_required(world):
    response = browser(world.consumer_user, "en").post("/file/", operator_form(not_registered=""))
    assert response.status_code == 400
    assert response.context["form"].errors["business"] == ["This field is required."]


# Never listed as a registered business ---------------------------------------------------------


@pytest.fixture
def reported_stall(world):
    assert browser(world.consumer_user).post("/file/", operator_form()).status_code == 302
    return Case.objects.get()


def test_an_unlicensed_operator_is_never_listed_as_a_registered_business(world, reported_stall):
    operator = reported_stall.entity
    client = browser(None, "en")
    assert client.get(f"/disclosure/{operator.pk}/").status_code == 404
    for query in ("路边烧烤摊", "烧烤摊"):
        assert f"/disclosure/{operator.pk}/" not in page(client.get("/disclosure/", {"q": query}))
        found = client.get("/api/registry/entities/", {"q": query})
        assert found.status_code == 200 and operator.pk not in [entity["id"] for entity in found.json()]
    # Not as a business to file a complaint against, nor to claim.
    response = browser(world.consumer_user, "en").post(
        "/file/",
        {"kind": "complaint", "business": "路边烧烤摊", "facts": FACTS, "category": "G01", "demand": "refund"},
    )
    assert (
        response.status_code == 400
        and "No registered business matches" in response.context["form"].errors["business"][0]
    )


def test_the_analysis_of_complaints_does_not_count_a_report(world, reported_stall):
    shown = page(browser(world.superior_official, "en").get("/analysis/"))
    assert "路边烧烤摊" not in shown


# Linking the case to the registry ----------------------------------------------------------------


def test_the_handling_official_finds_the_business_and_links_the_case(world, reported_stall):
    number = reported_stall.number
    official = browser(world.shop_official, "en")
    shown = page(official.get(f"/cases/{number}/"))
    assert f'href="/cases/{number}/identify/"' in shown
    search = official.get(f"/cases/{number}/identify/", {"q": "杭州西湖鑫达"})
    assert search.status_code == 200 and world.shop.name in page(search)
    response = official.post(f"/cases/{number}/identify/", {"entity": world.shop.pk})
    assert response.status_code == 302 and response["Location"] == f"/cases/{number}/"
    case = Case.objects.get(pk=reported_stall.pk)
    assert case.entity == world.shop
    assert MarketEntity.with_unlicensed.get(pk=reported_stall.entity_id).identified_as == world.shop
    assert CaseEvent.objects.filter(case=case, action="identify_operator").exists()
    # The case page's timeline says so.
    assert world.shop.name in page(official.get(f"/cases/{number}/"))


@pytest.mark.parametrize("who", ["consumer_user", "home_official", "outsider_official", "shop_staff"])
def test_nobody_else_links_the_case(world, reported_stall, who):
    client = browser(getattr(world, who), "en")
    number = reported_stall.number
    assert f"/cases/{number}/identify/" not in page(client.get(f"/cases/{number}/"))
    assert client.get(f"/cases/{number}/identify/").status_code in (403, 404)
    assert client.post(f"/cases/{number}/identify/", {"entity": world.shop.pk}).status_code in (403, 404)
    assert Case.objects.get(pk=reported_stall.pk).entity.kind == EntityKind.UNLICENSED


def test_linking_checks_its_input(world, reported_stall):
    official = browser(world.shop_official, "en")
    number = reported_stall.number
    for bad in ({}, {"entity": "x"}, {"entity": reported_stall.entity_id}, {"entity": 10**12}):
        response = official.post(f"/cases/{number}/identify/", bad)
        assert response.status_code == 400, bad
        assert "Choose a business from the registry" in page(response)
    too_short = official.get(f"/cases/{number}/identify/", {"q": "杭"})
    assert too_short.status_code == 400
    assert Case.objects.get(pk=reported_stall.pk).entity.kind == EntityKind.UNLICENSED


# The hotline form ----------------------------------------------------------------------------------


def hotline_stall(**changes) -> dict:
    return {
        "intake_channel": "letter",
        "kind": "report",
        "business": "",
        "not_registered": "on",
        "operator_name": "路边烧烤摊",
        "operator_address": "浙江省杭州市西湖区文三路90号门口",
        "operator_goods": "烧烤、散装白酒",
        "facts": "来信举报：每天晚上在文三路门口摆摊卖烧烤，没有营业执照。",
        "is_anonymous": "on",
        "id_document_type": "resident_id",
        **changes,
    }


def test_a_hotline_official_enters_an_anonymous_report_against_a_stall(world):
    # An official of 北京朝阳区 takes the letter; the 西湖区 bureau handles it.
    response = browser(world.home_official, "en").post("/hotline/", hotline_stall())
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get()
    assert case.handling_authority == factories.bureau("330106") and case.is_anonymous and case.consumer is None
    assert case.entity.kind == EntityKind.UNLICENSED and case.violation_type == "unlicensed"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"operator_address": "杭州市文三路"}, "operator_county", "names only 杭州市"),
        ({"operator_goods": ""}, "operator_goods", "sells"),
        (
            {"kind": "complaint", "is_anonymous": "", "real_name": "李四", "phone": "13912345678"},
            "not_registered",
            "can only be reported",
        ),
    ],
)
def test_the_hotline_form_refuses_beside_the_field(world, changes, field, message):
    response = browser(world.home_official, "en").post("/hotline/", hotline_stall(**changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field]), response.context["form"].errors
    assert not Case.objects.exists()


def test_the_hotline_form_still_needs_a_business_without_the_box(world):
    response = browser(world.home_official, "en").post("/hotline/", hotline_stall(not_registered=""))
    assert response.status_code == 400
    assert response.context["form"].errors["business"] == ["This field is required."]
