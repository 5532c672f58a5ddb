"""Filing complaints and reports, alone or as one mixed submission, and attaching evidence."""

import dataclasses
import datetime
import decimal
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseKind,
    CaseStatus,
    ComplaintAgent,
    Consumer,
    Demand,
    EntityKind,
    EvidenceFile,
    IntakeChannel,
    MarketEntity,
    Region,
    ViolationType,
)
from mediation.rules import Period
from mediation.selectors.evidence import may_add_evidence
from mediation.services.associations import (
    ASSOCIATION_HANDLERS,
    Handler,
    association_for_complaint,
    handler_checked,
    is_association,
    report_handler_check,
)
from mediation.services.complaint_counts import Counted, complaint_counted, complaint_recounted
from mediation.services.complaint_text import keywords_of, problem_types_of
from mediation.services.errors import TransitionNotAllowed
from mediation.services.identifiers import validate_phone, validate_resident_id
from mediation.services.jurisdiction import resolve_jurisdiction
from mediation.services.periods import period_start, verification_period
from mediation.services.transitions import Role, case_transition, on_action
from mediation.services.unlicensed import operator_described, operator_record
from mediation.services.uploads import upload_checked
from mediation.tasks import complaint_filed_queue

CASE_NUMBER_PREFIX = {CaseKind.COMPLAINT: "TS", CaseKind.REPORT: "JB"}  # 投诉, 举报
CURRENCIES = ("CNY", "HKD", "MOP", "TWD", "USD", "EUR", "JPY", "KRW", "GBP")
MAX_FACTS_LENGTH = 5000
MAX_AMOUNT = decimal.Decimal("9999999999.99")
EVIDENCE_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf", "video/mp4", "audio/mpeg"}


def next_case_number(*, kind: str, day: datetime.date) -> str:
    """TS20261130000042: prefix, the day of receipt and a per-day counter, taken atomically."""
    prefix = CASE_NUMBER_PREFIX[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mediation_casenumbercounter (prefix, day, last_value) VALUES (%s, %s, 1) "
            "ON CONFLICT (prefix, day) DO UPDATE SET last_value = mediation_casenumbercounter.last_value + 1 "
            "RETURNING last_value",
            [prefix, day],
        )
        (value,) = cursor.fetchone()
    return f"{prefix}{day:%Y%m%d}{value:06d}"


def _check_common(errors: dict[str, list[str]], *, facts: str, intake_channel: str) -> None:
    if not facts.strip():
        errors["facts"] = [_("Please describe what happened.")]
    elif len(facts) > MAX_FACTS_LENGTH:
        errors["facts"] = [_("Please keep the description under %(limit)d characters.") % {"limit": MAX_FACTS_LENGTH}]
    if intake_channel not in IntakeChannel.values:
        errors["intake_channel"] = [_("Unknown intake channel.")]


def _check_complaint(
    *,
    consumer: Consumer | None,
    entity: MarketEntity,
    facts: str,
    category: str,
    purchase_date: datetime.date | None,
    amount: decimal.Decimal | None,
    currency: str,
    demand: str,
    intake_channel: str,
    send_to_business: bool,
    today: datetime.date,
) -> None:
    errors: dict[str, list[str]] = {}
    _check_common(errors, facts=facts, intake_channel=intake_channel)
    if consumer is None:
        errors["consumer"] = [_("A complaint needs the consumer who made the purchase.")]
    if category not in CaseCategory.values:
        errors["category"] = [_("Please choose the category of goods or service.")]
    if demand not in Demand.values:
        errors["demand"] = [_("Please say what you want: refund, replacement, repair, compensation or other.")]
    if purchase_date is not None and purchase_date > today:
        errors["purchase_date"] = [_("The purchase date cannot be in the future.")]
    if amount is not None and not (decimal.Decimal(0) <= amount <= MAX_AMOUNT):
        errors["amount"] = [_("The amount must be zero or more.")]
    if currency not in CURRENCIES:
        errors["currency"] = [_("Unknown currency. Use one of: %(choices)s.") % {"choices": ", ".join(CURRENCIES)}]
    if not entity.is_registered:  # 无照经营: reported, never complained of as a registered business
        errors["entity"] = [_("Choose the business from the registry.")]
    if send_to_business and not entity.is_odr:
        errors["send_to_business"] = [
            _("This business does not take part in online dispute resolution; the authority will handle it.")
        ]
    if errors:
        raise ValidationError(errors)


# Online, a report is real-name; anonymous reports come by phone, letter or visit (seed; Order 121
# Art. 37 keeps the reporter secret from the business either way).
ONLINE_CHANNELS = (IntakeChannel.WEB, IntakeChannel.BOT)

# A report still being handled: a second report of the same facts is not handled again (Art. 35).
OPEN_REPORT_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.VERIFYING, CaseStatus.CASE_OPENED)


def _reported_already(report: Case) -> str:
    return _(
        "You have already reported these facts about this business (%(number)s), and that report "
        "is being handled: it is not handled again (Order 121 Art. 35). To add something new, "
        "write the new facts."
    ) % {"number": report.number}


def _same_facts(first: str, second: str) -> bool:
    """The same text, whatever the spacing and punctuation."""

    def letters(text: str) -> str:
        return "".join(character for character in text.casefold() if character.isalnum())

    return letters(first) == letters(second)


def _check_not_reported_already(
    errors: dict, *, reporter: Consumer | None, entity: MarketEntity, facts: str, excluding: Case | None
) -> None:
    """Order 121 Art. 35: the same reporter reporting the same facts about the same business again is
    not handled again; new facts are a new report, which the bureau may merge with the first."""
    if reporter is None or entity is None:
        return
    earlier = Case.objects.filter(
        kind=CaseKind.REPORT, consumer=reporter, entity=entity, status__in=OPEN_REPORT_STATUSES
    ).only("number", "facts")
    if excluding is not None:
        earlier = earlier.exclude(pk=excluding.pk)
    for report in earlier:
        if _same_facts(report.facts, facts):
            errors.setdefault("facts", []).append(_reported_already(report))
            return


AGENT_FIELDS = ("name", "id_number", "phone", "scope", "valid_until", "original_seen")


def _checked_agent(agent: dict, *, intake_channel: str, today: datetime.date) -> dict:
    """Order 121 Art. 11: an agent brings the original power of attorney (matters, powers, term, the
    consumer's signature) and their own identity document; an official sees them, so an agent's
    complaint is entered at the bureau (hotline, letter or visit), not online."""
    errors: dict[str, list[str]] = {}
    if intake_channel in ONLINE_CHANNELS:
        raise ValidationError(
            {
                "agent": [
                    _("An agent complains at the bureau, by letter or by phone, with the original power of attorney.")
                ]
            }
        )
    cleaned = {"name": str(agent.get("name") or "").strip(), "scope": str(agent.get("scope") or "").strip()}
    if not cleaned["name"]:
        errors["agent.name"] = [_("The agent's name is required.")]
    if not cleaned["scope"]:
        errors["agent.scope"] = [_("Write the matters and powers the power of attorney entrusts.")]
    try:
        cleaned["id_number"] = validate_resident_id(str(agent.get("id_number") or ""))
    except ValidationError as error:
        errors["agent.id_number"] = error.messages
    try:
        cleaned["phone"] = validate_phone(str(agent.get("phone") or ""))
    except ValidationError as error:
        errors["agent.phone"] = error.messages
    valid_until = agent.get("valid_until")
    if not isinstance(valid_until, datetime.date) or valid_until < today:
        errors["agent.valid_until"] = [_("The power of attorney must state its term, and still be valid.")]
    cleaned["valid_until"] = valid_until
    if agent.get("original_seen") is not True:
        errors["agent.original_seen"] = [_("The original power of attorney, signed by the consumer, is required.")]
    cleaned["original_seen"] = True
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_report(
    *,
    reporter: Consumer | None,
    entity: MarketEntity,
    facts: str,
    violation_type: str,
    category: str,
    is_anonymous: bool,
    conduct_region: Region | None,
    intake_channel: str,
    excluding: Case | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    _check_common(errors, facts=facts, intake_channel=intake_channel)
    if violation_type not in ViolationType.values:
        errors["violation_type"] = [_("Please choose the type of violation.")]
    if category and category not in CaseCategory.values:
        errors["category"] = [_("Unknown category of goods or service.")]
    if reporter is None and not is_anonymous and intake_channel != IntakeChannel.FOUND_IN_MEDIATION:
        errors["reporter"] = [_("A named report needs the reporter.")]
    if is_anonymous and intake_channel in ONLINE_CHANNELS:
        errors["is_anonymous"] = [
            _(
                "Reports made online are real-name: your identity is seen only by the officials handling the "
                "report, never by the business. To report anonymously, call the 12315 hotline, write or visit."
            )
        ]
    if conduct_region is not None and not conduct_region.is_current:
        errors["conduct_region"] = [_("This region code is no longer in use.")]
    _check_not_reported_already(errors, reporter=reporter, entity=entity, facts=facts, excluding=excluding)
    if errors:
        raise ValidationError(errors)


def _file(
    *,
    kind: str,
    consumer: Consumer | None,
    entity: MarketEntity,
    intake_channel: str,
    entered_by,
    received_at: datetime.datetime,
    conduct_region: Region | None = None,
    handler: str = Handler.BUREAU,
    **fields,
) -> Case:
    consumer_region = consumer.home_region if consumer else None
    consumer_country = consumer.country_code if consumer else "CN"
    jurisdiction = resolve_jurisdiction(
        kind=kind,
        entity=entity,
        consumer_region=consumer_region,
        consumer_country_code=consumer_country,
        conduct_region=conduct_region,
    )
    found_in = fields.get("found_in")
    if handler in ASSOCIATION_HANDLERS:
        # The consumer chose the consumer association of the bureau's county or city (CRPL Art. 39(2)).
        if jurisdiction.is_cross_border:
            message = _("A dispute with a side outside the mainland goes to the bureau, with the partner agency.")
            raise ValidationError({"handler": [message]})
        association = association_for_complaint(bureau=jurisdiction.handling_authority, handler=handler)
        jurisdiction = dataclasses.replace(
            jurisdiction, handling_authority=association, co_mediating_authority=None, is_cross_region=False
        )
    if found_in is not None and is_association(found_in.handling_authority):
        pass  # an association's clue goes to the competent bureau, as a report of the association's own
    elif found_in is not None:  # the bureau that found the clue verifies it (Order 121 Art. 27)
        jurisdiction = dataclasses.replace(
            jurisdiction, handling_authority=found_in.handling_authority, co_mediating_authority=None
        )
    day = timezone.localdate(received_at)
    if kind == CaseKind.COMPLAINT:
        fields.update(problem_types=problem_types_of(fields["facts"]), keywords=keywords_of(fields["facts"]))
    case = Case(
        number=next_case_number(kind=kind, day=day),
        kind=kind,
        status=CaseStatus.SUBMITTED,
        intake_channel=intake_channel,
        entered_by=entered_by,
        consumer=consumer,
        consumer_region=consumer_region,
        consumer_country_code=consumer_country,
        entity=entity,
        conduct_region=conduct_region,
        handling_authority=jurisdiction.handling_authority,
        co_mediating_authority=jurisdiction.co_mediating_authority,
        is_cross_region=jurisdiction.is_cross_region,
        is_cross_border=jurisdiction.is_cross_border,
        received_at=received_at,
        **fields,
    )
    case.save()
    # A complaint is accepted or not within 7 working days of receipt (Order 121 Art. 15); a report
    # is verified within 15 working days of receipt before a case is opened or not (penalty
    # procedure Art. 18).
    period = Period.ACCEPTANCE_DECISION if kind == CaseKind.COMPLAINT else verification_period(case)
    (due_field,) = period_start(case, period, day)
    case.next_due = getattr(case, due_field)
    case.save(update_fields=[due_field, "next_due"])
    CaseEvent.objects.create(
        case=case,
        actor=entered_by or (consumer.user if consumer else None),
        actor_role=Role.SYSTEM if entered_by else Role.CONSUMER,
        action="submit",
        from_status="",
        to_status=CaseStatus.SUBMITTED,
    )
    if kind == CaseKind.COMPLAINT:
        complaint_counted(case)
        complaint_filed_queue(case.pk)
    return case


@transaction.atomic
def complaint_submit(
    *,
    consumer: Consumer,
    entity: MarketEntity,
    facts: str,
    category: str,
    demand: str,
    intake_channel: str = IntakeChannel.WEB,
    brand: str = "",
    purchase_date: datetime.date | None = None,
    amount: decimal.Decimal | None = None,
    currency: str = "CNY",
    demand_detail: str = "",
    place_of_purchase: str = "",
    send_to_business: bool = False,
    entered_by=None,
    received_at: datetime.datetime | None = None,
    agent: dict | None = None,
    handler: str = Handler.BUREAU,
) -> Case:
    """File a complaint (投诉). With `send_to_business`, an ODR business gets it first and has ten
    working days to settle before the authority steps in. `agent`: someone complaining on the
    consumer's behalf, entered by an official who saw the original power of attorney (Art. 11).
    `handler`: the bureau, or the consumer association of its county or city (services.associations)."""
    received_at = received_at or timezone.now()
    handler_checked(handler)
    if agent is not None:
        if entered_by is None:
            message = _("An agent's complaint is entered by an official who saw the originals.")
            raise ValidationError({"agent": [message]})
        agent = _checked_agent(agent, intake_channel=intake_channel, today=timezone.localdate(received_at))
    _check_complaint(
        consumer=consumer,
        entity=entity,
        facts=facts,
        category=category,
        purchase_date=purchase_date,
        amount=amount,
        currency=currency,
        demand=demand,
        intake_channel=intake_channel,
        send_to_business=send_to_business,
        today=timezone.localdate(received_at),
    )
    case = _file(
        kind=CaseKind.COMPLAINT,
        consumer=consumer,
        entity=entity,
        intake_channel=intake_channel,
        entered_by=entered_by,
        received_at=received_at,
        handler=handler,
        facts=facts.strip(),
        category=category,
        brand=brand.strip(),
        purchase_date=purchase_date,
        amount=amount,
        currency=currency,
        demand=demand,
        demand_detail=demand_detail.strip(),
        place_of_purchase=place_of_purchase.strip(),
    )
    if send_to_business:
        case = case_transition(case=case, action="send_to_business", as_system=True)
    if agent is not None:
        ComplaintAgent.objects.create(case=case, recorded_by=entered_by, **agent)
    return case


@transaction.atomic
def report_submit(
    *,
    reporter: Consumer | None,
    entity: MarketEntity | None = None,
    facts: str,
    violation_type: str = "",
    is_anonymous: bool = False,
    conduct_region: Region | None = None,
    place_of_purchase: str = "",
    category: str = "",
    intake_channel: str = IntakeChannel.WEB,
    entered_by=None,
    received_at: datetime.datetime | None = None,
    operator: dict | None = None,
    handler: str = Handler.BUREAU,
) -> Case:
    """File a report (举报). The reporter is never disclosed to the business; an anonymous report
    hides the reporter from officials too (the reporter still follows it in their own account).

    `operator` instead of `entity`: an operator without a licence (无照经营), not in the registry, as
    the reporter knows it ({"name", "address", "shop_link", "goods"}); the report goes to the bureau
    of the county of its conduct (services.unlicensed). A report sent to a consumer association
    (`handler`) is refused: it goes to a bureau."""
    received_at = received_at or timezone.now()
    report_handler_check(handler)
    if operator is not None or entity is None:
        return _unlicensed_report_submit(
            reporter=reporter,
            entity=entity,
            operator=operator,
            facts=facts,
            violation_type=violation_type or ViolationType.UNLICENSED,
            is_anonymous=is_anonymous,
            conduct_region=conduct_region,
            place_of_purchase=place_of_purchase,
            category=category,
            intake_channel=intake_channel,
            entered_by=entered_by,
            received_at=received_at,
        )
    _check_report(
        reporter=reporter,
        entity=entity,
        facts=facts,
        violation_type=violation_type,
        category=category,
        is_anonymous=is_anonymous,
        conduct_region=conduct_region,
        intake_channel=intake_channel,
    )
    return _file(
        kind=CaseKind.REPORT,
        consumer=reporter,
        entity=entity,
        intake_channel=intake_channel,
        entered_by=entered_by,
        received_at=received_at,
        conduct_region=conduct_region,
        facts=facts.strip(),
        violation_type=violation_type,
        is_anonymous=is_anonymous,
        place_of_purchase=place_of_purchase.strip(),
        category=category,
    )


def _check_operator_not_reported_already(
    errors: dict, *, reporter: Consumer | None, operator_name: str, facts: str
) -> None:
    """Order 121 Art. 35 for an operator without a licence: each report names its own record of the
    operator, so the same operator is the same name (whatever the spacing and punctuation)."""
    if reporter is None or not operator_name:
        return
    earlier = Case.objects.filter(
        kind=CaseKind.REPORT,
        consumer=reporter,
        entity__kind=EntityKind.UNLICENSED,
        status__in=OPEN_REPORT_STATUSES,
    ).select_related("entity")
    for report in earlier:
        if _same_facts(report.entity.name, operator_name) and _same_facts(report.facts, facts):
            errors.setdefault("facts", []).append(_reported_already(report))
            return


def _unlicensed_report_submit(
    *, reporter, entity, operator, conduct_region, facts, violation_type, is_anonymous, intake_channel, **fields
) -> Case:
    """A report naming an operator without a licence: every problem of the operator and of the report
    at once; the operator is recorded only with its report."""
    errors: dict[str, list[str]] = {}
    if entity is not None:
        errors["entity"] = [_("Name either a business from the registry or an operator without a licence.")]
    if operator is None:
        errors.setdefault("entity", [_("Choose the business from the registry.")])
        operator = {}
    description = None
    try:
        description = operator_described(operator=operator, conduct_region=conduct_region)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _check_report(
            reporter=reporter,
            entity=None,
            facts=facts,
            violation_type=violation_type,
            category=fields["category"],
            is_anonymous=is_anonymous,
            conduct_region=None,
            intake_channel=intake_channel,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _check_operator_not_reported_already(
        errors, reporter=reporter, operator_name=description.name if description else "", facts=facts
    )
    if errors:
        raise ValidationError(errors)
    return _file(
        kind=CaseKind.REPORT,
        consumer=reporter,
        entity=operator_record(description),
        intake_channel=intake_channel,
        entered_by=fields["entered_by"],
        received_at=fields["received_at"],
        conduct_region=description.county,
        facts=facts.strip(),
        violation_type=violation_type,
        is_anonymous=is_anonymous,
        place_of_purchase=fields["place_of_purchase"].strip(),
        category=fields["category"],
    )


@on_action("record_violation_clue")
def violation_clue_file(*, case: Case, reason: str, actor, **_move) -> Case:
    """A clue of a violation found in mediating `case` becomes a report of the bureau's own, verified
    within 15 (+15) working days under Order 121 Art. 27 by the same bureau; it names no reporter and
    the business is never told of it."""
    return _file(
        kind=CaseKind.REPORT,
        consumer=None,
        entity=case.entity,
        intake_channel=IntakeChannel.FOUND_IN_MEDIATION,
        entered_by=actor,
        received_at=timezone.now(),
        facts=reason,
        violation_type=ViolationType.OTHER,
        is_anonymous=False,
        found_in=case,
    )


@transaction.atomic
def mixed_submit(*, complaint: dict, report: dict) -> tuple[Case, Case]:
    """A message that holds both a complaint and a report becomes two cases, handled separately
    and linked to each other. Either both are filed or neither."""
    # Each half's errors keep their field names under the half's name ("report.facts"), so that
    # both halves are reported at once.
    errors: dict[str, list[str]] = {}
    complaint_case = report_case = None
    for half, submit, arguments in (("complaint", complaint_submit, complaint), ("report", report_submit, report)):
        try:
            case = submit(**arguments)
        except ValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            errors.update({f"{half}.{field}": messages for field, messages in fields.items()})
            continue
        if half == "complaint":
            complaint_case = case
        else:
            report_case = case
    if errors:
        raise ValidationError(errors)
    complaint_case.linked_case = report_case
    report_case.linked_case = complaint_case
    complaint_case.save(update_fields=["linked_case"])
    report_case.save(update_fields=["linked_case"])
    return complaint_case, report_case


# A case takes evidence while it is being worked on; once decided, closed or withdrawn, its
# record is complete.
EVIDENCE_OPEN_STATUSES = frozenset(
    {
        CaseStatus.SUBMITTED,
        CaseStatus.ODR,
        CaseStatus.RETURNED,
        CaseStatus.ACCEPTED,
        CaseStatus.MEDIATING,
        CaseStatus.VERIFYING,
        CaseStatus.CASE_OPENED,
    }
)


@transaction.atomic
def evidence_attach(*, case: Case, uploaded_by, name: str, content: bytes) -> EvidenceFile:
    """Store an evidence file. Its type is read from its bytes, never from its name; it must be a
    whole file of that type, the case must still be open, and the case's quota not spent. Only the
    person who filed the case adds evidence, and for a complaint the business once told of it
    (selectors.evidence.may_add_evidence; never to a report)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("consumer").get(pk=case.pk)
    if not may_add_evidence(uploaded_by, case):
        raise PermissionDenied(
            _("Only the person who filed the case, or the business told of the complaint, adds evidence.")
        )
    if case.status not in EVIDENCE_OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("Evidence can no longer be added: the case is “%(status)s”.") % {"status": case.get_status_display()}
        )
    kind = upload_checked(
        content=content,
        allowed_types=EVIDENCE_CONTENT_TYPES,
        max_bytes=settings.EVIDENCE_MAX_BYTES,
        kinds_allowed=_("Evidence may be a photo (JPEG, PNG, WebP), a PDF, an MP4 video or an MP3 recording."),
    )
    held = case.evidence.aggregate(files=Count("pk"), size=Sum("size"))
    if held["files"] >= settings.EVIDENCE_MAX_FILES_PER_CASE:
        raise ValidationError(
            {
                "file": [
                    _("A case holds at most %(count)d evidence files.")
                    % {"count": settings.EVIDENCE_MAX_FILES_PER_CASE}
                ]
            }
        )
    if (held["size"] or 0) + len(content) > settings.EVIDENCE_MAX_CASE_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("A case holds at most %(limit)d MB of evidence.")
                    % {"limit": settings.EVIDENCE_MAX_CASE_BYTES // 2**20}
                ]
            }
        )
    digest = hashlib.sha256(content).hexdigest()
    evidence = EvidenceFile(
        case=case,
        original_name=name[:200],
        content_type=kind.mime,
        size=len(content),
        sha256=digest,
        uploaded_by=uploaded_by,
    )
    evidence.file.save(f"{digest}.{kind.extension}", ContentFile(content), save=False)
    evidence.save()
    return evidence


CORRECTABLE_FIELDS = {
    CaseKind.COMPLAINT: (
        "facts",
        "category",
        "brand",
        "purchase_date",
        "amount",
        "currency",
        "demand",
        "demand_detail",
        "place_of_purchase",
    ),
    CaseKind.REPORT: ("facts", "violation_type", "category", "place_of_purchase"),
}


@transaction.atomic
def case_correct(*, case: Case, actor, changes: dict) -> Case:
    """The consumer corrects a case that was returned for correction (退回补正), before resubmitting
    it. The same checks as at filing apply; the audit trail records which fields changed."""
    case = Case.objects.select_for_update(of=("self",)).select_related("consumer", "entity").get(pk=case.pk)
    if case.consumer is None or case.consumer.user_id != getattr(actor, "id", None):
        raise PermissionDenied(_("Only the person who filed the case can correct it."))
    if case.status != CaseStatus.RETURNED:
        raise TransitionNotAllowed(_("A case can be corrected only after it was returned for correction."))
    allowed = CORRECTABLE_FIELDS[case.kind]
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({field: [_("This field cannot be corrected.")] for field in unknown})
    changed = sorted(field for field, value in changes.items() if getattr(case, field) != value)
    counted = Counted.of(case)
    for field in changed:
        setattr(case, field, changes[field])
    if case.kind == CaseKind.COMPLAINT:
        _check_complaint(
            consumer=case.consumer,
            entity=case.entity,
            facts=case.facts,
            category=case.category,
            purchase_date=case.purchase_date,
            amount=case.amount,
            currency=case.currency,
            demand=case.demand,
            intake_channel=case.intake_channel,
            send_to_business=False,
            today=timezone.localdate(),
        )
    else:
        _check_report(
            reporter=case.consumer,
            entity=case.entity,
            excluding=case,
            facts=case.facts,
            violation_type=case.violation_type,
            category=case.category,
            is_anonymous=case.is_anonymous,
            conduct_region=case.conduct_region,
            intake_channel=case.intake_channel,
        )
    if changed:
        if case.kind == CaseKind.COMPLAINT and "facts" in changed:
            # What went wrong is read again from the corrected facts, unless an official has set it.
            case.keywords = keywords_of(case.facts)
            changed.append("keywords")
            if not case.problem_types_set_by_official:
                case.problem_types = problem_types_of(case.facts)
                changed.append("problem_types")
        case.save(update_fields=[*changed, "updated_at"])
        complaint_recounted(before=counted, case=case)
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            actor_role=Role.CONSUMER,
            action="correct",
            from_status=case.status,
            to_status=case.status,
            reason=", ".join(changed),
        )
    return case
