"""The mediation room: opening it with the case, who sits in it, arriving and reading, and closing
it with the case. The room's other jobs have modules of their own: its states (room_states), its
log of events (room_log), the chat messages' batched writer (room_writer) and the mediators' tools
(room_tools)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Case,
    CaseStatus,
    HelpRequest,
    MediationRoom,
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
from mediation.selectors.cases import case_relations
from mediation.selectors.rooms import SEATED_BESIDE_THE_MEDIATORS, lead_mediator_candidates
from mediation.services.desk_broadcast import desk_changed_on_commit, invitation_on_commit
from mediation.services.errors import TransitionNotAllowed
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_log import append_event, lock_room, require_not_closed
from mediation.services.room_states import room_status_after
from mediation.services.transitions import case_transition, on_action, on_entering, on_leaving

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


def room_participant_add(*, actor: RoomParticipant, user, role: str) -> RoomParticipant:
    """The lead mediator seats an observer, an interpreter or a co-mediator of the co-mediating
    authority. An observer or interpreter is an official of a bureau that handles, co-mediates, has
    the mediation entrusted to it or is above the handling bureau (or of the partner agency): the
    room holds the parties' personal data, which nobody else may read. `user` None (no such user)
    is refused like anyone else not allowed, so that user names cannot be probed."""
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
        require_not_closed(room)
        if user is None or not case_relations(user, room.case) & SEATED_BESIDE_THE_MEDIATORS:
            raise RoomActionRefused("participant_not_allowed")
        if role == RoomRole.CO_MEDIATOR:
            _check_co_mediator(room.case, user, field="user")
        official = getattr(user, "official", None)
        display = display_name_of_official(official) if official else person_name(user)
        seat, created = RoomParticipant.objects.get_or_create(
            room=room, user=user, defaults={"role": role, "display_name": display}
        )
        if not created:
            raise RoomActionRefused("already_seated", name=seat.display_name)
        append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            author=actor,
            payload={"event": "participant_added", "participant": seat.pk, "name": seat.display_name, "role": role},
        )
    return seat


def party_seat_add(*, room_id: int, user, role: str, display_name: str) -> RoomParticipant | None:
    """Seat a party who joined the platform after the room opened: staff a business added, the
    administrator of a business whose claim was approved, a caller who linked their hotline cases to
    their account. Nothing in a closed room; a seat already there is kept (a person removed and
    added again). Call inside a transaction."""
    assert role in (RoomRole.CONSUMER, RoomRole.MERCHANT), role
    room = lock_room(room_id)
    if room.status == RoomStatus.CLOSED:
        return None
    seat, created = RoomParticipant.objects.get_or_create(
        room=room, user=user, defaults={"role": role, "display_name": display_name}
    )
    if created:
        append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            payload={"event": "participant_added", "participant": seat.pk, "name": seat.display_name, "role": role},
        )
    return seat


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
    room.save(update_fields=["status", "closed_at", "open_caucuses"])


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
