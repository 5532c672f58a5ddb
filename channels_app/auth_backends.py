"""Django's ModelBackend, reading a session's user by a prepared statement.

Every request and every WebSocket's arrival reads the user of its session; Django builds that
query anew each time, which cost more than running it (see channels_app/session_store.py).
Logging in, permissions and everything else are Django's ModelBackend's."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from mediation.selectors.model_rows import in_model_order, model_instances, select_columns, table_name
from mediation.selectors.prepared import PreparedStatement

User = get_user_model()
USER_PARTS = in_model_order((("u", User, tuple(field.attname for field in User._meta.concrete_fields)),))
USER_SQL = PreparedStatement(
    "user_of_session",
    f"SELECT {select_columns(USER_PARTS)} FROM {table_name(User)} u "
    f"WHERE u.{connection.ops.quote_name(User._meta.pk.column)} = %(id)s",
)


class PreparedModelBackend(ModelBackend):
    def get_user(self, user_id):
        """The active user `user_id`, or None (no such user, or one who may not log in)."""
        with connection.cursor() as cursor:
            row = USER_SQL.fetchone(cursor, {"id": user_id})
        if row is None:
            return None
        user = model_instances(row, USER_PARTS)["u"]
        return user if self.user_can_authenticate(user) else None
