"""The notices the rules require, recorded when the decision is made, each with its rule and the day
it is due. They hang on the life cycle (transitions.on_entering), so every way of deciding records them.

- Acceptance or refusal, told to the complainant within the acceptance period; a refusal gives its
  reason and the other routes of the Consumer Rights Protection Law Art. 39 (Order 121 Art. 15).
- The end of mediation, told to both parties within 7 working days of the decision (Order 121
  Art. 23); withdrawal during mediation ends it too (Art. 23(1)).
- A case forwarded to the competent bureau: the complainant or reporter is told where it went
  (Order 121 Art. 34, 41).
- Whether a case was opened on a real-name report, within 5 working days, for reports received
  while Order 20 was in force (Art. 31). Order 121 dropped it (Art. 36)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import rules
from mediation.models import (
    Case,
    CaseEvent,
    CaseNotice,
    CaseStatus,
    NoticeDeliveryChannel,
    NoticeKind,
    NoticeRecipient,
)
from mediation.rules import Period
from mediation.selectors.cases import Relation, case_relations
from mediation.services.errors import DomainError
from mediation.services.notifications import notice_sent
from mediation.services.periods import due_date
from mediation.services.sms import notice_text_queue
from mediation.services.transitions import Role, on_action, on_entering


def _has_account(case: Case, recipient: str) -> bool:
    if recipient == NoticeRecipient.CONSUMER:
        return case.consumer is not None and case.consumer.user_id is not None
    return case.entity.staff.exists()


def record_notice(
    case: Case, kind: str, recipient: str, *, source: str, due_on: datetime.date, ground="", reason="", session=None
) -> CaseNotice:
    """Record a notice the rules require; it shows at once on the case page of a recipient with an
    account."""
    now = timezone.now()
    notice = CaseNotice.objects.create(
        case=case,
        kind=kind,
        recipient=recipient,
        legal_source=source,
        due_on=due_on,
        ground=ground,
        reason=reason,
        session=session,
        delivered_online_at=now if _has_account(case, recipient) else None,
    )
    notice_sent(notice)
    notice_text_queue(notice)  # by text too, to a complainant or reporter who agreed
    return notice


def _notice_of_the_decision(case: Case, kind: str, *, ground: str = "", reason: str = "") -> None:
    """Acceptance or refusal, told to the complainant within the acceptance period (Art. 15)."""
    today = timezone.localdate()
    record_notice(
        case,
        kind,
        NoticeRecipient.CONSUMER,
        source=rules.rule_for(Period.ACCEPTANCE_DECISION, timezone.localdate(case.received_at)).citation,
        due_on=max(case.acceptance_due or today, today),
        ground=ground,
        reason=reason,
    )


@on_entering(CaseStatus.ACCEPTED)
def notice_of_acceptance(*, case: Case, **_move) -> None:
    _notice_of_the_decision(case, NoticeKind.ACCEPTED)


@on_entering(CaseStatus.NOT_ACCEPTED)
def notice_of_refusal(*, case: Case, ground: str, reason: str, **_move) -> None:
    _notice_of_the_decision(case, NoticeKind.NOT_ACCEPTED, ground=ground, reason=reason)


def _notice_of_the_end(case: Case, *, ground: str, reason: str) -> None:
    source = rules.rule_for(Period.TERMINATION_NOTICE, timezone.localdate()).citation
    for recipient in (NoticeRecipient.CONSUMER, NoticeRecipient.BUSINESS):
        record_notice(
            case,
            NoticeKind.MEDIATION_ENDED,
            recipient,
            source=source,
            due_on=case.termination_notice_due,
            ground=ground,
            reason=reason,
        )


@on_entering(CaseStatus.TERMINATED)
def notice_of_termination(*, case: Case, ground: str, reason: str, **_move) -> None:
    _notice_of_the_end(case, ground=ground, reason=reason)


@on_entering(CaseStatus.WITHDRAWN)
def notice_of_withdrawal(*, case: Case, source: str, **_move) -> None:
    if source in (CaseStatus.ACCEPTED, CaseStatus.MEDIATING):
        _notice_of_the_end(case, ground="withdrawn", reason="")


def _notice_to_real_name_reporter(case: Case, *, opened: bool) -> None:
    received = timezone.localdate(case.received_at)
    if case.is_anonymous or not rules.is_in_force(Period.REAL_NAME_REPORTER_NOTICE, received):
        return
    rule = rules.rule_for(Period.REAL_NAME_REPORTER_NOTICE, received)
    record_notice(
        case,
        NoticeKind.REPORT_CASE_DECISION,
        NoticeRecipient.CONSUMER,
        source=rule.citation,
        due_on=due_date(Period.REAL_NAME_REPORTER_NOTICE, timezone.localdate(), rule_day=received),
        ground="opened" if opened else "not_opened",
    )


@on_entering(CaseStatus.CASE_OPENED)
def notice_of_case_opened(*, case: Case, **_move) -> None:
    _notice_to_real_name_reporter(case, opened=True)


@on_entering(CaseStatus.NOT_OPENED)
def notice_of_case_not_opened(*, case: Case, **_move) -> None:
    _notice_to_real_name_reporter(case, opened=False)


@on_action("forward")
def notice_of_forwarding(*, case: Case, **_move) -> None:
    _notice_of_the_new_bureau(case, source="SAMR Order 121 (2025) Art. 34, 41")


@on_action("take_over")
def notice_of_taking_over(*, case: Case, **_move) -> None:
    source = "SAMR Order 121 (2025) Art. 13" if case.is_complaint else "SAMR penalty procedure (2022) Art. 15"
    _notice_of_the_new_bureau(case, source=source, ground="taken_over")


def _notice_of_the_new_bureau(case: Case, *, source: str, ground: str = "") -> None:
    """The complainant or reporter learns which bureau handles the case now: forwarded to the
    competent bureau (Order 121 Art. 34, 41), or taken over by a bureau above (Art. 13; penalty
    procedure Art. 15)."""
    if case.consumer is None or case.is_anonymous:
        return  # an anonymous reporter left no way to be told
    record_notice(
        case,
        NoticeKind.FORWARDED,
        NoticeRecipient.CONSUMER,
        source=source,
        due_on=timezone.localdate(),
        ground=ground,
        reason=case.handling_authority.name,
    )


@on_action("report_non_performance")
def notice_of_non_performance(*, case: Case, **_move) -> None:
    """The consumer is told what follows: the bureau follows the business up, and the agreement itself
    is enforced only by a court or an arbitration body (Order 121 Art. 25; CRPL Art. 39)."""
    record_notice(
        case,
        NoticeKind.NOT_PERFORMED,
        NoticeRecipient.CONSUMER,
        source="SAMR Order 121 (2025) Art. 25",
        due_on=timezone.localdate(),
    )


class NoticeAlreadyGiven(DomainError):
    """The notice was shown on the recipient's case page, or an official already gave it."""

    def __init__(self, message):
        super().__init__("notice_already_given", message)


def notice_delivery_record(*, notice: CaseNotice, official_user, channel: str) -> CaseNotice:
    """An official of the handling bureau records telling a recipient without an account, by phone,
    post or in person; the case's record says who told whom, when and how."""
    with transaction.atomic():
        notice = CaseNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
        if Relation.HANDLING not in case_relations(official_user, notice.case):
            raise PermissionDenied(_("Only officials of the handling bureau record how a notice was given."))
        if channel not in NoticeDeliveryChannel.values:
            raise ValidationError(
                {"channel": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(NoticeDeliveryChannel.values)}]}
            )
        if notice.delivered_online_at is not None or notice.delivered_offline_at is not None:
            raise NoticeAlreadyGiven(_("This notice has already been given."))
        notice.delivered_offline_at = timezone.now()
        notice.delivery_channel = channel
        notice.delivered_by = official_user
        notice.save(update_fields=["delivered_offline_at", "delivery_channel", "delivered_by"])
        CaseEvent.objects.create(
            case=notice.case,
            actor=official_user,
            actor_role=Role.HANDLING_OFFICIAL,
            action="notice_given",
            from_status=notice.case.status,
            to_status=notice.case.status,
            reason=f"{notice.get_kind_display()} → {notice.get_recipient_display()}: "
            f"{NoticeDeliveryChannel(channel).label}",
        )
    return notice
