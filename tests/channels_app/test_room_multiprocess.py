"""Two daphne processes share one Redis layer and one PostgreSQL database. The participants of one
room are spread over both; one process is killed mid-conversation and its clients reconnect to the
other. Every acknowledged message must then be present exactly once, in order, for everyone."""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from mediation.models import RoomEvent
from tests.channels_app.room_client import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES_EACH = 8
SEND_INTERVAL = 0.3  # seconds: a burst of 8 at this pace stays inside the rate limit


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_daphne(port: int, log: Path, extra_env: dict | None = None) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DJANGO_SETTINGS_MODULE": "channels_app.settings",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "channels_app.serve", "-b", "127.0.0.1", "-p", str(port), "asgi:application"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "daphne exited"
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        time.sleep(0.2)
    raise AssertionError(f"daphne on {port} did not start")


@contextlib.asynccontextmanager
async def serving_daphnes(tmp_path: Path, count: int, extra_env: dict | None = None):
    """`count` daphne processes on ports of their own, once each serves: (ports, processes).
    Whatever happens inside, they are stopped and waited for at the end."""
    ports = [free_port() for _ in range(count)]
    processes = [start_daphne(port, tmp_path / f"daphne-{port}.log", extra_env=extra_env) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            await asyncio.to_thread(wait_until_serving, port, process)
        yield ports, processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


# The room's four people in the two-process tests, and the process each joins first: the consumer
# and the lead mediator on the first, the business and the co-mediator on the second.
PLACEMENT = {"consumer": 0, "lead": 0, "merchant": 1, "co": 1}


def room_users(room_world) -> dict:
    return {
        "consumer": room_world.consumer_user,
        "lead": room_world.shop_official,
        "merchant": room_world.shop_staff,
        "co": room_world.home_official,
    }


class Participant:
    """A room client over a real socket that reconnects, resumes and resends what was not
    acknowledged, as a browser client would."""

    def __init__(self, name: str, number: str, cookie: str):
        self.name, self.number, self.cookie = name, number, cookie
        self.seen: list[int] = []  # seq of every message frame received, in arrival order
        self.texts: dict[int, str] = {}
        self.acked: dict[str, int] = {}
        self.unacked: dict[str, str] = {}
        self.errors: list[dict] = []
        self.socket = None
        self.connected = asyncio.Event()
        self.port: int | None = None

    async def connect(self, port: int) -> None:
        self.port = port
        after = f"?after_seq={max(self.seen)}" if self.seen else ""
        self.socket = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/rooms/{self.number}/{after}",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}"},
        )
        self.connected.set()
        for client_msg_id, text in list(self.unacked.items()):  # resend with the same ids
            await self._send(client_msg_id, text)

    async def _send(self, client_msg_id: str, text: str) -> None:
        await self.socket.send(json.dumps({"type": "message", "client_msg_id": client_msg_id, "text": text}))

    async def say(self, client_msg_id: str, text: str) -> None:
        self.unacked[client_msg_id] = text
        await self.connected.wait()
        with contextlib.suppress(websockets.ConnectionClosed):
            await self._send(client_msg_id, text)

    def _take(self, frame: dict) -> None:
        if frame.get("type") == "message":
            self.seen.append(frame["seq"])
            self.texts[frame["seq"]] = frame["text"]

    async def read(self, fallback_port: int) -> None:
        while True:
            try:
                async for raw in self.socket:
                    frame = json.loads(raw)
                    if frame["type"] == "history":
                        for event in frame["events"]:
                            self._take(event)
                    elif frame["type"] == "ack":
                        self.acked[frame["client_msg_id"]] = frame["seq"]
                        self.unacked.pop(frame["client_msg_id"], None)
                    elif frame["type"] == "error":
                        self.errors.append(frame)
                    else:
                        self._take(frame)
                return
            except websockets.ConnectionClosed:
                pass
            # The process went away: reconnect to the other one and resume.
            self.connected.clear()
            while True:
                try:
                    await self.connect(fallback_port)
                    break
                except OSError:
                    await asyncio.sleep(0.2)


@database_sync_to_async
def stored_client_ids(room) -> list[tuple[int, str]]:
    return list(RoomEvent.objects.filter(room=room, kind="message").order_by("seq").values_list("seq", "client_msg_id"))


async def test_a_killed_process_loses_no_acknowledged_message(room_world, tmp_path):
    async with serving_daphnes(tmp_path, 2) as (ports, processes):
        participants = {
            name: Participant(name, room_world.number, await database_sync_to_async(session_cookie)(user))
            for name, user in room_users(room_world).items()
        }
        # Consumer and lead on the process that will be killed; merchant and co-mediator on the other.
        for name, participant in participants.items():
            await participant.connect(ports[PLACEMENT[name]])
        readers = [
            asyncio.create_task(participant.read(fallback_port=ports[1])) for participant in participants.values()
        ]

        async def talk(participant: Participant) -> None:
            for n in range(MESSAGES_EACH):
                await participant.say(f"{participant.name}-{n}", f"{participant.name} 第{n}条")
                await asyncio.sleep(SEND_INTERVAL)

        talkers = [asyncio.create_task(talk(participant)) for participant in participants.values()]
        await asyncio.sleep(SEND_INTERVAL * MESSAGES_EACH / 3)
        processes[0].send_signal(signal.SIGKILL)  # mid-conversation
        await asyncio.gather(*talkers)

        everyone = list(participants.values())
        expected_total = MESSAGES_EACH * len(everyone)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (
            any(p.unacked for p in everyone) or any(len(set(p.seen)) < expected_total for p in everyone)
        ):
            await asyncio.sleep(0.2)

        stored = await stored_client_ids(room_world.room)
        assert len(stored) == expected_total
        assert len({client_msg_id for _seq, client_msg_id in stored}) == expected_total  # nothing stored twice
        stored_seqs = [seq for seq, _client_msg_id in stored]
        for participant in everyone:
            assert participant.errors == [], participant.errors
            assert participant.unacked == {}, f"{participant.name} still waits for {participant.unacked}"
            # Every acknowledged message, exactly once, in order.
            assert participant.seen == stored_seqs, participant.name
            for client_msg_id, seq in participant.acked.items():
                assert participant.texts[seq].startswith(client_msg_id.split("-")[0])
        assert all(p.port == ports[1] for p in everyone)  # the consumer and lead moved over
        for task in readers:
            task.cancel()
        for participant in everyone:
            await participant.socket.close()


async def _frames_until(socket, wanted, timeout: float = 10) -> dict:
    """Read frames until one satisfies `wanted`, and return it."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await socket.recv())
            if wanted(frame):
                return frame


async def test_the_room_state_crosses_to_the_other_process(room_world, tmp_path):
    async with serving_daphnes(tmp_path, 2) as (ports, _processes):
        sockets = {}
        for name, user in room_users(room_world).items():
            cookie = await database_sync_to_async(session_cookie)(user)
            sockets[name] = await websockets.connect(
                f"ws://127.0.0.1:{ports[PLACEMENT[name]]}/ws/rooms/{room_world.number}/",
                origin=f"http://127.0.0.1:{ports[PLACEMENT[name]]}",
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            )
            await _frames_until(sockets[name], lambda frame: frame["type"] == "history")

        # The business, on the second process, proposes: the consumer on the first is told the
        # proposal is on the table, accepted by the business (its proposer) and not yet by them.
        await sockets["merchant"].send(json.dumps({"type": "propose", "terms": {"refund_amount": "88"}}))
        state = await _frames_until(sockets["consumer"], lambda frame: frame["type"] == "state")
        [proposal] = state["room"]["proposals"]
        assert (proposal["number"], proposal["status"]) == (1, "open")
        assert (proposal["merchant_accepted"], proposal["consumer_accepted"]) == (True, False)

        # The lead mediator, on the first process, adjourns: the co-mediator on the second is told.
        await sockets["lead"].send(json.dumps({"type": "adjourn"}))
        state = await _frames_until(
            sockets["co"], lambda frame: frame["type"] == "state" and frame["room"]["status"] != "open"
        )
        assert state["room"]["status"] == "adjourned"
        for open_socket in sockets.values():
            await open_socket.close()
