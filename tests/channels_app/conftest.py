import pytest
from channels.layers import channel_layers

from channels_app.room_hub import room_hub_reset
from mediation.services.reference_data import reference_data_load
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories

# The regions the room tests use, with the regions above them: loading only these keeps the
# transactional tests (which empty every table when they end) fast.
ROOM_TEST_REGIONS = ["330106", "330110", "110105", "440305", "810000", "820000"]


class RoomWorld(factories.World):
    """A cross-region complaint in mediation: a consumer from 北京朝阳区 against a shop in 杭州西湖区,
    mediated by the shop's bureau (lead) with the consumer's home bureau (co-mediator)."""

    def __init__(self):
        super().__init__(factories.Places())
        self.case = factories.complaint(consumer=self.consumer, entity=self.shop)
        self.case = case_transition(case=self.case, action="accept", actor=self.shop_official)
        self.room = mediation_start(case=self.case, actor=self.shop_official, co_mediator=self.home_official)
        self.number = self.case.number
        self.seats = {seat.role: seat for seat in self.room.participants.all()}


@pytest.fixture
def room_world(transactional_db):
    reference_data_load(only=ROOM_TEST_REGIONS)
    return RoomWorld()


@pytest.fixture(autouse=True)
async def fresh_room_hub():
    """Each test runs in its own event loop, so it gets its own room hub and channel layer
    instance (a layer instance reads a process's channels with state bound to one loop)."""
    channel_layers.backends.clear()
    yield
    await room_hub_reset()
    channel_layers.backends.clear()
