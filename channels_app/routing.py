"""WebSocket routes. The bot chat adds its consumer here."""

from django.urls import path

from channels_app.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/rooms/<str:number>/", RoomConsumer.as_asgi(), name="room"),
]
