"""A test participant in a mediation room, over channels' WebsocketCommunicator."""

import asyncio
import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1")
TIMEOUT = 5


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class RoomClient:
    """Connects as a user, keeps every frame it receives, and waits for the ones a test expects."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator
        self.frames: list[dict] = []
        self._unread: list[dict] = []

    @classmethod
    async def join(
        cls, user, number: str | None = None, *, path=None, after_seq=None, headers=(), expect_welcome=True
    ) -> "RoomClient":
        """Join the mediation room of case `number`, or the room at `path` (an assistance room)."""
        path = (path or f"/ws/rooms/{number}/") + (f"?after_seq={after_seq}" if after_seq is not None else "")
        all_headers = [ORIGIN, *headers]
        if user is not None:
            cookie = await database_sync_to_async(session_cookie)(user)
            all_headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        client = cls(WebsocketCommunicator(application, path, headers=all_headers))
        connected, _ = await client.communicator.connect(timeout=TIMEOUT)
        assert connected
        if expect_welcome:
            client.welcome = await client.next("welcome")
            client.history = await client.next("history")
        return client

    async def send(self, frame) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False)
        await self.communicator.send_to(text_data=text)

    async def _receive(self, timeout: float) -> dict:
        message = await self.communicator.receive_output(timeout)
        if message["type"] == "websocket.close":
            frame = {"type": "_closed", "code": message.get("code")}
        else:
            frame = json.loads(message["text"])
        self.frames.append(frame)
        return frame

    async def next(self, frame_type: str | None = None, *, timeout: float = TIMEOUT, **match) -> dict:
        """The next frame of this type (and with these field values), skipping others but keeping
        them for later calls."""
        for index, frame in enumerate(self._unread):
            if _matches(frame, frame_type, match):
                return self._unread.pop(index)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {frame_type} {match} frame; unread: {self._unread}")
            try:
                frame = await self._receive(remaining)
            except TimeoutError:
                raise AssertionError(f"no {frame_type} {match} frame; unread: {self._unread}") from None
            if _matches(frame, frame_type, match):
                return frame
            self._unread.append(frame)

    async def say(self, text: str, client_msg_id: str, **extra) -> dict:
        """Send a message and return its acknowledgement (or the error refusing it)."""
        await self.send({"type": "message", "client_msg_id": client_msg_id, "text": text, **extra})
        return await self.next(None, client_msg_id=client_msg_id, _types=("ack", "error"))

    async def error(self, frame, **match) -> dict:
        await self.send(frame)
        return await self.next("error", **match)

    async def nothing_more(self, timeout: float = 0.5) -> list[dict]:
        """Frames still arriving within `timeout` (and unread ones)."""
        extra = list(self._unread)
        self._unread.clear()
        while not await self.communicator.receive_nothing(timeout):
            extra.append(await self._receive(timeout))
        return extra

    async def close(self) -> None:
        await self.communicator.disconnect()


def _matches(frame: dict, frame_type: str | None, match: dict) -> bool:
    if frame_type is not None and frame.get("type") != frame_type:
        return False
    if "_types" in match and frame.get("type") not in match["_types"]:
        return False
    return all(frame.get(key) == value for key, value in match.items() if key != "_types")
