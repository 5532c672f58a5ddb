"""Filing the confirmed work order through the mediation API, on the consumer's behalf, and handing
the person off to their case.

The web chat bridge (channels_app/bot_chat.py) sends the signed-in consumer's id and the grant of
their chat with every message as metadata; the action server files with the bot's service token
and that grant, naming that consumer. A mixed order becomes two linked cases in one request. After filing, the person is told the case number,
the handling authority and the date by which it decides on acceptance, and the client gets a
structured `handoff` payload to open the case page (and, for a complaint, its mediation room).
If the service refuses an answer, the form asks that question again; if it cannot be reached,
nothing is lost: the answers stay and the person confirms again later."""

import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import language_of
from actions.mediation_api import FilingRefused, MediationApi, MediationUnavailable, chat_person
from actions.work_order import operator_place_answer, work_order_reset

# The service's field names, and the form's slot that answers each.
FIELD_TO_SLOT = {
    "entity": "merchant",
    "place_of_purchase": "purchase_place",
    "category": "category",
    "brand": "brand",
    "purchase_date": "purchase_date",
    "amount": "amount",
    "facts": "facts",
    "demand": "demand",
    "violation_type": "violation_type",
    # An operator without a licence (无照经营): the service's "operator" part, and the county of its
    # conduct, which its address names.
    "name": "merchant",
    "address": "operator_place",
    "shop_link": "operator_place",
    "goods": "operator_goods",
    "conduct_region": "operator_place",
}


def _or_none(value: Any) -> Any:
    return value if value not in ("", None) else None


def complaint_payload(tracker: Tracker, consumer: int) -> dict[str, Any]:
    return {
        "consumer": consumer,
        "entity": tracker.get_slot("merchant_id"),
        "place_of_purchase": tracker.get_slot("purchase_place") or "",
        "category": tracker.get_slot("category"),
        "brand": tracker.get_slot("brand") or "",
        "purchase_date": _or_none(tracker.get_slot("purchase_date")),
        "amount": _or_none(tracker.get_slot("amount")),
        "facts": tracker.get_slot("facts"),
        "demand": tracker.get_slot("demand"),
        "demand_detail": tracker.get_slot("demand_detail") or "",
    }


def report_payload(tracker: Tracker, consumer: int) -> dict[str, Any]:
    if tracker.get_slot("merchant_unlicensed"):
        address, shop_link = operator_place_answer(tracker.get_slot("operator_place") or "")
        return {
            "consumer": consumer,
            "operator": {
                "name": tracker.get_slot("merchant"),
                "address": address,
                "shop_link": shop_link,
                "goods": tracker.get_slot("operator_goods") or "",
            },
            "facts": tracker.get_slot("facts"),
            "violation_type": tracker.get_slot("violation_type") or "unlicensed",
            "is_anonymous": False,  # online reports are real-name
            "category": tracker.get_slot("category") or "",
        }
    return {
        "consumer": consumer,
        "entity": tracker.get_slot("merchant_id"),
        "facts": tracker.get_slot("facts"),
        "violation_type": tracker.get_slot("violation_type"),
        "is_anonymous": False,  # online reports are real-name
        "category": tracker.get_slot("category") or "",
    }


def filing_request(tracker: Tracker, consumer: int) -> tuple[str, dict[str, Any]]:
    """The API path and body for the order's track."""
    track = tracker.get_slot("case_track")
    if track == "report":
        return "/api/reports/", report_payload(tracker, consumer)
    if track == "complaint_and_report":
        return "/api/mixed-submissions/", {
            "complaint": complaint_payload(tracker, consumer),
            "report": report_payload(tracker, consumer),
        }
    return "/api/complaints/", complaint_payload(tracker, consumer)


def refused_slots(errors: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The slots to ask again and the service's messages, from its field errors (nested for the
    two parts of a mixed filing)."""
    slots, messages = [], []
    for field, detail in errors.items():
        if isinstance(detail, dict):
            nested_slots, nested_messages = refused_slots(detail)
            slots += nested_slots
            messages += nested_messages
            continue
        messages += [str(message) for message in (detail if isinstance(detail, list) else [detail])]
        if field in FIELD_TO_SLOT:
            slots.append(FIELD_TO_SLOT[field])
    return sorted(set(slots)), messages


MONTHS_EN = "January February March April May June July August September October November December".split()


def day_in_words(iso_day: str | None, language: str = "zh-hans") -> str:
    if not iso_day:
        return ""
    day = datetime.date.fromisoformat(iso_day)
    if language == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def handoff_case(case: dict[str, Any]) -> dict[str, Any]:
    """What the web client needs to take the person to the case."""
    number = case["number"]
    handoff = {
        "number": number,
        "kind": case["kind"],
        "status": case["status"],
        "handling_authority": (case.get("handling_authority") or {}).get("name"),
        "next_due": case.get("next_due"),
        "case_url": f"/cases/{number}/",
        "api_url": f"/api/cases/{number}/",
    }
    if case["kind"] == "complaint":
        handoff["room_url"] = f"/ws/rooms/{number}/"  # open once the authority starts mediation
    return handoff


class ActionFileCase(Action):
    def __init__(self, api: MediationApi | None = None):
        self.api = api or MediationApi()

    def name(self) -> str:
        return "action_file_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        person = chat_person(tracker)
        if person is None:
            dispatcher.utter_message(response="utter_sign_in_to_file")
            return [SlotSet("confirmed", None)]
        path, payload = filing_request(tracker, person.consumer)
        try:
            filed = await self.api.file(path, payload, person)
        except FilingRefused as refused:
            slots, messages = refused_slots(refused.errors)
            dispatcher.utter_message(response="utter_filing_refused", problems="；".join(messages))
            return [SlotSet(slot, None) for slot in [*slots, "confirmed"]] + [FollowupAction("work_order_form")]
        except MediationUnavailable:
            dispatcher.utter_message(response="utter_filing_unavailable")
            return [SlotSet("confirmed", None), FollowupAction("work_order_form")]
        cases = [filed["complaint"], filed["report"]] if "complaint" in filed and "report" in filed else [filed]
        for case in cases:
            dispatcher.utter_message(
                response=f"utter_filed_{case['kind']}",
                number=case["number"],
                authority=(case.get("handling_authority") or {}).get("name") or "",
                due=day_in_words(case.get("next_due"), language_of(tracker)),
            )
        dispatcher.utter_message(
            json_message={"handoff": {"to": "case", "cases": [handoff_case(case) for case in cases]}}
        )
        return [*work_order_reset(), SlotSet("filed_cases", [case["number"] for case in cases])]
