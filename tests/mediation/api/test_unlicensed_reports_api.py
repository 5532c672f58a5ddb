"""/api/reports/ with an `operator` instead of `entity`: a report against an operator without a
licence (无照经营), handled by the bureau of the county of its conduct (penalty procedure Art. 7)."""

import pytest

from mediation.models import EntityKind, MarketEntity
from tests import factories
from tests.conftest import bot_client, client_for

STALL = {"name": "路边烧烤摊", "address": "浙江省杭州市西湖区文三路90号门口", "goods": "烧烤、散装白酒"}
FACTS = "每天晚上在文三路门口摆摊卖烧烤和散装白酒，没有营业执照。"


def _post(client, body, language="en"):
    return client.post("/api/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_a_consumer_reports_an_operator_without_a_licence(world):
    response = _post(client_for(world.consumer_user), {"operator": STALL, "facts": FACTS})
    assert response.status_code == 201, response.content
    assert response.data["handling_authority"]["region"] == "330106"  # 杭州市西湖区, not the reporter's 朝阳区
    assert response.data["violation_type"] == "unlicensed"
    operator = response.data["entity"]
    assert (operator["kind"], operator["is_registered"], operator["uscc"]) == ("unlicensed", False, None)
    assert (operator["name"], operator["goods"]) == ("路边烧烤摊", "烧烤、散装白酒")
    # The handling bureau sees it in its queue.
    queue = client_for(world.shop_official).get(f"/api/authorities/{world.shop_bureau.pk}/queue/")
    assert response.data["number"] in str(queue.content, "utf-8")


def test_the_county_chosen_for_an_online_seller(world):
    body = {
        "operator": {"name": "某某微店", "shop_link": "https://weidian.example/shop/1", "goods": "代购化妆品"},
        "facts": FACTS,
        "conduct_region": "330110",
    }
    response = _post(client_for(world.consumer_user), body)
    assert response.status_code == 201, response.content
    assert response.data["handling_authority"]["region"] == "330110"
    assert response.data["entity"]["shop_link"] == "https://weidian.example/shop/1"


@pytest.mark.parametrize(
    ("body", "field", "english", "chinese"),
    [
        ({"operator": {**STALL, "address": "杭州市文三路"}}, ("conduct_region",), "names only 杭州市", None),
        ({"operator": {**STALL, "name": ""}}, ("operator", "name"), "shop sign", None),
        ({"operator": {"name": "摊", "goods": "水果"}}, ("operator", "address"), "online shop", None),
        ({}, ("entity",), "from the registry", None),
        ({"operator": STALL, "entity": 0}, ("entity",), "object does not exist", "对象不存在"),
        ({"operator": "路边摊"}, ("operator", "non_field_errors"), "dictionary", None),
    ],
)
def test_refusals_are_clear_and_field_by_field(world, body, field, english, chinese):
    world.consumer.preferred_language = "en"  # the consumer's own language wins over the browser's
    world.consumer.save()
    response = _post(client_for(world.consumer_user), {"facts": FACTS, **body})
    assert response.status_code == 400, response.content
    detail = response.data
    for name in field:
        detail = detail[name]
    assert english in str(detail)
    if chinese:
        world.consumer.preferred_language = "zh-hans"
        world.consumer.save()
        detail = _post(client_for(world.consumer_user), {"facts": FACTS, **body}, language="zh-hans").data
        for name in field:
            detail = detail[name]
        assert chinese in str(detail)
    assert not MarketEntity.with_unlicensed.filter(kind=EntityKind.UNLICENSED).exists()


def test_an_operator_is_not_reported_in_a_mixed_submission(world):
    body = {
        "complaint": {
            "entity": world.shop.pk,
            "facts": FACTS,
            "category": "G01",
            "demand": "refund",
        },
        "report": {"operator": STALL, "facts": FACTS},
    }
    response = client_for(world.consumer_user).post("/api/mixed-submissions/", body, format="json")
    assert response.status_code == 400
    # In the consumer's own language (Chinese unless the account chose English).
    assert "须单独举报" in str(response.data["report"]["operator"])


def test_an_unlicensed_operator_is_never_listed_in_the_registry(world, api):
    case_number = _post(client_for(world.consumer_user), {"operator": STALL, "facts": FACTS}).data["number"]
    operator = MarketEntity.with_unlicensed.get(kind=EntityKind.UNLICENSED)
    for query in ("路边烧烤摊", "烧烤", "路边"):
        found = api.get("/api/registry/entities/", {"q": query})
        assert found.status_code in (200, 400)
        assert "路边烧烤摊" not in str(found.content, "utf-8")
    assert api.get(f"/api/registry/entities/{operator.pk}/").status_code == 404
    # Nor can a complaint name it by its id.
    complaint = client_for(world.consumer_user).post(
        "/api/complaints/",
        {"entity": operator.pk, "facts": FACTS, "category": "G01", "demand": "refund"},
        format="json",
    )
    assert complaint.status_code == 400 and "entity" in complaint.data
    assert case_number.startswith("JB")


def test_the_bot_files_an_operator_report_for_its_consumer(world):
    response = bot_client(world.consumer).post(
        "/api/reports/", {"operator": STALL, "facts": FACTS, "consumer": world.consumer.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.data["intake_channel"] == "bot"
    assert response.data["handling_authority"]["region"] == "330106"


def test_an_official_enters_a_hotline_report_against_an_operator(world):
    hotline = client_for(factories.official(factories.bureau("110105")))
    caller = {"real_name": "李四", "phone": "13912345678"}
    response = _post(hotline, {"operator": STALL, "facts": FACTS, "caller": caller, "intake_channel": "hotline"})
    assert response.status_code == 201, response.content
    assert response.data["handling_authority"]["region"] == "330106"
