"""WebSocket routes. The mediation room and the bot chat add their consumers here."""

websocket_urlpatterns: list = []
