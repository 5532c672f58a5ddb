"""The mediation room's WebSocket consumer. Thin by design: `connect` authorises through a selector
and attaches to the process's room hub; `receive` validates a frame and calls one service; the hub
pushes stored events back. The protocol is documented in docs/room-protocol.md."""

import re
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header

from channels_app.arrivals import on_arrival_threads
from channels_app.frame_writer import FrameWriter, OutgoingFrame
from channels_app.frames import FrameFields, FrameHandler, MessageAllowance, frame_json
from channels_app.room_hub import room_hub
from mediation.models import RoomChannel, RoomRole, RoomStatus, channels_visible_to
from mediation.selectors.rooms import (
    HISTORY_PAGE_SIZE,
    MAX_HISTORY_PAGE_SIZE,
    assistance_seat_for,
    event_frame,
    room_arrival,
    room_events_after,
    room_history_page,
    room_seat_for,
    seat_language,
    state_seen_by,
)
from mediation.services import assistance, room_tools, room_writer, settlement
from mediation.services import rooms as room_services
from mediation.services.errors import DomainError
from mediation.services.room_errors import RoomActionRefused

# The system events that close a room (it stays readable).
ROOM_CLOSING_EVENTS = frozenset(room_services.CLOSING_EVENTS.values())
# Django builds the list of a Choices' values anew at every use: 2 % of the event loop's time when
# every message checked it (py-spy under `make bench-room`).
ROOM_CHANNELS = frozenset(RoomChannel.values)

# Close codes (also in docs/room-protocol.md).
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_A_PARTICIPANT = 4403
CLOSE_BAD_REQUEST = 4400

# Per connection: a burst of up to MESSAGE_BURST messages, then MESSAGE_RATE a second.
MESSAGE_BURST = 10
MESSAGE_RATE = 1.0
# Every other frame (typing, read receipts, history pages, pings, the mediators' tools) shares a
# second allowance: generous for a person and a page's script, a wall for a flood.
FRAME_BURST = 30
FRAME_RATE = 5.0

# A resume point in the address: plain ASCII digits that fit a sequence number.
RESUME_POINT = re.compile(r"[0-9]{1,18}")


def connection_language(scope, chosen: str | None) -> str:
    """A connection's language: the person's own choice (a consumer's), else the language cookie,
    else the browser's Accept-Language, else the site default."""
    if chosen:
        return chosen
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    candidates = []
    cookies = scope.get("cookies") or {}
    if cookies.get(settings.LANGUAGE_COOKIE_NAME):
        candidates.append(cookies[settings.LANGUAGE_COOKIE_NAME])
    candidates += [code for code, _quality in parse_accept_lang_header(headers.get("accept-language", ""))]
    for code in candidates:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


FRAME_FIELDS: FrameFields = {
    "message": {"client_msg_id": (str, True), "text": (str, True), "channel": (str, False)},
    "typing": {"channel": (str, False)},
    "read": {"seq": (int, True)},
    "history": {"before_seq": (int, True), "limit": (int, False)},
    "resume": {"after_seq": (int, True)},
    "propose": {"terms": (dict, True)},
    "respond": {"proposal": (int, True), "response": (str, True), "terms": (dict, False)},
    "sign": {},
    "caucus": {"party": (str, True), "open": (bool, True)},
    "mute": {"participant": (int, True), "muted": (bool, True)},
    "adjourn": {},
    "reconvene": {},
    "terminate": {"reason": (str, True), "note": (str, False)},
    "add_participant": {"username": (str, True), "role": (str, True)},
    "waive_document": {},
    "record_agreement": {"without_document": (str, False)},
    "ping": {},
}


def _seat_by_username(*, actor, username: str, role: str) -> None:
    user = get_user_model().objects.select_related("official__authority").filter(username=username).first()
    room_services.room_participant_add(actor=actor, user=user, role=role)


def _arrive(*, seat, after_seq: int | None) -> dict:
    """A participant's arrival: the first one is recorded ("joined"); then what they need to see."""
    room_services.room_participant_joined(seat=seat)
    return room_arrival(seat=seat, after_seq=after_seq)


class RoomConsumer(FrameHandler, AsyncWebsocketConsumer):
    """One participant's connection to one mediation room: /ws/rooms/<case number>/."""

    frame_fields = FRAME_FIELDS

    # The process's room hub listens on the channel layer for all its room sockets; a socket of
    # its own on the layer would only add a receiver per connection.
    channel_layer_alias = None

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler, a thread hop per
        # frame. This consumer touches the database only through database_sync_to_async (which
        # does the same itself) and the room hub's own threads, so it skips that hop.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.seat = None
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        seat = await on_arrival_threads(self.seat_for)(user)
        if seat is None:
            await self.close(code=CLOSE_NOT_A_PARTICIPANT)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        after_seq = query.get("after_seq", [None])[0]
        if after_seq is not None and not RESUME_POINT.fullmatch(after_seq):
            await self.close(code=CLOSE_BAD_REQUEST)
            return

        self.seat = seat
        self.room_id = seat.room_id
        self.seat_id = seat.pk
        self.visible_channels = channels_visible_to(seat.role)
        self.language = connection_language(self.scope, seat_language(seat))
        # Every frame from this client is handled in this consumer's own task, whose context
        # keeps the language from now on (and passes it to the database threads it calls). Set
        # once: switching it around each frame cost 3 % of the event loop's time at 1,000
        # messages a second (py-spy under `make bench-room`). Events pushed from the hub's task
        # are rendered in `self.language` explicitly.
        translation.activate(self.language)
        self.cursor = 0
        self.syncing = True
        self.held_back: list[dict] = []  # stored events that arrived while history was read
        self.held_frames: list[dict] = []  # typing, read receipts and presence meanwhile
        self.allowance = MessageAllowance(MESSAGE_BURST, MESSAGE_RATE)
        self.frame_allowance = MessageAllowance(FRAME_BURST, FRAME_RATE)
        self.hub = room_hub()

        await self.hub.attach(self, last_seq=seat.room.last_seq)
        arrival = await on_arrival_threads(_arrive)(seat=seat, after_seq=None if after_seq is None else int(after_seq))
        self.room_closed = arrival["state"]["status"] == RoomStatus.CLOSED
        await self._send_welcome(arrival)
        if after_seq is None:
            await self._send_history(arrival["events"], mode="latest", has_more=arrival["has_more"])
        else:
            self.cursor = int(after_seq)
            await self._send_history(arrival["events"], mode="resume", has_more=arrival["has_more"])
            if arrival["has_more"]:
                await self._send_missed(after=self.cursor)
        self.syncing = False
        held_back, self.held_back = self.held_back, []
        await self.push_events(held_back)
        held_frames, self.held_frames = self.held_frames, []
        for frame in held_frames:
            await self.send_frame(frame)

    def seat_for(self, user):
        """The user's seat in the room this socket's address names, or None."""
        return room_seat_for(user=user, number=self.scope["url_route"]["kwargs"]["number"])

    async def __call__(self, scope, receive, send):
        # However the connection ends, a normal close (the consumer stops after `disconnect`) or
        # a fault that escapes a handler (the server then closes it with 1011), the hub lets the
        # socket go: it no longer shows as online, and nothing keeps it alive.
        self.frame_writer = FrameWriter.for_send(send)
        try:
            await super().__call__(scope, receive, send)
        finally:
            if getattr(self, "seat", None) is not None:
                await self.hub.detach(self)
                self.seat = None

    # --- what the hub calls -------------------------------------------------------------------

    async def push_events(self, events: list[dict]) -> None:
        """Send stored events after this socket's cursor, in order, if its role may see them."""
        if self.syncing:
            self.held_back.extend(events)
            return
        for wire in events:
            if wire["seq"] <= self.cursor:
                continue
            self.cursor = wire["seq"]
            self._follow_the_room(wire)
            if self._changes_my_seat(wire):
                await database_sync_to_async(self.seat.refresh_from_db)(fields=["role", "muted"])
                self.visible_channels = channels_visible_to(self.seat.role)
            if wire["channel"] in self.visible_channels:
                await self._send_outgoing(self._rendered(wire))
            if "state" in wire:
                await self._send_outgoing(self._state_rendered(wire))

    def _follow_the_room(self, wire: dict) -> None:
        """Keep what typing depends on as the room's events tell it: whether the room has closed,
        and whether this seat is muted."""
        payload = wire.get("payload") or {}
        event = payload.get("event")
        if event in ROOM_CLOSING_EVENTS:
            self.room_closed = True
        elif event in ("muted", "unmuted") and payload.get("participant") == self.seat_id:
            self.seat.muted = event == "muted"

    def _changes_my_seat(self, wire: dict) -> bool:
        """A recusal granted (Order 121 Art. 21) moves the lead to another official: both seats'
        roles change while their sockets may be open, and each socket acts on its seat's role."""
        payload = wire.get("payload") or {}
        return payload.get("event") == "mediator_replaced" and self.seat_id in (
            payload.get("participant"),
            payload.get("previous"),
        )

    async def push_frame(self, frame: dict) -> None:
        if self.syncing:
            self.held_frames.append(frame)
            return
        await self.send_frame(frame)

    def _rendered(self, wire: dict) -> OutgoingFrame:
        """The event's frame as this seat reads it. The hub hands the same event dict to every
        socket of the room: rendered once per language, and kept under a key with a leading
        underscore, which the hub never sends to other processes."""
        language = None if wire["kind"] == "message" else self.language
        cache = wire.setdefault("_rendered", {})
        if language not in cache:
            cache[language] = OutgoingFrame(frame_json(event_frame(wire, language=self.language)))
        return cache[language]

    def _state_rendered(self, wire: dict) -> OutgoingFrame:
        """The room's state after an event, as this seat sees it (`state` frame); rendered once per
        role, and kept like the rendered events."""
        cache = wire.setdefault("_state_rendered", {})
        if self.seat.role not in cache:
            snapshot = wire["state"]
            frame = {
                "type": "state",
                "room": state_seen_by(snapshot["room"], role=self.seat.role),
                "participants": snapshot["participants"],
            }
            cache[self.seat.role] = OutgoingFrame(frame_json(frame))
        return cache[self.seat.role]

    async def send_frame(self, frame: dict) -> None:
        await self._send_outgoing(OutgoingFrame(frame_json(frame)))

    async def _send_outgoing(self, frame: OutgoingFrame) -> None:
        """Straight onto daphne's connection where it can (channels_app/frame_writer.py), else
        the ASGI way."""
        if self.frame_writer is None or not self.frame_writer.write(frame):
            await self.send(text_data=frame.payload.decode())

    # --- history ------------------------------------------------------------------------------

    async def _send_welcome(self, arrival: dict) -> None:
        await self.send_frame(
            {
                "type": "welcome",
                "you": {"id": self.seat_id, "role": self.seat.role, "name": self.seat.display_name},
                "language": self.language,
                "participants": arrival["participants"],
                "room": arrival["state"],
                "online": self.hub.online(self.room_id),
                "channels": sorted(self.visible_channels),
            }
        )

    async def _send_history(self, events: list[dict], *, mode: str, has_more: bool) -> None:
        await self.send_frame(
            {
                "type": "history",
                "mode": mode,
                "events": [event_frame(wire, language=self.language) for wire in events],
                "has_more": has_more,
            }
        )
        if mode != "before" and events:
            self.cursor = max(self.cursor, events[-1]["seq"])

    async def _send_missed(self, *, after: int) -> None:
        """Every visible event after `after`, in pages, until none is left."""
        while True:
            events, has_more = await database_sync_to_async(room_events_after)(seat=self.seat, after_seq=after)
            await self._send_history(events, mode="resume", has_more=has_more)
            if not has_more:
                return
            after = events[-1]["seq"]

    # --- frames from the client ---------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.seat is None:
            return
        await self.handle_frame(text_data)

    async def send_error(self, refusal: DomainError, frame: dict) -> None:
        error = {"type": "error", "code": refusal.code, "message": refusal.render()}
        if isinstance(frame.get("type"), str) and frame["type"] in self.frame_fields:
            error["for"] = frame["type"]
        for echoed in ("client_msg_id", "ref"):
            if isinstance(frame.get(echoed), str | int) and not isinstance(frame.get(echoed), bool):
                error[echoed] = frame[echoed]
        await self.send_frame(error)

    async def on_message(self, *, client_msg_id: str, text: str, channel: str = RoomChannel.MAIN):
        if channel not in ROOM_CHANNELS:
            raise RoomActionRefused("channel_not_allowed", channel=channel[:40])
        self.allowance.take()
        outcome = await self.hub.post(
            room_writer.MessagePost(
                participant_id=self.seat_id,
                room_id=self.room_id,
                client_msg_id=client_msg_id,
                text=text,
                channel=channel,
            )
        )
        if outcome.refusal is not None:
            raise outcome.refusal
        await self.send_frame(
            {"type": "ack", "client_msg_id": client_msg_id, "seq": outcome.seq, "duplicate": outcome.duplicate}
        )

    async def on_typing(self, *, channel: str = RoomChannel.MAIN):
        if channel not in self.visible_channels or self.seat.role == RoomRole.OBSERVER:
            raise RoomActionRefused("channel_not_allowed", channel=channel[:40])
        # Nobody can write in a closed room, nor a muted participant: their typing would announce
        # a message that cannot come.
        if self.room_closed:
            raise RoomActionRefused("room_closed")
        if self.seat.muted:
            raise RoomActionRefused("muted")
        await self.hub.send_ephemeral(
            self.room_id, {"type": "typing", "participant": self.seat_id, "channel": channel}, channel=channel
        )

    async def on_read(self, *, seq: int):
        seq, channel = await database_sync_to_async(room_services.room_mark_read)(seat=self.seat, seq=seq)
        if seq:
            # Only those who see the channel of the event read learn that it was read: a receipt
            # must not tell a party of a caucus it cannot see.
            frame = {"type": "read", "participant": self.seat_id, "seq": seq}
            await self.hub.send_ephemeral(self.room_id, frame, channel=channel)

    async def on_history(self, *, before_seq: int, limit: int = HISTORY_PAGE_SIZE):
        if not 1 <= limit <= MAX_HISTORY_PAGE_SIZE:
            raise RoomActionRefused(
                "invalid_field",
                field="limit",
                problem=gettext_lazy("must be between 1 and %(limit)d") % {"limit": MAX_HISTORY_PAGE_SIZE},
            )
        events, has_more = await database_sync_to_async(room_history_page)(
            seat=self.seat, before_seq=before_seq, limit=limit
        )
        await self._send_history(events, mode="before", has_more=has_more)

    async def on_resume(self, *, after_seq: int):
        await self._send_missed(after=after_seq)

    async def on_propose(self, *, terms: dict):
        await database_sync_to_async(settlement.proposal_make)(seat=self.seat, terms=terms)

    async def on_respond(self, *, proposal: int, response: str, terms: dict | None = None):
        await database_sync_to_async(settlement.proposal_respond)(
            seat=self.seat, number=proposal, response=response, terms=terms
        )

    async def on_sign(self):
        await database_sync_to_async(settlement.document_sign)(seat=self.seat)

    async def on_waive_document(self):
        await database_sync_to_async(settlement.document_waive)(seat=self.seat)

    async def on_record_agreement(self, *, without_document: str = ""):
        await database_sync_to_async(settlement.agreement_record)(seat=self.seat, without_document=without_document)

    async def on_caucus(self, *, party: str, open: bool):  # noqa: A002 - the protocol's field name
        await database_sync_to_async(room_tools.room_caucus_set)(actor=self.seat, party=party, open_=open)

    async def on_mute(self, *, participant: int, muted: bool):
        await database_sync_to_async(room_tools.room_mute_set)(actor=self.seat, participant_id=participant, muted=muted)

    async def on_adjourn(self):
        await database_sync_to_async(room_tools.room_adjourn)(actor=self.seat)

    async def on_reconvene(self):
        await database_sync_to_async(room_tools.room_adjourn)(actor=self.seat, resume=True)

    async def on_terminate(self, *, reason: str, note: str = ""):
        await database_sync_to_async(room_tools.mediation_terminate)(actor=self.seat, reason=reason, note=note)

    async def on_add_participant(self, *, username: str, role: str):
        await database_sync_to_async(_seat_by_username)(actor=self.seat, username=username[:150], role=role)

    async def on_ping(self):
        await self.send_frame({"type": "pong"})


class AssistanceRoomConsumer(RoomConsumer):
    """A consumer's live chat with the officials on duty (转人工): /ws/help/<request id>/. The room
    protocol, where an official on duty may also release the consumer back to the bot."""

    frame_fields = {**FRAME_FIELDS, "release": {}}

    def seat_for(self, user):
        return assistance_seat_for(user=user, help_request_id=self.scope["url_route"]["kwargs"]["help_request"])

    async def on_release(self):
        await database_sync_to_async(assistance.help_request_release_by_seat)(seat=self.seat)
