"""The web chat end to end: a browser's WebSocket to daphne, the bridge to Rasa (the trained model,
its tracker store on PostgreSQL), the action server, the mediation API, and the case in
PostgreSQL. Everything runs as in production, each in its own process; nothing is mocked.

Run by `make bot-test` after the model is trained (`pytest -m bot_e2e`)."""

import asyncio
import contextlib
import datetime
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from mediation.models import Case, CaseKind, IntakeChannel
from mediation.services.accounts import bot_service_account_ensure
from tests import factories
from tests.channels_app.room_client import session_cookie

pytestmark = [pytest.mark.bot_e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
TRACKER_DATABASE = "test_bot_tracker"
MAX_TURNS = 30
PACE_SECONDS = 1.0
BOT_START_SECONDS = 240  # loading the model takes 20-60 s on two cores


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args} exited"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {timeout} s")


def fresh_tracker_database() -> None:
    """Conversations are keyed by user id, and test ids start again in every run."""
    admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{TRACKER_DATABASE}"')
        cursor.execute(f'CREATE DATABASE "{TRACKER_DATABASE}"')
    admin.close()


@pytest.fixture
def product(places, tmp_path):
    """daphne, Rasa and the action server on free ports, wired as `make run` wires them."""
    fresh_tracker_database()
    database = connection.settings_dict
    web_port, bot_port, action_port = free_port(), free_port(), free_port()
    bot_api_token = secrets.token_urlsafe(16)
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DJANGO_SETTINGS_MODULE": "channels_app.settings",
        "BOT_URL": f"http://127.0.0.1:{bot_port}",
        "BOT_API_TOKEN": bot_api_token,
        "BOT_PORT": str(bot_port),
        "ACTION_PORT": str(action_port),
        "BOT_TRACKER_URL": f"postgresql://postgres@127.0.0.1:5432/{TRACKER_DATABASE}",
    }
    bot_token = bot_service_account_ensure().key
    web = subprocess.Popen(
        [sys.executable, "-m", "channels_app.serve", "-b", "127.0.0.1", "-p", str(web_port), "asgi:application"],
        cwd=ROOT,
        env=environment,
        stdout=(tmp_path / "web.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    bot = subprocess.Popen(
        ["bash", "scripts/run-bot.sh", f"http://127.0.0.1:{web_port}", bot_token],
        cwd=ROOT,
        env=environment,
        stdout=(tmp_path / "bot.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{web_port}/healthz", [web], 60)
        wait_for(f"http://127.0.0.1:{action_port}/health", [bot], BOT_START_SECONDS)
        wait_for(f"http://127.0.0.1:{bot_port}/status?token={bot_api_token}", [bot], BOT_START_SECONDS)
        yield {"web_port": web_port, "logs": tmp_path}
    finally:
        web.terminate()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(bot.pid, 15)
        for process in (web, bot):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Chat:
    """A browser's chat with the bot over a real socket."""

    def __init__(self, port: int, cookie: str):
        self.url = f"ws://127.0.0.1:{port}/ws/bot/"
        self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        self.origin = f"http://127.0.0.1:{port}"
        self.transcript: list[str] = []
        self.sent = 0
        self.last_sent = 0.0

    async def __aenter__(self):
        self.socket = await websockets.connect(self.url, origin=self.origin, additional_headers=self.headers)
        self.welcome = json.loads(await asyncio.wait_for(self.socket.recv(), 30))
        assert self.welcome["type"] == "welcome"
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def say(self, text: str) -> list[dict]:
        """Send one message; the bot's frames up to the end of its turn."""
        # A person answers at most about once a second; the chat allows a burst of 5, then that.
        await asyncio.sleep(max(0.0, self.last_sent + PACE_SECONDS - time.monotonic()))
        self.last_sent = time.monotonic()
        self.sent += 1
        client_msg_id = f"m{self.sent}"
        self.transcript.append(f"> {text}")
        await self.socket.send(json.dumps({"type": "message", "text": text, "client_msg_id": client_msg_id}))
        frames = []
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), 60))
            if frame["type"] == "done" and frame["client_msg_id"] == client_msg_id:
                return frames
            assert frame["type"] != "error", (frame, self.transcript)
            self.transcript.append(f"< {frame.get('text') or frame}")
            frames.append(frame)

    async def converse(self, opening: str, answer) -> list[dict]:
        """Answer every question the bot asks with `answer(question frame)` until it hands off.
        Returns the hand-off frames."""
        frames = await self.say(opening)
        for _turn in range(MAX_TURNS):
            handoffs = [frame for frame in frames if frame["type"] == "handoff"]
            if handoffs:
                return handoffs
            questions = [frame for frame in frames if frame["type"] == "bot"]
            assert questions, self.transcript
            try:
                reply = answer(questions[-1])
            except AssertionError as error:
                raise AssertionError("\n".join([str(error), *self.transcript])) from None
            frames = await self.say(reply)
        raise AssertionError("no hand-off:\n" + "\n".join(self.transcript))


def button(question: dict, title_part: str) -> str:
    payloads = [b["payload"] for b in question.get("buttons", []) if title_part in b["title"]]
    assert payloads, f"no button “{title_part}” in: {question}"
    return payloads[0]


def answers(table: list[tuple[str, object]]):
    """An answerer: the first entry whose marker is in the question; a callable gets the question."""

    def answer(question: dict) -> str:
        for marker, reply in table:
            if marker in question["text"]:
                return reply(question) if callable(reply) else reply
        raise AssertionError(f"unexpected question: {question['text']}")

    return answer


@database_sync_to_async
def case_of(number: str) -> Case:
    return Case.objects.select_related("entity", "consumer", "handling_authority").get(number=number)


@database_sync_to_async
def cases_filed_by(consumer) -> int:
    return Case.objects.filter(consumer=consumer).count()


@pytest.fixture
def people(places):
    consumer = factories.consumer(real_name="李四")
    west_lake = factories.shop(name="杭州星辰电器西湖店有限公司")
    factories.shop(name="杭州星辰电器滨江店有限公司")
    market = factories.shop(name="杭州金太阳超市有限公司")
    return {"consumer": consumer, "west_lake": west_lake, "market": market, "cookie": session_cookie(consumer.user)}


async def test_a_complaint_is_filed_through_the_chat_with_every_field_right(product, people):
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    bought = today - datetime.timedelta(days=10)
    answer = answers(
        [
            ("想先确认一下", "/complaint"),
            ("名字相近", lambda question: button(question, "西湖店")),
            ("是哪家商家", "星辰电器"),
            ("在哪里买的", "杭州西湖区文三路的门店"),
            ("买的是什么", "一台冰箱"),
            ("哪一类商品或服务", lambda question: button(question, "家用电器")),
            ("什么品牌", "海尔"),
            ("哪天买的", f"{bought.year}年{bought.month}月{bought.day}日"),
            ("花了多少钱", "三千五百元"),
            ("说说经过", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理"),
            ("怎么解决", "要求退款"),
            # The person corrects the amount once, then confirms.
            ("请核对", lambda question: "/affirm" if "3000.00元" in question["text"] else "金额写错了，改成3000元"),
        ]
    )
    opening = "我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉"
    async with Chat(product["web_port"], people["cookie"]) as chat:
        assert chat.welcome["history"] == []
        handoffs = await chat.converse(opening, answer)

    (handoff,) = handoffs
    (filed,) = handoff["cases"]
    assert handoff["to"] == "case" and filed["kind"] == "complaint"
    assert filed["case_url"] == f"/cases/{filed['number']}/" and filed["room_url"] == f"/ws/rooms/{filed['number']}/"
    case = await case_of(filed["number"])
    assert case.kind == CaseKind.COMPLAINT and case.intake_channel == IntakeChannel.BOT
    assert case.consumer_id == people["consumer"].pk
    assert case.entity_id == people["west_lake"].pk
    assert case.place_of_purchase == "杭州西湖区文三路的门店"
    assert case.category == "G02" and case.brand == "海尔"
    assert case.purchase_date == bought
    assert case.amount == Decimal("3000.00")  # the corrected amount
    assert case.demand == "refund"
    assert case.facts == opening  # the first message told what happened: the form did not ask again
    assert filed["handling_authority"] == case.handling_authority.name
    assert any(case.number in line and case.handling_authority.name in line for line in chat.transcript)

    # A reconnect shows the conversation so far, ending with the hand-off.
    async with Chat(product["web_port"], people["cookie"]) as again:
        history = again.welcome["history"]
    assert again.welcome["history_available"] is True
    assert history[0] == {"from": "user", "text": opening, "choice": False}
    assert history[-1]["from"] == "bot" and history[-1]["handoff"]["cases"][0]["number"] == case.number


async def test_a_report_is_filed_anonymously_and_a_cancelled_order_files_nothing(product, people):
    answer = answers(
        [
            ("想先确认一下", "/report"),
            ("是哪家商家", "杭州金太阳超市有限公司"),
            ("说说经过", "我路过看见他们把过期的面包改了生产日期重新摆上货架卖"),
            ("违法行为属于哪一类", lambda question: button(question, "食品安全")),
            ("匿名举报吗", lambda question: button(question, "匿名举报")),
            ("请核对", "/affirm"),
        ]
    )
    async with Chat(product["web_port"], people["cookie"]) as chat:
        # A complaint begun and cancelled half way: nothing is filed.
        frames = await chat.say("我要投诉，买的衣服质量太差")
        if any("想先确认一下" in frame.get("text", "") for frame in frames):
            frames = await chat.say("/complaint")
        frames = await chat.say("/cancel")
        assert any("已取消" in frame.get("text", "") for frame in frames), chat.transcript
        assert await cases_filed_by(people["consumer"]) == 0

        opening = "我没在这家买东西，但看见金太阳超市卖过期面包，想举报"
        handoffs = await chat.converse(opening, answer)

    (filed,) = handoffs[0]["cases"]
    assert filed["kind"] == "report" and "room_url" not in filed
    case = await case_of(filed["number"])
    assert case.kind == CaseKind.REPORT and case.intake_channel == IntakeChannel.BOT
    assert case.entity_id == people["market"].pk
    assert case.violation_type == "food_safety"
    assert case.is_anonymous is True
    assert case.facts == opening
    assert await cases_filed_by(people["consumer"]) == 1
