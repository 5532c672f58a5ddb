"""The room heals itself when Redis goes away and comes back. Two daphne processes share a Redis
server of this test's own (a real `redis-server` on a port of its own, which the test stops and
starts: it keeps nothing on disk, like a restarted production Redis) and one PostgreSQL database.
The participants of one room are spread over both processes.

- While Redis is down, messages are still stored, acknowledged and delivered (by the database
  path), and no socket is closed.
- Within 10 s of Redis coming back: typing, read receipts and presence cross between the processes
  again, and a message from one process reaches the other at the layer's speed again, not at the
  pace of the once-a-second check."""

import asyncio
import contextlib
import json
import statistics
import subprocess
import time

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from tests.channels_app.room_client import session_cookie
from tests.channels_app.test_room_multiprocess import PLACEMENT, free_port, room_users, serving_daphnes

pytestmark = pytest.mark.django_db(transaction=True)

DOWN_SECONDS = 3
HEAL_SECONDS = 10
# A message crossing processes through the layer takes tens of milliseconds; the database path
# (the check once a second) takes half a second on average.
CROSSING_P50_LIMIT = 0.2


def start_redis(port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def wait_for_redis(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"PING\r\n")
            if (await reader.readline()).startswith(b"+PONG"):
                writer.close()
                return
            writer.close()
        await asyncio.sleep(0.1)
    raise AssertionError(f"redis-server on {port} did not start")


class Watcher:
    """A room client that records every frame it receives, with the time it arrived."""

    def __init__(self, name: str, number: str, cookie: str):
        self.name, self.number, self.cookie = name, number, cookie
        self.frames: list[tuple[float, dict]] = []
        self.closed: websockets.ConnectionClosed | None = None
        self.socket = None
        self._reader: asyncio.Task | None = None

    async def connect(self, port: int) -> None:
        self.socket = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/rooms/{self.number}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}"},
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self.frames.append((time.monotonic(), json.loads(raw)))
        except websockets.ConnectionClosed as closed:
            self.closed = closed

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def leave(self) -> None:
        await self.socket.close()
        await self._reader

    def received(self, kind: str, since: float = 0, **fields) -> list[tuple[float, dict]]:
        return [
            (at, frame)
            for at, frame in self.frames
            if at >= since and frame["type"] == kind and all(frame.get(key) == value for key, value in fields.items())
        ]

    async def until(self, kind: str, since: float = 0, timeout: float = 10, **fields) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(kind, since, **fields)
            if found:
                return found[0]
            await asyncio.sleep(0.02)
        raise AssertionError(f"{self.name} got no {kind} {fields} within {timeout} s: {self.frames[-5:]}")


async def until_crossing(sender: Watcher, receiver: Watcher, send, kind: str, since: float, **fields) -> float:
    """Send with `send` every half second until `receiver` gets a `kind` frame; the seconds since
    `since` that took."""
    deadline = since + HEAL_SECONDS + 5
    while time.monotonic() < deadline:
        await send()
        with contextlib.suppress(AssertionError):
            at, _frame = await receiver.until(kind, since, timeout=0.5, **fields)
            return at - since
    raise AssertionError(f"no {kind} from {sender.name} reached {receiver.name} after Redis came back")


async def test_the_room_heals_itself_after_redis_restarts(room_world, tmp_path):
    redis_port = free_port()
    redis_log = tmp_path / "redis.log"
    redis = start_redis(redis_port, redis_log)
    await wait_for_redis(redis_port)
    layer = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "CHANNEL_LAYER_PREFIX": f"heal-{redis_port}"}
    try:
        async with serving_daphnes(tmp_path, 2, extra_env=layer) as (ports, _processes):
            watchers = {
                name: Watcher(name, room_world.number, await database_sync_to_async(session_cookie)(user))
                for name, user in room_users(room_world).items()
            }
            for name, watcher in watchers.items():
                await watcher.connect(ports[PLACEMENT[name]])
            consumer, merchant, co = watchers["consumer"], watchers["merchant"], watchers["co"]
            ids = {name: (await watcher.until("welcome"))[1]["you"]["id"] for name, watcher in watchers.items()}
            everyone = sorted(ids.values())
            await consumer.until("presence", online=everyone)
            # Before: typing crosses the processes.
            await consumer.send({"type": "typing"})
            await merchant.until("typing", participant=ids["consumer"])

            # Redis goes away for a while.
            redis.terminate()
            redis.wait(timeout=10)
            went_down = time.monotonic()
            for n in range(3):
                await consumer.send({"type": "message", "client_msg_id": f"down-{n}", "text": f"Redis 停了，第{n}条"})
                await consumer.send({"type": "typing"})
            for n in range(3):
                _at, ack = await consumer.until("ack", went_down, client_msg_id=f"down-{n}")
                await merchant.until("message", went_down, client_msg_id=f"down-{n}")  # by the database path
            await merchant.send({"type": "read", "seq": ack["seq"]})
            await asyncio.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - went_down)))

            redis = start_redis(redis_port, redis_log)
            await wait_for_redis(redis_port)
            back = time.monotonic()

            # Typing and read receipts cross the processes again, both ways, within 10 s.
            healed = {
                "typing": await until_crossing(
                    consumer,
                    merchant,
                    lambda: consumer.send({"type": "typing"}),
                    "typing",
                    back,
                    participant=ids["consumer"],
                ),
                "read": await until_crossing(
                    merchant,
                    consumer,
                    lambda: merchant.send({"type": "read", "seq": ack["seq"]}),
                    "read",
                    back,
                    participant=ids["merchant"],
                ),
            }
            # Presence: the co-mediator leaves and comes back on the other process; the consumer sees both.
            await co.leave()
            await consumer.until("presence", back, online=sorted(set(everyone) - {ids["co"]}))
            returned = Watcher("co", room_world.number, co.cookie)
            await returned.connect(ports[1])
            await consumer.until("presence", back, online=everyone)
            healed["presence"] = time.monotonic() - back
            assert all(seconds <= HEAL_SECONDS for seconds in healed.values()), healed

            # Messages cross at the layer's speed again.
            crossings = []
            for n in range(8):
                sent = time.monotonic()
                await consumer.send({"type": "message", "client_msg_id": f"back-{n}", "text": f"恢复后第{n}条"})
                at, _frame = await merchant.until("message", sent, client_msg_id=f"back-{n}")
                crossings.append(at - sent)
                await asyncio.sleep(0.25)
            assert statistics.median(crossings) < CROSSING_P50_LIMIT, crossings

            # No socket was closed because the layer failed.
            for watcher in [*watchers.values(), returned]:
                if watcher is not co:
                    assert watcher.closed is None, (watcher.name, watcher.closed)
                assert not watcher.received("error"), (watcher.name, watcher.received("error"))
            for watcher in (consumer, merchant, watchers["lead"], returned):
                await watcher.leave()
    finally:
        if redis.poll() is None:
            redis.terminate()
