"""The duty desk's live view (转人工): when a request for an official opens, is answered, left or
released, the desk sockets of its authority are told to read the desk again. The database is the
record; a lost announcement is made good by the desk's next change or the page's next load."""

import functools
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def desk_group(authority_id: int) -> str:
    return f"duty-desk.{authority_id}"


def desk_changed_on_commit(authority_id: int) -> None:
    transaction.on_commit(functools.partial(_announce, authority_id), robust=True)


def _announce(authority_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(desk_group(authority_id), {"type": "desk.changed"})
    except Exception:
        logger.exception("duty desk notification not sent")
