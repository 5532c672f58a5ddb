"""Arrivals read the database in a few threads of their own.

Channels runs every `database_sync_to_async` call of a process in one thread, one query after the
other. A socket's arrival costs about a dozen queries (who the user is, their seat, the room's state
and latest page of history), so a thousand clients reconnecting at once after a restart were served
one query at a time: 1,000 joins took 20 to 25 s. In ARRIVAL_THREADS threads, each with its own
database connection, one arrival's work goes on while another waits for PostgreSQL.

Used for the WebSocket user (`ArrivalAuthMiddleware`) and for the room consumer's seat and arrival.
Everything else keeps Channels' single thread.

The session comes from `WebSocketSessionMiddleware`, which leaves the frames a socket sends alone."""

import concurrent.futures
from importlib import import_module

from channels.auth import AuthMiddleware, get_user
from channels.db import DatabaseSyncToAsync
from channels.sessions import CookieMiddleware
from django.conf import settings

ARRIVAL_THREADS = 4

_executor = concurrent.futures.ThreadPoolExecutor(ARRIVAL_THREADS, thread_name_prefix="arrival")


def on_arrival_threads(function):
    """`function` as a coroutine run in the arrival threads (closing stale connections around each
    call, as `database_sync_to_async` does)."""
    return DatabaseSyncToAsync(function, thread_sensitive=False, executor=_executor)


_user_of_scope = on_arrival_threads(get_user.func)


class ArrivalAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, reading the session and the user in the arrival threads."""

    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await _user_of_scope(scope)


class WebSocketSessionMiddleware:
    """The session of the socket's cookie in `scope["session"]`, read when first used.

    Channels' SessionMiddleware puts a wrapper around the socket's `send` that, for every frame,
    asks the session whether it changed, in order to save it and set its cookie on an HTTP
    response. A WebSocket sends no HTTP response after its handshake, so that wrapper never saved
    anything here and cost 7 % of the event loop's time at 1,000 messages a second (py-spy under
    `make bench-room`). The consumers read the session (through the user); none changes it."""

    def __init__(self, inner):
        self.inner = inner
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        session_key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        scope = dict(scope, session=self.session_store(session_key))
        return await self.inner(scope, receive, send)


def arrival_auth_stack(inner):
    """Channels' AuthMiddlewareStack with WebSocketSessionMiddleware and ArrivalAuthMiddleware."""
    return CookieMiddleware(WebSocketSessionMiddleware(ArrivalAuthMiddleware(inner)))
