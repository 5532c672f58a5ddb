"""The WebSocket middleware: the socket's user, from the session cookie, and nothing put between
the consumer and the server for the frames it sends."""

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from channels_app.arrivals import arrival_auth_stack
from tests import factories
from tests.channels_app.room_client import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_through_the_stack(cookie_header: bytes | None):
    """What the consumer behind the WebSocket middleware receives: its scope and its send."""
    seen = {}

    async def consumer(scope, receive, send):
        seen["scope"], seen["send"] = scope, send

    async def server_send(message):
        raise AssertionError("nothing is sent in this test")

    async def receive():
        return {"type": "websocket.connect"}

    headers = [(b"cookie", cookie_header)] if cookie_header else []
    await arrival_auth_stack(consumer)({"type": "websocket", "path": "/ws/", "headers": headers}, receive, server_send)
    return seen["scope"], seen["send"], server_send


async def test_the_socket_belongs_to_the_user_of_the_session_cookie():
    user = await database_sync_to_async(factories.UserFactory)()
    cookie = await database_sync_to_async(session_cookie)(user)

    scope, _, _ = await connect_through_the_stack(f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())

    assert scope["user"].is_authenticated and scope["user"].pk == user.pk
    assert scope["session"].session_key == cookie


@pytest.mark.parametrize("cookie_header", [None, b"sessionid=not-a-session", b"sessionid="])
async def test_a_socket_without_a_valid_session_is_anonymous(cookie_header):
    scope, _, _ = await connect_through_the_stack(cookie_header)

    assert not scope["user"].is_authenticated


async def test_the_frames_a_socket_sends_go_straight_to_the_server():
    # A WebSocket frame never carries a cookie, so the session has nothing to do with it; Channels'
    # SessionMiddleware still looked at the session for each one (7 % of the event loop's time at
    # 1,000 messages a second, py-spy under `make bench-room`).
    user = await database_sync_to_async(factories.UserFactory)()
    cookie = await database_sync_to_async(session_cookie)(user)

    _, consumer_send, server_send = await connect_through_the_stack(f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())

    assert consumer_send is server_send
