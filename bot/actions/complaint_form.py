"""Checking the answers of the complaint form as they come in: each answer is made exact (a day, an
amount in yuan, one of the demands the mediation service knows) or the person is told exactly what
is wrong and asked again. The form itself is declared in domain/complaint.yml."""

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.normalize import parse_amount, parse_date

COMPLAINT_TIME_LIMIT_DAYS = 3 * 365  # a complaint more than three years after the harm is not accepted
LARGEST_AMOUNT = Decimal("100000000")
CHINA = ZoneInfo("Asia/Shanghai")  # "yesterday" is the consumer's yesterday

# The mediation service's demands, and the words people use for them (first match wins).
DEMAND_WORDS = (
    ("refund", ("退款", "退钱", "退货", "退费", "退卡", "退回", "refund", "money back")),
    ("replacement", ("换货", "换一", "换个", "换新", "调换", "replace", "exchange")),
    ("repair", ("维修", "修好", "修理", "返修", "repair", "fix")),
    ("compensation", ("赔偿", "赔钱", "赔付", "退一赔三", "补偿", "compensat")),
)


def purchase_date_answer(text: str, *, today: datetime.date) -> tuple[str | None, str | None]:
    """(the day as YYYY-MM-DD, None) or (None, the response that says what is wrong)."""
    day = parse_date(text, today=today)
    if day is None:
        return None, "utter_purchase_date_not_understood"
    if day > today:
        return None, "utter_purchase_date_in_future"
    if (today - day).days > COMPLAINT_TIME_LIMIT_DAYS:
        return None, "utter_purchase_date_too_old"
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


def _checked(slot: str, answer: tuple[str | None, str | None], dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """Fill `slot` with the checked value, or empty it (the form asks again) and say what is wrong."""
    value, problem = answer
    if problem:
        dispatcher.utter_message(response=problem)
    return {slot: value}


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    @staticmethod
    def _today() -> datetime.date:
        return datetime.datetime.now(CHINA).date()

    def validate_purchase_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        return _checked("purchase_date", purchase_date_answer(str(value or ""), today=self._today()), dispatcher)

    def validate_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        return _checked("amount", amount_answer(str(value or "")), dispatcher)

    def validate_demand(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        demand = demand_answer(str(value or ""))
        return _checked("demand", (demand, None if demand else "utter_ask_demand"), dispatcher)
