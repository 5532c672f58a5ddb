"""Django's database sessions, read by a prepared statement (SESSION_ENGINE).

Every request and every WebSocket's arrival reads its session. Django builds that query anew each
time, which cost more than running it: the session and the user were a fifth of the server's time
when a thousand clients reconnected at once after a restart (py-spy under `make bench-room`).
Writing, expiry and everything else are Django's."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from mediation.selectors.model_rows import table_name
from mediation.selectors.prepared import PreparedStatement

SESSION_SQL = PreparedStatement(
    "session_of_key",
    f"SELECT session_data, expire_date FROM {table_name(Session)} "
    "WHERE session_key = %(key)s AND expire_date > %(now)s",
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The session if it exists and has not expired; otherwise None, and the store forgets
        its key (saving then makes a new session with a new key), as Django's does."""
        with connection.cursor() as cursor:
            row = SESSION_SQL.fetchone(cursor, {"key": self.session_key, "now": timezone.now()})
        if row is None:
            self._session_key = None
            return None
        return Session.from_db(
            connection.alias, ("session_key", "session_data", "expire_date"), (self.session_key, *row)
        )
