"""The web chat bridge on its own: who may connect, every kind of bad frame, and what the person
gets when the bot does not answer. The conversation through the real bot is in
tests/e2e/test_bot_chat.py."""

import http.server
import json
import socket
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from asgi import application
from channels_app.bot_chat import bot_frames, history_of
from mediation.services.chat_grants import chat_grant_consumer
from tests import factories
from tests.channels_app.room_client import ORIGIN, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bot_down(settings):
    """A port nothing listens on: the bot is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BOT_URL = f"http://127.0.0.1:{port}"
    settings.BOT_TIMEOUT_SECONDS = 2


async def chat_as(user, language="zh-hans") -> WebsocketCommunicator:
    headers = [ORIGIN, (b"accept-language", language.encode())]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/bot/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def frame(communicator) -> dict:
    return json.loads(await communicator.receive_from(timeout=5))


@pytest.fixture
def consumer(transactional_db):
    from mediation.services.reference_data import reference_data_load

    reference_data_load(only=["110105"])
    return factories.consumer()


async def test_only_a_signed_in_user_may_chat(bot_down):
    communicator = await chat_as(None)
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}


async def test_when_the_bot_is_down_the_person_is_told_to_send_again_and_the_chat_stays_open(bot_down, consumer):
    communicator = await chat_as(consumer.user)
    assert await frame(communicator) == {
        "type": "welcome",
        "history": [],
        "history_available": False,
        "bot_ready": False,
    }
    await communicator.send_to(text_data=json.dumps({"type": "message", "text": "我要投诉", "client_msg_id": "a1"}))
    error = await frame(communicator)
    assert error["code"] == "bot_unavailable" and error["client_msg_id"] == "a1"
    assert "请稍后再发一次" in error["message"]
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await frame(communicator) == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    "sent, code, words",
    [
        ("{not json", "malformed_json", "JSON"),
        ("[1, 2]", "not_an_object", "type"),
        (json.dumps({"type": "shout"}), "unknown_type", "shout"),
        (json.dumps({"type": "message"}), "invalid_field", "text"),
        (json.dumps({"type": "message", "text": 12}), "invalid_field", "text"),
        (json.dumps({"type": "message", "text": "   "}), "invalid_field", "不能为空"),
        (json.dumps({"type": "message", "text": "长" * 2001}), "invalid_field", "2000"),
        (json.dumps({"type": "message", "text": "hi", "colour": "red"}), "invalid_field", "colour"),
        ("x" * 20_000, "frame_too_large", "16384"),
    ],
)
async def test_every_bad_frame_is_answered_with_an_error_in_the_persons_language(bot_down, consumer, sent, code, words):
    communicator = await chat_as(consumer.user)
    await frame(communicator)
    await communicator.send_to(text_data=sent)
    error = await frame(communicator)
    assert (error["type"], error["code"]) == ("error", code)
    assert words in error["message"]
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await frame(communicator) == {"type": "pong"}
    await communicator.disconnect()


async def test_a_flood_of_messages_is_refused_past_the_burst(bot_down, consumer):
    communicator = await chat_as(consumer.user, language="en")
    await frame(communicator)
    codes = []
    for number in range(7):
        await communicator.send_to(text_data=json.dumps({"type": "message", "text": f"hello {number}"}))
        codes.append((await frame(communicator))["code"])
    assert codes == ["bot_unavailable"] * 5 + ["rate_limited"] * 2
    await communicator.disconnect()


def test_the_bots_replies_become_frames_with_buttons_and_the_handoff():
    replies = [
        {
            "recipient_id": "user-1",
            "text": "是哪一家？",
            "buttons": [{"title": "西湖店", "payload": "/inform", "x": 1}],
        },
        {"recipient_id": "user-1", "custom": {"handoff": {"to": "case", "cases": [{"number": "TS20261201000001"}]}}},
        {"recipient_id": "user-1", "image": "ignored.png"},
    ]
    assert bot_frames(replies) == [
        {"type": "bot", "text": "是哪一家？", "buttons": [{"title": "西湖店", "payload": "/inform"}]},
        {"type": "handoff", "to": "case", "cases": [{"number": "TS20261201000001"}]},
    ]


def test_the_history_is_what_was_said_and_shown_not_the_bots_inner_events():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "我要投诉"},
        {"event": "slot", "name": "case_track", "value": "complaint"},
        {"event": "bot", "text": "是哪家商家？", "data": {}},
        {"event": "user", "text": "/complaint"},
        {"event": "bot", "text": None, "data": {"custom": {"handoff": {"to": "case", "cases": []}}}},
    ]
    assert history_of(events) == [
        {"from": "user", "text": "我要投诉", "choice": False},
        {"from": "bot", "text": "是哪家商家？"},
        {"from": "user", "text": "/complaint", "choice": True},
        {"from": "bot", "text": "", "handoff": {"to": "case", "cases": []}},
    ]


# --- while an official answers (转人工) -----------------------------------------------------------


class RasaStandIn:
    """An HTTP server in Rasa's place that records what the bridge asks of it and answers like
    Rasa's REST channel and HTTP API. The conversation through the real Rasa is in the end-to-end
    test."""

    def __init__(self, port: int = 0):
        self.requests: list[tuple[str, str, dict]] = []
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"null")
                stand_in.requests.append(("POST", self.path, body))
                answer = [{"recipient_id": "user", "text": "我在，继续说。"}] if "webhook" in self.path else {}
                encoded = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def do_GET(self):
                stand_in.requests.append(("GET", self.path, {}))
                encoded = b'{"events": []}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self) -> list[tuple[str, dict]]:
        return [(path.split("?")[0], body) for method, path, body in self.requests if method == "POST"]


@pytest.fixture
def rasa(settings):
    stand_in = RasaStandIn()
    settings.BOT_URL = stand_in.url
    settings.BOT_API_TOKEN = "bot-api-token"
    yield stand_in
    stand_in.server.shutdown()


@database_sync_to_async
def ask_for_a_person(consumer, *, release=False, said=()):
    """The consumer in a live chat with an official on duty at their home bureau; `said`: what
    each of them says there, as ("consumer" or "official", words)."""
    from mediation.services.assistance import (
        help_request_join,
        help_request_open,
        help_request_release,
        official_duty_set,
    )
    from mediation.services.room_writer import MessagePost, room_messages_post

    official = factories.official(factories.bureau("110105"))
    official_duty_set(official=official.official, on_duty=True)
    help_request, _ = help_request_open(consumer=consumer)
    seats = {
        "official": help_request_join(help_request=help_request, user=official),
        "consumer": help_request.room.participants.get(user=consumer.user),
    }
    for number, (who, words) in enumerate(said):
        post = MessagePost(seats[who].pk, help_request.room_id, f"m{number}", words)
        room_messages_post(posts=[post])
    if release:
        help_request_release(help_request=help_request, user=official)
    return help_request


async def test_while_an_official_answers_a_message_to_the_bot_is_sent_back_to_that_chat(rasa, consumer):
    help_request = await ask_for_a_person(consumer)
    communicator = await chat_as(consumer.user)
    welcome = await frame(communicator)
    handoff = {
        "type": "handoff",
        "to": "official",
        "help_request": help_request.pk,
        "room_url": f"/ws/help/{help_request.pk}/",
    }
    assert welcome["with_official"] == handoff
    await communicator.send_to(text_data=json.dumps({"type": "message", "text": "还在吗", "client_msg_id": "m1"}))
    assert await frame(communicator) == handoff
    error = await frame(communicator)
    assert (error["code"], error["client_msg_id"]) == ("with_official", "m1")
    assert "人工对话窗口" in error["message"]
    assert rasa.posts() == []  # the paused bot was not given the message
    await communicator.disconnect()


async def test_after_the_release_the_bot_is_resumed_once_and_answers_again(rasa, consumer):
    from mediation.models import HelpRequest

    said = [("consumer", "商家一直说等等，我该怎么办"), ("official", "您先把投诉登记完，我们会督促商家。")]
    help_request = await ask_for_a_person(consumer, release=True, said=said)
    official_name = await database_sync_to_async(
        lambda: help_request.room.participants.get(role="duty_official").display_name
    )()
    communicator = await chat_as(consumer.user)
    assert "with_official" not in await frame(communicator)
    for number in (1, 2):
        await communicator.send_to(text_data=json.dumps({"type": "message", "text": f"第{number}句"}))
        assert await frame(communicator) == {"type": "bot", "text": "我在，继续说。"}
        assert (await frame(communicator))["type"] == "done"
    sender = f"user-{consumer.user.pk}"
    posts = rasa.posts()
    grants = [body["metadata"].pop("grant") for path, body in posts if path == "/webhooks/rest/webhook"]
    for grant in grants:  # each message carries a grant for this person, and only them
        assert (await database_sync_to_async(chat_grant_consumer)(grant)).pk == consumer.pk
    assert posts == [
        (
            f"/conversations/{sender}/tracker/events",
            [
                {"event": "resume"},
                # The bot knows what was said in the live chat.
                {
                    "event": "slot",
                    "name": "official_chat",
                    "value": [
                        {"from": "consumer", "name": consumer.masked_name, "text": "商家一直说等等，我该怎么办"},
                        {"from": "official", "name": official_name, "text": "您先把投诉登记完，我们会督促商家。"},
                    ],
                },
                {"event": "action", "name": "action_listen"},
            ],
        ),
        (
            "/webhooks/rest/webhook",
            {"sender": sender, "message": "第1句", "metadata": {"consumer": consumer.pk, "language": "zh-hans"}},
        ),
        (
            "/webhooks/rest/webhook",
            {"sender": sender, "message": "第2句", "metadata": {"consumer": consumer.pk, "language": "zh-hans"}},
        ),
    ]
    assert "token=bot-api-token" in next(path for method, path, _ in rasa.requests if "events" in path)
    resumed = await database_sync_to_async(HelpRequest.objects.get)(pk=help_request.pk)
    assert resumed.bot_resumed_at is not None
    await communicator.disconnect()


async def test_when_the_bot_cannot_be_resumed_the_message_is_refused_and_the_resume_tried_again(bot_down, consumer):
    from mediation.models import HelpRequest

    help_request = await ask_for_a_person(consumer, release=True)
    communicator = await chat_as(consumer.user)
    await frame(communicator)
    await communicator.send_to(text_data=json.dumps({"type": "message", "text": "你好"}))
    assert (await frame(communicator))["code"] == "bot_unavailable"
    unresumed = await database_sync_to_async(HelpRequest.objects.get)(pk=help_request.pk)
    assert unresumed.bot_resumed_at is None
    await communicator.disconnect()


async def test_a_chat_opened_while_the_bot_is_starting_is_told_when_it_can_answer(bot_down, consumer, settings):
    settings.BOT_READY_POLL_SECONDS = 0.2
    communicator = await chat_as(consumer.user)
    welcome = await frame(communicator)
    assert welcome["bot_ready"] is False
    # The bot comes up where it was expected (its model trained and loaded) while the person waits.
    stand_in = RasaStandIn(port=int(settings.BOT_URL.rsplit(":", 1)[1]))
    try:
        assert await frame(communicator) == {"type": "bot_ready", "history": []}
        await communicator.send_to(text_data=json.dumps({"type": "message", "text": "我要投诉", "client_msg_id": "a1"}))
        assert (await frame(communicator))["text"] == "我在，继续说。"
    finally:
        await communicator.disconnect()
        stand_in.server.shutdown()
