"""A browser's chat with the triage bot over a real socket (`/ws/bot/`, docs/bot-chat-protocol.md),
for the end-to-end test and the bot benchmark."""

import asyncio
import json
import time

import websockets

PACE_SECONDS = 1.0  # a person answers at most about once a second; the chat allows a burst of 5
MAX_TURNS = 30


class Chat:
    def __init__(
        self,
        port: int,
        cookie: str,
        *,
        cookie_name: str = "sessionid",
        pace: float = PACE_SECONDS,
        path: str = "/ws/bot/",
    ):
        self.url = f"ws://127.0.0.1:{port}{path}"
        self.headers = {"Cookie": f"{cookie_name}={cookie}"}
        self.origin = f"http://127.0.0.1:{port}"
        self.pace = pace
        self.transcript: list[str] = []
        self.turn_seconds: list[float] = []  # from sending a message to the end of the bot's turn
        self.sent = 0
        self.last_sent = 0.0

    async def __aenter__(self):
        self.socket = await websockets.connect(self.url, origin=self.origin, additional_headers=self.headers)
        self.welcome = json.loads(await asyncio.wait_for(self.socket.recv(), 30))
        assert self.welcome["type"] == "welcome", self.welcome
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def say(self, text: str, *, refused: bool = False) -> list[dict]:
        """Send one message; the bot's frames up to the end of its turn. With `refused`, the message
        is expected to be refused: the frames up to and including its error."""
        await asyncio.sleep(max(0.0, self.last_sent + self.pace - time.monotonic()))
        self.last_sent = time.monotonic()
        self.sent += 1
        client_msg_id = f"m{self.sent}"
        self.transcript.append(f"> {text}")
        await self.socket.send(json.dumps({"type": "message", "text": text, "client_msg_id": client_msg_id}))
        frames = []
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), 60))
            if frame["type"] == "done" and frame["client_msg_id"] == client_msg_id:
                self.turn_seconds.append(time.monotonic() - self.last_sent)
                return frames
            self.transcript.append(f"< {frame.get('text') or frame}")
            frames.append(frame)
            if frame["type"] == "error":
                assert refused and frame.get("client_msg_id") == client_msg_id, (frame, self.transcript)
                return frames

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
