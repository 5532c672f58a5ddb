"""Statements prepared once per database connection (mediation.selectors.prepared) give what the
same statement gives unprepared, and survive the connection being replaced."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation.selectors.prepared import PreparedStatement

pytestmark = pytest.mark.django_db

SUM_AND_LABEL = "SELECT %(a)s::integer + %(b)s::integer, %(label)s::text || '-' || %(a)s::text"


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_gives_what_the_plain_statement_gives_and_is_prepared_only_once():
    statement = PreparedStatement("test_sum_and_label", SUM_AND_LABEL)
    params = {"label": "x", "b": 2, "a": 40}
    with connection.cursor() as cursor:
        cursor.execute(SUM_AND_LABEL, params)
        expected = cursor.fetchone()
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        first = statement.fetchone(cursor, params)
        second = statement.fetchone(cursor, {"label": "y", "b": 1, "a": 1})

    assert first == expected == (42, "x-40")
    assert second == (2, "y-1")
    assert [query["sql"].split()[0] for query in queries] == ["PREPARE", "EXECUTE", "EXECUTE"]
    assert "test_sum_and_label" in prepared_names()


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_the_statement_prepared_again():
    statement = PreparedStatement("test_sum_again", SUM_AND_LABEL)
    with connection.cursor() as cursor:
        assert statement.fetchone(cursor, {"label": "a", "b": 1, "a": 2}) == (3, "a-2")
    connection.close()  # as Django does when a connection is too old or broken
    with connection.cursor() as cursor:
        assert statement.fetchone(cursor, {"label": "b", "b": 1, "a": 3}) == (4, "b-3")


def test_a_list_parameter_is_an_array():
    statement = PreparedStatement("test_any", "SELECT %(value)s::text = ANY(%(allowed)s::text[])")
    with connection.cursor() as cursor:
        assert statement.fetchone(cursor, {"value": "open", "allowed": ["open", "accepted"]}) == (True,)
        assert statement.fetchone(cursor, {"value": "open", "allowed": []}) == (False,)
