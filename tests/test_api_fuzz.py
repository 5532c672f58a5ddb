"""Property-based requests generated from the OpenAPI schema: whatever a client sends that the
schema can describe, the answer is never a server error."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes database connections when a request ends; the test's transaction
    lives on that connection. Django's own test client turns this off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Served by the app itself; generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_input_makes_a_server_error(case, world, keep_test_connection):
    # Signed in as a consumer, so the filing and case endpoints get past authentication.
    token, _ = Token.objects.get_or_create(user=world.consumer_user)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=[not_a_server_error])
