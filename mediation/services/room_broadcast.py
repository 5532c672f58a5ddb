"""The notification path of the mediation rooms: after a transaction commits, its room events go
to the processes that serve room sockets. A process running a room hub hands them to its hub,
which delivers them to its own sockets and sends them on to the other hubs serving their rooms;
elsewhere (a management command, a process without room sockets) they go to the whole group.

The channel layer may drop (it is not the record): each process checks sequence numbers and
fetches what it missed from the database (channels_app.room_hub)."""

import functools
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from mediation.selectors.rooms import changes_room_state, event_wire, room_snapshot

logger = logging.getLogger(__name__)

# Every room-serving process listens on this one group: presence, typing and read receipts go
# through it, and events whose rooms the sender does not know to be served elsewhere.
ROOM_HUB_GROUP = "mediation-room-hubs"


def publish_on_commit(events) -> None:
    """Announce stored system or proposal events once the current transaction commits, with the
    room's state as it then stands: every page shows the room as the server keeps it."""
    wire = [event_wire(event) for event in events]
    if any(changes_room_state(item) for item in wire):
        transaction.on_commit(functools.partial(_publish_with_state, wire), robust=True)
    else:
        publish_wire_on_commit(wire)


def _publish_with_state(wire: list[dict]) -> None:
    try:
        wire[-1]["state"] = room_snapshot(room_id=wire[-1]["room"])
    except Exception:
        # The events go out all the same; each page gets the state with its next welcome.
        logger.exception("room state not read for room %s", wire[-1]["room"])
    publish({"type": "room.events", "events": wire})


def publish_wire_on_commit(wire: list[dict]) -> None:
    transaction.on_commit(functools.partial(publish, {"type": "room.events", "events": wire}), robust=True)


# The process's room hub, when it runs, takes over: it delivers locally, batches what several
# transactions committed into one send per other hub, and keeps their order (channels_app.room_hub).
_publisher = None


def set_publisher(publisher) -> None:
    """Route announcements through `publisher(message)` (thread-safe), or None for direct sends."""
    global _publisher
    _publisher = publisher


def clear_publisher(publisher) -> None:
    """Stop routing through `publisher`, if it is still the one in place."""
    global _publisher
    if _publisher == publisher:
        _publisher = None


def publish(message: dict) -> None:
    publisher = _publisher
    if publisher is not None:
        try:
            publisher(message)
            return
        except RuntimeError:  # the hub's event loop has ended; send directly
            pass
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(ROOM_HUB_GROUP, message)
    except Exception:
        # The events are stored; the room processes find them by their sequence numbers.
        logger.exception("room notification not sent")
