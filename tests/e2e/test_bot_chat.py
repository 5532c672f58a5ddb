"""The web chat end to end: a browser's WebSocket to daphne, the bridge to Rasa (the trained model,
its tracker store on PostgreSQL), the action server, the mediation API, and the case in
PostgreSQL. Everything runs as in production, each in its own process; nothing is mocked.

Run by `make bot-test` after the model is trained (`pytest -m bot_e2e`)."""

import asyncio
import datetime
import json
from decimal import Decimal

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from mediation.models import Case, CaseKind, HelpRequest, IntakeChannel
from mediation.services.assistance import official_duty_set
from scripts.bot_chat_client import Chat, answers, button
from tests import factories
from tests.channels_app.room_client import session_cookie

pytestmark = [pytest.mark.bot_e2e, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def case_of(number: str) -> Case:
    return Case.objects.select_related("entity", "consumer", "handling_authority").get(number=number)


@database_sync_to_async
def cases_filed_by(consumer) -> int:
    return Case.objects.filter(consumer=consumer).count()


def confirm_after_corrections(question: dict) -> str:
    if "洗衣机" not in question["text"]:
        return "不是冰箱，是洗衣机"
    if "3000.00元" not in question["text"]:
        return "金额写错了，改成3000元"
    return "/affirm"


async def test_a_complaint_is_filed_through_the_chat_with_every_field_right(product, people):
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    bought = today - datetime.timedelta(days=10)
    answer = answers(
        [
            ("想先确认一下", "/complaint"),
            ("名字相近", lambda question: button(question, "西湖店")),
            ("在哪里买的", "杭州西湖区文三路的门店"),
            ("买的是什么", "一台冰箱"),
            ("哪一类商品或服务", lambda question: button(question, "家用电器")),
            ("什么品牌", "海尔"),
            ("哪天买的", f"{bought.year}年{bought.month}月{bought.day}日"),
            ("花了多少钱", "三千五百元"),
            ("说说经过", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理"),
            ("怎么解决", "要求退款"),
            # The person corrects the product in their own words and the amount, then confirms.
            ("请核对", confirm_after_corrections),
        ]
    )
    opening = "我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉"
    async with Chat(product["web_port"], people["cookie"], cookie_name=settings.SESSION_COOKIE_NAME) as chat:
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
    # What the first message named is not asked again; each correction is acknowledged.
    assert not any("买的是什么" in line or "是哪家商家" in line for line in chat.transcript), "\n".join(chat.transcript)
    assert any("商品或服务已改为“洗衣机”" in line for line in chat.transcript), "\n".join(chat.transcript)
    assert any("金额已改为“3000.00元”" in line for line in chat.transcript), "\n".join(chat.transcript)
    assert filed["handling_authority"] == case.handling_authority.name
    assert any(case.number in line and case.handling_authority.name in line for line in chat.transcript)

    # A reconnect shows the conversation so far, ending with the hand-off; then the person asks
    # where the case stands.
    async with Chat(product["web_port"], people["cookie"], cookie_name=settings.SESSION_COOKIE_NAME) as again:
        history = again.welcome["history"]
        progress = await again.say(f"帮我查一下{case.number}现在到哪一步了")
    (answer_text,) = [frame["text"] for frame in progress if frame["type"] == "bot"]
    assert case.number in answer_text and case.handling_authority.name in answer_text
    assert [frame["cases"][0]["number"] for frame in progress if frame["type"] == "handoff"] == [case.number]
    assert again.welcome["history_available"] is True
    assert history[0] == {"from": "user", "text": opening, "choice": False}
    assert history[-1]["from"] == "bot" and history[-1]["handoff"]["cases"][0]["number"] == case.number


@database_sync_to_async
def regions_of(entity_ids: list[str]) -> list[str]:
    from mediation.models import MarketEntity

    regions = dict(MarketEntity.objects.filter(pk__in=entity_ids).values_list("pk", "business_region_id"))
    return [regions[int(pk)] or "" for pk in entity_ids]


@database_sync_to_async
def registry_of_many_shops_named_xingchen(count: int = 300) -> None:
    """Hundreds of shops across the country sharing the trade name 星辰 (the West Lake and Binjiang
    shops of `people` among them), in a registry of thousands of synthetic entities."""
    from mediation.models import Region
    from mediation.services.registry import entity_register
    from mediation.services.synthetic_registry import seed_registry

    seed_registry(count=5000)
    counties = list(Region.objects.filter(level="county", is_current=True, code__lt="710000").order_by("code"))
    trades = ["电器", "电子", "家电", "超市", "茶叶", "五金", "服饰", "通讯"]
    for number in range(count):
        county = counties[(number * 37) % len(counties)]
        name = f"{county.name}星辰{trades[number % len(trades)]}{number}号店"
        entity_register(name=name, uscc=factories.uscc(county.code), business_region=county)


async def test_in_a_registry_of_many_namesakes_the_full_name_in_the_first_message_is_that_business(product, people):
    await registry_of_many_shops_named_xingchen()
    async with Chat(product["web_port"], people["cookie"], cookie_name=settings.SESSION_COOKIE_NAME) as chat:
        frames = await chat.say("我在杭州星辰电器西湖店有限公司买的冰箱坏了，商家一直拖着不处理，我要投诉")
        if any("想先确认一下" in frame.get("text", "") for frame in frames):
            frames = await chat.say("/complaint")
        said = " ".join(frame.get("text", "") for frame in frames)
        assert "找到了：杭州星辰电器西湖店有限公司" in said, chat.transcript
        await chat.say("/cancel")
        # A trade name shared by hundreds, with the city: that city's shops are offered first.
        frames = await chat.say("我在杭州的星辰电器买的洗衣机坏了，我要投诉")
        if any("想先确认一下" in frame.get("text", "") for frame in frames):
            frames = await chat.say("/complaint")
        # The first message is enough: the form offers the shops of that name without asking.
        offers = [frame for frame in frames if frame.get("buttons") and "名字相近" in frame.get("text", "")]
        assert offers, chat.transcript
        offered = [
            json.loads(button["payload"].removeprefix("/inform"))["merchant_id"] for button in offers[-1]["buttons"]
        ]
        regions = await regions_of(offered)
        # Hangzhou's businesses (codes 3301…) first: none of them after a business from elsewhere.
        in_hangzhou = [region.startswith("3301") for region in regions]
        assert in_hangzhou[0] and in_hangzhou == sorted(in_hangzhou, reverse=True), (offers[-1], regions)


async def test_a_real_name_report_is_filed_a_mixed_order_twice_and_a_cancelled_one_not_at_all(product, people):
    answer = answers(
        [
            ("想先确认一下", "/report"),
            ("是哪家商家", "杭州金太阳超市有限公司"),
            ("说说经过", "我路过看见他们把过期的面包改了生产日期重新摆上货架卖"),
            ("违法行为属于哪一类", lambda question: button(question, "食品安全")),
            ("实名举报", "/affirm"),  # the summary says the report is real-name, and who sees the reporter
        ]
    )
    async with Chat(product["web_port"], people["cookie"], cookie_name=settings.SESSION_COOKIE_NAME) as chat:
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
    assert case.is_anonymous is False  # online reports are real-name
    assert case.facts == opening
    assert await cases_filed_by(people["consumer"]) == 1

    # Both at once, chosen with the clarifying question's button: two linked cases in one filing.
    mixed = answers(
        [
            ("是哪家商家", "杭州金太阳超市有限公司"),
            ("在哪里买的", "跳过"),
            ("买的是什么", "两瓶白酒"),
            ("什么品牌", "跳过"),
            ("哪天买的", "跳过"),
            ("花了多少钱", "六百元"),
            ("说说经过", "买的白酒是假酒，喝了头疼，店里还在继续卖，要求退一赔三并查处他们"),
            ("违法行为属于哪一类", lambda question: button(question, "假冒伪劣")),
            ("请核对", "/affirm"),
        ]
    )
    async with Chat(product["web_port"], people["cookie"], cookie_name=settings.SESSION_COOKIE_NAME) as chat:
        (handoff,) = await chat.converse("/complaint_and_report", mixed)
    complaint, report = [await case_of(filed["number"]) for filed in handoff["cases"]]
    assert (complaint.kind, report.kind) == (CaseKind.COMPLAINT, CaseKind.REPORT)
    assert complaint.linked_case_id == report.pk or report.linked_case_id == complaint.pk
    assert complaint.category == report.category == "G08"  # 白酒
    assert complaint.amount == Decimal("600.00") and complaint.brand == "" and complaint.purchase_date is None
    assert complaint.demand == "compensation"
    assert report.violation_type == "counterfeit" and report.is_anonymous is False
    assert complaint.facts == report.facts and "假酒" in report.facts


class RoomSocket:
    """A participant of a room over a real socket (docs/room-protocol.md)."""

    def __init__(self, port: int, path: str, cookie: str):
        self.url, self.origin = f"ws://127.0.0.1:{port}{path}", f"http://127.0.0.1:{port}"
        self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        self.frames: list[dict] = []

    async def __aenter__(self):
        self.socket = await websockets.connect(self.url, origin=self.origin, additional_headers=self.headers)
        self.welcome = await self.next(lambda frame: frame["type"] == "welcome")
        self.history = await self.next(lambda frame: frame["type"] == "history")
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def next(self, wanted) -> dict:
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), 30))
            self.frames.append(frame)
            if wanted(frame):
                return frame

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame, ensure_ascii=False))


@database_sync_to_async
def official_on_duty_at_home_bureau():
    official = factories.official(factories.bureau("110105"))
    official_duty_set(official=official.official, on_duty=True)
    return official, session_cookie(official)


@database_sync_to_async
def help_request_of(consumer) -> HelpRequest:
    """The consumer's latest request for an official."""
    return HelpRequest.objects.select_related("authority").filter(consumer=consumer).latest("opened_at")


async def test_asking_for_a_person_mid_order_opens_a_live_chat_and_the_order_goes_on_after_the_release(product, people):
    official, official_cookie = await official_on_duty_at_home_bureau()
    port, cookie = product["web_port"], people["cookie"]
    complaint = answers(
        [
            ("想先确认一下", "/complaint"),
            ("名字相近", lambda question: button(question, "西湖店")),
            ("是哪家商家", "星辰电器"),
        ]
    )
    async with Chat(port, cookie, cookie_name=settings.SESSION_COOKIE_NAME) as chat:
        frames = await chat.say("我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉")
        while not any("在哪里买的" in frame.get("text", "") for frame in frames):
            questions = [frame for frame in frames if frame["type"] == "bot"]
            assert questions, chat.transcript
            frames = await chat.say(complaint(questions[-1]))
        # Half way through the work order, the person asks for a person.
        frames = await chat.say("别让机器人回了，我要人工")
        (handoff,) = [frame for frame in frames if frame["type"] == "handoff"]
        help_request = await help_request_of(people["consumer"])
        assert handoff == {
            "type": "handoff",
            "to": "official",
            "help_request": help_request.pk,
            "room_url": f"/ws/help/{help_request.pk}/",
        }
        assert any(help_request.authority.name in frame.get("text", "") for frame in frames), chat.transcript

        async with (
            RoomSocket(port, handoff["room_url"], cookie) as consumer_side,
            RoomSocket(port, handoff["room_url"], official_cookie) as official_side,
        ):
            # The official reads what the bot had gathered, then they talk live.
            asked = official_side.history["events"][0]
            assert asked["event"] == "help_requested"
            gathered = {item["label"]: item["value"] for item in asked["data"]["summary"]}
            assert gathered["类型"] == "投诉" and gathered["商家"] == "杭州星辰电器西湖店有限公司"
            await consumer_side.send({"type": "message", "client_msg_id": "c1", "text": "商家一直说等等，我该怎么办"})
            heard = await official_side.next(lambda frame: frame.get("client_msg_id") == "c1")
            assert heard["author_name"] == "李*"
            await official_side.send(
                {"type": "message", "client_msg_id": "o1", "text": "您先把投诉登记完，我们会督促商家。"}
            )
            await consumer_side.next(lambda frame: frame.get("client_msg_id") == "o1")

            # Meanwhile the bot says nothing: a message to it is sent back to the chat.
            refused = await chat.say("还在吗", refused=True)
            assert refused[0] == handoff and refused[-1]["code"] == "with_official"

            await official_side.send({"type": "release"})
            released = await consumer_side.next(lambda frame: frame.get("event") == "released")
            assert "智能助手" in released["text"]

        # Back with the bot: the work order goes on from the question it had asked, and is filed.
        rest = answers(
            [
                ("在哪里买的", "杭州西湖区文三路的门店"),
                ("买的是什么", "一台冰箱"),
                ("哪一类商品或服务", lambda question: button(question, "家用电器")),
                ("什么品牌", "跳过"),
                ("哪天买的", "跳过"),
                ("花了多少钱", "三千五百元"),
                ("说说经过", "冰箱买回来第三天就不制冷了，找商家好几次都说等等"),
                ("怎么解决", "要求退款"),
                ("请核对", "/affirm"),
            ]
        )
        (filed_handoff,) = await chat.converse("杭州西湖区文三路的门店", rest)
    assert filed_handoff["to"] == "case", "\n".join(chat.transcript)
    (filed,) = filed_handoff["cases"]
    case = await case_of(filed["number"])
    assert case.entity_id == people["west_lake"].pk and case.place_of_purchase == "杭州西湖区文三路的门店"
    assert case.amount == Decimal("3500.00") and case.demand == "refund"
    resumed = await help_request_of(people["consumer"])
    assert resumed.released_by_id == official.pk and resumed.bot_resumed_at is not None

    # The bot knows what was said in the live chat: asking for a person again, the next official
    # reads it with the new request.
    async with Chat(port, cookie, cookie_name=settings.SESSION_COOKIE_NAME) as chat:
        frames = await chat.say("我还想再找工作人员问问")
    assert any(frame["type"] == "handoff" and frame["to"] == "official" for frame in frames), chat.transcript
    second = await help_request_of(people["consumer"])
    assert second.pk != resumed.pk
    earlier = {item["label"]: item["value"] for item in second.summary}["此前与工作人员的对话"]
    assert "消费者：商家一直说等等，我该怎么办" in earlier and "您先把投诉登记完，我们会督促商家。" in earlier


@database_sync_to_async
def a_published_consumer_warning() -> str:
    from mediation.services.consumer_warnings import consumer_warning_draft, consumer_warning_publish

    official = factories.official(factories.bureau("330106"))
    draft = consumer_warning_draft(
        actor=official, title="警惕健身房预付卡跑路", body="办卡前请核实经营者资质，避免一次性大额充值。"
    )
    return f"/alerts/{consumer_warning_publish(warning=draft, actor=official).pk}/"


async def test_asking_for_the_latest_consumer_warnings_gets_the_published_ones(product, people):
    page = await a_published_consumer_warning()
    async with Chat(product["web_port"], people["cookie"], cookie_name=settings.SESSION_COOKIE_NAME) as chat:
        frames = await chat.say("最近有什么消费提醒吗")
        said = " ".join(frame.get("text", "") for frame in frames)
        assert "警惕健身房预付卡跑路" in said and page in said, chat.transcript
