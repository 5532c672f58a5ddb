"""Arrivals read the database in a few threads of their own.

Channels runs every `database_sync_to_async` call of a process in one thread, one query after the
other. A socket's arrival costs about a dozen queries (who the user is, their seat, the room's state
and latest page of history), so a thousand clients reconnecting at once after a restart were served
one query at a time: 1,000 joins took 20 to 25 s. In ARRIVAL_THREADS threads, each with its own
database connection, one arrival's work goes on while another waits for PostgreSQL.

Used for the WebSocket user (`ArrivalAuthMiddleware`) and for the room consumer's seat and arrival.
Everything else keeps Channels' single thread."""

import concurrent.futures

from channels.auth import AuthMiddleware, get_user
from channels.db import DatabaseSyncToAsync
from channels.sessions import CookieMiddleware, SessionMiddleware

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


def arrival_auth_stack(inner):
    """Channels' AuthMiddlewareStack with ArrivalAuthMiddleware."""
    return CookieMiddleware(SessionMiddleware(ArrivalAuthMiddleware(inner)))
