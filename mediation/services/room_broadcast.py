"""The notification path of the mediation rooms: after a transaction commits, its room events go
out through the channel layer to every process that serves room sockets.

The channel layer may drop (it is not the record): each process checks sequence numbers and
fetches what it missed from the database (channels_app.room_hub)."""

import functools
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from mediation.selectors.rooms import event_wire

logger = logging.getLogger(__name__)

# Every room-serving process listens on this one group. A batch of stored events crosses Redis
# once, whatever the number of rooms and sockets in it; each process keeps the rooms it serves.
ROOM_HUB_GROUP = "mediation-room-hubs"


def publish_on_commit(events) -> None:
    """Announce stored room events once the current transaction commits."""
    wire = [event_wire(event) for event in events]
    transaction.on_commit(functools.partial(publish, {"type": "room.events", "events": wire}), robust=True)


def publish(message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(ROOM_HUB_GROUP, message)
    except Exception:
        # The events are stored; the room processes find them by their sequence numbers.
        logger.exception("room notification not sent")
