"""Frames behave as docs/room-protocol.md says, also at the edges:

- through a real daphne process (the WebSocket layer the in-process tests skip): JSON nested too
  deep, about 2 KB of it, gets `malformed_json` and the socket stays; a frame over daphne's 1 MiB
  limit closes the connection with 1009 (message too big), a close the client can see;
- typing in a closed room is refused (`room_closed`), and so is a muted participant's (`muted`)
  until they are unmuted; a read receipt in a closed room still moves the marker and is told to
  those who see the event's channel (the record stays readable)."""

import asyncio
import json

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from tests.channels_app.room_client import RoomClient, session_cookie
from tests.channels_app.test_room_multiprocess import serving_daphnes

pytestmark = pytest.mark.django_db(transaction=True)

DAPHNE_FRAME_LIMIT = 1024 * 1024  # daphne's default limit of a WebSocket message: 1 MiB


async def _next_error_or_close(socket) -> str:
    try:
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if frame["type"] == "error":
                return frame["code"]
    except websockets.ConnectionClosed as closed:
        return f"closed {closed.rcvd.code if closed.rcvd else None}"


async def test_deep_json_and_an_oversized_frame_through_daphne(room_world, tmp_path):
    async with serving_daphnes(tmp_path, 1) as ((port,), _processes):
        cookie = await database_sync_to_async(session_cookie)(room_world.consumer_user)

        async def connect():
            return await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/rooms/{room_world.number}/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
                max_size=None,
            )

        socket = await connect()
        for deep in (
            '{"a":' * 400 + "1" + "}" * 400,  # about 2 KB
            "[" * 1000 + "]" * 1000,
            '{"type": "typing", "ref": ' + '{"a":' * 900 + "1" + "}" * 900 + "}",
        ):
            await socket.send(deep)
            assert await _next_error_or_close(socket) == "malformed_json"
        await socket.send(json.dumps({"type": "message", "client_msg_id": "after-deep", "text": "还在"}))
        while (frame := json.loads(await asyncio.wait_for(socket.recv(), 10)))["type"] != "ack":
            assert frame["type"] != "error", frame
        await socket.close()

        oversized = await connect()
        await oversized.send("x" * (2 * DAPHNE_FRAME_LIMIT))
        assert await _next_error_or_close(oversized) == "closed 1009"


async def test_typing_is_refused_in_a_closed_room_and_while_muted_and_a_receipt_still_counts(room_world):
    consumer = await RoomClient.join(room_world.consumer_user, room_world.number)
    merchant = await RoomClient.join(room_world.shop_staff, room_world.number)
    lead = await RoomClient.join(room_world.shop_official, room_world.number)
    consumer_id = consumer.welcome["you"]["id"]

    await lead.send({"type": "mute", "participant": consumer_id, "muted": True})
    await consumer.next("system", event="muted")
    assert (await consumer.error({"type": "typing"}))["code"] == "muted"
    await lead.send({"type": "mute", "participant": consumer_id, "muted": False})
    await consumer.next("system", event="unmuted")
    await consumer.send({"type": "typing"})
    await merchant.next("typing", participant=consumer_id)

    said = await merchant.say("我们同意退款。", "m-1")
    await lead.send({"type": "terminate", "reason": "agreement_impossible"})
    await consumer.next("system", event="terminated")
    refused = await consumer.error({"type": "typing", "ref": "t-1"})
    assert (refused["code"], refused["ref"]) == ("room_closed", "t-1")
    assert not [frame for frame in await merchant.nothing_more() if frame["type"] == "typing"]
    # A client that joins the closed room later is refused as well.
    late = await RoomClient.join(room_world.consumer_user, room_world.number)
    assert (await late.error({"type": "typing"}))["code"] == "room_closed"

    await consumer.send({"type": "read", "seq": said["seq"]})
    assert (await merchant.next("read", participant=consumer_id))["seq"] == said["seq"]
    for client in (consumer, merchant, lead, late):
        await client.close()
