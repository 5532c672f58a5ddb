from actions.filing import filing_request, handoff_case, refused_slots
from rasa_sdk import Tracker

SLOTS = {
    "merchant": "星辰电器西湖店",
    "merchant_id": 7,
    "purchase_place": "",
    "product": "冰箱",
    "category": "G02",
    "brand": "",
    "purchase_date": "2026-11-03",
    "amount": "",
    "facts": "买的冰箱是翻新机，还要求退款",
    "demand": "refund",
    "demand_detail": "退款",
    "violation_type": "counterfeit",
    "anonymous": True,
}


def tracker(track):
    return Tracker("user-1", {**SLOTS, "case_track": track}, {}, [], False, None, {}, "action_listen")


def test_a_complaint_is_filed_for_the_consumer_with_skipped_answers_left_empty():
    path, body = filing_request(tracker("complaint"), consumer=42)
    assert path == "/api/complaints/"
    assert body == {
        "consumer": 42,
        "entity": 7,
        "place_of_purchase": "",
        "category": "G02",
        "brand": "",
        "purchase_date": "2026-11-03",
        "amount": None,
        "facts": "买的冰箱是翻新机，还要求退款",
        "demand": "refund",
        "demand_detail": "退款",
    }


def test_a_report_and_a_mixed_order_are_filed_as_the_service_expects():
    path, body = filing_request(tracker("report"), consumer=42)
    assert path == "/api/reports/"
    assert body == {
        "consumer": 42,
        "entity": 7,
        "facts": "买的冰箱是翻新机，还要求退款",
        "violation_type": "counterfeit",
        "is_anonymous": False,  # online reports are real-name, whatever was said
        "category": "G02",
    }
    path, body = filing_request(tracker("complaint_and_report"), consumer=42)
    assert path == "/api/mixed-submissions/"
    assert body["complaint"]["demand"] == "refund" and body["report"]["is_anonymous"] is False


def test_a_refusal_names_the_answers_to_ask_again():
    errors = {"complaint": {"purchase_date": ["日期不能晚于今天。"]}, "report": {"entity": ["商户不存在。"]}}
    assert refused_slots(errors) == (["merchant", "purchase_date"], ["日期不能晚于今天。", "商户不存在。"])
    assert refused_slots({"consumer": ["No registered consumer has this id."]}) == (
        [],
        ["No registered consumer has this id."],
    )


def test_the_handoff_opens_the_case_and_for_a_complaint_its_room():
    case = {"number": "TS2026113000001", "kind": "complaint", "status": "submitted", "next_due": "2026-12-07"}
    handoff = handoff_case({**case, "handling_authority": {"name": "杭州市西湖区市场监督管理局"}})
    assert handoff["case_url"] == "/cases/TS2026113000001/"
    assert handoff["room_url"] == "/ws/rooms/TS2026113000001/"
    assert handoff["handling_authority"] == "杭州市西湖区市场监督管理局"
    report = handoff_case({**case, "number": "JB2026113000001", "kind": "report"})
    assert "room_url" not in report


def test_an_operator_without_a_licence_is_reported_by_what_the_person_knows():
    slots = {
        "merchant": "路边烧烤摊",
        "merchant_id": None,
        "merchant_unlicensed": True,
        "operator_place": "https://weidian.example/s/1 在杭州市西湖区",
        "operator_goods": "烧烤",
        "facts": "每天晚上摆摊卖烧烤，没有营业执照。",
        "violation_type": "unlicensed",
        "case_track": "report",
    }
    path, body = filing_request(Tracker("user-1", slots, {}, [], False, None, {}, "action_listen"), consumer=42)
    assert path == "/api/reports/"
    assert "entity" not in body
    assert body["operator"] == {
        "name": "路边烧烤摊",
        "address": "杭州市西湖区",
        "shop_link": "https://weidian.example/s/1",
        "goods": "烧烤",
    }
    assert body["violation_type"] == "unlicensed" and body["is_anonymous"] is False


def test_a_refused_place_of_an_operator_is_asked_again():
    errors = {"conduct_region": ["地址只写到杭州市。"], "operator": {"goods": ["请说明卖什么。"]}}
    assert refused_slots(errors) == (["operator_goods", "operator_place"], ["地址只写到杭州市。", "请说明卖什么。"])
