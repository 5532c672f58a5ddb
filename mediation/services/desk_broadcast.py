"""The officials' live line (/ws/desk/, open on every official page). The duty desk (转人工): when a
request for an official opens, is answered, left or released, the desk sockets of its authority are
told to read the desk again. Invitations: an official chosen to co-mediate is told on whatever page
they are. The database is the record (the desk, the queue's invitations); a lost announcement is
made good by the desk's next change or the page's next load."""

import functools
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def desk_group(authority_id: int) -> str:
    return f"duty-desk.{authority_id}"


def official_group(user_id: int) -> str:
    return f"official.{user_id}"


def desk_changed_on_commit(authority_id: int) -> None:
    transaction.on_commit(functools.partial(_announce, desk_group(authority_id), {"type": "desk.changed"}), robust=True)


def invitation_on_commit(user_id: int, case_number: str) -> None:
    """Tell an official, once the room is committed, that they co-mediate `case_number`."""
    message = {"type": "desk.invited", "case": case_number}
    transaction.on_commit(functools.partial(_announce, official_group(user_id), message), robust=True)


def _announce(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("officials' live line: %s not sent", message["type"])
