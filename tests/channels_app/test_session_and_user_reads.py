"""Every request and every socket's arrival reads its session and its user. Both are read by
prepared statements (channels_app.session_store, channels_app.auth_backends) and must give what
Django's own session store and ModelBackend give: Django is the reference here."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user, get_user_model
from django.contrib.auth.backends import ModelBackend as DjangosModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangosSessionStore
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from channels_app.auth_backends import PreparedModelBackend
from channels_app.session_store import SessionStore
from tests import factories

pytestmark = pytest.mark.django_db


def statements_run(queries) -> list[str]:
    """The statements of a capture, without the one-off PREPAREs, by their first word."""
    return [query["sql"].split()[0] for query in queries if not query["sql"].startswith("PREPARE ")]


def test_the_product_reads_sessions_and_users_through_the_prepared_reads():
    assert settings.SESSION_ENGINE == "channels_app.session_store"
    assert "channels_app.auth_backends.PreparedModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS


def test_a_session_saved_by_django_loads_with_all_its_data():
    saved = DjangosSessionStore()
    saved.update({"language": "zh-hans", "count": 3, "names": ["张三", "Li"]})
    saved.save()

    with CaptureQueriesContext(connection) as queries:
        loaded = SessionStore(saved.session_key)
        assert dict(loaded.items()) == {"language": "zh-hans", "count": 3, "names": ["张三", "Li"]}

    assert statements_run(queries) == ["EXECUTE"]
    assert loaded.session_key == saved.session_key


@pytest.mark.parametrize("key_of", [lambda saved: saved.session_key, lambda saved: "no" * 16])
def test_an_expired_or_unknown_session_is_empty_and_loses_its_key_as_with_django(key_of):
    saved = DjangosSessionStore()
    saved["language"] = "en"
    saved.set_expiry(-60)  # expired a minute ago
    saved.save()

    django_reads, ours = DjangosSessionStore(key_of(saved)), SessionStore(key_of(saved))
    assert dict(ours.items()) == dict(django_reads.items()) == {}
    assert ours.session_key is None and django_reads.session_key is None


def test_the_user_is_read_with_every_field_django_reads():
    user = factories.UserFactory(username="reader", first_name="三", last_name="张", email="z@example.cn")
    user.set_password("a long enough password")
    user.save()

    with CaptureQueriesContext(connection) as queries:
        ours = PreparedModelBackend().get_user(user.pk)
    theirs = DjangosModelBackend().get_user(user.pk)

    assert statements_run(queries) == ["EXECUTE"]
    assert type(ours) is get_user_model()
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.attname
    assert not ours._state.adding  # an instance as read, which saves as an update
    assert ours.get_session_auth_hash() == theirs.get_session_auth_hash()


def test_an_inactive_or_unknown_user_is_nobody_as_with_django():
    inactive = factories.UserFactory(is_active=False)
    for user_id in (inactive.pk, inactive.pk + 10_000):
        assert PreparedModelBackend().get_user(user_id) is None
        assert DjangosModelBackend().get_user(user_id) is None


def test_a_logged_in_client_stays_logged_in_until_the_password_changes():
    # Django ends every session of a user whose password changed (the session keeps a hash of it).
    user = factories.UserFactory()
    client = Client()
    client.force_login(user)
    assert client.session[BACKEND_SESSION_KEY] == "channels_app.auth_backends.PreparedModelBackend"

    def user_of_the_session():
        request = HttpRequest()
        request.session = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
        return get_user(request)

    assert user_of_the_session() == user
    user.set_password("another long password")
    user.save()
    assert not user_of_the_session().is_authenticated
