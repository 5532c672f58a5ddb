"""The mediation room over WebSockets, on the real Redis channel layer and real PostgreSQL."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from asgi import application
from mediation.models import Case, CaseStatus, RoomEvent, RoomStatus
from mediation.services.transitions import case_transition
from tests import factories
from tests.channels_app.room_client import RoomClient

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH = (b"accept-language", b"en")


async def join_all(world):
    """The four seats of the room, each connected: consumer, merchant, lead and co-mediator."""
    return (
        await RoomClient.join(world.consumer_user, world.number),
        await RoomClient.join(world.shop_staff, world.number),
        await RoomClient.join(world.shop_official, world.number),
        await RoomClient.join(world.home_official, world.number),
    )


async def close_all(*clients):
    for client in clients:
        await client.close()


@database_sync_to_async
def stored_messages(world) -> list[tuple[int, str, str]]:
    return list(
        RoomEvent.objects.filter(room=world.room, kind="message").order_by("seq").values_list("seq", "channel", "text")
    )


@database_sync_to_async
def case_of(world) -> Case:
    return Case.objects.select_related("room").get(pk=world.case.pk)


# --- who may enter ------------------------------------------------------------------------------


async def test_each_assigned_role_connects_and_is_told_its_role_and_channels(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    assert consumer.welcome["you"]["role"] == "consumer"
    assert consumer.welcome["channels"] == ["caucus:consumer", "main"]
    assert merchant.welcome["channels"] == ["caucus:merchant", "main"]
    assert lead.welcome["you"]["role"] == "lead_mediator"
    assert co.welcome["you"]["role"] == "co_mediator"
    assert co.welcome["channels"] == ["caucus:consumer", "caucus:merchant", "main", "mediators"]
    assert consumer.welcome["room"]["status"] == "open"
    await close_all(consumer, merchant, lead, co)


@pytest.mark.parametrize(
    "who, code",
    [
        ("anonymous", 4401),
        ("outsider_official", 4403),  # an official of a third region
        ("other_consumer", 4403),
        ("other_merchant", 4403),  # staff of another business
    ],
)
async def test_anyone_not_assigned_is_refused_with_a_close_code(room_world, who, code):
    user = {
        "anonymous": None,
        "outsider_official": room_world.outsider_official,
        "other_consumer": (await database_sync_to_async(factories.consumer)(real_name="李四")).user,
        "other_merchant": await database_sync_to_async(
            lambda: factories.merchant(factories.shop(name="杭州西湖另一家电器店"))
        )(),
    }[who]
    client = await RoomClient.join(user, room_world.number, expect_welcome=False)
    closed = await client.next("_closed")
    assert closed["code"] == code
    await client.close()


async def test_an_unknown_case_is_refused_like_a_foreign_one(room_world):
    client = await RoomClient.join(room_world.consumer_user, "TS20990101000001", expect_welcome=False)
    assert (await client.next("_closed"))["code"] == 4403
    await client.close()


async def test_a_foreign_origin_is_refused_at_the_handshake(room_world):
    communicator = WebsocketCommunicator(
        application, f"/ws/rooms/{room_world.number}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_a_malformed_resume_point_is_refused(room_world):
    client = await RoomClient.join(room_world.consumer_user, room_world.number, after_seq="x1", expect_welcome=False)
    assert (await client.next("_closed"))["code"] == 4400
    await client.close()


# --- channels inside the room ---------------------------------------------------------------------


async def test_mediators_only_messages_reach_only_the_mediators(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    ack = await lead.say("先听听双方意见，再提方案。", "l-1", channel="mediators")
    assert ack["type"] == "ack"
    got = await co.next("message", client_msg_id="l-1")
    assert got["channel"] == "mediators"
    # Everyone then gets a main message; the parties' streams hold only that.
    await co.say("好的", "co-1")
    for party in (consumer, merchant):
        await party.next("message", client_msg_id="co-1")
        assert not [f for f in party.frames if f.get("client_msg_id") == "l-1"]
    assert "先听听" not in json.dumps(consumer.frames + merchant.frames, ensure_ascii=False)
    await close_all(consumer, merchant, lead, co)


async def test_a_caucus_reaches_the_mediators_and_its_party_only(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    # Closed caucus: the party cannot write in it yet.
    refused = await consumer.error(
        {"type": "message", "client_msg_id": "c-0", "text": "x", "channel": "caucus:consumer"}
    )
    assert refused["code"] == "caucus_not_open"

    await lead.send({"type": "caucus", "party": "consumer", "open": True})
    opened = await consumer.next("system", event="caucus_opened")
    assert opened["channel"] == "caucus:consumer"
    await co.next("system", event="caucus_opened")

    await consumer.say("其实我只想换货。", "c-1", channel="caucus:consumer")
    for mediator in (lead, co):
        assert (await mediator.next("message", client_msg_id="c-1"))["channel"] == "caucus:consumer"
    # The merchant can neither read nor write the consumer's caucus.
    refused = await merchant.error(
        {"type": "message", "client_msg_id": "m-0", "text": "x", "channel": "caucus:consumer"}
    )
    assert refused["code"] == "channel_not_allowed"
    await lead.say("请双方回到主会场。", "l-1")
    await merchant.next("message", client_msg_id="l-1")
    leaked = json.dumps(merchant.frames, ensure_ascii=False)
    assert "只想换货" not in leaked and "caucus_opened" not in leaked

    # Nor does the merchant's history hold it, on a fresh connection.
    again = await RoomClient.join(room_world.shop_staff, room_world.number)
    assert "只想换货" not in json.dumps(again.history, ensure_ascii=False)
    mediator_again = await RoomClient.join(room_world.home_official, room_world.number)
    assert "只想换货" in json.dumps(mediator_again.history, ensure_ascii=False)
    await close_all(consumer, merchant, lead, co, again, mediator_again)


async def test_parties_cannot_write_in_the_mediators_channel(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    refused = await consumer.error({"type": "message", "client_msg_id": "c", "text": "x", "channel": "mediators"})
    assert refused["code"] == "channel_not_allowed"
    assert await stored_messages(room_world) == []
    await consumer.close()


# --- order, resume, idempotence ---------------------------------------------------------------


async def test_every_participant_sees_the_same_messages_in_the_same_order(room_world):
    clients = await join_all(room_world)
    consumer, merchant, lead, co = clients
    for round_ in range(5):
        for index, client in enumerate(clients):
            await client.send(
                {"type": "message", "client_msg_id": f"{index}-{round_}", "text": f"第{round_}轮 {index}"}
            )
    for client in clients:
        for index in range(4):
            for round_ in range(5):
                await client.next("message", client_msg_id=f"{index}-{round_}")
    streams = [[f["seq"] for f in client.frames if f["type"] == "message"] for client in clients]
    assert all(stream == streams[0] for stream in streams)
    assert len(streams[0]) == 20 and streams[0] == sorted(streams[0])
    assert streams[0] == [seq for seq, _channel, _text in await stored_messages(room_world)]
    await close_all(*clients)


async def test_a_reconnecting_participant_gets_every_missed_event_once(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    await consumer.say("我先说", "c-1")
    last_seen = (await consumer.next("message", client_msg_id="c-1"))["seq"]
    await consumer.close()  # the phone lost its connection

    for n in range(3):
        await merchant.say(f"商家回复{n}", f"m-{n}")
    await lead.say("调解员内部沟通", "l-1", channel="mediators")
    await lead.say("请消费者确认", "l-2")

    back = await RoomClient.join(room_world.consumer_user, room_world.number, after_seq=last_seen)
    assert back.history["mode"] == "resume"
    missed = [f.get("client_msg_id") for f in back.history["events"] if f["type"] == "message"]
    assert missed == ["m-0", "m-1", "m-2", "l-2"]  # not the mediators' note, nothing twice
    seqs = [f["seq"] for f in back.history["events"]]
    assert seqs == sorted(set(seqs)) and min(seqs) > last_seen

    # Live delivery continues after the missed events, without repeating any.
    await merchant.say("继续", "m-3")
    live = await back.next("message", client_msg_id="m-3")
    assert live["seq"] > max(seqs)
    assert [f for f in await back.nothing_more() if f.get("type") == "message"] == []
    await close_all(back, merchant, lead, co)


async def test_a_resent_message_is_stored_once_and_acknowledged_with_the_same_number(room_world):
    consumer, merchant = (
        await RoomClient.join(room_world.consumer_user, room_world.number),
        await RoomClient.join(room_world.shop_staff, room_world.number),
    )
    first = await consumer.say("退款3500元", "same-id")
    again = await consumer.say("退款3500元", "same-id")
    assert first["seq"] == again["seq"]
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    await merchant.next("message", client_msg_id="same-id")
    await merchant.say("收到", "m-1")
    await merchant.next("message", client_msg_id="m-1")
    assert [f["client_msg_id"] for f in merchant.frames if f["type"] == "message"] == ["same-id", "m-1"]
    assert [text for _seq, _channel, text in await stored_messages(room_world)] == ["退款3500元", "收到"]
    await close_all(consumer, merchant)


async def test_history_pages_back_and_caps_the_page_size(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    seqs = [(await consumer.say(f"消息{n}", f"c-{n}"))["seq"] for n in range(6)]
    await consumer.send({"type": "history", "before_seq": seqs[4], "limit": 2})
    page = await consumer.next("history", mode="before")
    assert [f["seq"] for f in page["events"]] == seqs[2:4]
    assert page["has_more"] is True
    refused = await consumer.error({"type": "history", "before_seq": 10, "limit": 10_000})
    assert refused["code"] == "invalid_field" and "limit" in refused["message"]
    await consumer.close()


# --- read receipts, typing, presence --------------------------------------------------------------


async def test_read_receipts_typing_and_presence(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    merchant_id = merchant.welcome["you"]["id"]
    presence = await consumer.next("presence")
    while merchant_id not in presence["online"]:
        presence = await consumer.next("presence")

    ack = await consumer.say("在吗？", "c-1")
    await merchant.send({"type": "read", "seq": ack["seq"]})
    receipt = await consumer.next("read", participant=merchant_id)
    assert receipt["seq"] == ack["seq"]

    await merchant.send({"type": "typing"})
    assert (await consumer.next("typing"))["participant"] == merchant_id

    await merchant.close()
    presence = await consumer.next("presence")
    assert merchant_id not in presence["online"]
    await consumer.close()


# --- mediators' tools ------------------------------------------------------------------------


async def test_a_muted_party_cannot_write_until_unmuted(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    merchant_id = merchant.welcome["you"]["id"]
    await lead.send({"type": "mute", "participant": merchant_id, "muted": True})
    await merchant.next("system", event="muted")
    assert (await merchant.error({"type": "message", "client_msg_id": "m", "text": "x"}))["code"] == "muted"
    # A party cannot mute anyone.
    refused = await consumer.error({"type": "mute", "participant": merchant_id, "muted": False})
    assert refused["code"] == "role_not_allowed"
    await co.send({"type": "mute", "participant": merchant_id, "muted": False})
    await merchant.next("system", event="unmuted")
    assert (await merchant.say("我可以说话了", "m"))["type"] == "ack"
    await close_all(consumer, merchant, lead, co)


async def test_an_adjourned_session_lets_only_the_mediators_write(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    await lead.send({"type": "adjourn"})
    await consumer.next("system", event="adjourned")
    assert (await consumer.error({"type": "message", "client_msg_id": "c", "text": "x"}))["code"] == "room_adjourned"
    assert (await co.say("明天继续", "co"))["type"] == "ack"
    await lead.send({"type": "reconvene"})
    await consumer.next("system", event="reconvened")
    assert (await consumer.say("好的", "c"))["type"] == "ack"
    await close_all(consumer, merchant, lead, co)


async def test_terminating_records_the_reason_moves_the_case_and_closes_the_room(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    refused = await co.error({"type": "terminate", "reason": "agreement_impossible"})
    assert refused["code"] == "role_not_allowed"  # the lead mediator's decision
    refused = await lead.error({"type": "terminate", "reason": "tired"})
    assert refused["code"] == "invalid_field"

    await lead.send({"type": "terminate", "reason": "agreement_impossible"})
    ended = await consumer.next("system", event="terminated")
    assert ended["text"] == "调解终止：一方当事人明确表示无法达成调解协议。"
    case = await case_of(room_world)
    assert case.status == CaseStatus.TERMINATED
    assert case.termination_reason == "agreement_impossible"
    assert case.termination_notice_due is not None
    assert case.room.status == RoomStatus.CLOSED
    assert (await merchant.error({"type": "message", "client_msg_id": "m", "text": "x"}))["code"] == "room_closed"
    await close_all(consumer, merchant, lead, co)


async def test_a_withdrawn_complaint_closes_its_room(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    await database_sync_to_async(case_transition)(
        case=room_world.case, action="withdraw", actor=room_world.consumer_user
    )
    closed = await consumer.next("system", event="case_withdraw")
    assert "撤回" in closed["text"]
    await consumer.close()


# --- settlement --------------------------------------------------------------------------------


async def test_proposal_acceptance_signatures_and_the_mediation_document(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    terms = {
        "refund_amount": "3000.00",
        "compensation_amount": "200",
        "perform_by": "2099-12-31",
        "free_text": "退货退款",
    }
    await merchant.send({"type": "propose", "terms": terms})
    made = await consumer.next("proposal", event="proposal_made")
    assert made["data"]["proposal"] == 1
    assert "3,000.00" in made["text"] and "退货退款" in made["text"]
    # The consumer counters; the merchant accepts the counter-proposal.
    await consumer.send(
        {"type": "respond", "proposal": 1, "response": "counter", "terms": {**terms, "compensation_amount": "500"}}
    )
    countered = await merchant.next("proposal", event="proposal_made", author_role="consumer")
    assert countered["data"]["proposal"] == 2 and countered["data"]["counter_to"] == 1
    refused = await merchant.error({"type": "respond", "proposal": 1, "response": "accept"})
    assert refused["code"] == "proposal_not_open"
    await merchant.send({"type": "respond", "proposal": 2, "response": "accept"})
    reached = await lead.next("system", event="agreement_reached")
    assert reached["data"]["proposal"] == 2

    # Recording before both signatures is refused.
    assert (await lead.error({"type": "record_agreement"}))["code"] == "not_fully_signed"
    await consumer.send({"type": "sign"})
    await merchant.next("system", event="document_signed", author_role="consumer")
    assert (await consumer.error({"type": "sign"}))["code"] == "already_signed"
    await merchant.send({"type": "sign"})
    await consumer.next("system", event="document_signed", author_role="merchant")
    assert (await co.error({"type": "record_agreement"}))["code"] == "role_not_allowed"
    await lead.send({"type": "record_agreement"})
    recorded = await consumer.next("system", event="agreement_recorded")
    assert recorded["text"] == "主调解员已确认调解协议，本案调解成功。"

    case = await case_of(room_world)
    assert case.status == CaseStatus.SETTLED
    assert "3,000.00" in case.settlement_terms and "500.00" in case.settlement_terms
    assert case.room.status == RoomStatus.CLOSED
    await close_all(consumer, merchant, lead, co)

    consumer_copy = await database_sync_to_async(_document_page)(room_world.consumer_user, room_world.number)
    merchant_copy = await database_sync_to_async(_document_page)(room_world.shop_staff, room_world.number)
    assert consumer_copy.status_code == merchant_copy.status_code == 200
    consumer_page, merchant_page = consumer_copy.content.decode(), merchant_copy.content.decode()
    assert "调解书" in consumer_page and "张三" in consumer_page and "500.00" in consumer_page
    # Signed by both: the document names both parties (Order 121 Art. 24), and the business's copy
    # gives the phone it needs to pay the refund; never the identity number.
    identity = room_world.consumer.identity
    assert "张三" in merchant_page and identity.phone in merchant_page
    assert identity.id_number not in merchant_page
    download = await database_sync_to_async(_document_page)(room_world.consumer_user, room_world.number, download=True)
    assert download["Content-Disposition"].startswith("attachment")


def _document_page(user, number, download=False):
    from tests.conftest import client_for

    return client_for(user).get(f"/api/cases/{number}/mediation-document/" + ("?download=1" if download else ""))


async def test_a_rejected_proposal_cannot_be_accepted(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    await merchant.send({"type": "propose", "terms": {"repair": True}})
    await consumer.next("proposal", event="proposal_made")
    await consumer.send({"type": "respond", "proposal": 1, "response": "reject"})
    await merchant.next("proposal", event="proposal_rejected")
    assert (await consumer.error({"type": "respond", "proposal": 1, "response": "accept"}))[
        "code"
    ] == "proposal_not_open"
    assert (await consumer.error({"type": "respond", "proposal": 9, "response": "accept"}))[
        "code"
    ] == "no_such_proposal"
    assert (await merchant.error({"type": "propose", "terms": {}}))["code"] == "empty_terms"
    assert (await merchant.error({"type": "sign"}))["code"] == "no_document"
    await close_all(consumer, merchant)


# --- languages and privacy ---------------------------------------------------------------------


async def test_system_events_are_rendered_in_each_participants_language(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    co = await RoomClient.join(room_world.home_official, room_world.number, headers=[ENGLISH])
    lead = await RoomClient.join(room_world.shop_official, room_world.number)
    await lead.send({"type": "caucus", "party": "consumer", "open": True})
    assert (await consumer.next("system", event="caucus_opened"))["text"] == "调解员与消费者开始单独沟通。"
    assert (await co.next("system", event="caucus_opened"))["text"] == (
        "The mediators opened a private conversation with the consumer."
    )
    refused = await co.error({"type": "nope"})
    assert refused["message"] == "Unknown frame type “nope”."
    refused = await consumer.error({"type": "nope"})
    assert refused["message"] == "未知的消息类型“nope”。"
    await close_all(consumer, co, lead)


async def test_the_business_sees_the_consumer_only_by_a_masked_name(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    await consumer.say("我是张三，电话13812345678", "c-1")  # what the consumer chooses to write is theirs
    await merchant.next("message", client_msg_id="c-1")
    names = {p["role"]: p["name"] for p in merchant.welcome["participants"]}
    assert names["consumer"] == "张*"
    identity = room_world.consumer.identity
    frames_but_the_message = [f for f in merchant.frames if f.get("client_msg_id") != "c-1"]
    serialized = json.dumps(frames_but_the_message, ensure_ascii=False)
    for private in (identity.real_name, identity.id_number, identity.phone, "13812345678"):
        assert private not in serialized
    await close_all(consumer, merchant)


async def test_text_is_delivered_exactly_as_written(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    markup = '<script>alert("x")</script> & 😀 \n 第二行'
    await consumer.say(markup, "c-1")
    echoed = await consumer.next("message", client_msg_id="c-1")
    assert echoed["text"] == markup
    await consumer.close()


# --- bad input: each answered with an error frame, and the connection stays usable ---------------

BAD_FRAMES = [
    ("{not json", "malformed_json"),
    ("[1, 2]", "not_an_object"),
    ('{"text": "no type"}', "not_an_object"),
    ('{"type": 7}', "not_an_object"),
    ('{"type": "fly"}', "unknown_type"),
    ('{"type": "message", "text": "no id"}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "a", "text": 5}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "a", "text": "x", "colour": "red"}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "a", "text": "   "}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "a", "text": "x\\u0000y"}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "a", "text": "\\ud800"}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "' + "i" * 65 + '", "text": "x"}', "invalid_field"),
    ('{"type": "message", "client_msg_id": "a", "text": "x", "channel": "secret"}', "channel_not_allowed"),
    ('{"type": "read", "seq": true}', "invalid_field"),
    ('{"type": "read", "seq": -1}', "invalid_field"),
    ('{"type": "history", "before_seq": "5"}', "invalid_field"),
    ('{"type": "respond", "proposal": 1, "response": "maybe"}', "invalid_field"),
    ('{"type": "propose", "terms": {"refund_amount": "lots"}}', "invalid_field"),
    ('{"type": "propose", "terms": {"refund_amount": "-5"}}', "invalid_field"),
    ('{"type": "propose", "terms": {"refund_amount": "1.001"}}', "invalid_field"),
    ('{"type": "propose", "terms": {"perform_by": "2001-01-01", "repair": true}}', "invalid_field"),
    ('{"type": "propose", "terms": {"bribe": 1}}', "invalid_field"),
    ('{"type": "caucus", "party": "consumer", "open": true}', "role_not_allowed"),
    ('{"type": "record_agreement"}', "role_not_allowed"),
]


@pytest.mark.parametrize("frame, code", BAD_FRAMES)
async def test_bad_input_gets_an_error_frame_and_the_connection_stays_usable(room_world, frame, code):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    error = await consumer.error(frame)
    assert error["code"] == code, error
    assert error["message"]
    await consumer.send({"type": "ping"})
    await consumer.next("pong")
    assert await stored_messages(room_world) == []
    await consumer.close()


async def test_oversized_text_frames_and_binary_frames_are_refused(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    long_message = {"type": "message", "client_msg_id": "a", "text": "长" * 4001}
    assert (await consumer.error(long_message))["code"] == "invalid_field"
    assert (await consumer.error("x" * 20_000))["code"] == "frame_too_large"
    await consumer.communicator.send_to(bytes_data=b"\x00\x01")
    assert (await consumer.next("error"))["code"] == "malformed_json"
    assert (await consumer.say("还在", "ok"))["type"] == "ack"
    await consumer.close()


async def test_a_burst_of_messages_is_refused_past_its_size_then_one_a_second_passes(room_world):
    from channels_app.consumers import MESSAGE_BURST, MESSAGE_RATE

    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    for n in range(MESSAGE_BURST):
        assert (await consumer.say(f"第{n}条", f"c-{n}"))["type"] == "ack"
    limited = await consumer.say("多一条", "c-extra")
    assert limited["type"] == "error" and limited["code"] == "rate_limited"
    assert "最多可连续发送10条" in limited["message"]
    assert 0 < float(limited["message"].split("请")[1].split("秒")[0]) <= 1 / MESSAGE_RATE
    assert len(await stored_messages(room_world)) == MESSAGE_BURST
    await consumer.send({"type": "ping"})
    await consumer.next("pong")
    await asyncio.sleep(1 / MESSAGE_RATE)  # the allowance grows back at the steady rate
    assert (await consumer.say("多一条", "c-extra"))["type"] == "ack"
    assert (await consumer.say("又一条", "c-more"))["code"] == "rate_limited"
    await consumer.close()


async def test_the_lead_mediator_seats_an_observer_and_an_interpreter_who_may_see_the_case(room_world):
    """docs/room-protocol.md, `add_participant`: an official of a bureau that handles,
    co-mediates or is above the case's bureau; nobody else (the parties' personal data is in the
    room), and an unknown user name is refused alike."""
    observer_user = await database_sync_to_async(factories.official)(room_world.shop_bureau)
    interpreter_user = await database_sync_to_async(factories.official)(room_world.home_bureau)
    lead = await RoomClient.join(room_world.shop_official, room_world.number)
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    co = await RoomClient.join(room_world.home_official, room_world.number)

    await lead.send({"type": "add_participant", "username": observer_user.username, "role": "observer"})
    added = await consumer.next("system", event="participant_added")
    assert added["data"]["role"] == "observer"
    await lead.send({"type": "add_participant", "username": interpreter_user.username, "role": "interpreter"})
    assert (await consumer.next("system", event="participant_added"))["data"]["role"] == "interpreter"

    for refused_user in (room_world.outsider_official, room_world.shop_staff, room_world.consumer_user):
        refusal = await lead.error({"type": "add_participant", "username": refused_user.username, "role": "observer"})
        assert refusal["code"] == "participant_not_allowed"
    unknown = await lead.error({"type": "add_participant", "username": "nobody-at-all", "role": "observer"})
    assert unknown["code"] == "participant_not_allowed"
    again = await lead.error({"type": "add_participant", "username": observer_user.username, "role": "interpreter"})
    assert again["code"] == "already_seated"
    not_lead = await co.error({"type": "add_participant", "username": observer_user.username, "role": "observer"})
    assert not_lead["code"] == "role_not_allowed"

    # The observer reads but cannot write; the interpreter writes.
    observer = await RoomClient.join(observer_user, room_world.number)
    interpreter = await RoomClient.join(interpreter_user, room_world.number)
    await consumer.say("你好", "c-1")
    await observer.next("message", client_msg_id="c-1")
    assert (await observer.error({"type": "message", "client_msg_id": "o", "text": "x"}))["code"] == "role_not_allowed"
    assert (await interpreter.say("The consumer says hello.", "i-1"))["type"] == "ack"
    await close_all(observer, interpreter, consumer, lead, co)


async def test_an_idle_connection_survives_longer_than_the_redis_read_timeout(room_world):
    """redis-py 8 drops a blocking read after 5 s by default; the room must not."""
    import asyncio

    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    await asyncio.sleep(6)
    await merchant.say("还在吗？", "m-1")
    assert (await consumer.next("message", client_msg_id="m-1"))["text"] == "还在吗？"
    await close_all(consumer, merchant)


# --- the channel layer is a notification path, not the record ----------------------------------


async def test_events_whose_notification_was_lost_are_read_from_postgresql(room_world):
    """The layer may drop. A room whose next notification shows a gap, or that stalls behind
    PostgreSQL, is filled from the database: in order, nothing twice."""
    from mediation.services import room_broadcast
    from mediation.services.room_writer import MessagePost, room_messages_post

    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    consumer_seat = room_world.seats["consumer"]
    hub_publisher = room_broadcast._publisher

    def post(client_msg_id):
        return room_messages_post(
            posts=[
                MessagePost(
                    participant_id=consumer_seat.pk,
                    room_id=consumer_seat.room_id,
                    client_msg_id=client_msg_id,
                    text=client_msg_id,
                )
            ]
        )[0]

    room_broadcast.set_publisher(lambda message: None)  # this notification is lost
    try:
        lost = await database_sync_to_async(post)("lost-1")
    finally:
        room_broadcast.set_publisher(hub_publisher)
    announced = await database_sync_to_async(post)("after-gap")
    first = await merchant.next("message")
    second = await merchant.next("message")
    assert [first["seq"], second["seq"]] == [lost.seq, announced.seq]

    # The last event of a room is lost: nothing follows to show a gap, the periodic check finds it.
    room_broadcast.set_publisher(lambda message: None)
    try:
        stalled = await database_sync_to_async(post)("lost-last")
    finally:
        room_broadcast.set_publisher(hub_publisher)
    found = await merchant.next("message", timeout=5)
    assert found["seq"] == stalled.seq
    assert [f for f in await merchant.nothing_more() if f.get("type") == "message"] == []
    await merchant.close()


async def test_terminating_for_extortion_needs_the_referral_to_the_police(room_world):
    """Order 121 Art. 23(6), 42: 移送公安机关 — the lead mediator writes the referral down."""
    lead = await RoomClient.join(room_world.shop_official, room_world.number)
    refused = await lead.error({"type": "terminate", "reason": "extortion_or_fake_claim"})
    assert refused["code"] == "case_refused"
    await lead.send({"type": "terminate", "reason": "extortion_or_fake_claim", "note": "已移送西湖区公安分局"})
    await lead.next("system", event="terminated")
    case = await case_of(room_world)
    assert case.status == CaseStatus.TERMINATED and case.termination_reason == "extortion_or_fake_claim"
    await close_all(lead)


# --- a granted recusal (Order 121 Art. 21) ------------------------------------------------------


async def test_a_granted_recusal_changes_the_roles_of_sockets_already_open(room_world):
    consumer, merchant, lead, co = await join_all(room_world)

    @database_sync_to_async
    def grant_recusal():
        colleague = factories.official(room_world.shop_bureau)
        case_transition(case=room_world.case, action="request_recusal", actor=room_world.consumer_user, reason="亲属")
        case_transition(
            case=room_world.case,
            action="decide_recusal",
            actor=room_world.shop_official,
            ground="granted",
            reason="确有亲属关系",
            context={"mediator": colleague},
        )
        return colleague

    colleague = await grant_recusal()
    told = await consumer.next("system", event="mediator_replaced")
    assert told["data"]["previous"] == lead.welcome["you"]["id"]
    await lead.next("system", event="mediator_replaced")
    # The recused mediator's open socket now acts as a muted observer: it neither ends the mediation
    # nor writes.
    refused = await lead.error({"type": "terminate", "reason": "agreement_impossible"})
    assert refused["code"] == "role_not_allowed"
    refused = await lead.say("我继续主持", "recused-1")
    assert refused["type"] == "error"
    new_lead = await RoomClient.join(colleague, room_world.number)
    assert new_lead.welcome["you"]["role"] == "lead_mediator"
    await new_lead.send({"type": "terminate", "reason": "agreement_impossible"})
    await consumer.next("system", event="terminated")
    await close_all(consumer, merchant, lead, co, new_lead)
