import pytest
from channels.layers import channel_layers

from channels_app.room_hub import room_hub_reset
from mediation.services.reference_data import reference_data_load
from tests import factories

# The regions the room tests use, with the regions above them: loading only these keeps the
# transactional tests (which empty every table when they end) fast.
ROOM_TEST_REGIONS = ["330106", "330110", "110105", "440305", "810000", "820000"]


@pytest.fixture
def room_world(transactional_db):
    reference_data_load(only=ROOM_TEST_REGIONS)
    return factories.RoomWorld()


@pytest.fixture(autouse=True)
async def fresh_room_hub():
    """Each test runs in its own event loop, so it gets its own room hub and channel layer
    instance (a layer instance reads a process's channels with state bound to one loop)."""
    channel_layers.backends.clear()
    yield
    await room_hub_reset()
    channel_layers.backends.clear()
