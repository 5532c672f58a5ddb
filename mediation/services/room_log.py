"""The room's log of events: one sequence per room, 1, 2, 3, with no gaps.

Whoever adds an event locks the room (`lock_room`) and appends (`append_event`), which takes the
next number and stores it on the room in the same transaction: no caller can forget to. Only after
commit does the event go to the notification path (`room_broadcast`). Chat messages take their
numbers in batches, in room_writer."""

from mediation.models import MediationRoom, RoomChannel, RoomEvent, RoomParticipant, RoomStatus
from mediation.services import room_broadcast
from mediation.services.room_errors import RoomActionRefused


def lock_room(room_id: int) -> MediationRoom:
    """The room, locked until the transaction ends: its next sequence numbers are this caller's."""
    return MediationRoom.objects.select_for_update(of=("self",)).select_related("case").get(pk=room_id)


def append_event(
    room: MediationRoom,
    *,
    kind: str,
    payload: dict,
    author: RoomParticipant | None = None,
    channel: str = RoomChannel.MAIN,
) -> RoomEvent:
    """Store the room's next system or proposal event, and the room's new last sequence number
    with it (messages are stored in batches by room_writer). The caller holds the room's lock
    (`lock_room`), in the transaction that commits the event."""
    room.last_seq += 1
    event = RoomEvent.objects.create(
        room=room,
        seq=room.last_seq,
        channel=channel,
        kind=kind,
        author=author,
        payload=payload,
    )
    MediationRoom.objects.filter(pk=room.pk).update(last_seq=room.last_seq)
    room_broadcast.publish_on_commit([event])
    return event


def require_not_closed(room) -> None:
    """Refuse a change to a closed room (a MediationRoom, or the writer's row of one)."""
    if room.status == RoomStatus.CLOSED:
        raise RoomActionRefused("room_closed")
