"""A process that dies (kill -9, a crash, a lost machine) cannot leave the channel layer's groups,
and every group_send goes to every member of the group. With channels_redis's default, a member
stays a day: on the development machine 40 room hubs of processes long gone were still in the hubs'
group, and each presence announcement cost the server 36 ms. Live processes re-add their
memberships every few seconds (channels_app.layer_keeper), so the layer forgets a member that
nobody re-added within a short expiry."""

import asyncio
import uuid

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from channels_app import layer_keeper
from channels_app.layer_keeper import LayerKeeper


def test_a_membership_outlives_many_refreshes_and_a_dead_process_leaves_within_a_minute():
    expiry = settings.CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"]
    assert 5 * layer_keeper.MEMBERSHIP_INTERVAL <= expiry <= 60


async def test_a_member_nobody_re_adds_leaves_the_group_and_a_kept_one_stays(monkeypatch):
    monkeypatch.setattr(layer_keeper, "MEMBERSHIP_INTERVAL", 0.2)
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    # The product's layer, with the expiry scaled down with the refresh interval.
    layer = RedisChannelLayer(hosts=config["hosts"], prefix=f"test-{uuid.uuid4().hex}", group_expiry=2)
    keeper = LayerKeeper(layer)
    kept, abandoned = await layer.new_channel(), await layer.new_channel()
    try:
        await keeper.join("hubs", kept)
        await layer.group_add("hubs", abandoned)  # its process died right after joining
        await asyncio.sleep(3.5)

        await layer.group_send("hubs", {"type": "presence"})
        assert (await asyncio.wait_for(layer.receive(kept), 2))["type"] == "presence"
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(layer.receive(abandoned), 0.5)
    finally:
        await keeper.leave("hubs", kept)
        await layer.flush()
        await layer.close_pools()
