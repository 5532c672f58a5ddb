"""Reading the rooms (mediation and assistance): who may enter, its history as each participant may see it, and its
events rendered in the reader's own language."""

import dataclasses
import datetime
import decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import (
    MEDIATOR_ROLES,
    MediationDocument,
    MediationRoom,
    MediationTerminationReason,
    ProposalStatus,
    RoomEvent,
    RoomParticipant,
    RoomRole,
    RoomStatus,
    SettlementProposal,
    channels_visible_to,
)
from mediation.selectors.cases import Relation, case_relations
from mediation.selectors.model_rows import table_name
from mediation.selectors.prepared import PreparedStatement
from mediation.selectors.room_seats import seat_with_job

HISTORY_PAGE_SIZE = 50
MAX_HISTORY_PAGE_SIZE = 200
# A reconnecting client receives what it missed in pages of this size, and asks again for more.
MAX_RESUME_BATCH = 1000


def co_mediator_candidates(*, case) -> QuerySet:
    """The users who may co-mediate `case`: the active officials of its co-mediating authority (the
    consumer's home bureau, or the partner agency of a cross-border case)."""
    users = get_user_model().objects.filter(is_active=True)
    if case.co_mediating_authority_id is None:
        return users.none()
    return users.filter(official__authority_id=case.co_mediating_authority_id).order_by("last_name", "first_name", "pk")


def preferred_co_mediator(*, case):
    """Whom the case page proposes as co-mediator: an official of the co-mediating authority on
    duty, else the first of them; None when the case has no co-mediating authority."""
    candidates = co_mediator_candidates(case=case)
    return candidates.filter(official__on_duty=True).first() or candidates.first()


def co_mediation_invitations(*, user) -> QuerySet:
    """The open rooms `user` was seated in as co-mediator and has not entered yet."""
    return (
        RoomParticipant.objects.filter(user=user, role=RoomRole.CO_MEDIATOR, first_joined_at__isnull=True)
        .exclude(room__status=RoomStatus.CLOSED)
        .select_related("room__case__handling_authority", "room__case__entity")
        .order_by("-added_at")
    )


def lead_mediator_candidates(*, case) -> QuerySet:
    """The users who may take the lead of `case`'s mediation: the active officials of its handling
    bureau, and the staff of the body the mediation is entrusted to (Order 121 Art. 19)."""
    bodies = [pk for pk in (case.handling_authority_id, case.entrusted_to_id) if pk is not None]
    return (
        get_user_model()
        .objects.filter(is_active=True, official__authority_id__in=bodies)
        .order_by("last_name", "first_name", "pk")
    )


def session_mediating_authorities(case) -> set[int]:
    """The authorities whose officials may mediate a session of `case`: the handling and
    co-mediating ones, and the body the mediation is entrusted to."""
    return {case.handling_authority_id, case.co_mediating_authority_id, case.entrusted_to_id} - {None}


def session_mediator_candidates(*, case) -> QuerySet:
    """The users who may mediate an on-site session of `case`: the active officials of its handling
    and co-mediating authorities and the staff of the body the mediation is entrusted to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, official__authority_id__in=session_mediating_authorities(case))
        .select_related("official__authority")
        .order_by("official__authority_id", "last_name", "first_name", "pk")
    )


def room_seat_for(*, user, number: str) -> RoomParticipant | None:
    """The user's seat in the room of case `number`, or None: not assigned, no such case, or no
    room. Callers refuse all three alike so that case numbers cannot be probed."""
    if user is None or not user.is_authenticated:
        return None
    seat = seat_with_job(user=user, number=number)
    if seat is None or not _still_holds_the_job(seat):
        return None
    return seat


# Who may be seated as an observer or an interpreter, and keeps that seat: an official who may see
# the case anyway (the room holds the parties' personal data).
SEATED_BESIDE_THE_MEDIATORS = frozenset(
    {Relation.HANDLING, Relation.CO_MEDIATING, Relation.PARTNER, Relation.ENTRUSTED, Relation.SUPERIOR}
)


def _still_holds_the_job(seat: RoomParticipant) -> bool:
    """A seat taken for a job goes with the job: a business's seat is for its staff, a mediator's
    for an official of the handling or co-mediating authority (or partner agency), an observer's or
    interpreter's for an official who may see the case. Staff moved to another business and
    officials moved to another authority keep their record in the room but no longer enter it."""
    if seat.role == RoomRole.MERCHANT:
        needed = {Relation.BUSINESS}
    elif seat.role in MEDIATOR_ROLES:
        needed = {Relation.HANDLING, Relation.CO_MEDIATING, Relation.PARTNER, Relation.ENTRUSTED}
    elif seat.role in (RoomRole.OBSERVER, RoomRole.INTERPRETER):
        needed = SEATED_BESIDE_THE_MEDIATORS
    else:
        return True
    return bool(case_relations(seat.user, seat.room.case) & needed)


def assistance_seat_for(*, user, help_request_id: int) -> RoomParticipant | None:
    """The user's seat in the assistance room of a request for an official, or None (not seated, or
    no such request: refused alike)."""
    if user is None or not user.is_authenticated:
        return None
    return (
        RoomParticipant.objects.select_related("room", "user__consumer")
        .filter(user=user, room__help_request__pk=help_request_id)
        .first()
    )


def seat_language(seat: RoomParticipant) -> str | None:
    """A consumer's chosen language; None for others (the connection's language applies)."""
    consumer = getattr(seat.user, "consumer", None)
    if seat.role == RoomRole.CONSUMER and consumer is not None:
        return consumer.preferred_language
    return None


def utc_iso(moment: datetime.datetime) -> str:
    """A moment in UTC, to the microsecond, as the history read in SQL (ROOM_VALUES_SQL) writes it."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_wire(event: RoomEvent) -> dict:
    """A stored event as it crosses the channel layer: language-neutral, for any reader."""
    return _wire(
        room_id=event.room_id,
        seq=event.seq,
        channel=event.channel,
        kind=event.kind,
        author=event.author,
        client_msg_id=event.client_msg_id,
        text=event.text,
        payload=event.payload,
        at=event.created_at,
    )


def message_wire(*, room_id: int, seq: int, channel: str, author, client_msg_id: str, text: str, at) -> dict:
    """The wire form of a chat message being stored, without reading it back."""
    return _wire(
        room_id=room_id,
        seq=seq,
        channel=channel,
        kind="message",
        author=author,
        client_msg_id=client_msg_id,
        text=text,
        payload={},
        at=at,
    )


def _wire(*, room_id, seq, channel, kind, author, client_msg_id, text, payload, at) -> dict:
    return {
        "room": room_id,
        "seq": seq,
        "channel": channel,
        "kind": kind,
        "author": author.pk if author else None,
        "author_role": author.role if author else None,
        "author_name": author.display_name if author else None,
        "client_msg_id": client_msg_id,
        "text": text,
        "payload": payload,
        "at": utc_iso(at),
    }


_WIRE_FIELDS = (
    "room_id",
    "seq",
    "channel",
    "kind",
    "author_id",
    "author__role",
    "author__display_name",
    "client_msg_id",
    "text",
    "payload",
    "created_at",
)


_WIRE_KEYS = (
    "room",
    "seq",
    "channel",
    "kind",
    "author",
    "author_role",
    "author_name",
    "client_msg_id",
    "text",
    "payload",
    "at",
)


def _wire_rows(events) -> list[dict]:
    """Wire forms straight from rows: history is read often (every join and reconnect), and
    building model instances for it costs more than the query."""
    return [
        dict(zip(_WIRE_KEYS, row, strict=True)) | {"at": utc_iso(row[-1])} for row in events.values_list(*_WIRE_FIELDS)
    ]


def _events(room_id: int, channels):
    return RoomEvent.objects.filter(room_id=room_id, channel__in=channels)


def room_history_page(*, seat: RoomParticipant, before_seq: int | None = None, limit: int = HISTORY_PAGE_SIZE):
    """The latest `limit` events the participant may see, before `before_seq` if given, oldest first,
    and whether older ones exist."""
    limit = max(1, min(limit, MAX_HISTORY_PAGE_SIZE))
    events = _events(seat.room_id, channels_visible_to(seat.role))
    if before_seq is not None:
        events = events.filter(seq__lt=before_seq)
    page = _wire_rows(events.order_by("-seq")[: limit + 1])
    has_more = len(page) > limit
    return list(reversed(page[:limit])), has_more


def room_events_after(*, seat: RoomParticipant, after_seq: int, limit: int = MAX_RESUME_BATCH):
    """Events the participant may see after `after_seq`, oldest first, and whether more follow."""
    events = _events(seat.room_id, channels_visible_to(seat.role)).filter(seq__gt=after_seq).order_by("seq")
    page = _wire_rows(events[: limit + 1])
    return page[:limit], len(page) > limit


def room_events_between(*, room_id: int, after_seq: int, up_to_seq: int | None = None) -> list[dict]:
    """Every event of a room in (after_seq, up_to_seq], for a process filling a gap it noticed."""
    events = RoomEvent.objects.filter(room_id=room_id, seq__gt=after_seq)
    if up_to_seq is not None:
        events = events.filter(seq__lte=up_to_seq)
    return _wire_rows(events.order_by("seq"))


def room_arrival(*, seat: RoomParticipant, after_seq: int | None) -> dict:
    """Everything a participant gets on connecting, read in one statement: who is in the room, its
    state, and either the latest page of history or what came after `after_seq` (first page)."""
    if after_seq is None:
        history = HistoryRead(channels_visible_to(seat.role), after_seq=None, limit=HISTORY_PAGE_SIZE)
    else:
        history = HistoryRead(channels_visible_to(seat.role), after_seq=after_seq, limit=MAX_RESUME_BATCH)
    values = _room_values(seat.room_id, history=history)
    events = values["events"]
    has_more = len(events) > history.limit
    if has_more:  # one more than a page was read to tell whether more exist
        events = events[1:] if after_seq is None else events[: history.limit]
    return {
        "participants": values["participants"],
        "state": state_seen_by(values["state"], role=seat.role),
        "events": events,
        "has_more": has_more,
    }


def rooms_last_seq(*, room_ids) -> dict[int, int]:
    """The newest sequence number of each room."""
    return dict(MediationRoom.objects.filter(pk__in=room_ids).values_list("pk", "last_seq"))


def proposal_terms(proposal: SettlementProposal) -> dict:
    def amount(value: decimal.Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    return {
        "refund_amount": amount(proposal.refund_amount),
        "replacement": proposal.replacement,
        "repair": proposal.repair,
        "compensation_amount": amount(proposal.compensation_amount),
        "currency": proposal.currency,
        "free_text": proposal.free_text,
        "perform_by": proposal.perform_by.isoformat() if proposal.perform_by else None,
    }


def room_snapshot(*, room_id: int) -> dict:
    """The room as it stands, for every participant alike (`state_seen_by` narrows it to a seat):
    its state and who sits in it, read in one statement, so that the state's `last_seq` names
    exactly the events it reflects."""
    values = _room_values(room_id)
    return {"room": values["state"], "participants": values["participants"]}


# The system events after which the room stands as before: a first arrival is only told.
STATE_KEEPING_EVENTS = frozenset({"joined"})


def changes_room_state(wire: dict) -> bool:
    """Whether a stored event may change the room's state (every event but chat and arrivals)."""
    return wire["kind"] != "message" and wire["payload"].get("event") not in STATE_KEEPING_EVENTS


def state_seen_by(state: dict, *, role: str) -> dict:
    """The room's state as a seat of `role` sees it: a party sees its own caucus only, an observer
    or interpreter none; the mediators see them all."""
    if "open_caucuses" not in state or role in MEDIATOR_ROLES:
        return state
    return state | {"open_caucuses": [party for party in state["open_caucuses"] if party == role]}


@dataclasses.dataclass(frozen=True)
class HistoryRead:
    """Which events to read with the room: the latest `limit` + 1 (after_seq None) or the first
    `limit` + 1 after `after_seq`, of `channels`; one more than asked tells whether more exist."""

    channels: frozenset[str]
    after_seq: int | None
    limit: int


# The room, who sits in it, its proposals and document, and optionally a page of its events, built
# by PostgreSQL as one JSON value: this is read on every arrival (a reconnect storm after a restart
# is a thousand of them at once), where Django's query building and model instances would cost
# more than the work itself. The values are those of the ORM reads they replace: amounts with two
# decimals as text, dates as YYYY-MM-DD, moments as utc_iso writes them.
_ROOM_VALUES_SQL = """
SELECT json_build_object(
  'room', (
    SELECT json_build_object(
      'kind', r.kind, 'status', r.status, 'last_seq', r.last_seq, 'open_caucuses', r.open_caucuses,
      'case', c.number, 'case_status', c.status, 'help_request', h.id)
    FROM {room} r
    LEFT JOIN {case} c ON c.id = r.case_id
    LEFT JOIN {help_request} h ON h.room_id = r.id
    WHERE r.id = %(room)s),
  'participants', (
    SELECT coalesce(json_agg(json_build_object(
      'id', p.id, 'role', p.role, 'name', p.display_name, 'muted', p.muted) ORDER BY p.id), '[]'::json)
    FROM {participant} p WHERE p.room_id = %(room)s),
  'proposals', (
    SELECT coalesce(json_agg(json_build_object(
      'number', s.number, 'status', s.status, 'proposed_by', s.proposed_by_id, 'counter_to', t.number,
      'terms', json_build_object(
        'refund_amount', s.refund_amount::text, 'replacement', s.replacement, 'repair', s.repair,
        'compensation_amount', s.compensation_amount::text, 'currency', s.currency,
        'free_text', s.free_text, 'perform_by', to_char(s.perform_by, 'YYYY-MM-DD')),
      'consumer_accepted', s.consumer_accepted_at IS NOT NULL,
      'merchant_accepted', s.merchant_accepted_at IS NOT NULL) ORDER BY s.number), '[]'::json)
    FROM {proposal} s
    LEFT JOIN {proposal} t ON t.id = s.counter_to_id
    WHERE s.room_id = %(room)s AND s.status = ANY(%(shown_proposals)s)),
  'document', (
    SELECT json_build_object(
      'proposal', s.number, 'consumer_signed', d.consumer_signed_at IS NOT NULL,
      'merchant_signed', d.merchant_signed_at IS NOT NULL, 'confirmed', d.confirmed_at IS NOT NULL)
    FROM {document} d JOIN {proposal} s ON s.id = d.proposal_id
    WHERE d.room_id = %(room)s),
  'events', (
    SELECT coalesce(json_agg(json_build_object(
      'room', e.room_id, 'seq', e.seq, 'channel', e.channel, 'kind', e.kind, 'author', e.author_id,
      'author_role', a.role, 'author_name', a.display_name, 'client_msg_id', e.client_msg_id,
      'text', e.text, 'payload', e.payload,
      'at', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) ORDER BY e.seq),
      '[]'::json)
    FROM (
      SELECT * FROM {event}
      WHERE room_id = %(room)s AND channel = ANY(%(channels)s) {events}
      LIMIT %(limit)s
    ) e
    -- An event's author sits in the event's room: looked up among the room's seats, not all seats.
    LEFT JOIN {participant} a ON a.id = e.author_id AND a.room_id = %(room)s)
)
"""


def _room_values_sql(events: str) -> str:
    return _ROOM_VALUES_SQL.format(
        room=table_name(MediationRoom),
        case=table_name(MediationRoom._meta.get_field("case").related_model),
        help_request=table_name(MediationRoom._meta.get_field("help_request").related_model),
        participant=table_name(RoomParticipant),
        proposal=table_name(SettlementProposal),
        document=table_name(MediationDocument),
        event=table_name(RoomEvent),
        events=events,
    )


# The same statement for its three uses, each with an order the (room, seq) index serves; read
# on every arrival, so prepared (planning it cost more than running it).
ROOM_VALUES_SQL = {
    "none": PreparedStatement("room_values_none", _room_values_sql("AND false")),
    "latest": PreparedStatement("room_values_latest", _room_values_sql("ORDER BY seq DESC")),
    "after": PreparedStatement("room_values_after", _room_values_sql("AND seq > %(after_seq)s ORDER BY seq")),
}


def _room_values(room_id: int, *, history: HistoryRead | None = None) -> dict:
    """The room's state for every participant alike, who sits in it, and the events `history`
    asks for (oldest first), in one statement."""
    if history is None:
        statement = ROOM_VALUES_SQL["none"]
    else:
        statement = ROOM_VALUES_SQL["latest" if history.after_seq is None else "after"]
    with connection.cursor() as cursor:
        (values,) = statement.fetchone(
            cursor,
            {
                "room": room_id,
                "shown_proposals": [ProposalStatus.OPEN.value, ProposalStatus.ACCEPTED.value],
                "channels": sorted(history.channels) if history else [],
                "after_seq": history.after_seq if history else None,
                "limit": history.limit + 1 if history else 0,
            },
        )
    room = values["room"]
    if room["case"] is None:
        state = {k: room[k] for k in ("kind", "help_request", "status", "last_seq")}
    else:
        state = {
            "kind": room["kind"],
            "case": room["case"],
            "status": room["status"],
            "case_status": room["case_status"],
            "last_seq": room["last_seq"],
            "open_caucuses": room["open_caucuses"],
            "proposals": values["proposals"],
            "document": values["document"],
        }
    return {"state": state, "participants": values["participants"], "events": values["events"]}


# --- Rendering system and proposal events in the reader's language ---------------------------

PARTY_LABELS = {"consumer": gettext_lazy("the consumer"), "merchant": gettext_lazy("the business")}

SYSTEM_EVENT_TEXTS = {
    "mediation_started": gettext_lazy("Mediation of case %(case)s has started."),
    "joined": gettext_lazy("%(name)s joined the room."),
    "participant_added": gettext_lazy("%(name)s was added to the room as %(role)s."),
    "caucus_opened": gettext_lazy("The mediators opened a private conversation with %(party)s."),
    "caucus_closed": gettext_lazy("The private conversation with %(party)s is closed."),
    "mediator_replaced": gettext_lazy(
        "The recusal request was granted: %(name)s leads the mediation from now on, and %(previous_name)s "
        "follows it without taking part."
    ),
    "muted": gettext_lazy("A mediator muted %(name)s."),
    "unmuted": gettext_lazy("A mediator unmuted %(name)s."),
    "adjourned": gettext_lazy("The mediation is adjourned."),
    "reconvened": gettext_lazy("The mediation has resumed."),
    "terminated": gettext_lazy("Mediation terminated: %(reason)s."),
    "case_withdraw": gettext_lazy("The consumer withdrew the complaint; the room is closed."),
    "settled": gettext_lazy("The case is settled; the room is closed."),
    "proposal_made": gettext_lazy("%(name)s proposed settlement no. %(proposal)s: %(terms)s."),
    "proposal_accepted": gettext_lazy("%(name)s accepted proposal no. %(proposal)s."),
    "proposal_rejected": gettext_lazy("%(name)s rejected proposal no. %(proposal)s."),
    "proposal_countered": gettext_lazy("%(name)s answered proposal no. %(proposal)s with a counter-proposal."),
    "agreement_reached": gettext_lazy(
        "Both parties accepted proposal no. %(proposal)s. The mediation document is ready to sign."
    ),
    "document_signed": gettext_lazy("%(name)s signed the mediation document."),
    "document_waived": gettext_lazy("%(name)s agreed to settle without a mediation document."),
    "agreement_recorded": gettext_lazy("The lead mediator recorded the agreement. The case is settled."),
    "help_requested": gettext_lazy(
        "%(name)s asked for a person; the officials on duty at %(authority)s answer here.%(summary)s"
    ),
    "released": gettext_lazy("The official ended this chat. The assistant answers you again in the bot chat."),
    "left": gettext_lazy("The consumer left the queue and went back to the assistant."),
}


CURRENCY_SIGNS = {"CNY": "¥", "HKD": "HK$", "MOP": "MOP$", "USD": "US$", "EUR": "€", "GBP": "£", "JPY": "JP¥"}


def money_text(amount: str, currency: str) -> str:
    """¥3,000.00, HK$120.50; other currencies by their code."""
    value = f"{decimal.Decimal(amount):,.2f}"
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{value}" if sign else f"{currency} {value}"


def render_terms(terms: dict) -> str:
    """Settlement terms in words, in the active language."""
    parts = []
    currency = terms.get("currency") or "CNY"
    if terms.get("refund_amount"):
        parts.append(_("refund %(amount)s") % {"amount": money_text(terms["refund_amount"], currency)})
    if terms.get("replacement"):
        parts.append(_("replacement"))
    if terms.get("repair"):
        parts.append(_("repair"))
    if terms.get("compensation_amount"):
        parts.append(_("compensation %(amount)s") % {"amount": money_text(terms["compensation_amount"], currency)})
    if terms.get("perform_by"):
        day = datetime.date.fromisoformat(terms["perform_by"])
        parts.append(_("to be performed by %(date)s") % {"date": formats.date_format(day, "DATE_FORMAT")})
    if terms.get("free_text"):
        parts.append(terms["free_text"])
    return _("; ").join(parts)


def render_event_text(payload: dict) -> str:
    """A system or proposal event in words, in the active language."""
    name = payload.get("event", "")
    template = SYSTEM_EVENT_TEXTS.get(name)
    if template is None:
        return name
    params = {key: value for key, value in payload.items() if isinstance(value, str | int)}
    if "party" in payload:
        params["party"] = PARTY_LABELS.get(payload["party"], payload["party"])
    if "role" in payload:
        params["role"] = RoomRole(payload["role"]).label if payload["role"] in RoomRole.values else payload["role"]
    if "reason" in payload:
        reason = payload["reason"]
        params["reason"] = (
            MediationTerminationReason(reason).label if reason in MediationTerminationReason.values else reason
        )
    if "terms" in payload:
        params["terms"] = render_terms(payload["terms"])
    if name == "help_requested":
        gathered = payload.get("summary") or []
        params["summary"] = (
            "\n"
            + _("What the assistant had gathered:")
            + "".join(f"\n{item['label']}: {item['value']}" for item in gathered)
            if gathered
            else ""
        )
    return str(template) % params


def event_frame(wire: dict, *, language: str) -> dict:
    """The frame a reader receives for a stored event."""
    frame = {
        "type": wire["kind"],
        "seq": wire["seq"],
        "channel": wire["channel"],
        "author": wire["author"],
        "author_role": wire["author_role"],
        "author_name": wire["author_name"],
        "at": wire["at"],
    }
    if wire["kind"] == "message":
        frame["client_msg_id"] = wire["client_msg_id"]
        frame["text"] = wire["text"]
    else:
        frame["event"] = wire["payload"].get("event")
        frame["data"] = wire["payload"]
        with translation.override(language):
            frame["text"] = render_event_text(wire["payload"])
    return frame


def performance_contact(case, terms: dict) -> dict:
    """What the business needs to perform an agreement (seed: the business learns what mediation
    needs, no more): the consumer's phone, and the mailing address only when goods must go back or
    forth (a replacement or a repair)."""
    identity = getattr(case.consumer, "identity", None) if case.consumer is not None else None
    if identity is None:
        return {}
    contact = {"phone": identity.phone}
    if (terms.get("replacement") or terms.get("repair")) and identity.mailing_address:
        contact["mailing_address"] = identity.mailing_address
    return contact


def mediation_document_for_viewer(*, case, viewer: str) -> dict | None:
    """The mediation document of a case as a viewer may read it, or None if none was drafted.

    Until both parties have signed (or the agreement is recorded as a mediation record without a
    document), the business's copy (and a partner agency's) names the consumer only by the masked
    name. Then the document names both parties (Order 121 Art. 24) and the business's copy gives the
    contact it needs to perform the agreement."""
    document = MediationDocument.objects.select_related("proposal").filter(room__case=case).first()
    if document is None:
        return None
    content = dict(document.content)
    signed_by_both = document.consumer_signed_at is not None and document.merchant_signed_at is not None
    agreed = signed_by_both or bool(document.without_document and document.confirmed_at)
    if viewer not in ("consumer", "official") and not (viewer == "merchant" and agreed):
        content["consumer_name"] = content["consumer_masked_name"]
    contact = performance_contact(case, content["terms"]) if viewer == "merchant" and agreed else {}
    return {
        "content": content,
        "performance_contact": contact,
        "without_document": document.get_without_document_display() if document.without_document else "",
        "terms_in_words": render_terms(content["terms"]),
        "drafted_at": document.drafted_at,
        "consumer_signed_at": document.consumer_signed_at,
        "merchant_signed_at": document.merchant_signed_at,
        "confirmed_at": document.confirmed_at,
    }
