"""WebSocket routes: the mediation rooms and the web chat with the triage bot."""

from django.urls import path

from channels_app.bot_chat import BotChatConsumer
from channels_app.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/rooms/<str:number>/", RoomConsumer.as_asgi(), name="room"),
    path("ws/bot/", BotChatConsumer.as_asgi(), name="bot-chat"),
]
