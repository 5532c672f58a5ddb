import datetime

import pytest
from actions.complaint_form import ValidateComplaintForm, amount_answer, demand_answer, purchase_date_answer
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TODAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    "text, answer",
    [
        ("上周三", ("2026-11-25", None)),
        ("双十一那天", ("2026-11-11", None)),
        ("2027年1月3日", (None, "utter_purchase_date_in_future")),
        ("2022年6月1日", (None, "utter_purchase_date_too_old")),
        ("不记得了", (None, "utter_purchase_date_not_understood")),
    ],
)
def test_the_purchase_date_is_a_day_in_the_last_three_years(text, answer):
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
    tracker = Tracker("u1", {}, {"text": "2099年1月1日"}, [], False, None, {"name": "complaint_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    form = ValidateComplaintForm()
    result = form.validate_purchase_date("2099年1月1日", dispatcher, tracker, {})
    assert result == {"purchase_date": None}  # None: the form asks for it again
    assert [message["response"] for message in dispatcher.messages] == ["utter_purchase_date_in_future"]
