"""Statements prepared once per database connection.

The statements read on every socket's arrival (the seat, the job, the room's state and history)
cost PostgreSQL more to plan than to run: 1.6 ms of planning against 1.4 ms of running for the
room's state and history (EXPLAIN ANALYZE on the bench database), and after a restart a thousand
clients arrive at once. Prepared, each connection plans a statement once and then runs it.

psycopg2 does not prepare statements itself, so this issues PostgreSQL's PREPARE and EXECUTE. A
prepared statement belongs to its connection: the first use on each connection prepares it,
including on a connection Django opened anew. PostgreSQL plans again by itself when a table
changes. Connections must be PostgreSQL sessions of their own (no pooler in transaction mode
between the app and the database), as they are in this product.
"""

import re

from django.db import connection

_PARAMETER = re.compile(r"%\((\w+)\)s")


class PreparedStatement:
    """A statement written with named parameters (`%(name)s`, as for `cursor.execute`), run
    prepared. A parameter given as a list is an array (write `= ANY(%(name)s)`, not `IN`)."""

    def __init__(self, name: str, sql: str):
        self.name = name
        self.parameters = list(dict.fromkeys(_PARAMETER.findall(sql)))
        numbered = _PARAMETER.sub(lambda match: f"${self.parameters.index(match.group(1)) + 1}", sql)
        self.prepare_sql = f"PREPARE {name} AS {numbered}"
        arguments = ", ".join(f"%({parameter})s" for parameter in self.parameters)
        self.execute_sql = f"EXECUTE {name}({arguments})" if arguments else f"EXECUTE {name}"

    def execute(self, cursor, params: dict) -> None:
        if self.name not in _prepared_on_this_connection():
            cursor.execute(self.prepare_sql)
            _prepared_on_this_connection().add(self.name)
        cursor.execute(self.execute_sql, {parameter: params[parameter] for parameter in self.parameters})

    def fetchone(self, cursor, params: dict):
        self.execute(cursor, params)
        return cursor.fetchone()


def _prepared_on_this_connection() -> set[str]:
    """The names prepared on the thread's current database connection (Django's connection object
    is per thread; the driver's connection under it changes when Django reconnects)."""
    driver_connection = connection.connection
    known = getattr(connection, "_prepared_statements", None)
    if known is None or known[0] is not driver_connection:
        known = (driver_connection, set())
        connection._prepared_statements = known
    return known[1]
