"""Asking for a person: what the official is told, and what the person gets when the chat opens,
when nobody is on duty, when they are not signed in and when the service cannot be reached. The
whole path through the real service and Rasa is in tests/e2e/test_bot_chat.py."""

import asyncio

from actions.human import ActionTalkToHuman, help_summary
from actions.mediation_api import MediationUnavailable, NobodyOnDuty
from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher


def user(text):
    return {"event": "user", "text": text}


def tracker(slots=None, events=(), consumer=42):
    latest = {"text": "转人工", "metadata": {"consumer": consumer, "grant": "grant-of-the-chat"} if consumer else {}}
    return Tracker("user-1", slots or {}, latest, [*events, user("转人工")], False, None, {}, "action_listen")


class ServiceAnswering:
    """The mediation service's answer to a request for a person, as the action server sees it."""

    def __init__(self, outcome):
        self.outcome = outcome
        self.asked = []

    async def ask_for_official(self, person, summary):
        self.asked.append((person.consumer, summary))
        assert person.grant == "grant-of-the-chat"
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def run(action, conversation):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, conversation, {}))
    return dispatcher.messages, events


def test_the_official_reads_the_track_the_answers_given_and_what_was_said_before():
    slots = {"case_track": "complaint", "merchant": "星辰电器", "product": "冰箱", "amount": "3000", "demand": "refund"}
    earlier = [user("冰箱买了三天就坏了"), user('/inform{"demand": "refund"}'), user("商家不理我")]
    summary = help_summary(tracker(slots, earlier))
    assert {"label": "类型", "value": "投诉"} in summary
    assert {"label": "商家", "value": "星辰电器"} in summary
    assert {"label": "金额", "value": "3000元"} in summary
    assert {"label": "诉求", "value": "退款"} in summary
    assert not any(item["label"] == "品牌" for item in summary)  # not given: not listed
    # The button press is not words the person said; the request itself is not repeated.
    assert summary[-1] == {"label": "之前说的话", "value": "冰箱买了三天就坏了\n商家不理我"}


def test_an_earlier_live_chat_goes_with_the_next_request_in_chinese_whatever_the_page_language():
    said = [
        {"from": "consumer", "name": "李*", "text": "商家一直说等等，我该怎么办"},
        {"from": "official", "name": "周敏 (北京市朝阳区市场监督管理局)", "text": "您先把投诉登记完，我们会督促商家。"},
    ]
    slots = {"case_track": "complaint", "merchant": "星辰电器西湖店", "official_chat": said, "language": "en"}
    summary = {item["label"]: item["value"] for item in help_summary(tracker(slots))}
    assert summary["此前与工作人员的对话"] == (
        "消费者：商家一直说等等，我该怎么办\n周敏 (北京市朝阳区市场监督管理局)：您先把投诉登记完，我们会督促商家。"
    )
    assert summary["类型"] == "投诉" and summary["商家"] == "星辰电器西湖店"  # the officials read Chinese


def test_before_any_track_only_the_earlier_words_are_passed_on():
    assert help_summary(tracker({}, [user("你好")])) == [{"label": "之前说的话", "value": "你好"}]
    assert help_summary(tracker()) == []


def test_an_open_chat_pauses_the_bot_and_sends_the_person_to_it():
    opened = {"id": 9, "room_url": "/ws/help/9/", "authority": {"name": "北京市朝阳区市场监督管理局"}}
    service = ServiceAnswering(opened)
    messages, events = run(ActionTalkToHuman(api=service), tracker({}, [user("空调坏了")]))
    assert service.asked == [(42, [{"label": "之前说的话", "value": "空调坏了"}])]
    assert messages[0]["response"] == "utter_handed_to_official"
    assert messages[0]["authority"] == "北京市朝阳区市场监督管理局"
    assert messages[1]["custom"] == {"handoff": {"to": "official", "help_request": 9, "room_url": "/ws/help/9/"}}
    assert events == [ConversationPaused()]


def test_when_nobody_is_on_duty_the_bot_says_so_and_goes_on():
    messages, events = run(ActionTalkToHuman(api=ServiceAnswering(NobodyOnDuty("no one"))), tracker())
    assert [m["response"] for m in messages] == ["utter_nobody_on_duty"]
    assert events == []


def test_without_a_signed_in_consumer_or_a_service_the_hotline_is_given_and_the_bot_goes_on():
    service = ServiceAnswering(MediationUnavailable("down"))
    messages, events = run(ActionTalkToHuman(api=service), tracker())
    assert [m["response"] for m in messages] == ["utter_human_contact"] and events == []
    messages, events = run(ActionTalkToHuman(api=service), tracker(consumer=None))
    assert [m["response"] for m in messages] == ["utter_human_contact"] and events == []
    assert len(service.asked) == 1  # no request is made for someone not signed in
