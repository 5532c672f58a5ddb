"""转人工: a consumer who asks the triage bot for a person is put in a live chat with the officials
on duty at their home bureau. The chat is an assistance room: the room machinery of mediation
(stored, sequenced events, the room hub, the room protocol) without a case, a business or the
mediators' tools. The bot stays quiet until an official releases the consumer back to it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Authority,
    Consumer,
    HelpRequest,
    MediationRoom,
    Official,
    RoomEventKind,
    RoomKind,
    RoomParticipant,
    RoomRole,
    RoomStatus,
)
from mediation.names import display_name_of_official
from mediation.services.desk_broadcast import desk_changed_on_commit
from mediation.services.errors import NobodyOnDuty
from mediation.services.jurisdiction import bureaus_up_from, is_outside_mainland, partner_agency_for
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_log import append_event, lock_room
from mediation.services.room_states import room_status_after

MAX_SUMMARY_ITEMS = 20


def duty_desk_candidates(consumer: Consumer) -> list[Authority]:
    """Where a consumer's request for a person may go, nearest first: a consumer outside the
    mainland goes first to the partner agency of their place, then every bureau up their home
    region's chain (county, prefecture, province)."""
    candidates: list[Authority] = []
    region = consumer.home_region
    if is_outside_mainland(region, consumer.country_code):
        partner = partner_agency_for(region=region, country_code=consumer.country_code)
        if partner is not None:
            candidates.append(partner)
    if region is not None:
        candidates += bureaus_up_from(region)
    return candidates


def _officials_on_duty(authority: Authority) -> list[Official]:
    return list(Official.objects.filter(authority=authority, on_duty=True).select_related("user", "authority"))


def _seat_of_official(room: MediationRoom, official: Official) -> RoomParticipant:
    return RoomParticipant(
        room=room, user=official.user, role=RoomRole.DUTY_OFFICIAL, display_name=display_name_of_official(official)
    )


def clean_summary(summary) -> list[dict]:
    """What the bot gathered, as the officials will read it: a list of {"label", "value"} pairs of
    text, at most MAX_SUMMARY_ITEMS."""
    if summary in (None, ""):
        return []
    if not isinstance(summary, list) or len(summary) > MAX_SUMMARY_ITEMS:
        raise ValidationError(
            {"summary": [_("Give at most %(count)d label and value pairs.") % {"count": MAX_SUMMARY_ITEMS}]}
        )
    cleaned = []
    for item in summary:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("label"), str)
            and isinstance(item.get("value"), str)
            and 0 < len(item["label"]) <= 40
            and len(item["value"]) <= 2000
            and "\x00" not in item["label"] + item["value"]
        ):
            raise ValidationError(
                {"summary": [_("Each item needs a label of 1 to 40 characters and a value of at most 2000.")]}
            )
        cleaned.append({"label": item["label"], "value": item["value"]})
    return cleaned


def help_request_open(*, consumer: Consumer, summary=None) -> tuple[HelpRequest, bool]:
    """Put the consumer in a live chat with the officials on duty at the nearest desk that has any.
    Returns the request and whether it is new: a consumer who already waits keeps their request.
    NobodyOnDuty if no official is on duty anywhere the consumer could be answered."""
    summary = clean_summary(summary)
    waiting = HelpRequest.objects.filter(consumer=consumer, released_at__isnull=True).first()
    if waiting is not None:
        return waiting, False
    for authority in duty_desk_candidates(consumer):
        officials = _officials_on_duty(authority)
        if officials:
            break
    else:
        raise NobodyOnDuty(
            _("No official is on duty right now. Call the 12315 hotline, or leave a message on your case page.")
        )
    try:
        with transaction.atomic():
            room = MediationRoom.objects.create(kind=RoomKind.ASSISTANCE)
            request = HelpRequest.objects.create(consumer=consumer, authority=authority, room=room, summary=summary)
            seats = [
                RoomParticipant(
                    room=room, user=consumer.user, role=RoomRole.CONSUMER, display_name=consumer.masked_name
                ),
                *(_seat_of_official(room, official) for official in officials),
            ]
            RoomParticipant.objects.bulk_create(seats)
            # The room was created in this transaction: no one else can see it yet, no lock needed.
            append_event(
                room,
                kind=RoomEventKind.SYSTEM,
                payload={
                    "event": "help_requested",
                    "name": consumer.masked_name,
                    "authority": authority.name,
                    "summary": summary,
                },
            )
            desk_changed_on_commit(authority.pk)
    except IntegrityError:
        # The same consumer asked twice at once: the other request won; this one is the same.
        return HelpRequest.objects.get(consumer=consumer, released_at__isnull=True), False
    return request, True


def _require_official_of(help_request: HelpRequest, user) -> Official:
    official = getattr(user, "official", None)
    if official is None or official.authority_id != help_request.authority_id:
        raise PermissionDenied(
            _("Only officials of %(authority)s answer this request.") % {"authority": help_request.authority.name}
        )
    return official


def help_request_join(*, help_request: HelpRequest, user) -> RoomParticipant:
    """An official of the request's authority (who was not on duty when it arrived) takes a seat in
    its room. Joining twice keeps the one seat."""
    official = _require_official_of(help_request, user)
    with transaction.atomic():
        room = lock_room(help_request.room_id)
        if room.status == RoomStatus.CLOSED:  # released (the room, locked, is current)
            raise ValidationError(_("This request has been answered and released."))
        seat = RoomParticipant.objects.filter(room=room, user=user).first()
        if seat is None:
            seat = _seat_of_official(room, official)
            seat.save()
    return seat


def help_request_leave(*, help_request: HelpRequest, user) -> HelpRequest:
    """The waiting consumer leaves the queue and goes back to the bot, whether or not an official
    has answered: the chat closes (kept, read-only) like a release."""
    if help_request.consumer.user_id != user.pk:
        raise PermissionDenied(_("Only the person who asked leaves the queue."))
    return _close(help_request, user=user, event="left")


def help_request_release(*, help_request: HelpRequest, user) -> HelpRequest:
    """An official hands the consumer back to the bot: the room closes (read-only, kept) and the
    bridge resumes the bot on the consumer's next message."""
    _require_official_of(help_request, user)
    return _close(help_request, user=user, event="released")


def _close(help_request: HelpRequest, *, user, event: str) -> HelpRequest:
    """Close the request's chat (kept, read-only) with a system event; the bridge resumes the bot on
    the consumer's next message, and the desk drops the request."""
    with transaction.atomic():
        room = lock_room(help_request.room_id)
        help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if help_request.released_at is not None:
            raise RoomActionRefused("room_closed")
        now = timezone.now()
        room.status = room_status_after(status=room.status, action="close")
        room.closed_at = now
        seat = RoomParticipant.objects.filter(room=room, user=user).first()
        append_event(room, kind=RoomEventKind.SYSTEM, author=seat, payload={"event": event})
        room.save(update_fields=["status", "closed_at"])
        help_request.released_at = now
        help_request.released_by = user
        help_request.save(update_fields=["released_at", "released_by"])
        desk_changed_on_commit(help_request.authority_id)
    return help_request


def help_request_release_by_seat(*, seat: RoomParticipant) -> HelpRequest:
    """An official on duty releases the consumer from inside the chat."""
    if seat.role != RoomRole.DUTY_OFFICIAL:
        raise RoomActionRefused("role_not_allowed", action="release")
    help_request = HelpRequest.objects.select_related("authority").get(room_id=seat.room_id)
    return help_request_release(help_request=help_request, user=seat.user)


def help_request_bot_resumed(*, help_request: HelpRequest) -> None:
    """The bridge told the bot to answer again after the release."""
    HelpRequest.objects.filter(pk=help_request.pk, bot_resumed_at__isnull=True).update(bot_resumed_at=timezone.now())


def official_duty_set(*, official: Official, on_duty: bool) -> Official:
    """An official comes on or goes off duty for consumers who ask the bot for a person."""
    Official.objects.filter(pk=official.pk).update(on_duty=on_duty)
    official.on_duty = on_duty
    return official
