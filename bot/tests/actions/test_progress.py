from actions.progress import case_line, case_number_in
from rasa_sdk import Tracker


def tracker(text, entities=()):
    return Tracker("user-1", {}, {"text": text, "entities": list(entities)}, [], False, None, {}, "action_listen")


def test_the_case_number_is_taken_from_the_entity_or_the_text_as_the_service_writes_it():
    entity = [{"entity": "case_number", "value": "ts20261201000001"}]
    assert case_number_in(tracker("ts20261201000001进度", entity)) == "TS20261201000001"
    assert case_number_in(tracker("帮我查下 jb20261130000042 到哪了")) == "JB20261130000042"
    assert case_number_in(tracker("我的投诉处理到哪了")) is None
    assert case_number_in(tracker("C2026101200031")) is None  # not a number the service gives


def test_a_listed_case_shows_its_status_and_deadline():
    case = {"number": "TS20261201000001", "entity": "杭州星辰电器西湖店有限公司", "status_display": "待受理"}
    assert case_line({**case, "next_due": "2026-12-08"}) == (
        "TS20261201000001（杭州星辰电器西湖店有限公司）：待受理，期限 2026年12月8日"
    )
    assert case_line({**case, "next_due": None}) == "TS20261201000001（杭州星辰电器西湖店有限公司）：待受理"
