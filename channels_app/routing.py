"""WebSocket routes: the mediation rooms, the chats with an official on duty, the web chat with the
triage bot and the duty desk's live view."""

from django.urls import path

from channels_app.bot_chat import BotChatConsumer
from channels_app.consumers import AssistanceRoomConsumer, RoomConsumer
from channels_app.desk import DeskConsumer

websocket_urlpatterns = [
    path("ws/rooms/<str:number>/", RoomConsumer.as_asgi(), name="room"),
    path("ws/help/<int:help_request>/", AssistanceRoomConsumer.as_asgi(), name="assistance-room"),
    path("ws/bot/", BotChatConsumer.as_asgi(), name="bot-chat"),
    path("ws/desk/", DeskConsumer.as_asgi(), name="duty-desk"),
]
