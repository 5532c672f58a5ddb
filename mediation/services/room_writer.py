"""The room's chat messages, written in batches: the hot path of the room (every message passes
here, from the room hub of each process). A message acknowledged to its sender has been committed."""

import dataclasses
import json
from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import MEDIATOR_ROLES, RoomChannel, RoomEventKind, RoomRole, RoomStatus, channels_visible_to
from mediation.selectors.rooms import message_wire
from mediation.services import room_broadcast
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_log import require_not_closed

MAX_MESSAGE_LENGTH = 4000
MAX_CLIENT_MSG_ID_LENGTH = 64


def clean_text(value, *, field: str, max_length: int, required: bool = True) -> str:
    """Text as the user wrote it, refused if it cannot be stored as text: not a string, too long,
    or holding a NUL or an unpaired surrogate (which PostgreSQL cannot store)."""
    if not isinstance(value, str):
        raise RoomActionRefused("invalid_field", field=field, problem=_("must be a string"))
    if required and not value.strip():
        raise RoomActionRefused("invalid_field", field=field, problem=_("must not be empty"))
    if len(value) > max_length:
        raise RoomActionRefused(
            "invalid_field", field=field, problem=_("at most %(limit)d characters") % {"limit": max_length}
        )
    if "\x00" in value:
        raise RoomActionRefused("invalid_field", field=field, problem=_("contains a NUL character"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RoomActionRefused("invalid_field", field=field, problem=_("is not valid Unicode text")) from None
    return value


@dataclasses.dataclass(frozen=True)
class MessagePost:
    """One message a participant sent, before it is stored."""

    participant_id: int
    room_id: int
    client_msg_id: str
    text: str
    channel: str = RoomChannel.MAIN


@dataclasses.dataclass(frozen=True)
class PostOutcome:
    seq: int | None = None
    duplicate: bool = False
    refusal: RoomActionRefused | None = None


def _check_may_post(room, seat, channel: str) -> None:
    require_not_closed(room)
    if seat.role == RoomRole.OBSERVER:
        raise RoomActionRefused("role_not_allowed", action="message")
    if room.status == RoomStatus.ADJOURNED and not seat.is_mediator:
        raise RoomActionRefused("room_adjourned")
    if seat.muted:
        raise RoomActionRefused("muted")
    if channel not in channels_visible_to(seat.role):
        raise RoomActionRefused("channel_not_allowed", channel=channel)
    if channel.startswith("caucus:") and channel.removeprefix("caucus:") not in room.open_caucuses:
        raise RoomActionRefused("caucus_not_open")


def room_messages_post(*, posts: Sequence[MessagePost]) -> list[PostOutcome]:
    """Store a batch of messages, possibly for many rooms, in one transaction.

    Rooms are locked in id order (so that concurrent batches cannot deadlock); each message gets
    its room's next sequence number. A message whose (room, author, client id) is already stored
    is not stored again: its outcome carries the stored sequence number. A refused message does
    not affect the others.

    This is the hot path of the room (every chat message passes here). It runs in a thread of the
    room hub, which waits for the event loop's thread to hand back the interpreter after every
    statement, so a batch costs as few round trips as possible: one locks the rooms and then reads
    them, the senders' seats and what is already stored; one writes."""
    outcomes: list[PostOutcome | None] = [None] * len(posts)
    valid: list[int] = []
    for index, post in enumerate(posts):
        try:
            clean_text(post.text, field="text", max_length=MAX_MESSAGE_LENGTH)
            clean_text(post.client_msg_id, field="client_msg_id", max_length=MAX_CLIENT_MSG_ID_LENGTH)
        except RoomActionRefused as refusal:
            outcomes[index] = PostOutcome(refusal=refusal)
        else:
            valid.append(index)
    if not valid:
        return outcomes  # type: ignore[return-value]
    with transaction.atomic():
        state = _batch_state({index: posts[index] for index in valid})
        now = timezone.now()
        rows: list[tuple] = []
        wire: list[dict] = []
        last_seqs: dict[int, int] = {}
        stored_now: dict[tuple[int, str], int] = {}
        for index in valid:
            post = posts[index]
            if index not in state:
                outcomes[index] = PostOutcome(
                    refusal=RoomActionRefused("no_such_participant", participant=post.participant_id)
                )
                continue
            room, seat, stored_seq = state[index]
            if stored_seq is None:  # a resend within this batch
                stored_seq = stored_now.get((seat.pk, post.client_msg_id))
            if stored_seq is not None:
                outcomes[index] = PostOutcome(seq=stored_seq, duplicate=True)
                continue
            try:
                _check_may_post(room, seat, post.channel)
            except RoomActionRefused as refusal:
                outcomes[index] = PostOutcome(refusal=refusal)
                continue
            room.last_seq += 1
            last_seqs[room.pk] = room.last_seq
            stored_now[(seat.pk, post.client_msg_id)] = room.last_seq
            rows.append((room.pk, room.last_seq, post.channel, seat.pk, post.client_msg_id, post.text))
            wire.append(
                message_wire(
                    room_id=room.pk,
                    seq=room.last_seq,
                    channel=post.channel,
                    author=seat,
                    client_msg_id=post.client_msg_id,
                    text=post.text,
                    at=now,
                )
            )
            outcomes[index] = PostOutcome(seq=room.last_seq)
        if rows:
            _write_messages(rows, last_seqs, at=now)
            room_broadcast.publish_wire_on_commit(wire)
    return outcomes  # type: ignore[return-value]


@dataclasses.dataclass
class _RoomRow:
    pk: int
    status: str
    open_caucuses: list[str]
    last_seq: int


@dataclasses.dataclass(frozen=True)
class _SeatRow:
    pk: int
    room_id: int
    role: str
    muted: bool
    display_name: str

    @property
    def is_mediator(self) -> bool:
        return self.role in MEDIATOR_ROLES


def _batch_state(posts: dict[int, MessagePost]) -> dict[int, tuple[_RoomRow, _SeatRow, int | None]]:
    """For each post (by its index), the sender's room and seat, and the sequence number of the
    message if it is already stored. A post whose sender has no seat in its room is left out.

    Two statements, sent together (one round trip). The first locks the rooms in id order. The
    second reads the rooms, the seats and what is stored only then: in READ COMMITTED each
    statement sees what was committed when it began, so a mute, or the same message stored by
    another process, that committed while this batch waited for a room's lock is seen. (Read in
    the locking statement, the seat would be the one from before the wait: PostgreSQL re-reads
    only the locked rows.)"""
    room_ids = sorted({post.room_id for post in posts.values()})
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    placeholders = ", ".join(["%s"] * len(room_ids))
    values = ", ".join(["(%s, %s, %s, %s)"] * len(posts))
    params = [
        *room_ids,
        *(
            value
            for index, post in posts.items()
            for value in (index, post.participant_id, post.room_id, post.client_msg_id)
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM mediation_mediationroom WHERE id IN ({placeholders}) ORDER BY id{lock}; "
            f"WITH post (idx, seat_id, room_id, client_msg_id) AS (VALUES {values}) "
            "SELECT post.idx, room.id, room.status, room.open_caucuses, room.last_seq, "
            "seat.id, seat.role, seat.muted, seat.display_name, "
            # A subquery, not a join: joined, PostgreSQL looked the message up by room and author
            # only and filtered the client id, reading every message the sender ever wrote.
            "(SELECT stored.seq FROM mediation_roomevent stored WHERE stored.room_id = post.room_id "
            "AND stored.author_id = post.seat_id AND stored.client_msg_id = post.client_msg_id) "
            "FROM post "
            "JOIN mediation_roomparticipant seat ON seat.id = post.seat_id AND seat.room_id = post.room_id "
            "JOIN mediation_mediationroom room ON room.id = seat.room_id",
            params,
        )
        rows = cursor.fetchall()
    rooms: dict[int, _RoomRow] = {}
    state = {}
    for index, room_id, status, caucuses, last_seq, seat_id, role, muted, display_name, stored_seq in rows:
        if room_id not in rooms:
            caucuses = json.loads(caucuses) if isinstance(caucuses, str) else caucuses
            rooms[room_id] = _RoomRow(room_id, status, caucuses or [], last_seq)
        state[index] = (rooms[room_id], _SeatRow(seat_id, room_id, role, bool(muted), display_name), stored_seq)
    return state


def _write_messages(rows: list[tuple], last_seqs: dict[int, int], *, at) -> None:
    """Insert the messages and move their rooms' last sequence numbers, in one round trip."""
    created_at = connection.ops.adapt_datetimefield_value(at)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, '{}', %s)"] * len(rows))
    cases = " ".join(["WHEN %s THEN %s"] * len(last_seqs))
    placeholders = ", ".join(["%s"] * len(last_seqs))
    params = [
        *(value for row in rows for value in (*row[:3], RoomEventKind.MESSAGE, *row[3:], created_at)),
        *(value for pair in last_seqs.items() for value in pair),
        *last_seqs,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mediation_roomevent "
            "(room_id, seq, channel, kind, author_id, client_msg_id, text, payload, created_at) "
            f"VALUES {values}; "
            f"UPDATE mediation_mediationroom SET last_seq = CASE id {cases} END WHERE id IN ({placeholders})",
            params,
        )
