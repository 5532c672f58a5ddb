import os

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from mediation.models import Region
from mediation.services.accounts import bot_service_account_ensure
from mediation.services.chat_grants import chat_grant_issue
from mediation.services.reference_data import reference_data_load
from tests import factories


@pytest.fixture(scope="session", autouse=True)
def channel_layer_of_this_worker():
    """Parallel workers (pytest-xdist) share one Redis and each has its own database, so two of them
    can make the same case number: each worker's channel layer, and the servers its tests start,
    keep their Redis keys apart under a prefix of their own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    layer = settings.CHANNEL_LAYERS["default"]
    if worker and "CONFIG" in layer:
        layer["CONFIG"]["prefix"] = os.environ["CHANNEL_LAYER_PREFIX"] = f"test-{worker}"


@pytest.fixture(autouse=True)
def sms_outbox():
    """Texts go to memory in the tests (`mediation.sms.outbox`), emptied for each test, as the test
    runner does for e-mail; nothing does it for texts by itself."""
    from mediation import sms

    settings.SMS_BACKEND = "mediation.sms.backends.locmem.SmsBackend"
    sms.outbox = []
    return sms.outbox


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database gets the real GB/T 2260 regions and their authorities once per run."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def places(db):
    # A transactional test empties every table when it ends; the next test loads them again.
    if not Region.objects.exists():
        reference_data_load()
    return factories.Places()


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bot_client(consumer=None) -> APIClient:
    """The triage bot's action server: its service token and, when it acts for `consumer`, the
    grant the web chat issued for that person's conversation."""
    bot = APIClient()
    credentials = {"HTTP_AUTHORIZATION": f"Token {bot_service_account_ensure().key}"}
    if consumer is not None:
        credentials["HTTP_X_CHAT_GRANT"] = chat_grant_issue(consumer_id=consumer.pk)
    bot.credentials(**credentials)
    return bot


@pytest.fixture
def world(places):
    """A local shop in 杭州西湖区 with its staff and bureau official, a consumer from 北京朝阳区 and
    the official of their home bureau."""
    return factories.World(places)


@pytest.fixture
def english():
    """Service-level messages checked in English; the API tests check both languages."""
    with translation.override("en"):
        yield
