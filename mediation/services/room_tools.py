"""The mediators' tools in the room: caucuses (单独沟通), muting, adjourning, and terminating the
mediation (Order 121 Art. 23)."""

from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import (
    CAUCUS_CHANNEL_OF_PARTY,
    MediationTerminationReason,
    RoomEvent,
    RoomEventKind,
    RoomParticipant,
    RoomRole,
)
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_log import append_event, lock_room, require_not_closed
from mediation.services.room_states import room_status_after
from mediation.services.rooms import move_case


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
        require_not_closed(room)
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
        room.save(update_fields=["open_caucuses"])
    return event


def room_mute_set(*, actor: RoomParticipant, participant_id: int, muted: bool) -> RoomEvent:
    action = "mute" if muted else "unmute"
    _require_mediator(actor, action)
    with transaction.atomic():
        room = lock_room(actor.room_id)
        require_not_closed(room)
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
        room.save(update_fields=["status"])
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
        require_not_closed(room)
        move_case(room.case, action="terminate", actor=actor.user, ground=reason, reason=note[:2000])
