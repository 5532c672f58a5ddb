"""Asking for the latest consumer warnings: the newest three, each with its page; a clear answer
when there is none and when the service cannot be reached. The API they come from is tested in
tests/mediation/web/test_consumer_warnings.py."""

import asyncio

from actions.consumer_warnings import ActionConsumerWarnings
from actions.mediation_api import MediationUnavailable
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


class PublishedWarnings:
    def __init__(self, outcome):
        self.outcome = outcome

    async def consumer_warnings(self, *, region=""):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def run(outcome):
    dispatcher = CollectingDispatcher()
    conversation = Tracker("user-1", {}, {"text": "最近有什么消费提醒"}, [], False, None, {}, "action_listen")
    asyncio.run(ActionConsumerWarnings(api=PublishedWarnings(outcome)).run(dispatcher, conversation, {}))
    return dispatcher.messages


def warning(number):
    return {
        "title": f"提醒{number}",
        "authority": "杭州市西湖区市场监督管理局",
        "published_at": f"2026-12-0{number}T09:00:00+08:00",
        "url": f"/alerts/{number}/",
    }


def test_the_newest_three_warnings_are_listed_with_their_pages():
    (message,) = run([warning(4), warning(3), warning(2), warning(1)])
    assert message["response"] == "utter_consumer_warnings"
    lines = message["warnings"].splitlines()
    assert lines == [
        "· 提醒4（杭州市西湖区市场监督管理局，2026-12-04）/alerts/4/",
        "· 提醒3（杭州市西湖区市场监督管理局，2026-12-03）/alerts/3/",
        "· 提醒2（杭州市西湖区市场监督管理局，2026-12-02）/alerts/2/",
    ]


def test_no_warning_and_an_unreachable_service_each_get_their_own_answer():
    assert [m["response"] for m in run([])] == ["utter_no_consumer_warnings"]
    assert [m["response"] for m in run(MediationUnavailable("down"))] == ["utter_consumer_warnings_unavailable"]
