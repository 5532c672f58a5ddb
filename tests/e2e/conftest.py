import secrets

import pytest
from django.db import connection

from mediation.services.accounts import bot_service_account_ensure
from scripts.stack import free_port, fresh_postgres_database, start_stack
from tests import factories
from tests.channels_app.room_client import session_cookie


def _database_url() -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture(scope="session")
def bot_stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """daphne, Rasa and the action server, wired as `make run` wires them, on the test database:
    started once for every test that needs them (Rasa takes 20 to 60 s to load its model). The
    tables are emptied between tests; the bot's service token is made again for each (`product`)."""
    bot_token = secrets.token_hex(20)
    stack = start_stack(
        database_url=_database_url(),
        tracker_url=fresh_postgres_database("test_bot_tracker"),
        bot_token=bot_token,
        logs=tmp_path_factory.mktemp("bot-stack"),
        # The conversations' locks on Redis, as replicas of Rasa share them in production.
        extra_env={
            "BOT_LOCK_STORE": "redis",
            "BOT_LOCK_STORE_HOST": "127.0.0.1",
            "BOT_LOCK_STORE_DB": "2",
            "BOT_LOCK_STORE_PREFIX": f"test{secrets.token_hex(4)}",
        },
    )
    yield stack
    stack.stop()


@pytest.fixture
def product(bot_stack, places):
    """The whole product, with the bot's service account as the action server knows it."""
    bot_service_account_ensure(key=bot_stack.bot_token)
    return {"web_port": bot_stack.web_port}


@pytest.fixture(scope="session")
def web_stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """daphne alone, on the test database, for the pages' and the room's browser tests. The bot is
    not there (its address is a port nothing listens on): as while `make run` is still training it."""
    stack = start_stack(
        database_url=_database_url(),
        with_bot=False,
        logs=tmp_path_factory.mktemp("web-stack"),
        extra_env={"BOT_URL": f"http://127.0.0.1:{free_port()}", "BOT_TIMEOUT_SECONDS": "2"},
    )
    yield stack
    stack.stop()


@pytest.fixture
def web(web_stack, places):
    return {"web_port": web_stack.web_port}


@pytest.fixture
def people(places):
    consumer = factories.consumer(real_name="李四")
    west_lake = factories.shop(name="杭州星辰电器西湖店有限公司")
    factories.shop(name="杭州星辰电器滨江店有限公司")
    market = factories.shop(name="杭州金太阳超市有限公司")
    return {"consumer": consumer, "west_lake": west_lake, "market": market, "cookie": session_cookie(consumer.user)}
