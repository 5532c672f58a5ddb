"""The baseline of the room benchmark: a chat room in the shape of the Channels tutorial. Each
socket joins a channel-layer group per room and every message is a group_send to the room's
sockets; nothing is stored. Served by daphne as `bench.tutorial_room:application`."""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

import django  # noqa: E402

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class TutorialRoomConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = "tutorial_" + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        message = json.loads(text_data)["message"]
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": message})

    async def chat_message(self, event):
        await self.send(text_data=json.dumps({"message": event["message"]}))


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/tutorial/<str:room>/", TutorialRoomConsumer.as_asgi())])}
)
