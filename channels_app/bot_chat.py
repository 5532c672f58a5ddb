"""The web chat with the triage bot: /ws/bot/. A bridge from the browser to Rasa's REST channel.

The signed-in user is the conversation's sender (`user-<id>`), so the conversation is theirs on
every device and survives a reconnect: Rasa keeps it in its tracker store, and on connect the
bridge reads it back from Rasa's HTTP API and sends it as history. Every message goes to Rasa with
the user's consumer id, language and a grant as metadata: the action server acts for that consumer
only, on that grant (mediation/services/chat_grants.py).
The bot's answers come back as `bot` frames (text and buttons) and, after filing, a `handoff` frame
that tells the page which case to open.

Asking the bot for a person (转人工) opens a live chat with the officials on duty (an assistance
room, /ws/help/<id>/) and pauses the bot. While that chat is open the bridge passes nothing to
the bot: a message sent here is refused with `with_official` and the chat's address, so that
nothing is lost unseen. Once an official has released the person, the bridge tells Rasa to resume
the conversation before it passes on the next message. The protocol is in
docs/bot-chat-protocol.md."""

import asyncio
import logging

import httpx
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from channels_app.consumers import CLOSE_NOT_AUTHENTICATED, connection_language
from channels_app.frames import FrameFields, FrameHandler, MessageAllowance, frame_text
from mediation.selectors.assistance import help_chat_transcript, latest_help_request_of
from mediation.services.assistance import help_request_bot_resumed
from mediation.services.chat_grants import chat_grant_issue
from mediation.services.errors import DomainError
from mediation.services.room_errors import RoomActionRefused

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARACTERS = 2_000
# A person answers the bot's questions one at a time; a burst of 5, then one message a second.
MESSAGE_BURST = 5
MESSAGE_RATE = 1.0
# Pings and any other frame: a generous allowance of their own.
FRAME_BURST = 30
FRAME_RATE = 5.0
HISTORY_MESSAGES = 100  # the latest bot and user messages sent on connect

FRAME_FIELDS: FrameFields = {
    "message": {"text": (str, True), "client_msg_id": (str, False)},
    "ping": {},
}


def bot_sender(user) -> str:
    return f"user-{user.pk}"


def _consumer_of(user) -> tuple[int | None, str | None]:
    """The user's consumer id (None for someone not registered as a consumer) and chosen language."""
    consumer = getattr(user, "consumer", None)
    return (consumer.pk, consumer.preferred_language) if consumer is not None else (None, None)


def _buttons(buttons: list[dict]) -> list[dict]:
    return [{"title": button.get("title", ""), "payload": button.get("payload", "")} for button in buttons]


def help_handoff(help_request) -> dict:
    """The frame that sends the page to the person's chat with an official."""
    return {
        "type": "handoff",
        "to": "official",
        "help_request": help_request.pk,
        "room_url": help_request.room_url,
    }


def bot_frames(replies: list[dict]) -> list[dict]:
    """Rasa's REST replies as frames: text (with its buttons) and the hand-off payload."""
    frames = []
    for reply in replies:
        custom = reply.get("custom") or {}
        if "handoff" in custom:
            frames.append({"type": "handoff", **custom["handoff"]})
        if reply.get("text"):
            frame = {"type": "bot", "text": reply["text"]}
            if reply.get("buttons"):
                frame["buttons"] = _buttons(reply["buttons"])
            frames.append(frame)
    return frames


def history_of(events: list[dict]) -> list[dict]:
    """The visible conversation in a Rasa tracker's events: what the user said and the bot's
    answers, oldest first (button payloads shown as the user's choice, not as "/intent")."""
    shown = []
    for event in events:
        if event.get("event") == "user":
            text = event.get("text") or ""
            shown.append({"from": "user", "text": text, "choice": text.startswith("/")})
        elif event.get("event") == "bot" and (event.get("text") or (event.get("data") or {}).get("custom")):
            entry = {"from": "bot", "text": event.get("text") or ""}
            data = event.get("data") or {}
            if data.get("buttons"):
                entry["buttons"] = _buttons(data["buttons"])
            if (data.get("custom") or {}).get("handoff"):
                entry["handoff"] = data["custom"]["handoff"]
            shown.append(entry)
    return shown[-HISTORY_MESSAGES:]


class BotUnavailable(Exception):
    pass


class BotChatConsumer(FrameHandler, AsyncWebsocketConsumer):
    frame_fields = FRAME_FIELDS
    channel_layer_alias = None  # nothing reaches this socket through the layer

    async def connect(self):
        self.user = self.scope.get("user")
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            self.user = None
            return
        self.sender = bot_sender(self.user)
        self.consumer_id, chosen_language = await database_sync_to_async(_consumer_of)(self.user)
        self.language = connection_language(self.scope, chosen_language)
        self.allowance = MessageAllowance(MESSAGE_BURST, MESSAGE_RATE)
        self.frame_allowance = MessageAllowance(FRAME_BURST, FRAME_RATE)
        self.turn = asyncio.Lock()  # one message at a time, in the order sent
        self.http = httpx.AsyncClient(base_url=settings.BOT_URL, timeout=settings.BOT_TIMEOUT_SECONDS)
        try:
            history = await self._history()
        except BotUnavailable:
            history = None
        help_request = await database_sync_to_async(latest_help_request_of)(user=self.user)
        bot_ready = history is not None
        welcome = {"type": "welcome", "history": history or [], "history_available": bot_ready, "bot_ready": bot_ready}
        if help_request is not None and help_request.is_open:
            # A person who reconnects while an official is answering them is sent back to that chat.
            welcome["with_official"] = help_handoff(help_request)
        await self.send_frame(welcome)
        if not bot_ready:
            self.ready_watch = asyncio.create_task(self._tell_when_ready())

    async def _tell_when_ready(self) -> None:
        """The bot did not answer at connect (starting, training its model, or down): ask again
        every few seconds and tell the page once it answers, with the conversation so far."""
        while True:
            await asyncio.sleep(settings.BOT_READY_POLL_SECONDS)
            try:
                history = await self._history()
            except BotUnavailable:
                continue
            await self.send_frame({"type": "bot_ready", "history": history})
            return

    async def disconnect(self, code):
        watch = getattr(self, "ready_watch", None)
        if watch is not None:
            watch.cancel()
        if getattr(self, "http", None) is not None:
            await self.http.aclose()

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=frame_text(frame))

    async def receive(self, text_data=None, bytes_data=None):
        if self.user is None:
            return
        with translation.override(self.language):
            await self.handle_frame(text_data)

    async def send_error(self, refusal: DomainError, frame: dict) -> None:
        error = {"type": "error", "code": refusal.code, "message": refusal.render()}
        if isinstance(frame.get("client_msg_id"), str):
            error["client_msg_id"] = frame["client_msg_id"]
        await self.send_frame(error)

    async def on_ping(self):
        await self.send_frame({"type": "pong"})

    async def on_message(self, *, text: str, client_msg_id: str | None = None):
        text = text.strip()
        if not text:
            raise RoomActionRefused("invalid_field", field="text", problem=_("is empty"))
        if len(text) > MAX_MESSAGE_CHARACTERS:
            raise RoomActionRefused(
                "invalid_field",
                field="text",
                problem=_("is longer than %(limit)d characters") % {"limit": MAX_MESSAGE_CHARACTERS},
            )
        self.allowance.take()
        async with self.turn:
            try:
                await self._bot_may_answer()
                replies = await self._ask(text)
            except BotUnavailable:
                raise RoomActionRefused("bot_unavailable") from None
            for frame in bot_frames(replies):
                await self.send_frame(frame)
            # The bot's turn is over: a client stops showing "typing" and may send the next one.
            await self.send_frame({"type": "done", "client_msg_id": client_msg_id})

    async def _bot_may_answer(self) -> None:
        """Refuse the message while an official is answering the person; after the official has
        released them, resume the bot's conversation first (once)."""
        help_request = await database_sync_to_async(latest_help_request_of)(user=self.user)
        if help_request is None:
            return
        if help_request.is_open:
            await self.send_frame(help_handoff(help_request))
            raise RoomActionRefused("with_official")
        if help_request.bot_resumed_at is None:
            transcript = await database_sync_to_async(help_chat_transcript)(help_request=help_request)
            await self._resume(transcript)
            await database_sync_to_async(help_request_bot_resumed)(help_request=help_request)

    async def _resume(self, transcript: list[dict]) -> None:
        # The bot knows what was said with the officials (slot `official_chat`): it goes with a
        # later request for a person, so that the next official need not ask again.
        # Rasa stopped at the paused action without logging that it listens again; the bot's
        # policies read the next message after an `action_listen` (a form in progress goes on
        # only then), so the bridge logs it with the resume.
        events = [
            {"event": "resume"},
            {"event": "slot", "name": "official_chat", "value": transcript},
            {"event": "action", "name": "action_listen"},
        ]
        try:
            response = await self.http.post(
                f"/conversations/{self.sender}/tracker/events", params=self._token(), json=events
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("the bot's conversation could not be resumed: %s", error)
            raise BotUnavailable from error

    def _token(self) -> dict:
        return {"token": settings.BOT_API_TOKEN} if settings.BOT_API_TOKEN else {}

    async def _ask(self, text: str) -> list[dict]:
        body = {
            "sender": self.sender,
            "message": text,
            "metadata": {
                "consumer": self.consumer_id,
                "language": self.language,
                # What lets the bot act for this person, and only them, while they chat.
                "grant": chat_grant_issue(consumer_id=self.consumer_id) if self.consumer_id else None,
            },
        }
        try:
            response = await self.http.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("the bot did not answer: %s", error)
            raise BotUnavailable from error

    async def _history(self) -> list[dict]:
        params = {"include_events": "ALL", **self._token()}
        try:
            response = await self.http.get(f"/conversations/{self.sender}/tracker", params=params)
            response.raise_for_status()
            return history_of(response.json().get("events") or [])
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("the bot's conversation could not be read: %s", error)
            raise BotUnavailable from error
