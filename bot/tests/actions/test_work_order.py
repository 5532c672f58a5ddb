import asyncio
import datetime

import pytest
from actions.work_order import ValidateWorkOrderForm, amount_answer, demand_answer, purchase_date_answer
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TODAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    "text, answer",
    [
        ("上周三", ("2026-11-25", None)),
        ("双十一那天", ("2026-11-11", None)),
        ("2027年1月3日", (None, "utter_purchase_date_in_future")),
        # More than three years ago: kept and passed on, with a word about the limit (Art. 16(4)).
        ("2022年6月1日", ("2022-06-01", "utter_purchase_date_over_three_years")),
        ("2023年11月30日", ("2023-11-30", None)),
        ("不记得了", (None, "utter_purchase_date_not_understood")),
    ],
)
def test_the_purchase_date_is_a_past_day_and_an_old_one_is_passed_on_with_a_notice(text, answer):
    assert purchase_date_answer(text, today=TODAY) == answer


@pytest.mark.parametrize(
    "text, answer",
    [
        ("三千五百元", ("3500.00", None)),
        ("3.5k", ("3500.00", None)),
        ("0元", (None, "utter_amount_out_of_range")),
        ("很贵", (None, "utter_amount_not_understood")),
    ],
)
def test_the_amount_is_a_positive_sum_in_yuan(text, answer):
    assert amount_answer(text) == answer


@pytest.mark.parametrize(
    "text, demand",
    [
        ("我要退钱", "refund"),
        ("给我换一台新的", "replacement"),
        ("修好就行", "repair"),
        ("要求退一赔三", "compensation"),
        ("I want my money back", "refund"),
        ("给个说法", "other"),
        ("  ", None),
    ],
)
def test_the_demand_is_one_the_mediation_service_knows(text, demand):
    assert demand_answer(text) == demand


def test_the_form_says_what_is_wrong_and_asks_again():
    tracker = Tracker("u1", {}, {"text": "2099年1月1日"}, [], False, None, {"name": "work_order_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    form = ValidateWorkOrderForm()
    result = form.validate_purchase_date("2099年1月1日", dispatcher, tracker, {})
    assert result == {"purchase_date": None}  # None: the form asks for it again
    assert [message["response"] for message in dispatcher.messages] == ["utter_purchase_date_in_future"]


def test_each_track_asks_for_its_own_work_order():
    from actions.work_order import TRACK_SLOTS

    assert "violation_type" not in TRACK_SLOTS["complaint"] and "demand" in TRACK_SLOTS["complaint"]
    assert "demand" not in TRACK_SLOTS["report"] and "anonymous" not in TRACK_SLOTS["report"]
    both = TRACK_SLOTS["complaint_and_report"]
    assert set(TRACK_SLOTS["complaint"]) | set(TRACK_SLOTS["report"]) == set(both)
    assert both[0] == "merchant" and both[-1] == "confirmed"


@pytest.mark.parametrize(
    "text, query",
    [
        ("商家是杭州星辰电器。", "杭州星辰电器"),
        ("店名叫：老王水果店", "老王水果店"),
        ("信用代码 91330106ma27xk3q8x 在发票上", "91330106MA27XK3Q8X"),
        ("杭州西湖云端餐饮有限公司", "杭州西湖云端餐饮有限公司"),
    ],
)
def test_the_registry_is_searched_for_the_name_or_code_without_the_words_around_it(text, query):
    from actions.work_order import merchant_query

    assert merchant_query(text) == query


CHOICES = [
    {"id": 7, "name": "星辰电器西湖店", "where": "西湖区"},
    {"id": 9, "name": "星辰电器滨江店", "where": "滨江区"},
]


@pytest.mark.parametrize(
    "text, chosen_id, picked",
    [
        ("", "9", 9),  # the button
        ("2", None, 9),
        ("第一家", None, 7),
        ("是星辰电器西湖店", None, 7),
        ("第三个", None, None),  # only two were offered
        ("星辰电器", None, None),  # both names contain it: still ambiguous
        ("", "12", None),  # an id that was not offered
    ],
)
def test_an_offered_merchant_is_picked_by_button_number_or_name(text, chosen_id, picked):
    from actions.work_order import pick_choice

    choice = pick_choice(CHOICES, text, chosen_id)
    assert (choice["id"] if choice else None) == picked


def form_tracker(text, intent, slots=None, entities=()):
    return Tracker(
        "u1",
        {"case_track": "complaint", **(slots or {})},
        {"text": text, "intent": {"name": intent}, "entities": list(entities)},
        [],
        False,
        None,
        {"name": "work_order_form"},
        "action_listen",
    )


class RegistryStandIn:
    """The mediation API's registry search over a few names: names written whole in the query, an
    exact credit code, else the names holding the query. It records what it was asked, and where."""

    def __init__(self, names):
        self.entities = [
            {"id": number, "name": name, "uscc": f"91330106MA{number:08d}", "business_region": None}
            for number, name in enumerate(names, 1)
        ]
        self.queries = []
        self.places = []

    async def search_entities(self, query, *, limit=5, near=""):
        self.queries.append(query)
        self.places.append(near)
        return [
            entity
            for entity in self.entities
            if query in entity["name"] or entity["name"] in query or query == entity["uscc"]
        ][:limit]


@pytest.mark.parametrize(
    "answer, pieces, found, asked",
    [
        # The NLU kept only the suffix of a full name: the whole answer finds it.
        ("杭州金太阳超市有限公司", ["有限公司"], "杭州金太阳超市有限公司", ["杭州金太阳超市有限公司"]),
        # The name within a sentence: the whole answer finds nothing, the NLU's piece finds it.
        ("是在金太阳超市买的", ["金太阳超市"], "杭州金太阳超市有限公司", ["在金太阳超市买的", "金太阳超市"]),
        # Two shops hold the name: the person is offered both.
        ("星辰电器", ["星辰电器"], None, ["星辰电器"]),
        # A full registered name inside a sentence is that business, whatever the NLU cut out.
        (
            "我在杭州星辰电器西湖店有限公司买的冰箱坏了",
            ["星辰电器"],
            "杭州星辰电器西湖店有限公司",
            ["我在杭州星辰电器西湖店有限公司买的冰箱坏了"],
        ),
    ],
)
def test_the_merchant_is_looked_up_by_the_whole_answer_then_by_the_names_the_nlu_found(answer, pieces, found, asked):
    registry = RegistryStandIn(["杭州金太阳超市有限公司", "杭州星辰电器西湖店有限公司", "杭州星辰电器滨江店有限公司"])
    form, dispatcher = ValidateWorkOrderForm(api=registry), CollectingDispatcher()
    tracker = form_tracker(answer, "inform", entities=[{"entity": "merchant", "value": piece} for piece in pieces])
    result = asyncio.run(form.validate_merchant(pieces[0], dispatcher, tracker, {}))
    assert result["merchant"] == found and registry.queries == asked
    if found is None:
        assert [choice["name"] for choice in result["merchant_choices"]] == [
            "杭州星辰电器西湖店有限公司",
            "杭州星辰电器滨江店有限公司",
        ]


def test_a_merchant_read_out_of_the_first_message_is_checked_when_the_form_starts():
    registry = RegistryStandIn(["杭州星辰电器西湖店有限公司", "杭州星辰电器滨江店有限公司"])
    form, dispatcher = ValidateWorkOrderForm(api=registry), CollectingDispatcher()
    # The latest message is the whole story; the value is the name the triage read out of it.
    tracker = form_tracker("我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉", "complaint")
    result = asyncio.run(form.validate_merchant("星辰电器", dispatcher, tracker, {}))
    assert result["merchant"] is None and registry.queries[-1] == "星辰电器"
    assert [choice["name"] for choice in result["merchant_choices"]] == [
        "杭州星辰电器西湖店有限公司",
        "杭州星辰电器滨江店有限公司",
    ]


def test_the_place_the_person_named_goes_with_the_search():
    registry = RegistryStandIn(["杭州星辰电器西湖店有限公司", "杭州星辰电器滨江店有限公司"])
    form, dispatcher = ValidateWorkOrderForm(api=registry), CollectingDispatcher()
    entities = [{"entity": "merchant", "value": "星辰电器"}, {"entity": "place", "value": "杭州"}]
    tracker = form_tracker("杭州的星辰电器", "inform", entities=entities)
    asyncio.run(form.validate_merchant("星辰电器", dispatcher, tracker, {}))
    assert registry.places and all(place.startswith("杭州") for place in registry.places)


def test_a_city_in_the_answer_goes_with_the_search_of_the_name_alone():
    registry = RegistryStandIn(["杭州星辰电器西湖店有限公司", "杭州星辰电器滨江店有限公司"])
    form, dispatcher = ValidateWorkOrderForm(api=registry), CollectingDispatcher()
    tracker = form_tracker("我在杭州的星辰电器买的洗衣机坏了，我要投诉", "complaint")
    asyncio.run(form.validate_merchant("星辰电器", dispatcher, tracker, {}))
    assert registry.queries[-1] == "星辰电器" and "杭州" in registry.places[-1]


def test_an_optional_answer_can_be_skipped_and_a_required_one_cannot():
    form, dispatcher = ValidateWorkOrderForm(), CollectingDispatcher()
    assert form.validate_brand("跳过", dispatcher, form_tracker("跳过", "skip"), {}) == {"brand": ""}
    assert form.validate_amount("不记得了", dispatcher, form_tracker("不记得了", "skip"), {}) == {"amount": ""}
    assert dispatcher.messages == []
    assert form.validate_facts("不知道", dispatcher, form_tracker("不知道", "skip"), {}) == {"facts": None}
    assert [message["response"] for message in dispatcher.messages] == ["utter_cannot_skip"]


def test_the_account_of_what_happened_fills_the_demand_and_the_violation_it_names():
    form, dispatcher = ValidateWorkOrderForm(), CollectingDispatcher()
    facts = "买的奶粉是假货，罐底批号被刮掉了，要求退款"
    both = form_tracker(facts, "inform", {"case_track": "complaint_and_report"})
    assert form.validate_facts(facts, dispatcher, both, {}) == {
        "facts": facts,
        "demand": "refund",
        "demand_detail": facts,
        "violation_type": "counterfeit",
    }
    # A complaint has no violation; a bare "坏了" is too little to act on.
    assert "violation_type" not in form.validate_facts(facts, dispatcher, form_tracker(facts, "inform"), {})
    assert form.validate_facts("坏了", dispatcher, form_tracker("坏了", "inform"), {}) == {"facts": None}


def test_the_product_names_its_category_and_a_button_sets_it_directly():
    form, dispatcher = ValidateWorkOrderForm(), CollectingDispatcher()
    assert form.validate_product("一台冰箱", dispatcher, form_tracker("一台冰箱", "inform"), {}) == {
        "product": "一台冰箱",
        "category": "G02",
    }
    assert form.validate_product("那个东西", dispatcher, form_tracker("那个东西", "inform"), {}) == {
        "product": "那个东西"
    }
    button = form_tracker('/inform{"category":"S02"}', "inform", entities=[{"entity": "category", "value": "S02"}])
    assert form.validate_category('/inform{"category":"S02"}', dispatcher, button, {}) == {"category": "S02"}
    made_up = form_tracker('/inform{"category":"X1"}', "inform", entities=[{"entity": "category", "value": "X1"}])
    assert form.validate_category('/inform{"category":"X1"}', dispatcher, made_up, {}) == {"category": None}


def test_the_summary_shows_every_answer_of_the_track_and_what_was_skipped():
    from actions.work_order import work_order_summary

    tracker = form_tracker(
        "",
        "inform",
        {
            "merchant": "星辰电器西湖店",
            "purchase_place": "",
            "product": "冰箱",
            "category": "G02",
            "brand": "海尔",
            "purchase_date": "2026-11-03",
            "amount": "3500.00",
            "facts": "冰箱买回来三天就不制冷",
            "demand": "refund",
        },
    )
    summary = work_order_summary(tracker).splitlines()
    assert summary == [
        "商家：星辰电器西湖店",
        "购买地点：（未填）",
        "商品或服务：冰箱",
        "类别：家用电器和电子产品",
        "品牌：海尔",
        "购买日期：2026-11-03",
        "金额：3500.00元",
        "经过：冰箱买回来三天就不制冷",
        "诉求：退款",
    ]


def test_a_correction_empties_the_answer_or_takes_the_new_value_it_carries():
    import asyncio

    from actions.work_order import ActionCorrect

    dispatcher = CollectingDispatcher()
    tracker = form_tracker(
        "金额改成3000",
        "correct",
        entities=[{"entity": "field", "value": "amount"}, {"entity": "amount", "value": "3000"}],
    )
    events = asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))
    assert [(event["name"], event["value"]) for event in events] == [
        ("confirmed", None),
        ("amount", None),
        ("amount", "3000.00"),
    ]
    tracker = form_tracker("商家不对", "correct", entities=[{"entity": "field", "value": "merchant"}])
    events = asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))
    assert {event["name"] for event in events} == {
        "confirmed",
        "merchant",
        "merchant_id",
        "merchant_choices",
        "merchant_not_found",
        "merchant_unlicensed",  # a new merchant may be in the registry after all
    }
    assert all(event["value"] is None for event in events)
    # Nothing named: the person is asked which answer to change.
    events = asyncio.run(ActionCorrect().run(dispatcher, form_tracker("我写错了", "correct"), {}))
    assert dispatcher.messages[-1]["response"] == "utter_ask_which_correction"
    assert "改金额" in [button["title"] for button in dispatcher.messages[-1]["buttons"]]


def test_a_correction_in_the_persons_words_is_applied_and_acknowledged():
    import asyncio

    from actions.work_order import ActionCorrect

    dispatcher = CollectingDispatcher()
    # "不是冰箱，是洗衣机": the NLU finds both products; the one denied is the old one.
    text = "不是冰箱，是洗衣机"
    tracker = form_tracker(
        text,
        "correct",
        slots={"product": "冰箱", "category": "G02"},
        entities=[
            {"entity": "product", "value": "冰箱", "start": text.index("冰箱")},
            {"entity": "product", "value": "洗衣机", "start": text.index("洗衣机")},
        ],
    )
    events = asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))
    final = {event["name"]: event["value"] for event in events}
    assert final["product"] == "洗衣机" and final["category"] == "G02" and final["confirmed"] is None
    assert dispatcher.messages[-1]["response"] == "utter_correction_applied"
    assert (dispatcher.messages[-1]["field"], dispatcher.messages[-1]["value"]) == ("商品或服务", "洗衣机")
    # The other order of words, "是美的，不是海尔".
    text = "是美的，不是海尔"
    tracker = form_tracker(
        text,
        "correct",
        entities=[
            {"entity": "field", "value": "brand"},
            {"entity": "brand", "value": "美的", "start": text.index("美的")},
            {"entity": "brand", "value": "海尔", "start": text.index("海尔")},
        ],
    )
    final = {event["name"]: event["value"] for event in asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))}
    assert final["brand"] == "美的"
    # A new merchant is checked against the registry: the form asks again, and says so.
    tracker = form_tracker("商家不对", "correct", entities=[{"entity": "field", "value": "merchant"}])
    asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))
    assert dispatcher.messages[-1]["response"] == "utter_correction_will_ask"
    assert dispatcher.messages[-1]["field"] == "商家"


def test_a_valid_answer_to_the_question_taken_for_a_correction_is_that_answer():
    import asyncio

    from actions.work_order import ActionCorrect, china_today

    today = china_today()
    dispatcher = CollectingDispatcher()
    said = f"{today.year}年{today.month}月{today.day}日"
    tracker = form_tracker(said, "correct", slots={"requested_slot": "purchase_date"})
    events = asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))
    assert [(event["name"], event["value"]) for event in events] == [("purchase_date", today.isoformat())]
    assert dispatcher.messages == []
    tracker = form_tracker("三千五", "correct", slots={"requested_slot": "amount"})
    assert asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))[0]["value"] == "3500.00"
    # Not an answer of that shape, or a question without one: the person is asked what to change.
    for tracker in (
        form_tracker("改一下", "correct", slots={"requested_slot": "purchase_date"}),
        form_tracker("2026年11月21日", "correct", slots={"requested_slot": "facts"}),
    ):
        asyncio.run(ActionCorrect().run(dispatcher, tracker, {}))
        assert dispatcher.messages[-1]["response"] == "utter_ask_which_correction"


def test_two_businesses_registered_under_the_very_name_written_are_both_offered():
    registry = RegistryStandIn(["杭州星辰电器有限公司", "杭州星辰电器有限公司", "星辰电器"])
    form, dispatcher = ValidateWorkOrderForm(api=registry), CollectingDispatcher()
    tracker = form_tracker("在杭州星辰电器有限公司买的", "inform", entities=[])
    result = asyncio.run(form.validate_merchant("在杭州星辰电器有限公司买的", dispatcher, tracker, {}))
    assert result["merchant"] is None
    assert [choice["id"] for choice in result["merchant_choices"]] == [1, 2]


def test_the_page_language_comes_with_each_message_and_the_actions_write_in_it():
    import asyncio

    from actions.language import ActionValidateSlotMappings
    from actions.work_order import ActionAskConfirmed, work_order_summary

    def tracker_with(metadata, slots=None):
        return Tracker(
            "u1",
            {"case_track": "complaint", **(slots or {})},
            {"text": "hello", "intent": {"name": "greet"}, "entities": [], "metadata": metadata},
            [],
            False,
            None,
            {},
            "action_listen",
        )

    def language_after(metadata, slots=None):
        events = asyncio.run(
            ActionValidateSlotMappings().get_extraction_events(
                CollectingDispatcher(), tracker_with(metadata, slots), {"slots": {"language": {}}}
            )
        )
        return {event["name"]: event["value"] for event in events}.get("language")

    assert language_after({"language": "en"}) == "en"
    assert language_after({"language": "zh-hans"}, {"language": "en"}) == "zh-hans"  # switched back
    assert language_after({}) is None  # a message without a language leaves it as it was

    answered = {
        "language": "en",
        "merchant": "星辰电器西湖店",
        "product": "冰箱",
        "category": "G02",
        "amount": "3500.00",
        "demand": "refund",
    }
    summary = work_order_summary(tracker_with({}, answered)).splitlines()
    assert summary[:4] == [
        "The business: 星辰电器西湖店",
        "The place of purchase: (not given)",
        "The goods or service: 冰箱",
        "The category: Household appliances and electronics",
    ]
    assert "The amount: 3500.00 yuan" in summary and "What you want: refund" in summary
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskConfirmed().run(dispatcher, tracker_with({}, answered), {}))
    titles = [button["title"] for button in dispatcher.messages[-1]["buttons"]]
    assert titles == ["Confirm and submit", "Change something", "Cancel"]


# 无照经营: a business the registry does not hold, reported as an operator without a licence -----------


def report_tracker(text, intent="inform", slots=None, entities=()):
    return Tracker(
        "u1",
        {"case_track": "report", **(slots or {})},
        {"text": text, "intent": {"name": intent}, "entities": list(entities)},
        [],
        False,
        None,
        {"name": "work_order_form"},
        "action_listen",
    )


def test_a_report_of_a_business_not_found_offers_to_report_it_as_one_without_a_licence():
    from actions.work_order import ActionAskMerchant

    registry = RegistryStandIn(["杭州金太阳超市有限公司"])
    form, dispatcher = ValidateWorkOrderForm(api=registry), CollectingDispatcher()
    result = asyncio.run(form.validate_merchant("路边烧烤摊", dispatcher, report_tracker("路边烧烤摊"), {}))
    assert result["merchant"] is None and result["merchant_not_found"] == "路边烧烤摊"
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskMerchant().run(dispatcher, report_tracker("", slots=result), {}))
    (message,) = dispatcher.messages
    assert message["response"] == "utter_merchant_not_found_unlicensed"
    assert [button["payload"] for button in message["buttons"]] == ['/inform{"unlicensed": "yes"}']


@pytest.mark.parametrize("track", ["complaint", "complaint_and_report"])
def test_a_complaint_is_never_against_an_operator_without_a_licence(track):
    from actions.work_order import ActionAskMerchant

    dispatcher = CollectingDispatcher()
    slots = {"case_track": track, "merchant_not_found": "路边烧烤摊"}
    asyncio.run(ActionAskMerchant().run(dispatcher, report_tracker("", slots=slots), {}))
    assert [message["response"] for message in dispatcher.messages] == ["utter_merchant_not_found"]
    form = ValidateWorkOrderForm(api=RegistryStandIn([]))
    tracker = report_tracker("/inform", slots=slots, entities=[{"entity": "unlicensed", "value": "yes"}])
    result = asyncio.run(form.validate_merchant("/inform", CollectingDispatcher(), tracker, {}))
    assert result.get("merchant_unlicensed") is None


def test_tapping_the_button_reports_the_name_given_and_asks_where_and_what_it_sells():
    form, dispatcher = ValidateWorkOrderForm(api=RegistryStandIn([])), CollectingDispatcher()
    slots = {"merchant_not_found": "路边烧烤摊"}
    tracker = report_tracker(
        '/inform{"unlicensed": "yes"}', slots=slots, entities=[{"entity": "unlicensed", "value": "yes"}]
    )
    result = asyncio.run(form.validate_merchant('/inform{"unlicensed": "yes"}', dispatcher, tracker, {}))
    assert result["merchant"] == "路边烧烤摊" and result["merchant_unlicensed"] is True
    assert result["merchant_id"] is None and result["violation_type"] == "unlicensed"
    assert dispatcher.messages[0]["response"] == "utter_merchant_unlicensed"
    asked = asyncio.run(form.required_slots([], dispatcher, report_tracker("", slots=result), {}))
    assert asked == ["merchant", "operator_place", "operator_goods", "facts", "violation_type", "confirmed"]


def test_a_violation_already_named_is_kept():
    form = ValidateWorkOrderForm(api=RegistryStandIn([]))
    slots = {"merchant_not_found": "老王卤味", "violation_type": "food_safety"}
    tracker = report_tracker("/inform", slots=slots, entities=[{"entity": "unlicensed", "value": "yes"}])
    result = asyncio.run(form.validate_merchant("/inform", CollectingDispatcher(), tracker, {}))
    assert result["violation_type"] == "food_safety"


@pytest.mark.parametrize(
    "text, address, link",
    [
        ("浙江省杭州市西湖区文三路90号门口", "浙江省杭州市西湖区文三路90号门口", ""),
        ("在杭州市西湖区文三路90号", "杭州市西湖区文三路90号", ""),
        ("https://weidian.example/s/123", "", "https://weidian.example/s/123"),
        ("weidian.com/s/123在杭州市西湖区", "杭州市西湖区", "https://weidian.com/s/123"),
        ("店铺链接 https://shop.example.cn/x?id=1 ，杭州市西湖区", "店铺链接", "https://shop.example.cn/x?id=1"),
    ],
)
def test_the_place_is_an_address_a_shop_link_or_both(text, address, link):
    from actions.work_order import operator_place_answer

    got_address, got_link = operator_place_answer(text)
    assert got_link == link
    assert address in got_address


def test_an_empty_place_is_asked_again():
    form, dispatcher = ValidateWorkOrderForm(api=RegistryStandIn([])), CollectingDispatcher()
    result = form.validate_operator_place("  ", dispatcher, report_tracker("  "), {})
    assert result == {"operator_place": None}
    assert dispatcher.messages[0]["response"] == "utter_operator_place_needed"


def test_the_summary_says_the_business_has_no_licence():
    from actions.work_order import work_order_answers

    slots = {
        "merchant": "路边烧烤摊",
        "merchant_unlicensed": True,
        "operator_place": "杭州市西湖区文三路90号",
        "operator_goods": "烧烤",
        "facts": "每天晚上摆摊，没有营业执照。",
        "violation_type": "unlicensed",
    }
    answers = dict(work_order_answers(report_tracker("", slots=slots), language="zh-hans"))
    assert answers["商家"] == "路边烧烤摊（未登记，无照经营）"
    assert answers["经营地址或网店链接"] == "杭州市西湖区文三路90号" and answers["经营的商品"] == "烧烤"
