"""The duty desk's live view (/ws/desk/): an official sees a request for a person appear, get answered
and go, without reloading (real Redis channel layer, real PostgreSQL)."""

import pytest
from channels.db import database_sync_to_async

from mediation.services.assistance import help_request_leave, help_request_open, official_duty_set
from mediation.services.reference_data import reference_data_load
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.channels_app.conftest import ROOM_TEST_REGIONS
from tests.channels_app.room_client import RoomClient

pytestmark = pytest.mark.django_db(transaction=True)

DESK = "/ws/desk/"
SUMMARY = [{"label": "类型", "value": "投诉"}, {"label": "商品", "value": "冰箱"}]


@pytest.fixture
def desk_world(transactional_db):
    reference_data_load(only=ROOM_TEST_REGIONS)
    world = factories.World(factories.Places())
    official_duty_set(official=world.home_official.official, on_duty=True)
    return world


async def _desk(client) -> dict:
    return await client.next("desk")


async def test_a_request_appears_is_answered_and_goes_without_a_reload(desk_world):
    desk = await RoomClient.join(desk_world.home_official, path=DESK, expect_welcome=False)
    assert await _desk(desk) == {"type": "desk", "waiting": [], "unanswered": 0}

    help_request, _new = await database_sync_to_async(help_request_open)(consumer=desk_world.consumer, summary=SUMMARY)
    shown = await _desk(desk)
    assert shown["unanswered"] == 1
    (waiting,) = shown["waiting"]
    assert (waiting["id"], waiting["name"], waiting["home_region"]) == (help_request.pk, "张*", "朝阳区")
    assert waiting["summary"] == SUMMARY and waiting["answering"] == []

    # The official on duty arrives in the chat: the desk shows who answers.
    chat = await RoomClient.join(desk_world.home_official, path=f"/ws/help/{help_request.pk}/")
    answered = await _desk(desk)
    assert answered["unanswered"] == 0 and answered["waiting"][0]["answering"] == [chat.welcome["you"]["name"]]

    # The consumer leaves the queue: the request is gone from the desk.
    await database_sync_to_async(help_request_leave)(help_request=help_request, user=desk_world.consumer_user)
    assert await _desk(desk) == {"type": "desk", "waiting": [], "unanswered": 0}
    await chat.close()
    await desk.close()


async def test_another_authority_s_desk_is_not_told(desk_world):
    other = await RoomClient.join(desk_world.shop_official, path=DESK, expect_welcome=False)
    await _desk(other)
    await database_sync_to_async(help_request_open)(consumer=desk_world.consumer, summary=SUMMARY)
    assert [frame for frame in await other.nothing_more(1.0) if frame["type"] == "desk"] == []
    await other.close()


@pytest.mark.parametrize(("who", "code"), [("anonymous", 4401), ("consumer", 4403), ("business", 4403)])
async def test_only_officials_open_the_desk(desk_world, who, code):
    user = {"anonymous": None, "consumer": desk_world.consumer_user, "business": desk_world.shop_staff}[who]
    client = await RoomClient.join(user, path=DESK, expect_welcome=False)
    assert await client.next() == {"type": "_closed", "code": code}


async def test_a_bad_frame_gets_an_error_and_the_desk_stays(desk_world):
    desk = await RoomClient.join(desk_world.home_official, path=DESK, expect_welcome=False)
    await _desk(desk)
    refused = await desk.error({"type": "join", "id": 1})
    assert refused["code"] in ("unknown_type", "invalid_field")
    assert (await desk.error("{not json"))["code"] == "malformed_json"
    await desk.send({"type": "ping"})
    assert await desk.next("pong") == {"type": "pong"}
    await desk.close()


def _complaint_ready_for_mediation(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    return factories.consent_both(case)


async def test_the_chosen_co_mediator_is_told_of_the_invitation_on_whatever_page_they_are(desk_world):
    invited = await RoomClient.join(desk_world.home_official, path=DESK, expect_welcome=False)
    await _desk(invited)
    other = await RoomClient.join(desk_world.shop_official, path=DESK, expect_welcome=False)
    await _desk(other)
    case = await database_sync_to_async(_complaint_ready_for_mediation)(desk_world)
    await database_sync_to_async(mediation_start)(
        case=case, actor=desk_world.shop_official, co_mediator=desk_world.home_official
    )
    told = await invited.next("invited")
    assert told["case"] == case.number and told["url"] == f"/cases/{case.number}/room/"
    assert told["message"] == f"邀请您共同调解案件{case.number}：调解室已开启。"
    # The lead mediator, who started it, and nobody else is told.
    assert [frame for frame in await other.nothing_more(1.0) if frame["type"] == "invited"] == []
    await invited.close()
    await other.close()
