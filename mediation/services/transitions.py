"""The life cycle of complaints and reports: one table of allowed moves and one service that makes
them. Nothing else writes a case's status."""

import collections
import dataclasses
import datetime
import enum
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import (
    GROUNDS_NEEDING_A_REASON,
    MEDIATION_BODY_KINDS,
    Authority,
    AuthorityKind,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    MediationParty,
    MediationTerminationReason,
    NonAcceptanceGround,
    RecusalDecision,
    ReportDecision,
    ReturnReason,
    SuspensionGround,
)
from mediation.rules import Period
from mediation.selectors.cases import (
    Relation,
    case_relations,
    entrustment_consents,
    mediation_consents,
    report_by_number,
)
from mediation.selectors.joint import joint_agreement, joint_membership, represents
from mediation.services.associations import association_refusal
from mediation.services.errors import TransitionNotAllowed
from mediation.services.periods import (
    period_extend,
    period_is_extended,
    period_resume,
    period_start,
    periods_close,
    verification_period,
)


class Role(enum.StrEnum):
    CONSUMER = "consumer"  # the complainant or reporter of this case
    HANDLING_OFFICIAL = "handling_official"  # an official of the handling authority
    SUPERIOR_OFFICIAL = "superior_official"  # an official of a bureau above the handling one
    CO_MEDIATING_OFFICIAL = "co_mediating_official"  # an official of the co-mediating bureau
    # An elected representative of a joint complaint, acting on a complaint they represent (Art. 12).
    REPRESENTATIVE = "representative"
    # Staff of the consumer association or mediation organisation the mediation is entrusted to (Art. 19).
    ENTRUSTED_MEDIATOR = "entrusted_mediator"
    BUSINESS = "business"  # the staff of the business a complaint is about
    SYSTEM = "system"  # the product itself (deadline jobs, submission)


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str
    kind: str
    source: str
    target: str
    actors: frozenset[Role]
    # When set, the action needs a `ground` from these choices.
    grounds: type[models.TextChoices] | None = None
    reason_required: bool = False
    # Taken only by the mediation room's services: starting opens the room with its seats, and the
    # room's ending (the signed agreement, or the lead mediator's termination) ends the mediation.
    # Over the API, the pages or the admin these moves would bypass the parties and their
    # signatures (Order 121 Art. 24: the agreement is the parties' own).
    in_room: bool = False


S = CaseStatus
C, R = CaseKind.COMPLAINT, CaseKind.REPORT
CONSUMER = frozenset({Role.CONSUMER})
OFFICIAL = frozenset({Role.HANDLING_OFFICIAL})
CONSUMER_OR_SYSTEM = frozenset({Role.CONSUMER, Role.SYSTEM})
PARTIES = frozenset({Role.CONSUMER, Role.BUSINESS})
SUPERIOR = frozenset({Role.SUPERIOR_OFFICIAL})
PARTIES_OR_REPRESENTATIVE = frozenset({Role.CONSUMER, Role.BUSINESS, Role.REPRESENTATIVE})
# Who conducts mediation: the handling bureau, or the body it entrusted it to (Art. 19).
MEDIATORS = frozenset({Role.HANDLING_OFFICIAL, Role.ENTRUSTED_MEDIATOR})
BUSINESS = frozenset({Role.BUSINESS})

TRANSITIONS: tuple[Transition, ...] = (
    # Complaint (投诉)
    Transition("send_to_business", C, S.SUBMITTED, S.ODR, CONSUMER_OR_SYSTEM),
    Transition("settle_directly", C, S.ODR, S.SETTLED, CONSUMER),
    Transition("escalate", C, S.ODR, S.SUBMITTED, CONSUMER_OR_SYSTEM),
    # The business answers the complaint on the record (what it offers, or why it disagrees); the
    # status stays. In the ODR window this is how it settles directly; the consumer then confirms.
    *(Transition("respond", C, source, source, BUSINESS, reason_required=True) for source in (S.ODR, S.ACCEPTED)),
    Transition("accept", C, S.SUBMITTED, S.ACCEPTED, OFFICIAL),
    Transition("not_accept", C, S.SUBMITTED, S.NOT_ACCEPTED, OFFICIAL, grounds=NonAcceptanceGround),
    Transition("return", C, S.SUBMITTED, S.RETURNED, OFFICIAL, grounds=ReturnReason, reason_required=True),
    Transition("resubmit", C, S.RETURNED, S.SUBMITTED, CONSUMER),
    # A bureau without jurisdiction forwards the case to the competent one, which takes it as
    # received that day (Order 121 Art. 13, 34, 41; penalty procedure Art. 14).
    *(
        Transition("forward", kind, source, S.SUBMITTED, OFFICIAL, reason_required=True)
        for kind, source in ((C, S.SUBMITTED), (R, S.SUBMITTED), (R, S.VERIFYING))
    ),
    # A bureau above the handling one takes the case over when it sees the need (Order 121 Art. 13
    # for complaints; penalty procedure Art. 15 for reports). The case keeps its receipt and its
    # running periods: it was received, and stays received, by the market-regulation system.
    *(
        Transition("take_over", kind, source, source, SUPERIOR, reason_required=True)
        for kind, source in ((C, S.SUBMITTED), (C, S.ACCEPTED), (R, S.SUBMITTED), (R, S.VERIFYING), (R, S.CASE_OPENED))
    ),
    # The bureau holding a case disputes its jurisdiction with another bureau: they settle it within
    # 7 working days (by forwarding, or by going on with the case), or forward it to their common
    # superior, which designates the competent bureau (Order 121 Art. 33).
    *(
        Transition("dispute_jurisdiction", kind, source, source, OFFICIAL, reason_required=True)
        for kind, source in ((C, S.SUBMITTED), (R, S.SUBMITTED), (R, S.VERIFYING))
    ),
    # Joint complaints (Order 121 Art. 12): each complainant consents to being handled jointly (or the
    # official records the consent given by phone or in person) or declines and is handled alone.
    # What the elected representatives agree with the business reaches each represented complainant,
    # whose own consent settles their complaint on those terms.
    *(Transition("consent_to_joint_handling", C, source, source, CONSUMER) for source in (S.SUBMITTED, S.ACCEPTED)),
    *(
        Transition("record_joint_consent", C, source, source, OFFICIAL, reason_required=True)
        for source in (S.SUBMITTED, S.ACCEPTED)
    ),
    *(Transition("decline_joint_handling", C, source, source, CONSUMER) for source in (S.SUBMITTED, S.ACCEPTED)),
    Transition("accept_joint_agreement", C, S.ACCEPTED, S.SETTLED, CONSUMER),
    Transition("record_joint_agreement", C, S.ACCEPTED, S.SETTLED, OFFICIAL, reason_required=True),
    # Mediation needs both parties' consent (Order 121 Art. 18): each gives it on the case page, or
    # the official records it for a party who gave it by phone or in person.
    Transition("consent_to_mediation", C, S.ACCEPTED, S.ACCEPTED, PARTIES_OR_REPRESENTATIVE),
    Transition("record_consent", C, S.ACCEPTED, S.ACCEPTED, OFFICIAL, grounds=MediationParty, reason_required=True),
    # With both parties' consent the bureau may entrust the mediation to a consumer association or
    # another lawful mediation organisation, once; it mediates in the bureau's name (Art. 19).
    Transition("consent_to_entrustment", C, S.ACCEPTED, S.ACCEPTED, PARTIES),
    Transition(
        "record_entrustment_consent", C, S.ACCEPTED, S.ACCEPTED, OFFICIAL, grounds=MediationParty, reason_required=True
    ),
    Transition("entrust_mediation", C, S.ACCEPTED, S.ACCEPTED, OFFICIAL),
    Transition("start_mediation", C, S.ACCEPTED, S.MEDIATING, MEDIATORS, in_room=True),
    # An on-site session: both parties are told its time, place and mediators in advance (Art. 20).
    *(Transition("schedule_onsite_session", C, source, source, MEDIATORS) for source in (S.ACCEPTED, S.MEDIATING)),
    # A clue of a violation found in mediation is verified within 15 (+15) working days and handled
    # under the penalty procedure (Order 121 Art. 27): it becomes a report of the bureau's own.
    *(
        Transition("record_violation_clue", C, source, source, MEDIATORS, reason_required=True)
        for source in (S.ACCEPTED, S.MEDIATING)
    ),
    # The mediation period stops for testing or appraisal (Art. 22) and while a party's recusal
    # request waits for the bureau's decision (Art. 21), and runs again when the official resumes.
    *(
        Transition("suspend_mediation", C, source, source, MEDIATORS, grounds=SuspensionGround, reason_required=True)
        for source in (S.ACCEPTED, S.MEDIATING)
    ),
    *(
        Transition("request_recusal", C, source, source, PARTIES_OR_REPRESENTATIVE, reason_required=True)
        for source in (S.ACCEPTED, S.MEDIATING)
    ),
    *(
        Transition("resume_mediation", C, source, source, MEDIATORS, reason_required=True)
        for source in (S.ACCEPTED, S.MEDIATING)
    ),
    # The bureau decides a recusal request (Art. 21) and mediation goes on: with a new lead mediator
    # in the room when the request is granted.
    *(
        Transition("decide_recusal", C, source, source, OFFICIAL, grounds=RecusalDecision, reason_required=True)
        for source in (S.ACCEPTED, S.MEDIATING)
    ),
    Transition("settle", C, S.MEDIATING, S.SETTLED, MEDIATORS, reason_required=True, in_room=True),
    # The agreement's performance by its date (`perform_by` of the terms): confirmed by the consumer,
    # or by the official who checked; the consumer reports it not performed (the bureau follows up;
    # the agreement itself is enforced only by a court or arbitration, Order 121 Art. 25).
    Transition("confirm_performance", C, S.SETTLED, S.SETTLED, frozenset({Role.CONSUMER, Role.HANDLING_OFFICIAL})),
    Transition("report_non_performance", C, S.SETTLED, S.SETTLED, CONSUMER, reason_required=True),
    Transition("terminate", C, S.MEDIATING, S.TERMINATED, MEDIATORS, grounds=MediationTerminationReason, in_room=True),
    *(
        Transition("withdraw", C, source, S.WITHDRAWN, CONSUMER)
        for source in (S.SUBMITTED, S.ODR, S.RETURNED, S.ACCEPTED, S.MEDIATING)
    ),
    *(
        Transition("close", C, source, S.CLOSED, OFFICIAL)
        for source in (S.SETTLED, S.TERMINATED, S.NOT_ACCEPTED, S.WITHDRAWN)
    ),
    # Accepted, and a party refuses mediation or does not come before the room opens: mediation
    # ends on a ground of Art. 23 with its notice, like a termination in the room.
    Transition("terminate", C, S.ACCEPTED, S.TERMINATED, MEDIATORS, grounds=MediationTerminationReason),
    # Report (举报)
    Transition("start_verification", R, S.SUBMITTED, S.VERIFYING, OFFICIAL),
    Transition("extend_verification", R, S.VERIFYING, S.VERIFYING, OFFICIAL, reason_required=True),
    # New facts reported again by the same reporter against the same business may be merged into the
    # first report, whose period then runs again from the last receipt (Order 121 Art. 35).
    *(Transition("merge", R, source, S.CLOSED, OFFICIAL) for source in (S.SUBMITTED, S.VERIFYING)),
    Transition("open_case", R, S.VERIFYING, S.CASE_OPENED, OFFICIAL),
    Transition("not_open_case", R, S.VERIFYING, S.NOT_OPENED, OFFICIAL, reason_required=True),
    # The opened case is decided within 90 days, extendable by 30 (penalty procedure Art. 64).
    Transition("extend_decision", R, S.CASE_OPENED, S.CASE_OPENED, OFFICIAL, reason_required=True),
    Transition("decide", R, S.CASE_OPENED, S.DECIDED, OFFICIAL, grounds=ReportDecision, reason_required=True),
    *(Transition("close", R, source, S.CLOSED, OFFICIAL) for source in (S.DECIDED, S.NOT_OPENED)),
)

ACTION_LABELS = {
    "submit": gettext_lazy("submit"),
    "correct": gettext_lazy("correct"),
    "correct_problem_types": gettext_lazy("correct the problem types"),
    "send_to_business": gettext_lazy("send to the business"),
    "settle_directly": gettext_lazy("confirm direct settlement"),
    "escalate": gettext_lazy("pass to the authority"),
    "respond": gettext_lazy("the business's reply"),
    "accept": gettext_lazy("accept"),
    "not_accept": gettext_lazy("not accept"),
    "return": gettext_lazy("return for correction"),
    "resubmit": gettext_lazy("resubmit"),
    "forward": gettext_lazy("forward to the competent bureau"),
    "take_over": gettext_lazy("take the case over (upper-level bureau)"),
    "dispute_jurisdiction": gettext_lazy("dispute the jurisdiction with another bureau"),
    "consent_to_mediation": gettext_lazy("agree to mediation"),
    "notice_given": gettext_lazy("notice given by phone, post or in person"),
    "propose_joint_handling": gettext_lazy("proposed for joint handling"),
    "elect_representatives": gettext_lazy("representatives elected"),
    "leave_joint_handling": gettext_lazy("joint handling ended"),
    "consent_to_joint_handling": gettext_lazy("agree to joint handling"),
    "record_joint_consent": gettext_lazy("record a complainant's consent to joint handling"),
    "decline_joint_handling": gettext_lazy("decline joint handling"),
    "accept_joint_agreement": gettext_lazy("accept the agreement the representatives reached"),
    "record_joint_agreement": gettext_lazy("record the complainant's acceptance of the representatives' agreement"),
    "record_consent": gettext_lazy("record a party's consent to mediation"),
    "consent_to_entrustment": gettext_lazy("agree to mediation by a consumer association or mediation organisation"),
    "record_entrustment_consent": gettext_lazy("record a party's consent to entrusting the mediation"),
    "entrust_mediation": gettext_lazy("entrust the mediation to a consumer association or mediation organisation"),
    "start_mediation": gettext_lazy("start mediation"),
    "schedule_onsite_session": gettext_lazy("set an on-site mediation session"),
    "record_violation_clue": gettext_lazy("record a violation found in mediation"),
    "suspend_mediation": gettext_lazy("suspend mediation"),
    "request_recusal": gettext_lazy("ask for a mediator's recusal"),
    "resume_mediation": gettext_lazy("resume mediation"),
    "decide_recusal": gettext_lazy("decide the recusal request"),
    "settle": gettext_lazy("record the agreement"),
    "terminate": gettext_lazy("terminate mediation"),
    "confirm_performance": gettext_lazy("confirm the agreement was performed"),
    "report_non_performance": gettext_lazy("report the agreement not performed"),
    "withdraw": gettext_lazy("withdraw"),
    "close": gettext_lazy("close"),
    "start_verification": gettext_lazy("start verification"),
    "extend_verification": gettext_lazy("extend verification"),
    "merge": gettext_lazy("merge into the earlier report"),
    "open_case": gettext_lazy("open a case"),
    "extend_decision": gettext_lazy("extend the decision period"),
    "decide": gettext_lazy("record the decision"),
    "not_open_case": gettext_lazy("not open a case"),
    # Not a move: a hotline caller's case moved to their online account (services.hotline_link).
    "link_account": gettext_lazy("linked to the caller's online account"),
}

ROOM_ONLY_MESSAGES = {
    "start_mediation": gettext_lazy("Mediation starts by opening its room, from the case page."),
    "settle": gettext_lazy(
        "The agreement is recorded in the mediation room, once both parties have signed the mediation document."
    ),
    "terminate": gettext_lazy("Mediation is terminated by the lead mediator in the mediation room."),
}

# Moves that put something on the record and change nothing else: no status, no time limit.
ON_THE_RECORD_ONLY = frozenset(
    {
        "respond",
        "consent_to_mediation",
        "record_consent",
        "record_violation_clue",
        "schedule_onsite_session",
        "consent_to_joint_handling",
        "record_joint_consent",
        "decline_joint_handling",
        "consent_to_entrustment",
        "record_entrustment_consent",
    }
)
JOINT_AGREEMENT_MOVES = frozenset({"accept_joint_agreement", "record_joint_agreement"})

# While mediation is suspended it cannot start, be suspended again or end in an agreement; the
# complainant can still withdraw and the mediator can still terminate (a party died, say).
SUSPENDED_REFUSES = frozenset(
    {"start_mediation", "settle", "suspend_mediation", "request_recusal", "schedule_onsite_session"}
)

# What entering or leaving a status does beyond the case's own row, registered by the module that
# owns it (the mediation room opens on entering mediation and closes on leaving it). The hooks run
# inside the move's transaction, after the case is saved and its audit event written, so a hook that
# fails undoes the move.
StatusHook = Callable[..., None]
_ON_ENTERING: dict[str, list[StatusHook]] = collections.defaultdict(list)
_ON_LEAVING: dict[str, list[StatusHook]] = collections.defaultdict(list)
_ON_ACTION: dict[str, list[StatusHook]] = collections.defaultdict(list)


def on_entering(status: str) -> Callable[[StatusHook], StatusHook]:
    """Register `hook(case=, action=, ground=, reason=, actor=, source=, **context)` to run when a
    case enters `status`."""

    def register(hook: StatusHook) -> StatusHook:
        _ON_ENTERING[status].append(hook)
        return hook

    return register


def on_leaving(status: str) -> Callable[[StatusHook], StatusHook]:
    """Register `hook(case=, action=, ground=, reason=, actor=, source=, **context)` to run when a
    case leaves `status`."""

    def register(hook: StatusHook) -> StatusHook:
        _ON_LEAVING[status].append(hook)
        return hook

    return register


def on_action(action: str) -> Callable[[StatusHook], StatusHook]:
    """Register `hook(case=, action=, ground=, reason=, actor=, source=, **context)` to run after every
    `action`, whether or not the status changes (forwarding keeps it)."""

    def register(hook: StatusHook) -> StatusHook:
        _ON_ACTION[action].append(hook)
        return hook

    return register


# The arguments of a move that only its hooks take: the new lead mediator of a granted recusal, an
# on-site session's time, place and mediators. Callers pass them in `context`.
MOVE_CONTEXT_FIELDS = ("mediator", "starts_at", "place", "mediators")


def move_arguments(values: dict) -> dict:
    """`case_transition`'s keyword arguments from a move's form or request body: the bureau chosen
    (`authority`), the earlier report named by its number (`into`), what only the move's hooks take
    (MOVE_CONTEXT_FIELDS) and the rest (ground, reason) as they are."""
    values = dict(values)
    return {
        "to_authority": values.pop("authority", None),
        "into": report_by_number(values.pop("into", "")),
        "context": {key: values.pop(key) for key in MOVE_CONTEXT_FIELDS if key in values},
        **values,
    }


_BY_KEY = {(t.kind, t.source, t.action): t for t in TRANSITIONS}
ACTIONS = sorted({t.action for t in TRANSITIONS})


def find_transition(*, kind: str, source: str, action: str) -> Transition | None:
    return _BY_KEY.get((kind, source, action))


# The room's moves that a case page offers: starting mediation opens the room (through
# services.rooms.mediation_start); the others are taken inside the room.
PAGE_ROOM_MOVES = frozenset({"start_mediation"})


def transitions_open_to(*, user, case: Case) -> list[Transition]:
    """The moves `user` may take on `case` from its page now, in the table's order."""
    roles = roles_of(user, case)
    return [
        transition
        for transition in TRANSITIONS
        if transition.kind == case.kind
        and transition.source == case.status
        and roles & transition.actors
        and (not transition.in_room or transition.action in PAGE_ROOM_MOVES)
        and (transition.action != "send_to_business" or case.entity.is_odr)
        and association_refusal(case=case, action=transition.action, actor=user) is None
        and _offered_now(case, transition.action, roles)
    ]


def _offered_now(case: Case, action: str, roles: set[Role]) -> bool:
    """Whether a page offers the move in the case's present state, beyond its status: what the move
    itself would refuse is not offered, except starting mediation, which stays offered so that the
    official reads who has not consented yet."""
    if action == "start_mediation":
        return case.mediation_suspended_since is None
    if action in ("record_consent", "record_entrustment_consent"):  # offered while a party has not consented
        return any(_refusal_now(case, action=action, party=party) is None for party in MediationParty.values)
    party = next((str(role) for role in roles if role in (Role.CONSUMER, Role.BUSINESS)), None)
    return _refusal_now(case, action=action, party=party) is None


# The roles of the life-cycle table, by relation to the case (selectors.cases.case_relations).
# Co-mediating bureaus and partner agencies see the case but take none of its moves.
_ROLE_OF_RELATION = {
    Relation.OWN: Role.CONSUMER,
    Relation.HANDLING: Role.HANDLING_OFFICIAL,
    Relation.BUSINESS: Role.BUSINESS,
    Relation.SUPERIOR: Role.SUPERIOR_OFFICIAL,
    Relation.ENTRUSTED: Role.ENTRUSTED_MEDIATOR,
}


def roles_of(user, case: Case) -> set[Role]:
    roles = {_ROLE_OF_RELATION[r] for r in case_relations(user, case) if r in _ROLE_OF_RELATION}
    if not roles and getattr(user, "consumer", None) is not None and represents(user, case):
        roles.add(Role.REPRESENTATIVE)
    return roles


def _merge_report(case: Case, *, into: Case, actor_reason: str) -> None:
    """Add the later report's facts to the earlier one, whose running period starts again from the
    later report's receipt (Order 121 Art. 35), with an event on the earlier report's record."""
    received = timezone.localdate(case.received_at)
    into.facts = f"{into.facts}\n\n【{case.number}】{case.facts}"
    changed = ["facts", "next_due", "updated_at"]
    if into.status == S.CASE_OPENED:
        changed += period_start(into, Period.PENALTY_DECISION, received)
        into.decision_extended = False
        into.next_due = into.penalty_decision_due
        changed.append("decision_extended")
    else:
        changed += period_start(into, verification_period(into), received)
        into.verification_extended = False
        into.next_due = into.verification_due
        changed.append("verification_extended")
    into.save(update_fields=changed)
    CaseEvent.objects.create(
        case=into,
        actor=None,
        actor_role=Role.SYSTEM,
        action="merge",
        from_status=into.status,
        to_status=into.status,
        reason=_("%(number)s merged in (new facts from the same reporter).") % {"number": case.number}
        + (f" {actor_reason}" if actor_reason else ""),
    )


def _hand_to(case: Case, authority: Authority) -> None:
    """The case is handled by `authority` now (forwarded, or taken over by a bureau above); it no
    longer co-mediates it."""
    case.handling_authority = authority
    if case.co_mediating_authority_id == authority.pk:
        case.co_mediating_authority = None


def _apply_effects(
    case: Case,
    transition: Transition,
    *,
    now: datetime.datetime,
    ground: str,
    reason: str,
    to_authority=None,
    into: Case | None = None,
) -> list[str]:
    """Start, extend and close the legal periods the move implies, and record its outcome; returns
    the changed field names. Each period runs under the rule in force on the day it starts."""
    today = timezone.localdate(now)
    changed = ["status", "next_due", "updated_at"]
    target = transition.target
    action = transition.action
    if action in ON_THE_RECORD_ONLY:
        return ["updated_at"]
    if action == "entrust_mediation":
        case.entrusted_to = to_authority
        return ["updated_at", "entrusted_to"]
    if action == "merge":
        _merge_report(case, into=into, actor_reason=reason)
    if action == "dispute_jurisdiction":
        changed += period_start(case, Period.JURISDICTION_DISPUTE, today)
        case.next_due = min(due for due in (case.next_due, case.jurisdiction_dispute_due) if due)
        return changed
    if transition.source in (S.SUBMITTED, S.VERIFYING):
        # Any decision on the case, or forwarding it, ends a dispute over who handles it.
        periods_close(case, Period.JURISDICTION_DISPUTE)
    if action == "take_over":
        _hand_to(case, to_authority)
        # Due again on the stage's own period (a jurisdiction dispute taken over has ended).
        if case.is_complaint:
            running = "acceptance_due" if case.status == S.SUBMITTED else "mediation_due"
        else:
            running = "penalty_decision_due" if case.status == S.CASE_OPENED else "verification_due"
        case.next_due = None if case.mediation_suspended_since else getattr(case, running)
        return [*changed, "handling_authority", "co_mediating_authority"]
    if action == "forward":
        _hand_to(case, to_authority)
        periods_close(case, Period.ACCEPTANCE_DECISION, Period.REPORT_VERIFICATION, Period.VIOLATION_CHECK)
        period = Period.ACCEPTANCE_DECISION if case.is_complaint else verification_period(case)
        changed += period_start(case, period, today)
        case.next_due = getattr(case, "acceptance_due" if case.is_complaint else "verification_due")
        return [*changed, "handling_authority", "co_mediating_authority"]
    if action in ("suspend_mediation", "request_recusal"):
        case.mediation_suspended_since = today
        case.suspension_ground = ground if action == "suspend_mediation" else SuspensionGround.RECUSAL
        case.next_due = None  # nothing runs until the official resumes
        changed += ["mediation_suspended_since", "suspension_ground"]
    elif action in ("resume_mediation", "decide_recusal"):
        changed += period_resume(case, Period.MEDIATION, suspended_since=case.mediation_suspended_since, today=today)
        case.mediation_suspended_since = None
        case.suspension_ground = ""
        case.next_due = case.mediation_due
        changed += ["mediation_suspended_since", "suspension_ground"]
    elif action == "confirm_performance":
        case.performance_confirmed_at = now
        case.next_due = None
        changed.append("performance_confirmed_at")
    elif action == "report_non_performance":
        case.next_due = today  # the handling bureau follows it up now
    elif action == "send_to_business":
        periods_close(case, Period.ACCEPTANCE_DECISION)
        changed += period_start(case, Period.ODR_SETTLEMENT, today)
        case.business_notified_at = now
        case.next_due = case.odr_due
        changed.append("business_notified_at")
    elif target == S.SUBMITTED:  # escalated from ODR, or resubmitted after correction
        periods_close(case, Period.ODR_SETTLEMENT)
        changed += period_start(case, Period.ACCEPTANCE_DECISION, today)
        case.next_due = case.acceptance_due
    elif target == S.ACCEPTED:
        # The mediation period runs from acceptance (Order 121 Art. 23(5); Order 20 Art. 21(5)).
        periods_close(case, Period.ACCEPTANCE_DECISION)
        changed += period_start(case, Period.MEDIATION, today)
        case.business_notified_at = case.business_notified_at or now
        case.next_due = case.mediation_due
        changed.append("business_notified_at")
    elif target == S.MEDIATING:
        case.next_due = case.mediation_due
    elif target == S.TERMINATED or (action == "withdraw" and transition.source in (S.ACCEPTED, S.MEDIATING)):
        # Ending mediation, by a ground of Art. 23 or by the complainant's withdrawal (Art. 23(1)):
        # both parties are told within 7 working days of the decision.
        periods_close(case, Period.MEDIATION)
        case.termination_reason = ground if target == S.TERMINATED else "withdrawn"
        changed += period_start(case, Period.TERMINATION_NOTICE, today)
        case.next_due = case.termination_notice_due
        changed.append("termination_reason")
    elif target == S.NOT_ACCEPTED:
        periods_close(case, Period.ACCEPTANCE_DECISION)
        case.non_acceptance_ground = ground
        case.next_due = None
        changed.append("non_acceptance_ground")
    elif target == S.SETTLED:
        periods_close(case, Period.ODR_SETTLEMENT, Period.MEDIATION)
        case.settled_directly = action == "settle_directly"
        # A represented complainant settles on the terms their representatives agreed (Art. 12).
        case.settlement_terms = joint_agreement(case).settlement_terms if action in JOINT_AGREEMENT_MOVES else reason
        case.next_due = None
        changed += ["settled_directly", "settlement_terms"]
    elif action == "extend_verification":
        changed += period_extend(case, verification_period(case))
        case.verification_extended = True
        case.next_due = case.verification_due
        changed.append("verification_extended")
    elif action == "extend_decision":
        changed += period_extend(case, Period.PENALTY_DECISION)
        case.decision_extended = True
        case.next_due = case.penalty_decision_due
        changed.append("decision_extended")
    elif target == S.VERIFYING:
        case.next_due = case.verification_due
    elif target == S.CASE_OPENED:
        periods_close(case, verification_period(case))
        changed += period_start(case, Period.PENALTY_DECISION, today)
        case.next_due = case.penalty_decision_due
    elif target == S.DECIDED:
        periods_close(case, Period.PENALTY_DECISION)
        case.report_decision = ground
        case.next_due = None
        changed.append("report_decision")
    elif target == S.CLOSED:
        periods_close(case, *Period)
        case.closed_at = now
        case.next_due = None
        changed.append("closed_at")
    else:  # returned, withdrawn before acceptance, not opened: nothing pending on the authority's side
        periods_close(case, *Period)
        case.next_due = None
    return changed


def _report_to_merge_into(case: Case, into: Case | None, errors: dict) -> Case | None:
    """The earlier report, locked, if it may take this one in: the same reporter's, about the same
    business, still being handled by the same bureau."""
    locked = None
    if into is not None and into.pk != case.pk:
        locked = Case.objects.select_for_update().filter(pk=into.pk).first()
    if (
        locked is None
        or locked.kind != CaseKind.REPORT
        or case.consumer_id is None
        or locked.consumer_id != case.consumer_id
        or locked.entity_id != case.entity_id
        or locked.handling_authority_id != case.handling_authority_id
        or locked.status not in (S.SUBMITTED, S.VERIFYING, S.CASE_OPENED)
    ):
        errors["into"] = [
            _("Name an earlier report of the same reporter about the same business that this bureau is still handling.")
        ]
        return None
    return locked


def _refusal_now(case: Case, *, action: str, party: str | None) -> str | None:
    """Why `action` cannot be taken in the case's present state beyond its status, or None: while
    mediation is suspended, without both parties' consent (Order 121 Art. 18), and so on. `party` is
    the party who consents (the official's `record_consent` names it)."""
    suspended = case.mediation_suspended_since is not None
    if suspended and action in SUSPENDED_REFUSES:
        return _("Mediation is suspended since %(day)s (%(ground)s); it must be resumed first.") % {
            "day": case.mediation_suspended_since,
            "ground": case.get_suspension_ground_display(),
        }
    if action == "resume_mediation" and not suspended:
        return _("Mediation is not suspended.")
    if action == "resume_mediation" and case.suspension_ground == SuspensionGround.RECUSAL:
        return _("A recusal request is waiting: decide it, and mediation resumes with the decision.")
    if action == "decide_recusal" and case.suspension_ground != SuspensionGround.RECUSAL:
        return _("No recusal request is waiting for a decision.")
    if action in ("confirm_performance", "report_non_performance") and case.performance_confirmed_at:
        return _("The agreement's performance has already been confirmed.")
    if action in ("start_mediation", "schedule_onsite_session") and case.status == S.ACCEPTED:
        missing = _parties_missing_from(mediation_consents(case))
        if missing:
            return _("Mediation needs the consent of both parties (Order 121 Art. 18); still missing: %(parties)s.") % {
                "parties": missing
            }
    if action in ("consent_to_joint_handling", "record_joint_consent", "decline_joint_handling"):
        membership = joint_membership(case)
        if membership is None:
            return _("This complaint is not proposed for joint handling.")
        if action != "decline_joint_handling" and membership.consented_at is not None:
            return _("The complainant has already agreed to joint handling.")
    if action in ("consent_to_entrustment", "record_entrustment_consent", "entrust_mediation") and case.entrusted_to_id:
        return _("The mediation is already entrusted to %(body)s; it cannot be entrusted again (Art. 19).") % {
            "body": case.entrusted_to.name
        }
    if action in ("consent_to_entrustment", "record_entrustment_consent") and party in entrustment_consents(case):
        return _("%(party)s has already agreed to entrusting the mediation.") % {
            "party": capfirst(MediationParty(party).label)
        }
    if action == "entrust_mediation":
        missing = _parties_missing_from(entrustment_consents(case))
        if missing:
            return _(
                "Entrusting the mediation needs the consent of both parties (Order 121 Art. 19); still missing: "
                "%(parties)s."
            ) % {"parties": missing}
    if action in JOINT_AGREEMENT_MOVES and joint_agreement(case) is None:
        return _("No agreement of the representatives of this joint complaint is waiting for consent.")
    if action in ("consent_to_mediation", "record_consent") and party in mediation_consents(case):
        return _("%(party)s has already consented to mediation.") % {"party": capfirst(MediationParty(party).label)}
    return None


def _parties_missing_from(given: set[str]) -> str:
    """The parties, in the reader's language, who are not among those who `given` consent."""
    return ", ".join(str(label) for value, label in MediationParty.choices if value not in given)


def case_transition(
    *,
    case: Case,
    action: str,
    actor=None,
    as_system: bool = False,
    ground: str = "",
    reason: str = "",
    in_room: bool = False,
    to_authority: Authority | None = None,
    into: Case | None = None,
    context: dict | None = None,
) -> Case:
    """Move a case by `action`, as `actor` (a user) or as the system. Locks the case row, checks the
    move against the table and the actor's role, saves, and appends the audit event.

    Raises ValidationError (unknown action, missing ground or reason), TransitionNotAllowed (not from
    the current status, or a move of the mediation room asked for elsewhere: `in_room` is set only
    by the room's services) or PermissionDenied (not this actor's move). `to_authority` is the bureau a
    case is forwarded to. `context` is passed on to the
    hooks of the statuses left and entered (the co-mediator a room opens with)."""
    if action not in ACTIONS:
        raise ValidationError({"action": [_("Unknown action: %(action)s.") % {"action": action}]})
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("consumer", "entity").get(pk=case.pk)
        association_refused = association_refusal(case=case, action=action, actor=None if as_system else actor)
        if association_refused is not None:  # a consumer association has no administrative powers
            raise association_refused
        transition = find_transition(kind=case.kind, source=case.status, action=action)
        if transition is None:
            raise TransitionNotAllowed(
                _("The action “%(action)s” is not possible while the %(kind)s is “%(status)s”.")
                % {
                    "action": ACTION_LABELS[action],
                    "kind": case.get_kind_display(),
                    "status": case.get_status_display(),
                }
            )
        if transition.in_room and not in_room:
            raise TransitionNotAllowed(str(ROOM_ONLY_MESSAGES[action]))
        roles = {Role.SYSTEM} if as_system else roles_of(actor, case)
        acting_roles = roles & transition.actors
        if not acting_roles:
            raise PermissionDenied(_("You may not take this action on this case."))
        reason = (reason or "").strip()
        errors: dict[str, list[str]] = {}
        if transition.grounds is not None and ground not in transition.grounds.values:
            errors["ground"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(transition.grounds.values)}]
        if (transition.reason_required or ground in GROUNDS_NEEDING_A_REASON) and not reason:
            errors["reason"] = [_("Please give the reason or the terms for this action.")]
        if action == "entrust_mediation":
            if to_authority is None or to_authority.kind not in MEDIATION_BODY_KINDS:
                errors["authority"] = [_("Choose the consumer association or mediation organisation.")]
        elif action in ("forward", "dispute_jurisdiction"):
            if to_authority is None or to_authority.kind != AuthorityKind.BUREAU:
                errors["authority"] = [_("Choose the market-regulation bureau that has jurisdiction.")]
            elif to_authority.pk == case.handling_authority_id:
                errors["authority"] = [_("The case is already with this bureau.")]
        elif to_authority is not None:
            errors["authority"] = [
                _("A bureau is chosen only when the case is forwarded or its jurisdiction disputed.")
            ]
        if action == "take_over" and not errors.get("authority"):
            to_authority = actor.official.authority  # the superior bureau takes it to itself
        session_fields = {"starts_at", "place", "mediators"} & {key for key, value in (context or {}).items() if value}
        if session_fields and action != "schedule_onsite_session":
            errors.update(
                {field: [_("Given only when an on-site session is set.")] for field in sorted(session_fields)}
            )
        if (context or {}).get("mediator") is not None and action != "decide_recusal":
            errors["mediator"] = [_("A new lead mediator is named only when a recusal request is decided.")]
        if action == "terminate" and ground == MediationTerminationReason.WITHDRAWN:
            errors["ground"] = [_("Withdrawal is the complainant's own move, not a ground to terminate on.")]
        if action == "merge":
            into = _report_to_merge_into(case, into, errors)
        elif into is not None:
            errors["into"] = [_("An earlier report is named only when merging.")]
        if transition.action == "send_to_business" and not case.entity.is_odr:
            errors["action"] = [_("This business does not take part in online dispute resolution.")]
        party = ground if action in ("record_consent", "record_entrustment_consent") else sorted(acting_roles)[0]
        if party == Role.REPRESENTATIVE:  # a representative consents for the complainant (Art. 12)
            party = Role.CONSUMER
        refusal = _refusal_now(case, action=action, party=party)
        if refusal is not None:
            raise TransitionNotAllowed(refusal)
        if transition.action == "extend_verification" and period_is_extended(case, verification_period(case)):
            raise TransitionNotAllowed(_("The verification period can be extended only once."))
        if transition.action == "extend_decision" and period_is_extended(case, Period.PENALTY_DECISION):
            raise TransitionNotAllowed(
                _(
                    "The decision period can be extended by 30 days once; a further extension is for the "
                    "bureau's leaders to decide collectively."
                )
            )
        if errors:
            raise ValidationError(errors)

        now = timezone.now()
        source = case.status
        case.status = transition.target
        changed = _apply_effects(
            case, transition, now=now, ground=ground, reason=reason, to_authority=to_authority, into=into
        )
        case.save(update_fields=sorted(set(changed)))
        CaseEvent.objects.create(
            case=case,
            actor=actor if not as_system else None,
            actor_role=sorted(acting_roles)[0],
            action=action,
            from_status=source,
            to_status=case.status,
            ground=ground if transition.grounds is not None else "",
            reason=reason,
            authority=to_authority,
        )
        hooks = [*_ON_LEAVING[source], *_ON_ENTERING[case.status]] if case.status != source else []
        for hook in [*hooks, *_ON_ACTION[action]]:
            hook(
                case=case,
                action=action,
                ground=ground,
                reason=reason,
                actor=actor,
                source=source,
                **(context or {}),
            )
    return case
