"""The mediation room: opening it with the case, who sits in it, messages, and the mediators' tools.

Every change locks the room row, takes the next sequence numbers, stores the events and only after
commit hands them to the notification path (`room_broadcast`). A message acknowledged to its sender
has been committed."""

import dataclasses
import json
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    CAUCUS_CHANNEL_OF_PARTY,
    MEDIATOR_ROLES,
    Case,
    CaseStatus,
    HelpRequest,
    MediationRoom,
    MediationTerminationReason,
    RecusalDecision,
    RoomChannel,
    RoomEvent,
    RoomEventKind,
    RoomParticipant,
    RoomRole,
    RoomStatus,
    channels_visible_to,
)
from mediation.names import display_name_of_official, person_name
from mediation.selectors.rooms import lead_mediator_candidates, message_wire
from mediation.services import room_broadcast
from mediation.services.desk_broadcast import desk_changed_on_commit, invitation_on_commit
from mediation.services.errors import TransitionNotAllowed
from mediation.services.room_errors import RoomActionRefused
from mediation.services.transitions import case_transition, on_action, on_entering, on_leaving

MAX_MESSAGE_LENGTH = 4000
MAX_CLIENT_MSG_ID_LENGTH = 64


# --- Room status: one table of allowed moves -------------------------------------------------

ROOM_TRANSITIONS: dict[str, dict[str, str]] = {
    # action: {from status: to status}
    "adjourn": {RoomStatus.OPEN: RoomStatus.ADJOURNED},
    "reconvene": {RoomStatus.ADJOURNED: RoomStatus.OPEN},
    "close": {RoomStatus.OPEN: RoomStatus.CLOSED, RoomStatus.ADJOURNED: RoomStatus.CLOSED},
}


def room_status_after(*, status: str, action: str) -> str:
    """The room status `action` leads to from `status`; RoomActionRefused if not allowed."""
    target = ROOM_TRANSITIONS[action].get(status)
    if target is None:
        raise RoomActionRefused("room_closed" if status == RoomStatus.CLOSED else "role_not_allowed", action=action)
    return target


# --- Opening a room ---------------------------------------------------------------------------


def _check_co_mediator(case: Case, user, *, field: str) -> None:
    """A co-mediator must be an official of the case's co-mediating authority."""
    official = getattr(user, "official", None)
    if official is None or official.authority_id != case.co_mediating_authority_id:
        if case.co_mediating_authority_id is None:
            problem = _("This case has no co-mediating authority.")
        else:
            problem = _("The co-mediator must be an official of %(authority)s.") % {
                "authority": case.co_mediating_authority.name
            }
        raise ValidationError({field: [problem]})


def mediation_start(*, case: Case, actor, co_mediator=None) -> MediationRoom:
    """Start mediating an accepted complaint: the case moves to mediation, and entering it opens the
    room (`room_open_with_case`)."""
    with transaction.atomic():
        if co_mediator is not None:
            _check_co_mediator(case, co_mediator, field="co_mediator")
        case = case_transition(
            case=case, action="start_mediation", actor=actor, in_room=True, context={"co_mediator": co_mediator}
        )
        return MediationRoom.objects.get(case=case)


@on_entering(CaseStatus.MEDIATING)
def room_open_with_case(*, case: Case, actor, co_mediator=None, **_move) -> MediationRoom:
    """Open the room of a case entering mediation, with the consumer, the business's staff, the
    starting official as lead mediator and, when given, an official of the co-mediating authority
    (the consumer's home bureau or a partner agency)."""
    room = MediationRoom.objects.create(case=case)
    seats = [
        RoomParticipant(
            room=room,
            user=actor,
            role=RoomRole.LEAD_MEDIATOR,
            display_name=display_name_of_official(actor.official),
        )
    ]
    if co_mediator is not None:
        seats.append(
            RoomParticipant(
                room=room,
                user=co_mediator,
                role=RoomRole.CO_MEDIATOR,
                display_name=display_name_of_official(co_mediator.official),
            )
        )
        invitation_on_commit(co_mediator.pk, case.number)
    if case.consumer is not None and case.consumer.user_id is not None:
        seats.append(
            RoomParticipant(
                room=room, user=case.consumer.user, role=RoomRole.CONSUMER, display_name=case.consumer.masked_name
            )
        )
    for staff in case.entity.staff.select_related("user"):
        seats.append(
            RoomParticipant(
                room=room,
                user=staff.user,
                role=RoomRole.MERCHANT,
                display_name=f"{person_name(staff.user)} ({case.entity.name})",
            )
        )
    RoomParticipant.objects.bulk_create(seats)
    # The room was created in this transaction: no one else can see it yet, so no lock is needed.
    append_event(room, kind=RoomEventKind.SYSTEM, payload={"event": "mediation_started", "case": case.number})
    save_seq(room)
    return room


@on_action("decide_recusal")
def lead_mediator_replace(*, case: Case, ground: str, actor, mediator=None, **_move) -> None:
    """A granted recusal (Order 121 Art. 21) in a room that is open: `mediator`, another official of
    the handling bureau, takes the lead, and the recused mediator keeps a muted observer's seat (the
    record they were part of stays readable to them; they no longer speak or act). Before the room
    opens nobody leads yet, so no mediator is named."""
    room = MediationRoom.objects.filter(case=case).exclude(status=RoomStatus.CLOSED).first()
    replacing = ground == RecusalDecision.GRANTED and room is not None
    if not replacing:
        if mediator is not None:
            raise ValidationError(
                {"mediator": [_("A new mediator is named only when a recusal is granted in an open room.")]}
            )
        return
    room = lock_room(room.pk)
    recused = RoomParticipant.objects.filter(room=room, role=RoomRole.LEAD_MEDIATOR).first()
    official = getattr(mediator, "official", None)
    if official is None or not lead_mediator_candidates(case=case).filter(pk=mediator.pk).exists():
        raise ValidationError(
            {
                "mediator": [
                    _("Name the official of %(bureau)s who leads the mediation from now on.")
                    % {"bureau": case.handling_authority.name}
                ]
            }
        )
    if recused is not None and recused.user_id == mediator.pk:
        raise ValidationError({"mediator": [_("The new mediator must be someone other than the recused one.")]})
    if recused is not None:
        recused.role = RoomRole.OBSERVER
        recused.muted = True
        recused.save(update_fields=["role", "muted"])
    seat, _created = RoomParticipant.objects.update_or_create(
        room=room,
        user=mediator,
        defaults={"role": RoomRole.LEAD_MEDIATOR, "muted": False, "display_name": display_name_of_official(official)},
    )
    author = RoomParticipant.objects.filter(room=room, user=actor).first()
    append_event(
        room,
        kind=RoomEventKind.SYSTEM,
        author=author,
        payload={
            "event": "mediator_replaced",
            "participant": seat.pk,
            "name": seat.display_name,
            "role": RoomRole.LEAD_MEDIATOR,
            "previous": recused.pk if recused is not None else None,
            "previous_name": recused.display_name if recused is not None else "",
        },
    )
    save_seq(room)


def room_participant_add(*, actor: RoomParticipant, user, role: str) -> RoomParticipant:
    """The lead mediator seats an observer, an interpreter or a co-mediator of the co-mediating
    authority."""
    if actor.role != RoomRole.LEAD_MEDIATOR:
        raise RoomActionRefused("role_not_allowed", action="add_participant")
    if role not in (RoomRole.OBSERVER, RoomRole.INTERPRETER, RoomRole.CO_MEDIATOR):
        raise RoomActionRefused(
            "invalid_field",
            field="role",
            problem=_("one of: %(choices)s") % {"choices": "observer, interpreter, co_mediator"},
        )
    with transaction.atomic():
        room = lock_room(actor.room_id)
        _require_not_closed(room)
        if role == RoomRole.CO_MEDIATOR:
            _check_co_mediator(room.case, user, field="user")
        official = getattr(user, "official", None)
        display = display_name_of_official(official) if official else person_name(user)
        seat, _created = RoomParticipant.objects.get_or_create(
            room=room, user=user, defaults={"role": role, "display_name": display}
        )
        append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            author=actor,
            payload={"event": "participant_added", "participant": seat.pk, "name": seat.display_name, "role": role},
        )
        save_seq(room)
    return seat


# --- Events -----------------------------------------------------------------------------------


def lock_room(room_id: int) -> MediationRoom:
    return MediationRoom.objects.select_for_update(of=("self",)).select_related("case").get(pk=room_id)


def append_event(
    room: MediationRoom,
    *,
    kind: str,
    payload: dict,
    author: RoomParticipant | None = None,
    channel: str = RoomChannel.MAIN,
) -> RoomEvent:
    """Store the room's next system or proposal event (messages are stored in batches by
    room_messages_post). The caller holds the room row lock and calls save_seq."""
    room.last_seq += 1
    event = RoomEvent.objects.create(
        room=room,
        seq=room.last_seq,
        channel=channel,
        kind=kind,
        author=author,
        payload=payload,
    )
    room_broadcast.publish_on_commit([event])
    return event


def save_seq(room: MediationRoom) -> None:
    room.save(update_fields=["last_seq"])


def _require_not_closed(room: MediationRoom) -> None:
    if room.status == RoomStatus.CLOSED:
        raise RoomActionRefused("room_closed")


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
    if room.status == RoomStatus.CLOSED:
        raise RoomActionRefused("room_closed")
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
    statement, so a batch costs as few statements as possible: one locks and reads the rooms, one
    reads the senders' seats and what is already stored, two plain ones write."""
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
            _insert_messages(rows, at=now)
            _set_last_seqs(last_seqs)
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

    Two statements. The first locks the rooms in id order and reads them. The second reads the
    seats and what is stored only then: in READ COMMITTED each statement sees what was committed
    when it began, so a mute, or the same message stored by another process, that committed while
    this batch waited for a room's lock is seen. (Read in the locking statement, the seat would be
    the one from before the wait: PostgreSQL re-reads only the locked rows.)"""
    room_ids = sorted({post.room_id for post in posts.values()})
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    placeholders = ", ".join(["%s"] * len(room_ids))
    values = ", ".join(["(%s, %s, %s, %s)"] * len(posts))
    params = [
        value
        for index, post in posts.items()
        for value in (index, post.participant_id, post.room_id, post.client_msg_id)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status, open_caucuses, last_seq FROM mediation_mediationroom "
            f"WHERE id IN ({placeholders}) ORDER BY id{lock}",
            room_ids,
        )
        rooms = {
            room_id: _RoomRow(
                room_id, status, (json.loads(caucuses) if isinstance(caucuses, str) else caucuses) or [], last_seq
            )
            for room_id, status, caucuses, last_seq in cursor.fetchall()
        }
        cursor.execute(
            f"WITH post (idx, seat_id, room_id, client_msg_id) AS (VALUES {values}) "
            "SELECT post.idx, seat.room_id, seat.id, seat.role, seat.muted, seat.display_name, stored.seq "
            "FROM post "
            "JOIN mediation_roomparticipant seat ON seat.id = post.seat_id AND seat.room_id = post.room_id "
            "LEFT JOIN mediation_roomevent stored ON stored.room_id = seat.room_id AND stored.author_id = seat.id "
            "AND stored.client_msg_id = post.client_msg_id",
            params,
        )
        rows = cursor.fetchall()
    return {
        index: (rooms[room_id], _SeatRow(seat_id, room_id, role, bool(muted), display_name), stored_seq)
        for index, room_id, seat_id, role, muted, display_name, stored_seq in rows
        if room_id in rooms
    }


def _insert_messages(rows: list[tuple], *, at) -> None:
    created_at = connection.ops.adapt_datetimefield_value(at)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, '{}', %s)"] * len(rows))
    params = [value for row in rows for value in (*row[:3], RoomEventKind.MESSAGE, *row[3:], created_at)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mediation_roomevent "
            "(room_id, seq, channel, kind, author_id, client_msg_id, text, payload, created_at) "
            f"VALUES {values}",
            params,
        )


def _set_last_seqs(last_seqs: dict[int, int]) -> None:
    cases = " ".join(["WHEN %s THEN %s"] * len(last_seqs))
    placeholders = ", ".join(["%s"] * len(last_seqs))
    params = [value for pair in last_seqs.items() for value in pair] + list(last_seqs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE mediation_mediationroom SET last_seq = CASE id {cases} END WHERE id IN ({placeholders})",
            params,
        )


def room_participant_joined(*, seat: RoomParticipant) -> None:
    """Record a participant's first arrival in the room ("joined"); later reconnects are presence
    only and leave no record."""
    if seat.first_joined_at is not None:
        # Arrived before (the time is never unset): a reconnect, which locks nothing. Clients
        # reconnecting all at once after a restart would otherwise queue on their rooms' locks.
        return
    with transaction.atomic():
        room = lock_room(seat.room_id)
        seat = RoomParticipant.objects.select_for_update().get(pk=seat.pk)
        if seat.first_joined_at is not None or room.status == RoomStatus.CLOSED:
            return
        seat.first_joined_at = timezone.now()
        seat.save(update_fields=["first_joined_at"])
        append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            author=seat,
            payload={"event": "joined", "participant": seat.pk, "name": seat.display_name, "role": seat.role},
        )
        save_seq(room)
        if seat.role == RoomRole.DUTY_OFFICIAL:  # the request is answered: its desk shows who answers
            desk_changed_on_commit(HelpRequest.objects.get(room_id=room.pk).authority_id)


def room_mark_read(*, seat: RoomParticipant, seq: int) -> tuple[int, str]:
    """Move the participant's read marker forward (never back) to the newest event at or before
    `seq` that they can see. Returns that event's sequence number and channel (0 and the main
    channel when there is none), so that the receipt goes only to those who see that channel."""
    read = (
        RoomEvent.objects.filter(room_id=seat.room_id, seq__lte=seq, channel__in=channels_visible_to(seat.role))
        .order_by("-seq")
        .values_list("seq", "channel")
        .first()
    )
    if read is None:
        return 0, RoomChannel.MAIN
    RoomParticipant.objects.filter(pk=seat.pk, last_read_seq__lt=read[0]).update(last_read_seq=read[0])
    return read


# --- Mediators' tools -------------------------------------------------------------------------


def _require_mediator(seat: RoomParticipant, action: str, *, lead_only: bool = False) -> None:
    allowed = seat.role == RoomRole.LEAD_MEDIATOR if lead_only else seat.is_mediator
    if not allowed:
        raise RoomActionRefused("role_not_allowed", action=action)


def room_caucus_set(*, actor: RoomParticipant, party: str, open_: bool) -> RoomEvent:
    """Open or close a caucus (单独沟通) between the mediators and one party."""
    action = "caucus_open" if open_ else "caucus_close"
    _require_mediator(actor, action)
    if party not in CAUCUS_CHANNEL_OF_PARTY:
        raise RoomActionRefused(
            "invalid_field", field="party", problem=_("one of: %(choices)s") % {"choices": "consumer, merchant"}
        )
    with transaction.atomic():
        room = lock_room(actor.room_id)
        _require_not_closed(room)
        caucuses = set(room.open_caucuses)
        caucuses.add(party) if open_ else caucuses.discard(party)
        room.open_caucuses = sorted(caucuses)
        # The party learns of it in the caucus channel; the other party does not.
        event = append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            author=actor,
            channel=CAUCUS_CHANNEL_OF_PARTY[party],
            payload={"event": "caucus_opened" if open_ else "caucus_closed", "party": party},
        )
        room.save(update_fields=["open_caucuses", "last_seq"])
    return event


def room_mute_set(*, actor: RoomParticipant, participant_id: int, muted: bool) -> RoomEvent:
    action = "mute" if muted else "unmute"
    _require_mediator(actor, action)
    with transaction.atomic():
        room = lock_room(actor.room_id)
        _require_not_closed(room)
        seat = RoomParticipant.objects.select_for_update().filter(room=room, pk=participant_id).first()
        if seat is None:
            raise RoomActionRefused("no_such_participant", participant=participant_id)
        if seat.is_mediator:
            raise RoomActionRefused("role_not_allowed", action=action)
        seat.muted = muted
        seat.save(update_fields=["muted"])
        event = append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            author=actor,
            payload={"event": "muted" if muted else "unmuted", "participant": seat.pk, "name": seat.display_name},
        )
        save_seq(room)
    return event


def room_adjourn(*, actor: RoomParticipant, resume: bool = False) -> RoomEvent:
    """Adjourn the session (only the mediators write until it reconvenes), or reconvene it."""
    action = "reconvene" if resume else "adjourn"
    _require_mediator(actor, action)
    with transaction.atomic():
        room = lock_room(actor.room_id)
        room.status = room_status_after(status=room.status, action=action)
        event = append_event(
            room, kind=RoomEventKind.SYSTEM, author=actor, payload={"event": "reconvened" if resume else "adjourned"}
        )
        room.save(update_fields=["status", "last_seq"])
    return event


def mediation_terminate(*, actor: RoomParticipant, reason: str, note: str = "") -> None:
    """End the mediation without agreement, for one of the grounds of Order 121 Art. 23 (`reason`),
    with the lead mediator's `note` (required for "other legal ground", and for fraud or extortion
    the referral to the police). The case moves to terminated (the 7-working-day notice deadline
    starts) and with it the room closes."""
    _require_mediator(actor, "terminate", lead_only=True)
    if reason not in MediationTerminationReason.values:
        raise RoomActionRefused(
            "invalid_field",
            field="reason",
            problem=_("one of: %(choices)s") % {"choices": ", ".join(MediationTerminationReason.values)},
        )
    with transaction.atomic():
        room = lock_room(actor.room_id)
        _require_not_closed(room)
        move_case(room.case, action="terminate", actor=actor.user, ground=reason, reason=note[:2000])


# The system event that closes a room, by the case action that ended the mediation.
CLOSING_EVENTS = {"terminate": "terminated", "settle": "settled", "withdraw": "case_withdraw"}


@on_leaving(CaseStatus.MEDIATING)
def room_close_with_case(*, case: Case, action: str, ground: str = "", actor=None, **_move) -> None:
    """The case has left mediation (terminated, settled, withdrawn): close its room."""
    room = MediationRoom.objects.select_for_update().filter(case=case).exclude(status=RoomStatus.CLOSED).first()
    if room is None:
        return
    seat = RoomParticipant.objects.filter(room=room, user=actor).first() if actor is not None else None
    room.status = room_status_after(status=room.status, action="close")
    room.closed_at = timezone.now()
    room.open_caucuses = []
    payload = {"event": CLOSING_EVENTS.get(action, "settled")}
    if ground:
        payload["reason"] = ground
    append_event(room, kind=RoomEventKind.SYSTEM, author=seat, payload=payload)
    room.save(update_fields=["status", "closed_at", "open_caucuses", "last_seq"])


def move_case(case: Case, **kwargs) -> Case:
    """A case move the room makes (the agreement recorded, mediation terminated)."""
    try:
        return case_transition(case=case, in_room=True, **kwargs)
    except TransitionNotAllowed as refused:
        raise RoomActionRefused("case_refused", reason=refused.message) from None
    except (ValidationError, PermissionDenied) as refused:
        raise RoomActionRefused("case_refused", reason="; ".join(_messages(refused))) from None


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    return [str(error)]
