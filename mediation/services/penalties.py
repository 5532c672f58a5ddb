"""Penalties that reports lead to, published under the business's name by the publication rules
(市场监督管理行政处罚信息公示规定, SAMR Order 45, 2021; docs/legal-rules.md, "Publication of penalties").

An official of the handling bureau records the penalty decision (行政处罚决定) on a report's opened
case; that is the case's `decide` move with the ground `penalty`, in the same transaction. A decision
of the ordinary procedure that is more than a warning is published at once (Art. 2), processed as
Art. 6 requires (mediation.services.publication_text), once the party was told in writing that it
will be (Art. 8); it stays public 3 months or 3 years, or while a long restriction lasts (Art. 13),
and a scheduled task ends it. The bureau corrects it (Art. 12), withdraws it when the decision is
changed, revoked, or confirmed illegal or void (Art. 11), decides anyone's request for a correction
(Art. 12) and the business's application for early removal (Art. 14). Every change is a
PenaltyPublicationEvent, written in the same transaction."""

import datetime
import decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Case,
    CaseKind,
    CaseStatus,
    MarketEntity,
    PenaltyDecision,
    PenaltyKind,
    PenaltyProcedure,
    PenaltyPublicationAction,
    PenaltyPublicationEvent,
    PenaltyPublicationRequest,
    PenaltyRequestKind,
    PenaltyRequestStatus,
    PublicationStatus,
    ReportDecision,
    ViolationType,
)
from mediation.selectors.cases import Relation, case_relations
from mediation.services.errors import TransitionNotAllowed
from mediation.services.publication_text import processed_for_publication
from mediation.services.transitions import case_transition
from mediation.services.working_days import WorkingCalendar

A = PenaltyPublicationAction
K = PenaltyKind

# Art. 9: the deciding bureau of the party's own province publishes within 20 working days of the
# decision. Art. 10: another province's bureau pushes it within 10 working days to the bureau of the
# party's registered place, which publishes within 10 working days of receiving it.
SAME_PROVINCE_WORKING_DAYS = 20
PUSH_WORKING_DAYS = 10
RECEIVED_WORKING_DAYS = 10
# Art. 11: withdrawn within 3 working days of the decision's change, revocation or annulment.
WITHDRAWAL_WORKING_DAYS = 3
# Art. 13: circulated criticism or a low fine only, 3 months from publication; the rest 3 years; a
# restriction of business or practice longer than 3 years, while it lasts.
SHORT_PUBLICATION_MONTHS = 3
PUBLICATION_YEARS = 3
# Art. 14(3): never removed early.
NEVER_EARLY = frozenset(
    {
        K.ORDERED_TO_SUSPEND,
        K.BUSINESS_RESTRICTED,
        K.PRACTICE_RESTRICTED,
        K.QUALIFICATION_LOWERED,
        K.PERMIT_REVOKED,
        K.LICENCE_REVOKED,
    }
)
RESTRICTIONS = frozenset({K.BUSINESS_RESTRICTED, K.PRACTICE_RESTRICTED})
# Art. 13(1) "only circulated criticism or a low fine"; a warning beside them is lighter than either
# and does not lengthen the period (the product's reading).
LIGHT_KINDS = frozenset({K.WARNING, K.CIRCULATED_CRITICISM, K.FINE})
# Art. 14(1): the four conditions the party declares met.
EARLY_STOP_CONDITIONS = (1, 2, 3, 4)


class WithdrawalGround:
    """Art. 11: why a published decision is withdrawn."""

    CHANGED = "changed"
    REVOKED = "revoked"
    CONFIRMED_ILLEGAL = "confirmed_illegal"
    CONFIRMED_VOID = "confirmed_void"
    VALUES = (CHANGED, REVOKED, CONFIRMED_ILLEGAL, CONFIRMED_VOID)


TEXT_LIMITS = {
    "document_number": 80,
    "legal_basis": 2000,
    "penalty_text": 4000,
    "party_summary": 2000,
    "document_text": 50000,
}
REASON_LIMIT = 2000
MAX_AMOUNT = decimal.Decimal("999999999999.99")
# The fields of a decision an official may correct (Art. 12), as the correction form names them.
CORRECTABLE = (
    "document_number",
    "violation_type",
    "legal_basis",
    "penalty_kinds",
    "fine_amount",
    "confiscated_amount",
    "penalty_text",
    "restriction_until",
    "decided_on",
    "party_summary",
    "document_text",
)


# The rules -------------------------------------------------------------------------------------


def publication_refusal(*, procedure: str, penalty_kinds: list[str]) -> str:
    """Why a decision is not published (Art. 2), or "" when it is."""
    if procedure != PenaltyProcedure.ORDINARY:
        return _(
            "Decided under the simplified procedure: only decisions of the ordinary procedure are published (Art. 2)."
        )
    if set(penalty_kinds) == {K.WARNING}:
        return _("A warning alone is not published (Art. 2).")
    return ""


def party_province(entity: MarketEntity) -> str | None:
    """The two-digit province code of the party's registered place (登记地, 住所地); an operator
    without a licence has none, and is taken to be where its conduct is (its business region)."""
    region = entity.registered_region_id or entity.business_region_id
    return region[:2] if region else None


def is_natural_person(entity: MarketEntity) -> bool:
    """An individual business (统一社会信用代码 of category 9, kind 2) or an operator without a licence
    is penalised as a natural person; the rest are legal persons or other organisations."""
    if not entity.is_registered:
        return True
    return bool(entity.uscc) and entity.uscc[:2] == "92"


def low_fine_limit(*, authority_region: str | None, entity: MarketEntity) -> decimal.Decimal:
    """The amount below which a fine is low (较低数额罚款, Art. 13(2)) for this party, as the deciding
    bureau's province set it (settings.PENALTY_LOW_FINE_LIMITS)."""
    limits = settings.PENALTY_LOW_FINE_LIMITS
    province = (authority_region or "")[:2]
    row = limits.get(province) or limits["*"]
    return decimal.Decimal(str(row["natural_person" if is_natural_person(entity) else "organisation"]))


def is_short_publication(
    *, penalty_kinds: list[str], fine_amount, authority_region: str | None, entity: MarketEntity
) -> bool:
    """Art. 13(1): only circulated criticism, or a low fine (or both)."""
    kinds = set(penalty_kinds)
    if not kinds <= LIGHT_KINDS or not kinds & {K.CIRCULATED_CRITICISM, K.FINE}:
        return False
    if K.FINE in kinds:
        return fine_amount is not None and fine_amount < low_fine_limit(
            authority_region=authority_region, entity=entity
        )
    return True


def publication_dues(
    *, authority_region: str | None, entity: MarketEntity, decided_on: datetime.date, recorded_on: datetime.date
) -> tuple[datetime.date, datetime.date | None]:
    """The last day to publish, and for a party of another province the last day to push it to the
    bureau of its registered place (Art. 9, 10). The platform is that bureau's too: it receives the
    decision when it is recorded here, and publishes within 10 working days of that day."""
    calendar = WorkingCalendar.current()
    province = party_province(entity)
    if province is None or province == (authority_region or "")[:2]:
        return calendar.add_working_days(decided_on, SAME_PROVINCE_WORKING_DAYS), None
    push_due = calendar.add_working_days(decided_on, PUSH_WORKING_DAYS)
    received = min(recorded_on, push_due)
    return calendar.add_working_days(received, RECEIVED_WORKING_DAYS), push_due


def publication_last_day(
    *,
    published_on: datetime.date,
    penalty_kinds: list[str],
    fine_amount,
    restriction_until: datetime.date | None,
    authority_region: str | None,
    entity: MarketEntity,
) -> datetime.date:
    """The last day the decision is public (Art. 13): the period runs from the day of publication,
    not counted, and ends on the same day of the month 3 months or 3 years later (the month's last
    day when it has no such day); a restriction of business or practice that lasts beyond that keeps
    it public to the restriction's last day."""
    if is_short_publication(
        penalty_kinds=penalty_kinds, fine_amount=fine_amount, authority_region=authority_region, entity=entity
    ):
        return published_on + relativedelta(months=SHORT_PUBLICATION_MONTHS)
    last = published_on + relativedelta(years=PUBLICATION_YEARS)
    if restriction_until is not None and set(penalty_kinds) & RESTRICTIONS and restriction_until > last:
        return restriction_until
    return last


def early_stop_from(decision: PenaltyDecision) -> datetime.date | None:
    """The first day the business may apply for early removal (Art. 14; 信用修复管理办法 Art. 6: public
    for 6 months, 12 in the food, drug and special-equipment fields), or None when it never may."""
    if set(decision.penalty_kinds) & NEVER_EARLY or decision.published_at is None:
        return None
    months = (
        settings.PENALTY_EARLY_STOP_MONTHS_LONGER
        if decision.violation_type in settings.PENALTY_EARLY_STOP_LONGER_VIOLATIONS
        else settings.PENALTY_EARLY_STOP_MONTHS
    )
    return timezone.localdate(decision.published_at) + relativedelta(months=months) + datetime.timedelta(days=1)


# Checks ----------------------------------------------------------------------------------------


def _handling_official(actor, case: Case) -> None:
    if Relation.HANDLING not in case_relations(actor, case):
        raise PermissionDenied(_("Only the officials of the bureau handling the report record its penalty decision."))


def _deciding_official(actor, decision: PenaltyDecision) -> None:
    official = getattr(actor, "official", None) if actor is not None and actor.is_authenticated else None
    if official is None or official.authority_id != decision.authority_id:
        raise PermissionDenied(_("Only the officials of the bureau that made the decision manage its publication."))


def _text(errors: dict, name: str, value, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > TEXT_LIMITS[name]:
        errors[name] = [_("At most %(count)d characters.") % {"count": TEXT_LIMITS[name]}]
    return value


def _amount(errors: dict, name: str, value) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))
    except (decimal.InvalidOperation, ValueError):
        errors[name] = [_("Enter an amount in yuan.")]
        return None
    if amount < 0 or amount > MAX_AMOUNT:
        errors[name] = [_("Enter an amount between 0 and %(max)s yuan.") % {"max": MAX_AMOUNT}]
        return None
    return amount


def _checked_fields(values: dict, *, today: datetime.date) -> dict:
    """The decision's fields, validated; raises ValidationError with every problem at once."""
    errors: dict[str, list[str]] = {}
    fields = {name: _text(errors, name, values.get(name)) for name in TEXT_LIMITS}
    procedure = values.get("procedure", PenaltyProcedure.ORDINARY)
    if procedure not in PenaltyProcedure.values:
        errors["procedure"] = [_("Choose the ordinary or the simplified procedure.")]
    violation_type = values.get("violation_type", "")
    if violation_type not in ViolationType.values:
        errors["violation_type"] = [_("Choose the type of violation.")]
    kinds = list(dict.fromkeys(values.get("penalty_kinds") or []))
    if not kinds:
        errors["penalty_kinds"] = [_("Choose at least one penalty.")]
    elif not set(kinds) <= set(K.values):
        errors["penalty_kinds"] = [
            _("Not a penalty: %(value)s.") % {"value": ", ".join(sorted(set(kinds) - set(K.values)))}
        ]
    fine = _amount(errors, "fine_amount", values.get("fine_amount"))
    confiscated = _amount(errors, "confiscated_amount", values.get("confiscated_amount"))
    if K.FINE in kinds and not fine and "fine_amount" not in errors:
        errors["fine_amount"] = [_("A fine needs its amount.")]
    if fine and K.FINE not in kinds:
        errors["fine_amount"] = [_("An amount is given only with the penalty “fine”.")]
    if confiscated and K.CONFISCATION not in kinds:
        errors["confiscated_amount"] = [_("An amount is given only with the penalty “confiscation”.")]
    decided_on = values.get("decided_on")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = [_("Enter the day of the decision.")]
    elif decided_on > today:
        errors["decided_on"] = [_("The decision cannot be dated after today.")]
    restriction_until = values.get("restriction_until")
    if restriction_until is not None and not isinstance(restriction_until, datetime.date):
        errors["restriction_until"] = [_("Enter a day.")]
    elif restriction_until is not None and not set(kinds) & RESTRICTIONS:
        errors["restriction_until"] = [_("An end day is given only for a restriction of business or practice.")]
    elif restriction_until is not None and isinstance(decided_on, datetime.date) and restriction_until <= decided_on:
        errors["restriction_until"] = [_("The restriction ends after the day of the decision.")]
    if errors:
        raise ValidationError(errors)
    return {
        **fields,
        "procedure": procedure,
        "violation_type": violation_type,
        "penalty_kinds": kinds,
        "fine_amount": fine,
        "confiscated_amount": confiscated,
        "decided_on": decided_on,
        "restriction_until": restriction_until,
    }


def _entity_of(case: Case) -> MarketEntity:
    """The party the decision is recorded under (Art. 2): the business reported, or the registry entry
    an official identified an operator without a licence as."""
    entity = case.entity
    if not entity.is_registered and entity.identified_as_id is not None:
        return MarketEntity.with_unlicensed.get(pk=entity.identified_as_id)
    return entity


def _processed(fields: dict, *, case: Case, entity: MarketEntity, secrets: list[str]) -> tuple[dict, dict]:
    """The published fields (Art. 6, 7) and what was withheld from them, by kind."""
    withheld: dict[str, int] = {}
    out = dict(fields)
    for name in ("document_number", "legal_basis", "penalty_text", "party_summary", "document_text"):
        processed = processed_for_publication(fields[name], case=case, entity=entity, secrets=secrets)
        out[name] = processed.text
        for kind, count in processed.withheld.items():
            withheld[kind] = withheld.get(kind, 0) + count
    return out, withheld


def publication_preview(*, case: Case, actor, values: dict, secrets: list[str] | None = None) -> dict:
    """Exactly what recording `values` would publish, and what was withheld, without recording."""
    _handling_official(actor, case)
    fields = _checked_fields(values, today=timezone.localdate())
    entity = _entity_of(case)
    published, withheld = _processed(fields, case=case, entity=entity, secrets=secrets or [])
    region = case.handling_authority.region_id
    due, push_due = publication_dues(
        authority_region=region, entity=entity, decided_on=fields["decided_on"], recorded_on=timezone.localdate()
    )
    return {
        "fields": published,
        "withheld": withheld,
        "entity": entity,
        "authority": case.handling_authority,
        "refusal": publication_refusal(procedure=fields["procedure"], penalty_kinds=fields["penalty_kinds"]),
        "due": due,
        "push_due": push_due,
        "last_day": publication_last_day(
            published_on=timezone.localdate(),
            penalty_kinds=fields["penalty_kinds"],
            fine_amount=fields["fine_amount"],
            restriction_until=fields["restriction_until"],
            authority_region=region,
            entity=entity,
        ),
    }


# Acts ------------------------------------------------------------------------------------------


def _event(decision: PenaltyDecision, action: str, *, actor=None, reason: str = "", changes: dict | None = None):
    return PenaltyPublicationEvent.objects.create(
        decision=decision, action=action, actor=actor, reason=reason, changes=changes or {}
    )


def _publish(decision: PenaltyDecision, *, actor) -> None:
    """Publish now (caller holds the row lock): the end day counts from today."""
    now = timezone.now()
    decision.publication_status = PublicationStatus.PUBLISHED
    decision.published_at = now
    decision.publication_ends_on = _last_day(decision, published_on=timezone.localdate(now))
    decision.unpublished_reason = ""
    decision.save(
        update_fields=["publication_status", "published_at", "publication_ends_on", "unpublished_reason", "updated_at"]
    )
    _event(decision, A.PUBLISHED, actor=actor)


def _last_day(decision: PenaltyDecision, *, published_on: datetime.date) -> datetime.date:
    return publication_last_day(
        published_on=published_on,
        penalty_kinds=decision.penalty_kinds,
        fine_amount=decision.fine_amount,
        restriction_until=decision.restriction_until,
        authority_region=decision.authority.region_id,
        entity=decision.entity,
    )


def penalty_decision_record(
    *, case: Case, actor, values: dict, secrets: list[str] | None = None, reason: str = ""
) -> PenaltyDecision:
    """Record the penalty decision of a report's case and publish it when the rules say so.

    On an opened case this is the `decide` move with the ground `penalty` (same transaction); on a
    case already decided on that ground without its decision recorded, it records it. `values`
    holds the fields of PenaltyDecision (the text as served); `secrets` the passages to withhold as
    business secrets (Art. 6)."""
    _handling_official(actor, case)
    today = timezone.localdate()
    fields = _checked_fields(values, today=today)
    told = bool(values.get("party_told_of_publication"))
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if case.kind != CaseKind.REPORT:
            raise TransitionNotAllowed(_("Penalty decisions are recorded on reports only."))
        if PenaltyDecision.objects.filter(case=case).exists():
            raise TransitionNotAllowed(_("This report's penalty decision is already recorded."))
        if case.status == CaseStatus.CASE_OPENED:
            summary = _("Penalty decision %(number)s") % {"number": fields["document_number"]}
            case = case_transition(
                case=case,
                action="decide",
                actor=actor,
                ground=ReportDecision.PENALTY,
                reason=(reason or "").strip() or summary,
            )
        elif not (case.status == CaseStatus.DECIDED and case.report_decision == ReportDecision.PENALTY):
            raise TransitionNotAllowed(
                _("A penalty decision is recorded on an opened case, or on one decided with an administrative penalty.")
            )
        entity = _entity_of(case)
        published, _withheld = _processed(fields, case=case, entity=entity, secrets=secrets or [])
        authority = case.handling_authority
        due, _push = publication_dues(
            authority_region=authority.region_id, entity=entity, decided_on=fields["decided_on"], recorded_on=today
        )
        refusal = publication_refusal(procedure=fields["procedure"], penalty_kinds=fields["penalty_kinds"])
        try:
            with transaction.atomic():
                decision = PenaltyDecision.objects.create(
                    case=case,
                    entity=entity,
                    authority=authority,
                    recorded_by=actor,
                    party_told_of_publication=told,
                    publication_status=PublicationStatus.NOT_PUBLISHED if refusal else PublicationStatus.PENDING,
                    publication_due=None if refusal else due,
                    # Why it is not published is read from the rules when shown, in the reader's
                    # language (publication_refusal); this field keeps an official's own reason.
                    **published,
                )
        except IntegrityError as error:
            raise ValidationError(
                {"document_number": [_("This bureau has already recorded a decision with this document number.")]}
            ) from error
        _event(decision, A.RECORDED, actor=actor, reason=refusal)
        if not refusal and told:
            _publish(decision, actor=actor)
    return decision


def _locked(decision: PenaltyDecision, actor) -> PenaltyDecision:
    _deciding_official(actor, decision)
    return (
        PenaltyDecision.objects.select_for_update(of=("self",))
        .select_related("authority", "entity", "case")
        .get(pk=decision.pk)
    )


@transaction.atomic
def penalty_decision_publish(*, decision: PenaltyDecision, actor) -> PenaltyDecision:
    """Publish a decision waiting for the party to be told in writing (Art. 8): the official confirms
    the notice was given."""
    decision = _locked(decision, actor)
    if decision.publication_status != PublicationStatus.PENDING:
        raise TransitionNotAllowed(_("Only a decision waiting for publication can be published."))
    decision.party_told_of_publication = True
    decision.save(update_fields=["party_told_of_publication", "updated_at"])
    _publish(decision, actor=actor)
    return decision


def _json(value):
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    return value


@transaction.atomic
def penalty_decision_correct(
    *,
    decision: PenaltyDecision,
    actor,
    values: dict,
    reason: str,
    secrets: list[str] | None = None,
    request: PenaltyPublicationRequest | None = None,
) -> PenaltyDecision:
    """Correct the recorded decision (Art. 12): every changed field's value before and after goes on
    the record. The end of publication follows a corrected penalty. A correction that makes the
    decision one that is not published is a change of the decision: withdraw it instead (Art. 11)."""
    decision = _locked(decision, actor)
    reason = (reason or "").strip()
    if decision.publication_status in (PublicationStatus.WITHDRAWN,):
        raise TransitionNotAllowed(_("A withdrawn decision is not corrected."))
    if not reason:
        raise ValidationError({"reason": [_("Say what was inaccurate.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [_("At most %(count)d characters.") % {"count": REASON_LIMIT}]})
    current = {name: getattr(decision, name) for name in CORRECTABLE}
    merged = {**current, "procedure": decision.procedure, **{k: v for k, v in values.items() if k in CORRECTABLE}}
    fields = _checked_fields(merged, today=timezone.localdate())
    if publication_refusal(procedure=decision.procedure, penalty_kinds=fields["penalty_kinds"]) and (
        decision.publication_status != PublicationStatus.NOT_PUBLISHED
    ):
        raise ValidationError(
            {"penalty_kinds": [_("A warning alone is not published: withdraw the decision instead (Art. 11).")]}
        )
    published, _withheld = _processed(fields, case=decision.case, entity=decision.entity, secrets=secrets or [])
    changes = {
        name: {"before": _json(current[name]), "after": _json(published[name])}
        for name in CORRECTABLE
        if published[name] != current[name]
    }
    if not changes:
        raise ValidationError({"__all__": [_("Nothing was changed.")]})
    for name in changes:
        setattr(decision, name, published[name])
    updated = [*changes, "updated_at"]
    if "decided_on" in changes and decision.publication_status in (
        PublicationStatus.PENDING,
        PublicationStatus.PUBLISHED,
    ):
        decision.publication_due, _push = publication_dues(
            authority_region=decision.authority.region_id,
            entity=decision.entity,
            decided_on=decision.decided_on,
            recorded_on=timezone.localdate(decision.recorded_at),
        )
        updated.append("publication_due")
    if decision.published_at is not None and decision.publication_status == PublicationStatus.PUBLISHED:
        ends = _last_day(decision, published_on=timezone.localdate(decision.published_at))
        if ends != decision.publication_ends_on:
            changes["publication_ends_on"] = {"before": _json(decision.publication_ends_on), "after": _json(ends)}
            decision.publication_ends_on = ends
            updated.append("publication_ends_on")
    decision.save(update_fields=updated)
    if request is not None:
        reason = _("On the correction request of %(day)s: %(reason)s") % {
            "day": timezone.localdate(request.submitted_at).isoformat(),
            "reason": reason,
        }
    _event(decision, A.CORRECTED, actor=actor, reason=reason, changes=changes)
    return decision


@transaction.atomic
def penalty_decision_withdraw(
    *, decision: PenaltyDecision, actor, ground: str, reason: str, changed_on: datetime.date | None
) -> PenaltyDecision:
    """Withdraw the publication (Art. 11): the decision was changed, revoked, or confirmed illegal
    or void, on `changed_on`; due within 3 working days of it; the reason is required."""
    decision = _locked(decision, actor)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision.publication_status not in (PublicationStatus.PENDING, PublicationStatus.PUBLISHED):
        raise TransitionNotAllowed(_("Only a published decision, or one waiting for publication, is withdrawn."))
    if ground not in WithdrawalGround.VALUES:
        errors["ground"] = [_("Say whether the decision was changed, revoked, or confirmed illegal or void.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the withdrawal; it is recorded (Art. 11).")]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [_("At most %(count)d characters.") % {"count": REASON_LIMIT}]
    today = timezone.localdate()
    if not isinstance(changed_on, datetime.date):
        errors["changed_on"] = [_("Enter the day the decision was changed, revoked or annulled.")]
    elif changed_on > today or changed_on < decision.decided_on:
        errors["changed_on"] = [_("The day lies between the decision and today.")]
    if errors:
        raise ValidationError(errors)
    due = WorkingCalendar.current().add_working_days(changed_on, WITHDRAWAL_WORKING_DAYS)
    decision.publication_status = PublicationStatus.WITHDRAWN
    decision.unpublished_at = timezone.now()
    decision.unpublished_reason = reason
    decision.save(update_fields=["publication_status", "unpublished_at", "unpublished_reason", "updated_at"])
    _event(
        decision,
        A.WITHDRAWN,
        actor=actor,
        reason=reason,
        changes={"ground": ground, "changed_on": changed_on.isoformat(), "due": due.isoformat(), "late": today > due},
    )
    return decision


def _published(decision: PenaltyDecision) -> PenaltyDecision:
    decision = PenaltyDecision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    if decision.publication_status != PublicationStatus.PUBLISHED:
        raise TransitionNotAllowed(_("This decision is not published."))
    return decision


STATEMENT_LIMIT = 4000


@transaction.atomic
def penalty_correction_request(
    *, decision: PenaltyDecision, applicant=None, name: str = "", contact: str = "", statement: str, evidence=None
) -> PenaltyPublicationRequest:
    """Anyone asks the deciding bureau to correct a published decision they show to be inaccurate
    (Art. 12). Without an account, a name and a way to reply are needed."""
    decision = _published(decision)
    signed_in = applicant is not None and applicant.is_authenticated
    name, contact, statement = (name or "").strip(), (contact or "").strip(), (statement or "").strip()
    errors: dict[str, list[str]] = {}
    if not statement:
        errors["statement"] = [_("Say what is inaccurate and what shows it.")]
    elif len(statement) > STATEMENT_LIMIT:
        errors["statement"] = [_("At most %(count)d characters.") % {"count": STATEMENT_LIMIT}]
    if not signed_in and not name:
        errors["name"] = [_("Give your name.")]
    if not signed_in and not contact:
        errors["contact"] = [_("Give a phone number or an e-mail address the bureau can answer.")]
    if len(name) > 100:
        errors["name"] = [_("At most %(count)d characters.") % {"count": 100}]
    if len(contact) > 200:
        errors["contact"] = [_("At most %(count)d characters.") % {"count": 200}]
    if errors:
        raise ValidationError(errors)
    request = PenaltyPublicationRequest.objects.create(
        decision=decision,
        kind=PenaltyRequestKind.CORRECTION,
        applicant=applicant if signed_in else None,
        applicant_name=name,
        applicant_contact=contact,
        statement=statement,
        evidence=evidence or "",
    )
    _event(decision, A.CORRECTION_REQUESTED, actor=applicant if signed_in else None, reason=statement)
    return request


def early_stop_refusal(decision: PenaltyDecision, *, today: datetime.date) -> str:
    """Why the rules refuse early removal by themselves, or "" (Art. 14; 信用修复管理办法 Art. 6)."""
    severe = set(decision.penalty_kinds) & NEVER_EARLY
    if severe:
        labels = ", ".join(str(K(kind).label) for kind in K.values if kind in severe)
        return _("A decision with this penalty is never removed early (Art. 14(3)): %(penalties)s.") % {
            "penalties": labels
        }
    start = early_stop_from(decision)
    if start is None:
        return _("This decision is not published.")
    if is_short_publication(
        penalty_kinds=decision.penalty_kinds,
        fine_amount=decision.fine_amount,
        authority_region=decision.authority.region_id,
        entity=decision.entity,
    ):
        return _(
            "This decision is public for 3 months only (circulated criticism or a low fine): it is not removed "
            "early (credit repair measures Art. 6)."
        )
    if today < start:
        return _(
            "Early removal may be applied for from %(day)s, once the decision was public for the required time."
        ) % {"day": start.isoformat()}
    return ""


@transaction.atomic
def penalty_early_stop_apply(
    *, decision: PenaltyDecision, actor, statement: str, conditions: list[int], evidence=None
) -> PenaltyPublicationRequest:
    """The business's staff apply for early removal (Art. 14), declaring the four conditions met. The
    rules' own refusals (a severe penalty, too early) are decided at once; the rest wait for the
    deciding bureau."""
    staff = getattr(actor, "merchant_staff", None) if actor is not None and actor.is_authenticated else None
    if staff is None or staff.entity_id != decision.entity_id:
        raise PermissionDenied(_("Only the penalised business's staff apply for early removal."))
    decision = _published(decision)
    statement = (statement or "").strip()
    errors: dict[str, list[str]] = {}
    declared = sorted({int(item) for item in conditions or [] if str(item).isdigit()})
    if declared != list(EARLY_STOP_CONDITIONS):
        errors["conditions"] = [_("Early removal needs all four conditions of Art. 14(1) met.")]
    if not statement:
        errors["statement"] = [_("Say how the business met the conditions.")]
    elif len(statement) > STATEMENT_LIMIT:
        errors["statement"] = [_("At most %(count)d characters.") % {"count": STATEMENT_LIMIT}]
    if PenaltyPublicationRequest.objects.filter(
        decision=decision, kind=PenaltyRequestKind.EARLY_STOP, status=PenaltyRequestStatus.OPEN
    ).exists():
        errors["__all__"] = [_("An application for early removal of this decision is already waiting.")]
    if errors:
        raise ValidationError(errors)
    request = PenaltyPublicationRequest.objects.create(
        decision=decision,
        kind=PenaltyRequestKind.EARLY_STOP,
        applicant=actor,
        statement=statement,
        conditions_declared=declared,
        evidence=evidence or "",
    )
    _event(decision, A.EARLY_STOP_APPLIED, actor=actor, reason=statement)
    refusal = early_stop_refusal(decision, today=timezone.localdate())
    if refusal:
        _request_close(request, status=PenaltyRequestStatus.REFUSED, actor=None, reason=refusal)
        _event(decision, A.EARLY_STOP_REFUSED, reason=refusal)
    return request


def _request_close(request: PenaltyPublicationRequest, *, status: str, actor, reason: str) -> None:
    request.status, request.decided_by, request.decided_at, request.decision_reason = (
        status,
        actor,
        timezone.now(),
        reason,
    )
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def penalty_request_decide(
    *,
    request: PenaltyPublicationRequest,
    actor,
    grant: bool,
    reason: str,
    values: dict | None = None,
    secrets: list[str] | None = None,
) -> PenaltyPublicationRequest:
    """The deciding bureau decides a request. A correction is granted by making it: with `values`
    (the corrected fields) in the same step, or after a correction made since the request came;
    early removal granted stops the publication now."""
    request = PenaltyPublicationRequest.objects.select_for_update().get(pk=request.pk)
    decision = _locked(request.decision, actor)
    reason = (reason or "").strip()
    if request.status != PenaltyRequestStatus.OPEN:
        raise TransitionNotAllowed(_("This request has already been decided."))
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the decision.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [_("At most %(count)d characters.") % {"count": REASON_LIMIT}]})
    if request.kind == PenaltyRequestKind.CORRECTION:
        if grant and values:
            penalty_decision_correct(
                decision=decision, actor=actor, values=values, reason=reason, secrets=secrets, request=request
            )
        elif grant and not decision.events.filter(action=A.CORRECTED, at__gte=request.submitted_at).exists():
            raise ValidationError({"__all__": [_("Make the correction first; then grant the request.")]})
        else:
            _event(decision, A.CORRECTION_REFUSED, actor=actor, reason=reason)
    else:
        if grant:
            refusal = early_stop_refusal(decision, today=timezone.localdate())
            if refusal:
                raise TransitionNotAllowed(refusal)
            if decision.publication_status != PublicationStatus.PUBLISHED:
                raise TransitionNotAllowed(_("This decision is not published."))
            decision.publication_status = PublicationStatus.STOPPED_EARLY
            decision.unpublished_at = timezone.now()
            decision.unpublished_reason = reason
            decision.save(update_fields=["publication_status", "unpublished_at", "unpublished_reason", "updated_at"])
            _event(decision, A.EARLY_STOP_GRANTED, actor=actor, reason=reason)
        else:
            _event(decision, A.EARLY_STOP_REFUSED, actor=actor, reason=reason)
    _request_close(
        request,
        status=PenaltyRequestStatus.GRANTED if grant else PenaltyRequestStatus.REFUSED,
        actor=actor,
        reason=reason,
    )
    return request


def penalty_publications_end(*, today: datetime.date | None = None) -> int:
    """End the publication of every decision whose last public day has passed (Art. 13); run daily."""
    today = today or timezone.localdate()
    ended = 0
    due = PenaltyDecision.objects.filter(
        publication_status=PublicationStatus.PUBLISHED, publication_ends_on__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            decision = (
                PenaltyDecision.objects.select_for_update()
                .filter(pk=pk, publication_status=PublicationStatus.PUBLISHED, publication_ends_on__lt=today)
                .first()
            )
            if decision is None:
                continue
            decision.publication_status = PublicationStatus.ENDED
            decision.unpublished_at = timezone.now()
            decision.save(update_fields=["publication_status", "unpublished_at", "updated_at"])
            _event(
                decision,
                A.ENDED,
                reason=_("Public until %(day)s (Art. 13).") % {"day": decision.publication_ends_on.isoformat()},
            )
            ended += 1
    return ended
