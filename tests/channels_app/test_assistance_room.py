"""转人工 over WebSockets: a consumer's live chat with the officials on duty, on the room machinery
(real Redis channel layer, real PostgreSQL)."""

import pytest
from channels.db import database_sync_to_async

from mediation.models import HelpRequest, RoomEvent
from mediation.services.assistance import help_request_open, official_duty_set
from mediation.services.reference_data import reference_data_load
from tests import factories
from tests.channels_app.conftest import ROOM_TEST_REGIONS
from tests.channels_app.room_client import RoomClient

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = [{"label": "类型", "value": "投诉"}]


class HelpWorld(factories.World):
    """A consumer of 北京朝阳区 who asked the bot for a person, answered by their home bureau's
    official on duty."""

    def __init__(self):
        super().__init__(factories.Places())
        official_duty_set(official=self.home_official.official, on_duty=True)
        self.help_request, _ = help_request_open(consumer=self.consumer, summary=SUMMARY)
        self.path = f"/ws/help/{self.help_request.pk}/"


@pytest.fixture
def help_world(transactional_db):
    reference_data_load(only=ROOM_TEST_REGIONS)
    return HelpWorld()


async def test_the_consumer_and_the_official_on_duty_talk_live_and_the_official_releases(help_world):
    consumer = await RoomClient.join(help_world.consumer_user, path=help_world.path)
    official = await RoomClient.join(help_world.home_official, path=help_world.path)
    assert consumer.welcome["you"]["role"] == "consumer" and official.welcome["you"]["role"] == "duty_official"
    room = consumer.welcome["room"]
    assert (room["kind"], room["help_request"], room["status"]) == ("assistance", help_world.help_request.pk, "open")
    asked = consumer.history["events"][0]
    assert asked["event"] == "help_requested" and "类型: 投诉" in asked["text"]

    assert (await consumer.say("冰箱坏了，商家不理我", "c1"))["type"] == "ack"
    heard = await official.next("message", client_msg_id="c1")
    assert heard["text"] == "冰箱坏了，商家不理我" and heard["author_name"] == "张*"
    assert (await official.say("您好，我帮您登记投诉。", "o1"))["type"] == "ack"
    assert (await consumer.next("message", client_msg_id="o1"))["author_role"] == "duty_official"

    refused = await consumer.error({"type": "release"})
    assert refused["code"] == "role_not_allowed"
    await official.send({"type": "release"})
    released = await consumer.next("system", event="released")
    assert "助手" in released["text"]
    assert (await consumer.say("还在吗", "c2"))["code"] == "room_closed"
    stored = await database_sync_to_async(
        lambda: list(RoomEvent.objects.filter(room=help_world.help_request.room, kind="message").values_list("text"))
    )()
    assert stored == [("冰箱坏了，商家不理我",), ("您好，我帮您登记投诉。",)]
    assert (await database_sync_to_async(HelpRequest.objects.get)(pk=help_world.help_request.pk)).released_at
    await consumer.close()
    await official.close()


async def test_no_settlement_and_no_mediators_tools_in_the_chat(help_world):
    consumer = await RoomClient.join(help_world.consumer_user, path=help_world.path)
    official = await RoomClient.join(help_world.home_official, path=help_world.path)
    assert (await consumer.error({"type": "propose", "terms": {"refund_amount": "100"}}))["code"] == "not_a_mediation"
    assert (await consumer.error({"type": "sign"}))["code"] == "not_a_mediation"
    assert (await official.error({"type": "adjourn"}))["code"] == "role_not_allowed"
    assert (await official.error({"type": "terminate", "reason": "agreement_impossible"}))["code"] == "role_not_allowed"
    await consumer.close()
    await official.close()


@pytest.mark.parametrize("who", ["merchant", "other_official", "other_consumer", "mediation_room_address"])
async def test_no_one_else_enters_the_chat(help_world, who):
    if who == "mediation_room_address":
        # The chat is not reachable as a mediation room, whatever is put in the case number's place.
        client = await RoomClient.join(help_world.consumer_user, str(help_world.help_request.pk), expect_welcome=False)
    else:
        user = {
            "merchant": help_world.shop_staff,
            "other_official": help_world.shop_official,
            "other_consumer": (await database_sync_to_async(factories.consumer)(real_name="李四")).user,
        }[who]
        client = await RoomClient.join(user, path=help_world.path, expect_welcome=False)
    assert await client.next("_closed") == {"type": "_closed", "code": 4403}
    await client.close()
