import asyncio

import pytest
from actions.triage import ActionTriage, merchant_mentions, triage_track
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def ranking(**confidences):
    return [{"name": name, "confidence": value} for name, value in confidences.items()]


@pytest.mark.parametrize(
    "scores, track",
    [
        ({"complaint": 0.92, "report": 0.03, "complaint_and_report": 0.04}, "complaint"),
        ({"report": 0.71, "complaint": 0.2}, "report"),
        ({"complaint_and_report": 0.8, "greet": 0.1}, "complaint_and_report"),
        ({"complaint": 0.55, "report": 0.4}, None),  # not confident
        ({"complaint": 0.62, "complaint_and_report": 0.4}, None),  # confident, but too close
        ({"greet": 0.9, "complaint": 0.05}, None),  # no track at all
        ({}, None),
    ],
)
def test_the_track_is_taken_only_when_the_nlu_is_sure(scores, track):
    assert triage_track(ranking(**scores)) == track


class RegistryStandIn:
    """The registry search over a few names: the names written whole in the query, else the names
    holding it."""

    def __init__(self, names=()):
        self.names = list(names)
        self.queries = []

    async def search_entities(self, query, *, limit=5, near=""):
        self.queries.append(query)
        return [
            {"id": number, "name": name, "uscc": ""}
            for number, name in enumerate(self.names, 1)
            if name in query or query in name
        ]


def run_triage(text, intent, intent_ranking, *, slots=None, entities=(), registry=None):
    tracker = Tracker(
        sender_id="u1",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent},
            "intent_ranking": intent_ranking,
            "entities": list(entities),
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionTriage(api=registry or RegistryStandIn()).run(dispatcher, tracker, {}))
    return [message["response"] for message in dispatcher.messages], events


def test_an_unsure_message_gets_the_question_that_explains_the_difference():
    said, events = run_triage(
        "这家店卖假货",
        "report",
        ranking(report=0.5, complaint_and_report=0.45, complaint=0.05),
        entities=[{"entity": "merchant", "value": "这家店", "start": 0}, {"entity": "field", "value": "merchant"}],
    )
    assert said == ["utter_ask_complaint_or_report"]
    assert {event["name"]: event["value"] for event in events} == {
        "case_track": None,
        "track_settled": False,
        # Kept for the work order once the person has chosen: what they said and what it names.
        "first_account": "这家店卖假货",
        "first_account_entities": [{"entity": "merchant", "value": "这家店"}],
    }


def test_a_sure_message_and_a_button_choice_set_the_track():
    said, events = run_triage("在苏宁买的冰箱坏了要退款", "complaint", ranking(complaint=0.97, report=0.01))
    assert said == ["utter_track_complaint"]
    assert events[0]["value"] == "complaint"
    # The clarifying question's button: the person's choice, whatever the scores.
    said, events = run_triage("/complaint_and_report", "complaint_and_report", ranking(complaint_and_report=1.0))
    assert said == ["utter_track_complaint_and_report"]
    assert events[0]["value"] == "complaint_and_report"


def test_the_work_order_starts_with_what_the_first_message_said():
    text = "上周三在星辰电器买的海尔冰箱三千五，用了两天就不制冷，商家不给退"
    entities = [
        {"entity": "merchant", "value": "星辰电器"},
        {"entity": "brand", "value": "海尔"},
        {"entity": "product", "value": "冰箱"},
        {"entity": "amount", "value": "三千五"},
        {"entity": "date", "value": "上周三"},
    ]
    _said, events = run_triage(text, "complaint", ranking(complaint=0.95), entities=entities)
    assert {event["name"]: event["value"] for event in events} == {
        "case_track": "complaint",
        "track_settled": True,
        "first_account": None,
        "first_account_entities": None,
        "facts": text,
        "merchant": "星辰电器",
        "brand": "海尔",
        "product": "冰箱",
        "amount": "三千五",
        "purchase_date": "上周三",
    }
    # After the clarifying question, the account is the first message, not the button, and what
    # it named is not asked again.
    kept = {"first_account": text, "first_account_entities": entities}
    _said, events = run_triage("/complaint", "complaint", ranking(complaint=1.0), slots=kept)
    filled = {event["name"]: event["value"] for event in events}
    assert filled["facts"] == text and filled["first_account_entities"] is None
    assert (filled["product"], filled["brand"], filled["amount"], filled["purchase_date"]) == (
        "冰箱",
        "海尔",
        "三千五",
        "上周三",
    )
    # A bare "我要投诉" is no account of what happened: the form will ask.
    _said, events = run_triage("我要投诉", "complaint", ranking(complaint=0.95))
    assert "facts" not in {event["name"] for event in events}


def test_a_business_named_in_full_in_the_first_message_is_the_merchant_even_unrecognised_by_the_nlu():
    registry = RegistryStandIn(["杭州星辰电器西湖店有限公司", "星辰电器"])
    story = "我在杭州星辰电器西湖店有限公司买的冰箱坏了，商家一直拖着不处理，我要投诉"
    _said, events = run_triage(story, "complaint", ranking(complaint=0.97), registry=registry)
    assert {"event": "slot", "name": "merchant", "value": "杭州星辰电器西湖店有限公司", "timestamp": None} in events
    # A long story is searched in overlapping windows of at most 100 characters.
    long_story = "上个月" + "一直拖着不处理，" * 20 + "在杭州星辰电器西湖店有限公司买的冰箱坏了"
    _said, events = run_triage(long_story, "complaint", ranking(complaint=0.97), registry=registry)
    assert any(event["name"] == "merchant" and event["value"] == "杭州星辰电器西湖店有限公司" for event in events)
    assert all(len(query) <= 100 for query in registry.queries)
    # A merchant the NLU found is left to the form, which checks it.
    registry.queries.clear()
    entities = [{"entity": "merchant", "value": "星辰电器"}]
    _said, events = run_triage(
        "在星辰电器买的冰箱坏了要退款", "complaint", ranking(complaint=0.97), entities=entities, registry=registry
    )
    assert registry.queries == [] and [e["value"] for e in events if e["name"] == "merchant"] == ["星辰电器"]


@pytest.mark.parametrize(
    "text, named",
    [
        ("我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉", ["星辰电器"]),
        ("上周在杭州的星辰电器买了台洗衣机", ["星辰电器"]),
        ("从金太阳超市订的月饼发霉了", ["金太阳超市"]),
        ("去年在美丽人生美容院办的卡，现在店关了", ["美丽人生美容院"]),
        ("我要投诉好运来餐厅，菜里有虫子", ["好运来餐厅"]),
        ("看见金太阳超市卖过期面包", ["金太阳超市"]),
        ("买了手机，小米之家的店员态度很差", ["小米之家"]),
        ("在星辰电器店里买的", ["星辰电器"]),
        # Places that are no particular business, and pointing words, name no one.
        ("在网上买的衣服质量太差", []),
        ("我在他们家买的东西坏了", []),
        ("在这家店买的鞋子开胶了", []),
        ("在淘宝买的", []),
        ("我要投诉", []),
        ("It broke after two days", []),
    ],
)
def test_the_phrases_that_introduce_a_business_frame_its_name(text, named):
    assert merchant_mentions(text) == named


def test_a_business_named_in_part_in_the_first_message_is_looked_for_in_the_registry():
    registry = RegistryStandIn(["杭州星辰电器西湖店有限公司", "杭州星辰电器滨江店有限公司"])
    story = "我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉"
    _said, events = run_triage(story, "complaint", ranking(complaint=0.97), registry=registry)
    # The form then offers the businesses of that name (see the work-order tests).
    assert [e["value"] for e in events if e["name"] == "merchant"] == ["星辰电器"]
    assert registry.queries[-1] == "星辰电器"
    # Also when the person first had to choose the track.
    kept = {"first_account": story, "first_account_entities": []}
    _said, events = run_triage("/complaint", "complaint", ranking(complaint=1.0), slots=kept, registry=registry)
    assert [e["value"] for e in events if e["name"] == "merchant"] == ["星辰电器"]
    # A name that no registered business holds is not taken: the form asks for the merchant.
    _said, events = run_triage(
        "我在月光百货买的冰箱坏了，我要投诉", "complaint", ranking(complaint=0.97), registry=registry
    )
    assert "merchant" not in {e["name"] for e in events}
