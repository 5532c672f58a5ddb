"""The duty desk's live view: /ws/desk/ for officials. On connect and whenever a request for an
official at their authority opens, is answered, left or released, the socket is sent the desk as it
stands (`desk` frames): the waiting requests, oldest first, and how many nobody answers yet. The
protocol is in docs/room-protocol.md ("The duty desk")."""

import functools

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels_app.consumers import (
    CLOSE_NOT_A_PARTICIPANT,
    CLOSE_NOT_AUTHENTICATED,
    FRAME_BURST,
    FRAME_RATE,
    connection_language,
)
from channels_app.frames import FrameFields, FrameHandler, MessageAllowance, frame_text
from channels_app.layer_keeper import layer_keeper
from mediation.selectors.assistance import desk_waiting
from mediation.services.desk_broadcast import desk_group, official_group
from mediation.services.errors import DomainError

FRAME_FIELDS: FrameFields = {"ping": {}, "refresh": {}}


def _official_of(user):
    return getattr(user, "official", None) if user is not None and user.is_authenticated else None


class DeskConsumer(FrameHandler, AsyncWebsocketConsumer):
    frame_fields = FRAME_FIELDS

    async def __call__(self, scope, receive, send):
        # Channels' own loop (AsyncConsumer.__call__), with the socket's channel read through the
        # process's layer keeper: a Redis outage pauses the live line instead of closing the
        # socket, and the keeper puts the channel back in its groups when Redis returns.
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.keeper = layer_keeper()
        self.channel_name = await self.channel_layer.new_channel()
        self.channel_receive = functools.partial(self.keeper.receive, self.channel_name)
        self.base_send = send
        try:
            await await_many_dispatch([receive, self.channel_receive], self.dispatch)
        except StopConsumer:
            pass

    async def connect(self):
        user = self.scope.get("user")
        # Accepted first so that a refusal carries its close code (4401, 4403), as in the rooms.
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        official = await database_sync_to_async(_official_of)(user)
        if official is None:
            await self.close(code=CLOSE_NOT_A_PARTICIPANT)
            return
        self.authority_id = official.authority_id
        self.language = connection_language(self.scope, None)
        self.frame_allowance = MessageAllowance(FRAME_BURST, FRAME_RATE)
        self.groups_joined = [desk_group(self.authority_id), official_group(user.pk)]
        for group in self.groups_joined:
            await self.keeper.join(group, self.channel_name)
        await self._send_desk()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", ()):
            await self.keeper.leave(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            await self.handle_frame(text_data)

    async def send_error(self, refusal: DomainError, frame: dict) -> None:
        error = {"type": "error", "code": refusal.code, "message": refusal.render()}
        if isinstance(frame.get("type"), str) and frame["type"] in self.frame_fields:
            error["for"] = frame["type"]
        await self.send(text_data=frame_text(error))

    async def on_ping(self):
        await self.send(text_data=frame_text({"type": "pong"}))

    async def on_refresh(self):
        await self._send_desk()

    async def desk_changed(self, _message):
        await self._send_desk()

    async def desk_invited(self, message):
        """This official was chosen to co-mediate a case whose room just opened."""
        number = message["case"]
        with translation.override(self.language):
            text = _("You are invited to co-mediate case %(number)s: its mediation room is open.") % {"number": number}
            frame = {"type": "invited", "case": number, "url": reverse("web:room", args=[number]), "message": text}
        await self.send(text_data=frame_text(frame))

    async def _send_desk(self):
        waiting = await database_sync_to_async(desk_waiting)(authority_id=self.authority_id)
        for request in waiting:
            request["since"] = request["since"].isoformat()
        unanswered = sum(1 for request in waiting if not request["answering"])
        frame = {"type": "desk", "waiting": waiting, "unanswered": unanswered}
        await self.send(text_data=frame_text(frame))
