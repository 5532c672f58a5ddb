"""The room's sockets against misuse and faults: a socket that fails is let go by the hub, odd input
gets an error frame (not a closed socket), every kind of frame is rate-limited, read receipts say
nothing about channels their reader cannot see, and a seat goes with the job."""

import json

import pytest
from channels.db import database_sync_to_async

from channels_app import consumers
from channels_app.room_hub import room_hub
from mediation.models import RoomParticipant
from mediation.services.people import merchant_staff_add
from tests import factories
from tests.channels_app.room_client import RoomClient

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_socket_that_fails_while_joining_is_let_go_by_the_hub(room_world, monkeypatch):
    def failing_arrival(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(consumers, "_arrive", failing_arrival)
    client = await RoomClient.join(room_world.consumer_user, room_world.number, expect_welcome=False)
    with pytest.raises(RuntimeError):  # the server closes such a connection with 1011
        await client.next("welcome")
    assert room_world.room.pk not in room_hub().rooms
    assert room_hub().online(room_world.room.pk) == []


async def test_a_fault_while_handling_a_frame_is_answered_and_the_socket_goes_on(room_world, monkeypatch):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)

    def failing_mark_read(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(consumers.room_services, "room_mark_read", failing_mark_read)
    error = await consumer.error({"type": "read", "seq": 1, "ref": "r-1"})
    assert error["code"] == "server_error" and error["ref"] == "r-1" and error["for"] == "read"
    monkeypatch.undo()
    assert (await consumer.say("还在吗？", "c-1"))["type"] == "ack"
    await consumer.close()


@pytest.mark.parametrize("after_seq", ["²", "١٢", "1" * 40])
async def test_a_resume_point_that_is_not_plain_digits_is_refused_with_4400(room_world, after_seq):
    client = await RoomClient.join(
        room_world.consumer_user, room_world.number, after_seq=after_seq, expect_welcome=False
    )
    assert (await client.next("_closed"))["code"] == 4400


@pytest.mark.parametrize(
    "frame",
    [
        '{"type": "message", "client_msg_id": "\\ud800", "text": "x"}',
        '{"type": "message", "client_msg_id": "c-1", "text": "\\udfff 你好"}',
        '{"type": "typing", "ref": "\\ud83d"}',
        "[" * 5000 + "]" * 5000,
        '{"type": "message", "client_msg_id": "c-1", "text": "x", "extra": ' + "[" * 3000 + "]" * 3000 + "}",
    ],
    ids=["surrogate-id", "surrogate-text", "surrogate-ref", "deep-array", "deep-field"],
)
async def test_frames_that_cannot_be_read_get_an_error_frame_and_the_socket_stays(room_world, frame):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    await consumer.send(frame)
    error = await consumer.next("error")
    assert error["code"] in ("malformed_json", "invalid_field", "frame_too_large")
    json.dumps(error, ensure_ascii=False).encode("utf-8")  # what was sent back is valid text
    assert (await consumer.say("正常的消息", "c-ok"))["type"] == "ack"
    await consumer.close()


@pytest.mark.parametrize(
    "frame",
    [{"type": "typing"}, {"type": "read", "seq": 1}, {"type": "history", "before_seq": 1}, {"type": "ping"}],
    ids=lambda frame: frame["type"],
)
async def test_every_kind_of_frame_is_rate_limited(room_world, frame):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    for _ in range(200):
        await consumer.send(frame)
    limited = await consumer.next("error", code="rate_limited")
    assert limited["for"] == frame["type"]
    await consumer.close()


async def test_a_read_receipt_does_not_tell_a_party_of_a_channel_it_cannot_see(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    lead = await RoomClient.join(room_world.shop_official, room_world.number)
    main = await consumer.say("在吗？", "c-1")
    await lead.send({"type": "caucus", "party": "merchant", "open": True})
    await merchant.next("system", event="caucus_opened")
    private = await merchant.say("我们最多退一半。", "m-1", channel="caucus:merchant")
    await merchant.send({"type": "read", "seq": private["seq"]})
    # The lead mediator, who sees the caucus, learns the merchant read it.
    merchant_id = merchant.welcome["you"]["id"]
    assert (await lead.next("read", participant=merchant_id))["seq"] == private["seq"]
    await consumer.send({"type": "ping"})
    await consumer.next("pong")
    receipts = [f for f in consumer.frames if f["type"] == "read"]
    assert all(receipt["seq"] <= main["seq"] for receipt in receipts)
    for client in (consumer, merchant, lead):
        await client.close()


async def test_staff_moved_to_another_business_lose_their_seat(room_world):
    other_shop = await database_sync_to_async(factories.shop)(name="杭州另一家电器有限公司")

    @database_sync_to_async
    def move_staff():
        staff = room_world.shop_staff.merchant_staff
        staff.delete()
        merchant_staff_add(user=room_world.shop_staff, entity=other_shop)

    await move_staff()
    client = await RoomClient.join(room_world.shop_staff, room_world.number, expect_welcome=False)
    assert (await client.next("_closed"))["code"] == 4403
    assert await database_sync_to_async(RoomParticipant.objects.filter(user=room_world.shop_staff).exists)()


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "必须是整数"), ("en", "must be a whole number")], ids=["zh", "en"]
)
async def test_a_fields_problem_is_told_in_the_readers_language(room_world, language, expected):
    headers = [(b"accept-language", language.encode())]
    client = await RoomClient.join(room_world.shop_official, room_world.number, headers=headers)
    error = await client.error({"type": "read", "seq": "最新"})
    assert error["code"] == "invalid_field" and expected in error["message"]
    await client.close()


async def test_two_readers_of_one_room_each_keep_their_own_language(room_world):
    # Each socket's language holds for its own frames only, however their frames interleave.
    chinese = await RoomClient.join(
        room_world.shop_official, room_world.number, headers=[(b"accept-language", b"zh-hans")]
    )
    english = await RoomClient.join(room_world.shop_staff, room_world.number, headers=[(b"accept-language", b"en")])
    for _ in range(3):
        assert "must be a whole number" in (await english.error({"type": "read", "seq": "latest"}))["message"]
        assert "必须是整数" in (await chinese.error({"type": "read", "seq": "最新"}))["message"]
    await chinese.close()
    await english.close()


async def test_an_observer_moved_to_a_bureau_without_the_case_loses_the_seat(room_world):
    """docs/room-protocol.md, `add_participant`: an observer or interpreter is an official of a bureau
    that handles or co-mediates the case, is entrusted with it or is above the handling bureau, or of
    the partner agency. The room holds the parties' personal data: an official moved elsewhere keeps
    the record of the seat, not the entry."""
    observer_user = await database_sync_to_async(factories.official)(room_world.shop_bureau)
    lead = await RoomClient.join(room_world.shop_official, room_world.number)
    await lead.send({"type": "add_participant", "username": observer_user.username, "role": "observer"})
    await lead.next("system", event="participant_added")
    observer = await RoomClient.join(observer_user, room_world.number)
    await observer.close()

    @database_sync_to_async
    def move_to_an_unrelated_bureau():
        official = observer_user.official
        official.authority = room_world.outsider_official.official.authority
        official.save(update_fields=["authority"])

    await move_to_an_unrelated_bureau()
    refused = await RoomClient.join(observer_user, room_world.number, expect_welcome=False)
    assert (await refused.next("_closed"))["code"] == 4403
    assert await database_sync_to_async(RoomParticipant.objects.filter(user=observer_user).exists)()
    await lead.close()
