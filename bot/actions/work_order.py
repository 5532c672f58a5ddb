"""The work order: one form (`work_order_form`, domain/work_order.yml) whose questions depend on the
track. A complaint needs the merchant, place, product and its category, brand, date, amount, what
happened and what the consumer wants; a report needs the merchant, what was seen, the type of
violation (a report made online is real-name: the summary says so, and who can see the reporter);
both together need all of it. Every answer is
made exact here (the merchant checked against the registry through the API, a day, an amount in
yuan, one of the service's codes) or the person is told exactly what is wrong and asked again.
Optional answers can be skipped, any answer corrected (`action_correct`), the whole order
cancelled (`action_cancel_work_order`), and at the end the person confirms a summary."""

import datetime
import json
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.language import ENGLISH, in_language, language_of
from actions.mediation_api import MediationApi, MediationUnavailable
from actions.normalize import parse_amount, parse_date
from actions.vocabulary import CATEGORIES, VIOLATIONS, category_name, category_of, violation_name, violation_of

# Order 121 Art. 16(4): a complaint more than three years after the consumer knew or should have
# known of the harm is not accepted. The bureau decides that, not the bot: an older purchase is
# passed on with a word about the limit.
COMPLAINT_LIMITATION_YEARS = 3
LARGEST_AMOUNT = Decimal("100000000")
CHINA = ZoneInfo("Asia/Shanghai")  # "yesterday" is the consumer's yesterday
SHORTEST_FACTS = 6  # characters: "坏了" says too little for an official to act on
REAL_NAME_REPORT = (
    "实名举报：您的身份只有办案的市场监管部门工作人员能看到，对商家始终保密；如需匿名举报，请拨打12315热线、来信或来访"
)
REAL_NAME_REPORT_EN = (
    "Real-name report: only the officials handling it see who you are, never the business; to report "
    "anonymously, call the 12315 hotline, write or visit"
)
SKIPPED = ""  # the value of an optional answer the person skipped (None means "not asked yet")

COMPLAINT_SLOTS = ["purchase_place", "product", "category", "brand", "purchase_date", "amount", "facts", "demand"]
# Online reports are real-name (anonymous ones come by phone, letter or visit): no anonymity question.
REPORT_SLOTS = ["facts", "violation_type"]
TRACK_SLOTS = {
    "complaint": ["merchant", *COMPLAINT_SLOTS, "confirmed"],
    "report": ["merchant", *REPORT_SLOTS, "confirmed"],
    "complaint_and_report": ["merchant", *COMPLAINT_SLOTS, "violation_type", "confirmed"],
}
# 无照经营: a report against an operator the registry does not hold (a street stall, an online seller
# without a licence), offered when the merchant is not found: what the person knows of it instead.
OPERATOR_SLOTS = ["operator_place", "operator_goods"]
UNLICENSED_REPORT_SLOTS = ["merchant", *OPERATOR_SLOTS, *REPORT_SLOTS, "confirmed"]
SKIPPABLE = {"purchase_place", "brand", "purchase_date", "amount"}
# What a correction of each part of the order empties (the form then asks for it again).
FIELD_SLOTS = {
    "merchant": ["merchant", "merchant_id", "merchant_choices", "merchant_not_found", "merchant_unlicensed"],
    "operator_place": ["operator_place"],
    "operator_goods": ["operator_goods"],
    "place": ["purchase_place"],
    "product": ["product", "category"],
    "category": ["category"],
    "brand": ["brand"],
    "date": ["purchase_date"],
    "amount": ["amount"],
    "facts": ["facts"],
    "demand": ["demand", "demand_detail"],
    "violation": ["violation_type"],
    "anonymous": ["anonymous"],
}
FIELD_NAMES = {
    "merchant": "商家",
    "operator_place": "经营地址或网店链接",
    "operator_goods": "经营的商品",
    "place": "购买地点",
    "product": "商品或服务",
    "category": "类别",
    "brand": "品牌",
    "date": "购买日期",
    "amount": "金额",
    "facts": "经过",
    "demand": "诉求",
    "violation": "违法类型",
    "anonymous": "是否匿名",
}
SLOT_FIELD = {slot: field for field, slots in FIELD_SLOTS.items() for slot in slots[:1]}
WORK_ORDER_SLOTS = sorted({slot for slots in FIELD_SLOTS.values() for slot in slots} | {"confirmed"})

# The mediation service's demands, and the words people use for them (first match wins).
DEMAND_WORDS = (
    ("refund", ("退款", "退钱", "退货", "退费", "退卡", "退回", "refund", "money back")),
    ("replacement", ("换货", "换一", "换个", "换新", "调换", "replace", "exchange")),
    ("repair", ("维修", "修好", "修理", "返修", "repair", "fix")),
    ("compensation", ("赔偿", "赔钱", "赔付", "退一赔三", "补偿", "compensat")),
)
DEMAND_NAMES = {"refund": "退款", "replacement": "换货", "repair": "维修", "compensation": "赔偿", "other": "其他"}
# The same words on the English chat page.
FIELD_NAMES_EN = {
    "merchant": "the business",
    "operator_place": "its address or shop link",
    "operator_goods": "what it sells",
    "place": "the place of purchase",
    "product": "the goods or service",
    "category": "the category",
    "brand": "the brand",
    "date": "the purchase date",
    "amount": "the amount",
    "facts": "what happened",
    "demand": "what you want",
    "violation": "the kind of violation",
    "anonymous": "anonymity",
}
DEMAND_NAMES_EN = {
    "refund": "refund",
    "replacement": "replacement",
    "repair": "repair",
    "compensation": "compensation",
    "other": "other",
}


def track_slots(tracker: Tracker) -> list[str]:
    """The questions of the order's track; a report against an operator without a licence asks
    where it operates and what it sells instead of a registry entry."""
    track = tracker.get_slot("case_track") or "complaint"
    if track == "report" and tracker.get_slot("merchant_unlicensed"):
        return UNLICENSED_REPORT_SLOTS
    return TRACK_SLOTS[track]


_LINK = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:/[\w\-.~:/?#@!$&'()*+=%]*)?", re.IGNORECASE | re.ASCII)


def operator_place_answer(text: str) -> tuple[str, str]:
    """(address, shop link) from one answer: a web link in it is the shop's link (https:// added if
    left out), the rest, if it says anything, the address ("https://weidian.com/s/1 在杭州市西湖区")."""
    link_match = _LINK.search(text)
    link = ""
    if link_match:
        link = link_match.group(0)
        if not link.lower().startswith(("http://", "https://")):
            link = "https://" + link
        text = text[: link_match.start()] + " " + text[link_match.end() :]
    address = re.sub(r"^[\s，。,；;:：]*(?:在|地址是|地址|位于)?", "", text).strip(" ，。,；;")
    return address[:300], link[:500]


def field_name(field: str, tracker: Tracker) -> str:
    return (FIELD_NAMES_EN if language_of(tracker) == ENGLISH else FIELD_NAMES)[field]


CONFIRM_WORDS = ("确认", "提交", "没问题", "对的", "是的", "可以", "好的", "confirm", "submit", "yes")
ANONYMOUS_WORDS = ("匿名", "不留名", "不实名", "anonymous")
NAMED_WORDS = ("实名", "不匿名", "不用匿名", "留名", "named", "not anonymous")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}", re.IGNORECASE)
_MERCHANT_FILLER = re.compile(r"^(?:商家|商户|店铺|店名|公司|卖家|名字|名称|全称)?(?:是|叫|为|名叫)?[:：\s]*")
_ORDINAL = re.compile(r"^(?:第)?\s*([1-9一二三四五])\s*(?:个|家|项)?$")


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def purchase_date_answer(text: str, *, today: datetime.date) -> tuple[str | None, str | None]:
    """(the day as YYYY-MM-DD, None); (the day, a notice to give with it); or (None, the response
    that says what is wrong)."""
    day = parse_date(text, today=today)
    if day is None:
        return None, "utter_purchase_date_not_understood"
    if day > today:
        return None, "utter_purchase_date_in_future"
    if day < _years_before(today, COMPLAINT_LIMITATION_YEARS):
        return day.isoformat(), "utter_purchase_date_over_three_years"
    return day.isoformat(), None


def amount_answer(text: str) -> tuple[str | None, str | None]:
    """(the amount in yuan as a decimal string, None) or (None, the response that says what is wrong)."""
    amount = parse_amount(text)
    if amount is None:
        return None, "utter_amount_not_understood"
    if amount <= 0 or amount >= LARGEST_AMOUNT:
        return None, "utter_amount_out_of_range"
    return str(amount), None


def demand_answer(text: str) -> str | None:
    lowered = text.lower()
    for demand, words in DEMAND_WORDS:
        if any(word in lowered for word in words):
            return demand
    return "other" if lowered.strip() else None


def anonymous_answer(text: str) -> bool | None:
    lowered = text.lower()
    if any(word in lowered for word in NAMED_WORDS):
        return False
    if any(word in lowered for word in ANONYMOUS_WORDS):
        return True
    return None


def merchant_query(text: str) -> str:
    """What to look up in the registry: the credit code if one was given, else the name without
    the words around it ("商家是杭州星辰电器。" → 杭州星辰电器)."""
    code = _CREDIT_CODE.search(text)
    if code:
        return code.group(0).upper()
    return _MERCHANT_FILLER.sub("", text.strip()).strip(" 。.!！,，")[:100]


def merchant_queries(answer: str, names_found: list[Any]) -> list[str]:
    """What to look up, best first: the whole answer without the words around it, then each
    merchant name the NLU found in it, longest first. The whole answer comes first because the NLU
    may cut a full registered name into pieces (杭州 / 金太阳超市 / 有限公司), and a piece alone finds
    nothing or the wrong business; a name within a longer sentence ("是在星辰电器买的") is found by
    the NLU's piece."""
    pieces = sorted((str(name) for name in names_found if name), key=len, reverse=True)
    return list(dict.fromkeys(query for query in map(merchant_query, [answer, *pieces]) if query))


# A name shorter than this inside a sentence is more likely a piece of a longer one (星辰 in 星辰电器).
MIN_NAME_IN_TEXT = 4


def exact_matches(query: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the person named exactly: the business whose credit code they gave, or whose whole
    registered name they wrote (alone or in a sentence); of nested names (星辰电器 and
    杭州星辰电器有限公司) the longest, and every business registered under that very name. Empty
    when they named none exactly."""
    by_code = [entity for entity in found if entity.get("uscc") and entity["uscc"] == query.upper()]
    if by_code:
        return by_code[:1]
    written = [
        entity
        for entity in found
        if entity["name"] == query or (len(entity["name"]) >= MIN_NAME_IN_TEXT and entity["name"] in query)
    ]
    longest = max((len(entity["name"]) for entity in written), default=0)
    return [entity for entity in written if len(entity["name"]) == longest]


def pick_choice(choices: list[dict[str, Any]], text: str, chosen_id: Any) -> dict[str, Any] | None:
    """The offered merchant the person picked: by its button, its number in the list, or its name."""
    if chosen_id is not None:
        return next((choice for choice in choices if str(choice["id"]) == str(chosen_id)), None)
    ordinal = _ORDINAL.match(text.strip())
    if ordinal:
        index = "一二三四五".find(ordinal.group(1)) + 1 or int(ordinal.group(1))
        return choices[index - 1] if index <= len(choices) else None
    named = [choice for choice in choices if choice["name"] in text or text.strip() == choice["name"]]
    return named[0] if len(named) == 1 else None


def china_today() -> datetime.date:
    """The consumer's today: "yesterday" is their yesterday."""
    return datetime.datetime.now(CHINA).date()


def _entities(tracker: Tracker, name: str) -> list[Any]:
    """The values of the latest message's entities of this name, in order."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return [entity.get("value") for entity in entities if entity.get("entity") == name]


def _entity(tracker: Tracker, name: str) -> Any:
    return next(iter(_entities(tracker, name)), None)


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _text(tracker: Tracker, value: Any) -> str:
    """The answer as typed (a button's payload is not an answer in words)."""
    text = str(value or "")
    return "" if text.startswith("/") else text.strip()


def _checked(slot: str, answer: tuple[str | None, str | None], dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """Fill `slot` with the checked value, or empty it (the form asks again); say what is wrong, or
    what the person should know about the value kept."""
    value, problem = answer
    if problem:
        dispatcher.utter_message(response=problem)
    return {slot: value}


def _skipped(slot: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any] | None:
    """The answer when the person skipped the question: empty for an optional one; for a required
    one they are told it cannot be skipped. None when they did not skip."""
    if _intent(tracker) != "skip":
        return None
    if slot in SKIPPABLE:
        return {slot: SKIPPED}
    dispatcher.utter_message(response="utter_cannot_skip")
    return {slot: None}


class ValidateWorkOrderForm(FormValidationAction):
    def __init__(self, api: MediationApi | None = None):
        self.api = api or MediationApi()

    def name(self) -> str:
        return "validate_work_order_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if (tracker.get_slot("case_track") or "") not in TRACK_SLOTS:
            return domain_slots
        return track_slots(tracker)

    async def validate_merchant(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        not_found = tracker.get_slot("merchant_not_found")
        if _entity(tracker, "unlicensed") == "yes" and not_found and tracker.get_slot("case_track") == "report":
            return self._operator_without_licence(not_found, tracker, dispatcher)
        choices = tracker.get_slot("merchant_choices") or []
        text = _text(tracker, value)
        if choices:
            picked = pick_choice(choices, text, _entity(tracker, "merchant_id"))
            if picked:
                return self._merchant_found(picked, dispatcher)
            if not text:
                return {"merchant": None}
        answer = _text(tracker, (tracker.latest_message or {}).get("text")) or text
        # A merchant the first message named is checked when the form starts: the latest message
        # is then the whole story, and the name read out of it is the value.
        named = [*_entities(tracker, "merchant"), *([text] if text and text != answer else [])]
        queries = merchant_queries(answer, named)
        if not queries:
            return {"merchant": None, "merchant_choices": None}
        # The place the person named, else any city in their words (杭州的星辰电器): a name
        # looked up alone keeps where it was said to be.
        near = " ".join(
            str(place) for place in [*_entities(tracker, "place"), tracker.get_slot("purchase_place"), answer] if place
        )
        try:
            query, found = await self._search_registry(queries, near=near)
        except MediationUnavailable:
            dispatcher.utter_message(response="utter_registry_unavailable")
            return {"merchant": None}
        exact = exact_matches(query, found)
        if len(exact) == 1 or len(found) == 1:
            return self._merchant_found((exact or found)[0], dispatcher)
        if not found:
            return {"merchant": None, "merchant_choices": None, "merchant_not_found": query}
        # Several businesses registered under the very name the person wrote: offer those.
        found = exact or found
        offered = [
            {
                "id": entity["id"],
                "name": entity["name"],
                "where": (entity.get("business_region") or {}).get("name") or "",
            }
            for entity in found
        ]
        return {"merchant": None, "merchant_choices": offered, "merchant_not_found": None}

    async def _search_registry(self, queries: list[str], *, near: str = "") -> tuple[str, list[dict[str, Any]]]:
        """The first query the registry knows exactly (by name or credit code, or a registered
        name written whole in it), else the first that finds anything, with what it found."""
        first_found: tuple[str, list[dict[str, Any]]] = (queries[0], [])
        for query in queries:
            found = await self.api.search_entities(query, limit=5, near=near)
            if exact_matches(query, found):
                return query, found
            if found and not first_found[1]:
                first_found = (query, found)
        return first_found

    @staticmethod
    def _operator_without_licence(name: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """The person reports the business not found as an operator without a licence, by the name
        they gave; the violation is 无照经营 unless they already said another."""
        dispatcher.utter_message(response="utter_merchant_unlicensed", merchant=name)
        return {
            "merchant": name[:200],
            "merchant_id": None,
            "merchant_choices": None,
            "merchant_not_found": None,
            "merchant_unlicensed": True,
            "violation_type": tracker.get_slot("violation_type") or "unlicensed",
        }

    def validate_operator_place(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        address, link = operator_place_answer(_text(tracker, value))
        if not address and not link:
            dispatcher.utter_message(response="utter_operator_place_needed")
            return {"operator_place": None}
        return {"operator_place": _text(tracker, value)[:800]}

    def validate_operator_goods(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        skipped = _skipped("operator_goods", tracker, dispatcher)
        if skipped is not None:
            return skipped
        return {"operator_goods": _text(tracker, _entity(tracker, "product") or value)[:200] or None}

    @staticmethod
    def _merchant_found(entity: dict[str, Any], dispatcher: CollectingDispatcher) -> dict[str, Any]:
        dispatcher.utter_message(response="utter_merchant_found", merchant=entity["name"])
        return {
            "merchant": entity["name"],
            "merchant_id": entity["id"],
            "merchant_choices": None,
            "merchant_not_found": None,
        }

    def validate_purchase_place(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return _skipped("purchase_place", tracker, dispatcher) or {
            "purchase_place": _text(tracker, value)[:300] or None
        }

    def validate_product(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        product = _text(tracker, _entity(tracker, "product") or value)[:100]
        if not product:
            return {"product": None}
        filled = {"product": product}
        if not tracker.get_slot("category") and category_of(product):
            filled["category"] = category_of(product)
        return filled

    def validate_category(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        code = _entity(tracker, "category")
        known = {known for known, _name, _words in CATEGORIES}
        if code not in known:
            code = category_of(_text(tracker, value))
        return {"category": code}

    def validate_brand(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return _skipped("brand", tracker, dispatcher) or {
            "brand": _text(tracker, _entity(tracker, "brand") or value)[:100] or None
        }

    def validate_purchase_date(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        skipped = _skipped("purchase_date", tracker, dispatcher)
        if skipped is not None:
            return skipped
        return _checked("purchase_date", purchase_date_answer(str(value or ""), today=china_today()), dispatcher)

    def validate_amount(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        skipped = _skipped("amount", tracker, dispatcher)
        if skipped is not None:
            return skipped
        return _checked("amount", amount_answer(str(value or "")), dispatcher)

    def validate_facts(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        skipped = _skipped("facts", tracker, dispatcher)
        if skipped is not None:
            return skipped
        facts = _text(tracker, value)
        if len(facts) < SHORTEST_FACTS:
            dispatcher.utter_message(response="utter_facts_too_short")
            return {"facts": None}
        return {"facts": facts, **self._read_off_facts(facts, tracker)}

    @staticmethod
    def _read_off_facts(facts: str, tracker: Tracker) -> dict[str, Any]:
        """What the account of the facts already says: the demand ("要退款") and the violation
        ("卖假货"), so that the form does not ask for them."""
        track = tracker.get_slot("case_track") or ""
        read: dict[str, Any] = {}
        demand = demand_answer(facts)
        if "complaint" in track and tracker.get_slot("demand") is None and demand not in (None, "other"):
            read.update(demand=demand, demand_detail=facts[:2000])
        if "report" in track and tracker.get_slot("violation_type") is None and violation_of(facts):
            read["violation_type"] = violation_of(facts)
        return read

    def validate_demand(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = _text(tracker, value)
        demand = demand_answer(text)
        if demand is None:
            return {"demand": None}
        return {"demand": demand, "demand_detail": text[:2000]}

    def validate_violation_type(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        code = _entity(tracker, "violation")
        if code not in {known for known, _name, _words in VIOLATIONS}:
            code = violation_of(_text(tracker, value))
        return {"violation_type": code}

    def validate_anonymous(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        chosen = _entity(tracker, "anonymous")
        if chosen in ("yes", "no"):
            return {"anonymous": chosen == "yes"}
        return {"anonymous": anonymous_answer(_text(tracker, value))}

    def validate_confirmed(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        intent, text = _intent(tracker), _text(tracker, value).lower()
        if intent == "affirm" or any(word in text for word in CONFIRM_WORDS):
            return {"confirmed": True}
        return {"confirmed": None}


def _button(title: str, intent: str, **entities: Any) -> dict[str, str]:
    return {"title": title, "payload": f"/{intent}{json.dumps(entities, ensure_ascii=False) if entities else ''}"}


class ActionAskMerchant(Action):
    """Asks for the merchant: the plain question, the choices when several match, or what to give
    when nothing matched."""

    def name(self) -> str:
        return "action_ask_merchant"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        choices = tracker.get_slot("merchant_choices") or []
        if choices:
            buttons = [
                _button(
                    f"{choice['name']}（{choice['where']}）" if choice["where"] else choice["name"],
                    "inform",
                    merchant_id=str(choice["id"]),
                )
                for choice in choices
            ]
            dispatcher.utter_message(response="utter_merchant_choices", buttons=buttons)
        elif tracker.get_slot("merchant_not_found") and tracker.get_slot("case_track") == "report":
            # Not in the registry: perhaps it has no licence at all, which is itself reported (无照经营).
            button = _button(
                in_language(tracker, "按无照经营举报", "Report it as an operator without a licence"),
                "inform",
                unlicensed="yes",
            )
            dispatcher.utter_message(response="utter_merchant_not_found_unlicensed", buttons=[button])
        elif tracker.get_slot("merchant_not_found"):
            dispatcher.utter_message(response="utter_merchant_not_found")
        else:
            dispatcher.utter_message(response="utter_merchant_question")
        return []


class ActionAskCategory(Action):
    def name(self) -> str:
        return "action_ask_category"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        language = language_of(tracker)
        buttons = [
            _button(category_name(code, language), "inform", category=code) for code, _name, _words in CATEGORIES
        ]
        dispatcher.utter_message(response="utter_category_question", buttons=buttons)
        return []


class ActionAskViolationType(Action):
    def name(self) -> str:
        return "action_ask_violation_type"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        language = language_of(tracker)
        buttons = [
            _button(violation_name(code, language), "inform", violation=code) for code, _name, _words in VIOLATIONS
        ]
        dispatcher.utter_message(response="utter_violation_type_question", buttons=buttons)
        return []


class ActionAskAnonymous(Action):
    def name(self) -> str:
        return "action_ask_anonymous"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        buttons = [
            _button(in_language(tracker, "匿名举报", "Anonymous report"), "inform", anonymous="yes"),
            _button(in_language(tracker, "实名举报", "Real-name report"), "inform", anonymous="no"),
        ]
        dispatcher.utter_message(response="utter_anonymous_question", buttons=buttons)
        return []


def work_order_answers(tracker: Tracker, *, language: str | None = None) -> list[tuple[str, str | None]]:
    """The order's answers as (name, value) in the order asked, in the person's words and the page's
    language (or `language`); None for an answer not given (yet, or skipped)."""
    track = tracker.get_slot("case_track") or "complaint"
    language = language or language_of(tracker)
    english = language == ENGLISH
    slots = {
        "merchant": "merchant",
        "place": "purchase_place",
        "product": "product",
        "category": "category",
        "brand": "brand",
        "date": "purchase_date",
        "amount": "amount",
        "facts": "facts",
        "demand": "demand",
        "violation": "violation_type",
        "anonymous": "anonymous",
        "operator_place": "operator_place",
        "operator_goods": "operator_goods",
    }
    fields = [SLOT_FIELD[slot] for slot in track_slots(tracker) if slot in SLOT_FIELD]
    answers = []
    for field in fields:
        value = tracker.get_slot(slots[field])
        shown = work_order_value(field, value, language) if value not in (None, SKIPPED) else None
        if field == "merchant" and shown and tracker.get_slot("merchant_unlicensed"):
            shown += " (not in the registry, no licence)" if english else "（未登记，无照经营）"
        answers.append(((FIELD_NAMES_EN if english else FIELD_NAMES)[field], shown or None))
    if track in ("report", "complaint_and_report"):
        answers.append(("Reporting" if english else "举报方式", REAL_NAME_REPORT_EN if english else REAL_NAME_REPORT))
    return answers


def work_order_value(field: str, value: Any, language: str) -> str:
    """One answer as the summary shows it, in `language`."""
    english = language == ENGLISH
    if field == "amount":
        return f"{value} yuan" if language == ENGLISH else f"{value}元"
    if field == "category":
        return category_name(value or "", language)
    if field == "violation":
        return violation_name(value or "", language)
    if field == "demand":
        return (DEMAND_NAMES_EN if language == ENGLISH else DEMAND_NAMES).get(value or "", "")
    if field == "anonymous":
        return {True: "anonymous" if english else "匿名", False: "real name" if english else "实名"}.get(value, "")
    return str(value)


def work_order_summary(tracker: Tracker) -> str:
    """The order as it will be filed, one line per answer, in the person's words."""
    if language_of(tracker) == ENGLISH:
        return "\n".join(
            f"{name.capitalize()}: {value or '(not given)'}" for name, value in work_order_answers(tracker)
        )
    return "\n".join(f"{name}：{value if value else '（未填）'}" for name, value in work_order_answers(tracker))


def correction_buttons(tracker: Tracker) -> list[dict[str, str]]:
    fields = [SLOT_FIELD[slot] for slot in track_slots(tracker) if slot in SLOT_FIELD]
    if language_of(tracker) == ENGLISH:
        return [_button(f"Change {field_name(field, tracker)}", "correct", field=field) for field in fields]
    return [_button(f"改{FIELD_NAMES[field]}", "correct", field=field) for field in fields]


class ActionAskConfirmed(Action):
    """The summary to confirm; after a "no", which answer to change."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        if _intent(tracker) == "deny":
            dispatcher.utter_message(response="utter_ask_which_correction", buttons=correction_buttons(tracker))
            return []
        buttons = [
            _button(in_language(tracker, "确认提交", "Confirm and submit"), "affirm"),
            _button(in_language(tracker, "修改", "Change something"), "deny"),
            _button(in_language(tracker, "取消", "Cancel"), "cancel"),
        ]
        dispatcher.utter_message(
            response="utter_confirm_question", summary=work_order_summary(tracker), buttons=buttons
        )
        return []


# The form's questions whose answers can be recognised for certain by their shape.
ANSWER_SHAPES = {
    "purchase_date": lambda text, today: purchase_date_answer(text, today=today)[0],
    "amount": lambda text, today: amount_answer(text)[0],
}


def _answer_to_the_question(tracker: Tracker) -> EventType | None:
    """A message taken for a correction that names no answer to change, but is a valid answer to
    the question the form is asking ("2026年11月21日" when asked the date): it is that answer."""
    requested = tracker.get_slot("requested_slot")
    if requested not in ANSWER_SHAPES:
        return None
    value = ANSWER_SHAPES[requested]((tracker.latest_message or {}).get("text") or "", china_today())
    return SlotSet(requested, value) if value else None


# The answers a correction may carry in its own words, by the entity that carries the new value
# ("不是冰箱，是洗衣机": product). The merchant is not among them: a new merchant is checked against the
# registry, so the form asks for it again.
CORRECTED_BY_ENTITY = {"product": "product", "brand": "brand", "place": "place", "amount": "amount", "date": "date"}
_DENIED = re.compile(r"(?:不是|并非|而不是|不是在)\s*$")


def _new_value(tracker: Tracker, entity_name: str) -> str | None:
    """The new value a correction gives: of the entities of this kind, the last one that is not
    the old value being denied ("不是冰箱" names the old product, "是洗衣机" the new)."""
    text = (tracker.latest_message or {}).get("text") or ""
    entities = (tracker.latest_message or {}).get("entities") or []
    values = [
        str(entity["value"])
        for entity in entities
        if entity.get("entity") == entity_name
        and entity.get("value")
        and not (isinstance(entity.get("start"), int) and _DENIED.search(text[: entity["start"]]))
    ]
    return values[-1] if values else None


def _corrected_fields(tracker: Tracker) -> list[str]:
    """The answers a correction names ("金额写错了"), and those whose new value it gives without
    naming them ("不是冰箱，是洗衣机"), in order."""
    named = [value for value in _entities(tracker, "field") if value in FIELD_SLOTS]
    given = [field for entity, field in CORRECTED_BY_ENTITY.items() if _new_value(tracker, entity)]
    return list(dict.fromkeys([*named, *given]))


class ActionCorrect(Action):
    """ "金额写错了，是3000", "不是冰箱，是洗衣机" and the like: takes the new value when the message
    carries one that can be checked here, else empties the answer so that the form asks again; and
    says which it did."""

    def name(self) -> str:
        return "action_correct"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        fields = _corrected_fields(tracker)
        if not fields:
            answer = _answer_to_the_question(tracker)
            if answer is not None:
                return [answer]
            dispatcher.utter_message(response="utter_ask_which_correction", buttons=correction_buttons(tracker))
            return [SlotSet("confirmed", None)]
        events = [SlotSet("confirmed", None)]
        for field in fields:
            events += [SlotSet(slot, None) for slot in FIELD_SLOTS[field]]
            taken = self._take(field, tracker, dispatcher)
            events += [SlotSet(slot, value) for slot, value in taken.items()]
            if taken:
                shown = work_order_value(field, taken[FIELD_SLOTS[field][0]], language_of(tracker))
                dispatcher.utter_message(
                    response="utter_correction_applied", field=field_name(field, tracker), value=shown
                )
            else:
                dispatcher.utter_message(response="utter_correction_will_ask", field=field_name(field, tracker))
        return events

    @staticmethod
    def _take(field: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """The checked new value of `field` the message carries, as slots; empty when there is none."""
        entity = next((name for name, corrected in CORRECTED_BY_ENTITY.items() if corrected == field), None)
        given = _new_value(tracker, entity) if entity else None
        if not given:
            return {}
        if field == "amount":
            value, _problem = amount_answer(given)
            return {"amount": value} if value else {}
        if field == "date":
            value, notice = purchase_date_answer(given, today=china_today())
            if value and notice:
                dispatcher.utter_message(response=notice)
            return {"purchase_date": value} if value else {}
        if field == "product":
            # A new product may be of another category: read it off the name, else the form asks.
            taken = {"product": given[:100]}
            if category_of(given):
                taken["category"] = category_of(given)
            return taken
        if field == "brand":
            return {"brand": given[:100]}
        return {"purchase_place": given[:300]}


def work_order_reset() -> list[EventType]:
    return [SlotSet(slot, None) for slot in WORK_ORDER_SLOTS] + [SlotSet("case_track", None)]


class ActionCancelWorkOrder(Action):
    def name(self) -> str:
        return "action_cancel_work_order"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        dispatcher.utter_message(response="utter_work_order_cancelled")
        return work_order_reset()
