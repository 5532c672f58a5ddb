import pytest
from django.db import connection

from mediation.services.accounts import bot_service_account_ensure
from scripts.stack import fresh_postgres_database, start_stack
from tests import factories
from tests.channels_app.room_client import session_cookie


@pytest.fixture
def product(places, tmp_path):
    """daphne, Rasa and the action server, wired as `make run` wires them, on the test database."""
    database = connection.settings_dict
    stack = start_stack(
        database_url=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        tracker_url=fresh_postgres_database("test_bot_tracker"),
        bot_token=bot_service_account_ensure().key,
        logs=tmp_path,
    )
    yield {"web_port": stack.web_port}
    stack.stop()


@pytest.fixture
def people(places):
    consumer = factories.consumer(real_name="李四")
    west_lake = factories.shop(name="杭州星辰电器西湖店有限公司")
    factories.shop(name="杭州星辰电器滨江店有限公司")
    market = factories.shop(name="杭州金太阳超市有限公司")
    return {"consumer": consumer, "west_lake": west_lake, "market": market, "cookie": session_cookie(consumer.user)}
