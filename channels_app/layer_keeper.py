"""Keeping a process's place on the channel layer through a Redis outage.

A Redis that restarts has forgotten every group (it keeps nothing on disk), and while it is away
every layer call fails. The keeper, one per event loop (per daphne process):

- remembers which of the process's channels belong to which groups, and adds them again every few
  seconds, so that a restarted Redis knows them again within MEMBERSHIP_INTERVAL;
- receives for a channel by waiting out an outage instead of raising, so that no socket is closed
  because the layer failed;
- sends without raising: what goes over the layer is a notification (typing, receipts, presence,
  "something was stored"); the record is PostgreSQL, and the room hub reads what it missed there;
- tells whoever asked (the room hub) when the layer answers again after failing, so that it can
  announce itself and catch up at once.
"""

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

MEMBERSHIP_INTERVAL = 3.0  # seconds between re-adding the process's group memberships
RETRY_PAUSE = 0.5  # seconds between attempts to receive while the layer is unreachable
OUTAGE_RETRY_INTERVAL = 1.0  # seconds between attempts to restore the memberships during an outage


class LayerKeeper:
    def __init__(self, layer):
        self.layer = layer
        self.reachable = True
        self._memberships: dict[tuple[str, str], int] = {}
        self._recovery_listeners: list[Callable[[], Awaitable[None]]] = []
        self._refresher: asyncio.Task | None = None

    # --- groups -------------------------------------------------------------------------------

    async def join(self, group: str, channel: str) -> None:
        """Put `channel` in `group`, now if the layer answers, and again every few seconds."""
        key = (group, channel)
        self._memberships[key] = self._memberships.get(key, 0) + 1
        self._keep_refreshing()
        try:
            await self.layer.group_add(group, channel)
        except Exception:
            self.unreachable("joining a group")

    async def leave(self, group: str, channel: str) -> None:
        key = (group, channel)
        remaining = self._memberships.get(key, 0) - 1
        if remaining > 0:
            self._memberships[key] = remaining
            return
        self._memberships.pop(key, None)
        try:
            await self.layer.group_discard(group, channel)
        except Exception:
            self.unreachable("leaving a group")

    def on_recovery(self, listener: Callable[[], Awaitable[None]]) -> None:
        """Call `listener()` whenever the layer answers again after failing."""
        self._recovery_listeners.append(listener)
        self._keep_refreshing()

    def forget_recovery(self, listener: Callable[[], Awaitable[None]]) -> None:
        with contextlib.suppress(ValueError):
            self._recovery_listeners.remove(listener)

    def _keep_refreshing(self) -> None:
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.create_task(self._refresh_loop(), name="layer-keeper-refresh")

    async def _refresh_loop(self) -> None:
        while self._memberships or self._recovery_listeners:
            # While the layer is away, try again soon: the first call after Redis returns may
            # still meet a connection of the old server.
            await asyncio.sleep(MEMBERSHIP_INTERVAL if self.reachable else OUTAGE_RETRY_INTERVAL)
            await self.refresh()

    async def refresh(self) -> None:
        """Add every membership again; after an outage, tell the listeners the layer is back."""
        try:
            for group, channel in list(self._memberships):
                await self.layer.group_add(group, channel)
        except Exception:
            self.unreachable("refreshing group memberships")
            return
        if not self.reachable:
            self.reachable = True
            logger.warning("channel layer reachable again: %d group memberships restored", len(self._memberships))
            for listener in list(self._recovery_listeners):
                try:
                    await listener()
                except Exception:
                    logger.exception("recovering after the channel layer came back")

    def unreachable(self, doing: str) -> None:
        """Note a failed layer call; the first of an outage is logged, the rest would only repeat it."""
        if self.reachable:
            self.reachable = False
            logger.warning("channel layer unreachable (%s); retrying", doing, exc_info=True)

    # --- sending and receiving ------------------------------------------------------------------

    async def send(self, channel: str, message: dict) -> bool:
        try:
            await self.layer.send(channel, message)
        except Exception:
            self.unreachable("sending")
            return False
        return True

    async def group_send(self, group: str, message: dict) -> bool:
        try:
            await self.layer.group_send(group, message)
        except Exception:
            self.unreachable("sending to a group")
            return False
        return True

    async def receive(self, channel: str) -> dict:
        """The next message for `channel`, however long the layer is away."""
        while True:
            try:
                return await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.unreachable("receiving")
                await asyncio.sleep(RETRY_PAUSE)


_keepers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LayerKeeper]" = weakref.WeakKeyDictionary()


def layer_keeper() -> LayerKeeper:
    """The keeper of the running event loop's channel layer, made on first use."""
    loop = asyncio.get_running_loop()
    keeper = _keepers.get(loop)
    if keeper is None:
        keeper = _keepers[loop] = LayerKeeper(get_channel_layer())
    return keeper
