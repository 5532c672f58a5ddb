"""Settlement in the room: proposals with structured terms, the parties' answers, the mediation
document (调解书) drafted from the accepted terms, the parties' signatures and the lead mediator's
confirmation, which settles the case."""

import datetime
import decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mediation.models import (
    Case,
    CaseStatus,
    MediationDocument,
    RoomEventKind,
    RoomKind,
    RoomParticipant,
    RoomRole,
    RoomStatus,
    SettlementProposal,
    WithoutDocument,
)
from mediation.selectors.rooms import proposal_terms, render_terms
from mediation.services.cases import CURRENCIES, MAX_AMOUNT
from mediation.services.notifications import document_to_sign_tell, proposal_tell
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_log import append_event, lock_room
from mediation.services.room_states import PROPOSAL_TRANSITIONS, proposal_status_after
from mediation.services.room_writer import clean_text
from mediation.services.rooms import move_case
from mediation.services.transitions import on_entering

MAX_FREE_TEXT_LENGTH = 2000
RESPONSES = ("accept", "reject", "counter")


def _amount(value, field: str) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RoomActionRefused("invalid_field", field=field, problem=_('must be an amount such as "300.00"'))
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise RoomActionRefused("invalid_field", field=field, problem=_('must be an amount such as "300.00"')) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount > MAX_AMOUNT
        or amount != amount.quantize(decimal.Decimal("0.01"))
    ):
        raise RoomActionRefused(
            "invalid_field", field=field, problem=_("must be between 0 and 9999999999.99, in cents")
        )
    return amount


def _flag(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RoomActionRefused("invalid_field", field=field, problem=_("must be true or false"))
    return value


def clean_terms(terms, *, default_currency: str, today: datetime.date) -> dict:
    """Validated settlement terms from a client's `terms` object."""
    if not isinstance(terms, dict):
        raise RoomActionRefused("invalid_field", field="terms", problem=_("must be an object"))
    unknown = set(terms) - {
        "refund_amount", "replacement", "repair", "compensation_amount", "currency", "free_text", "perform_by",
    }  # fmt: skip
    if unknown:
        raise RoomActionRefused("invalid_field", field="terms." + sorted(unknown)[0], problem=_("unknown term"))
    cleaned = {
        "refund_amount": _amount(terms.get("refund_amount"), "terms.refund_amount"),
        "replacement": _flag(terms.get("replacement"), "terms.replacement"),
        "repair": _flag(terms.get("repair"), "terms.repair"),
        "compensation_amount": _amount(terms.get("compensation_amount"), "terms.compensation_amount"),
        "currency": terms.get("currency") or default_currency,
        "free_text": "",
        "perform_by": None,
    }
    if cleaned["currency"] not in CURRENCIES:
        raise RoomActionRefused(
            "invalid_field",
            field="terms.currency",
            problem=_("one of: %(choices)s") % {"choices": ", ".join(CURRENCIES)},
        )
    if terms.get("free_text"):
        cleaned["free_text"] = clean_text(terms["free_text"], field="terms.free_text", max_length=MAX_FREE_TEXT_LENGTH)
    if terms.get("perform_by") is not None:
        try:
            cleaned["perform_by"] = datetime.date.fromisoformat(terms["perform_by"])
        except (TypeError, ValueError):
            raise RoomActionRefused(
                "invalid_field", field="terms.perform_by", problem=_("must be a date YYYY-MM-DD")
            ) from None
        if cleaned["perform_by"] < today:
            raise RoomActionRefused("invalid_field", field="terms.perform_by", problem=_("must not be in the past"))
    if not (
        cleaned["refund_amount"]
        or cleaned["replacement"]
        or cleaned["repair"]
        or cleaned["compensation_amount"]
        or cleaned["free_text"].strip()
    ):
        raise RoomActionRefused("empty_terms")
    return cleaned


def _require_open_room(room) -> None:
    if room.kind != RoomKind.MEDIATION:
        raise RoomActionRefused("not_a_mediation")
    if room.status == RoomStatus.CLOSED:
        raise RoomActionRefused("room_closed")
    if room.status == RoomStatus.ADJOURNED:
        raise RoomActionRefused("room_adjourned")


def _create_proposal(room, seat: RoomParticipant, terms: dict, counter_to=None) -> SettlementProposal:
    now = timezone.now()
    number = (
        SettlementProposal.objects.filter(room=room).order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return SettlementProposal.objects.create(
        room=room,
        number=number,
        proposed_by=seat,
        counter_to=counter_to,
        # A party proposing terms agrees to them.
        consumer_accepted_at=now if seat.role == RoomRole.CONSUMER else None,
        merchant_accepted_at=now if seat.role == RoomRole.MERCHANT else None,
        **terms,
    )


def proposal_make(*, seat: RoomParticipant, terms) -> SettlementProposal:
    """A party or a mediator proposes settlement terms to the room."""
    if seat.role not in (RoomRole.CONSUMER, RoomRole.MERCHANT, RoomRole.LEAD_MEDIATOR, RoomRole.CO_MEDIATOR):
        raise RoomActionRefused("role_not_allowed", action="propose")
    with transaction.atomic():
        room = lock_room(seat.room_id)
        _require_open_room(room)
        cleaned = clean_terms(terms, default_currency=room.case.currency, today=timezone.localdate())
        proposal = _create_proposal(room, seat, cleaned)
        _announce_proposal(room, seat, proposal, "proposal_made")
        proposal_tell(room=room, proposer_role=seat.role, number=proposal.number)
    return proposal


def _announce_proposal(room, seat, proposal: SettlementProposal, event: str, **extra) -> None:
    payload = {"event": event, "proposal": proposal.number, "name": seat.display_name, **extra}
    if event == "proposal_made":
        payload["terms"] = proposal_terms(proposal)
        payload["counter_to"] = proposal.counter_to.number if proposal.counter_to else None
    append_event(room, kind=RoomEventKind.PROPOSAL, author=seat, payload=payload)


def proposal_respond(*, seat: RoomParticipant, number, response: str, terms=None) -> SettlementProposal:
    """A party accepts, rejects or counters an open proposal. When both parties have accepted the
    same proposal, the mediation document is drafted from it and the other open proposals lapse.
    Returns the proposal answered, or the counter-proposal."""
    if seat.role not in (RoomRole.CONSUMER, RoomRole.MERCHANT):
        raise RoomActionRefused("role_not_allowed", action="respond")
    if response not in RESPONSES:
        raise RoomActionRefused(
            "invalid_field", field="response", problem=_("one of: %(choices)s") % {"choices": "accept, reject, counter"}
        )
    if isinstance(number, bool) or not isinstance(number, int):
        raise RoomActionRefused("invalid_field", field="proposal", problem=_("must be a proposal number"))
    with transaction.atomic():
        room = lock_room(seat.room_id)
        _require_open_room(room)
        proposal = SettlementProposal.objects.select_for_update().filter(room=room, number=number).first()
        if proposal is None:
            raise RoomActionRefused("no_such_proposal", proposal=number)
        answered_status = proposal_status_after(status=proposal.status, action=response, number=number)
        accepted_field = "consumer_accepted_at" if seat.role == RoomRole.CONSUMER else "merchant_accepted_at"
        if response == "accept":
            if getattr(proposal, accepted_field) is not None:
                raise RoomActionRefused("already_accepted", proposal=number)
            setattr(proposal, accepted_field, timezone.now())
            proposal.save(update_fields=[accepted_field])
            _announce_proposal(room, seat, proposal, "proposal_accepted")
            if proposal.consumer_accepted_at and proposal.merchant_accepted_at:
                _agreement_reached(room, proposal)
            result = proposal
        elif response == "reject":
            proposal.status = answered_status
            proposal.save(update_fields=["status"])
            _announce_proposal(room, seat, proposal, "proposal_rejected")
            result = proposal
        else:
            cleaned = clean_terms(terms, default_currency=room.case.currency, today=timezone.localdate())
            proposal.status = answered_status
            proposal.save(update_fields=["status"])
            _announce_proposal(room, seat, proposal, "proposal_countered")
            result = _create_proposal(room, seat, cleaned, counter_to=proposal)
            _announce_proposal(room, seat, result, "proposal_made")
            proposal_tell(room=room, proposer_role=seat.role, number=result.number)
    return result


def _agreement_reached(room, proposal: SettlementProposal) -> MediationDocument:
    proposal.status = proposal_status_after(status=proposal.status, action="agree", number=proposal.number)
    proposal.save(update_fields=["status"])
    # The other proposals still open lapse.
    for open_status, lapsed in PROPOSAL_TRANSITIONS["supersede"].items():
        SettlementProposal.objects.filter(room=room, status=open_status).exclude(pk=proposal.pk).update(status=lapsed)
    document = MediationDocument.objects.create(room=room, proposal=proposal, content=_document_content(room, proposal))
    append_event(room, kind=RoomEventKind.SYSTEM, payload={"event": "agreement_reached", "proposal": proposal.number})
    document_to_sign_tell(room=room)
    return document


def _document_content(room, proposal: SettlementProposal) -> dict:
    """What the mediation document says, frozen when drafted."""
    case = room.case
    seats = list(RoomParticipant.objects.filter(room=room).order_by("pk"))
    consumer = case.consumer
    identity = getattr(consumer, "identity", None) if consumer else None
    return {
        "case": case.number,
        "received_at": case.received_at.date().isoformat(),
        "category": case.category,
        "facts": case.facts,
        "demand": case.demand,
        "demand_detail": case.demand_detail,
        "amount": f"{case.amount:.2f}" if case.amount is not None else None,
        "currency": case.currency,
        "consumer_name": identity.real_name if identity else "",
        "consumer_masked_name": consumer.masked_name if consumer else "*",
        "business_name": case.entity.name,
        "business_uscc": case.entity.uscc,
        "business_address": case.entity.business_address,
        "handling_authority": case.handling_authority.name,
        "co_mediating_authority": case.co_mediating_authority.name if case.co_mediating_authority else None,
        "mediators": [seat.display_name for seat in seats if seat.is_mediator],
        "proposal": proposal.number,
        "terms": proposal_terms(proposal),
    }


def _locked_room_and_document(seat: RoomParticipant):
    """The open room, locked, and its drafted document, locked; refused if there is none yet."""
    room = lock_room(seat.room_id)
    _require_open_room(room)
    document = MediationDocument.objects.select_for_update().filter(room=room).first()
    if document is None:
        raise RoomActionRefused("no_document")
    return room, document


def document_sign(*, seat: RoomParticipant) -> MediationDocument:
    """A party signs the drafted mediation document in the room."""
    if seat.role not in (RoomRole.CONSUMER, RoomRole.MERCHANT):
        raise RoomActionRefused("role_not_allowed", action="sign")
    with transaction.atomic():
        room, document = _locked_room_and_document(seat)
        field = "consumer_signed_at" if seat.role == RoomRole.CONSUMER else "merchant_signed_at"
        if getattr(document, field) is not None:
            raise RoomActionRefused("already_signed")
        setattr(document, field, timezone.now())
        changed = [field]
        if seat.role == RoomRole.MERCHANT:
            document.merchant_signed_by = seat.user
            changed.append("merchant_signed_by")
        document.save(update_fields=changed)
        append_event(
            room,
            kind=RoomEventKind.SYSTEM,
            author=seat,
            payload={"event": "document_signed", "name": seat.display_name},
        )
    return document


def document_waive(*, seat: RoomParticipant) -> MediationDocument:
    """A party agrees to settle without a mediation document (Order 121 Art. 24): with both
    parties' agreement the lead mediator may record the agreement as a mediation record."""
    if seat.role not in (RoomRole.CONSUMER, RoomRole.MERCHANT):
        raise RoomActionRefused("role_not_allowed", action="waive_document")
    with transaction.atomic():
        room, document = _locked_room_and_document(seat)
        field = "consumer_waived_at" if seat.role == RoomRole.CONSUMER else "merchant_waived_at"
        if getattr(document, field) is None:
            setattr(document, field, timezone.now())
            document.save(update_fields=[field])
            append_event(
                room,
                kind=RoomEventKind.SYSTEM,
                author=seat,
                payload={"event": "document_waived", "name": seat.display_name},
            )
    return document


def agreement_record(*, seat: RoomParticipant, without_document: str = "") -> MediationDocument:
    """The lead mediator confirms the agreement: the case is settled on its terms and the room
    closes. With the signed document; or, as Order 121 Art. 24 allows, without one when the
    agreement was performed at once (`performed_at_once`) or both parties agreed to go without
    (`parties_agree`), the document then standing as the mediation record."""
    if seat.role != RoomRole.LEAD_MEDIATOR:
        raise RoomActionRefused("role_not_allowed", action="record_agreement")
    if without_document and without_document not in WithoutDocument.values:
        raise RoomActionRefused(
            "invalid_field",
            field="without_document",
            problem=_("one of: %(choices)s") % {"choices": ", ".join(WithoutDocument.values)},
        )
    with transaction.atomic():
        room, document = _locked_room_and_document(seat)
        if not without_document and not document.fully_signed:
            raise RoomActionRefused("not_fully_signed")
        waived_by_both = document.consumer_waived_at is not None and document.merchant_waived_at is not None
        if without_document == WithoutDocument.PARTIES_AGREE and not waived_by_both:
            raise RoomActionRefused("not_waived_by_both")
        document.confirmed_at = timezone.now()
        document.confirmed_by = seat.user
        document.without_document = without_document
        document.save(update_fields=["confirmed_at", "confirmed_by", "without_document"])
        payload = {"event": "agreement_recorded", "proposal": document.proposal.number}
        if without_document:
            payload["without_document"] = without_document
        append_event(room, kind=RoomEventKind.SYSTEM, author=seat, payload=payload)
        # The case record keeps the terms in the platform's working language.
        with translation.override(settings.LANGUAGE_CODE):
            terms_in_words = render_terms(document.content["terms"])
        move_case(room.case, action="settle", actor=seat.user, reason=terms_in_words)
    return document


@on_entering(CaseStatus.SETTLED)
def performance_due(*, case: Case, action: str, **_move) -> None:
    """An agreement recorded in the room with a day to perform it by: the case waits for its
    performance, and shows in the queue when the day passes unconfirmed."""
    if action != "settle":
        return
    document = MediationDocument.objects.filter(room__case=case).first()
    perform_by = (document.content.get("terms") or {}).get("perform_by") if document else None
    if perform_by:
        case.perform_by = datetime.date.fromisoformat(perform_by)
        case.next_due = case.perform_by
        case.save(update_fields=["perform_by", "next_due"])
