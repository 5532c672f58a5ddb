"""Reading published penalties (市场监督管理行政处罚信息公示规定) as the public, the credit system, the
business and the deciding bureau may; and what a reporter may read of their own report's decision
(whether a case was opened, nothing more: Order 121 Art. 36, 37)."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mediation.models import (
    Case,
    CaseKind,
    CaseStatus,
    MarketEntity,
    PenaltyDecision,
    PenaltyKind,
    PenaltyPublicationRequest,
    PenaltyRequestStatus,
    PublicationStatus,
)
from mediation.selectors.cases import Viewer


def published_penalties(
    *,
    entity: MarketEntity | None = None,
    uscc: str = "",
    decided_from: datetime.date | None = None,
    decided_to: datetime.date | None = None,
    published_from: datetime.date | None = None,
    published_to: datetime.date | None = None,
) -> QuerySet[PenaltyDecision]:
    """The decisions public now, newest decision first: never one withdrawn, ended or removed early."""
    decisions = PenaltyDecision.objects.filter(publication_status=PublicationStatus.PUBLISHED).select_related(
        "entity", "authority"
    )
    if entity is not None:
        decisions = decisions.filter(entity=entity)
    if uscc:
        decisions = decisions.filter(entity__uscc=uscc.upper())
    if decided_from:
        decisions = decisions.filter(decided_on__gte=decided_from)
    if decided_to:
        decisions = decisions.filter(decided_on__lte=decided_to)
    if published_from:
        decisions = decisions.filter(published_at__date__gte=published_from)
    if published_to:
        decisions = decisions.filter(published_at__date__lte=published_to)
    return decisions.order_by("-decided_on", "-id")


def published_penalty(decision_id: int) -> PenaltyDecision:
    decision = published_penalties().filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    return decision


def penalty_labels(decision: PenaltyDecision) -> list[str]:
    return [str(PenaltyKind(kind).label) for kind in decision.penalty_kinds if kind in PenaltyKind.values]


def penalty_summary(decision: PenaltyDecision) -> dict:
    """The summary the publication rules list (Art. 4): the document number, the party's basic
    details, the violation type, the penalty, the deciding bureau's name and the day; with the
    publication's own days. Nothing of the report or its reporter."""
    entity = decision.entity
    return {
        "id": decision.pk,
        "document_number": decision.document_number,
        "party_name": entity.name,
        "party_uscc": entity.uscc or "",
        "party_summary": decision.party_summary,
        "violation_type": decision.violation_type,
        "violation_type_display": decision.get_violation_type_display(),
        "legal_basis": decision.legal_basis,
        "penalty_kinds": list(decision.penalty_kinds),
        "penalty_kinds_display": penalty_labels(decision),
        "fine_amount": str(decision.fine_amount) if decision.fine_amount is not None else None,
        "confiscated_amount": str(decision.confiscated_amount) if decision.confiscated_amount is not None else None,
        "penalty_text": decision.penalty_text,
        "authority": decision.authority.name,
        "decided_on": decision.decided_on.isoformat(),
        "published_on": timezone.localdate(decision.published_at).isoformat() if decision.published_at else None,
        "public_until": decision.publication_ends_on.isoformat() if decision.publication_ends_on else None,
        "url": f"/penalties/{decision.pk}/",
    }


def decisions_of_bureau(authority_id: int) -> QuerySet[PenaltyDecision]:
    return PenaltyDecision.objects.filter(authority_id=authority_id).select_related("entity", "case").order_by("-id")


def decision_for_bureau(*, user, decision_id: int) -> PenaltyDecision:
    """A decision for an official of the bureau that made it; Http404 for anyone else, so that the
    decisions not published cannot be probed."""
    official = getattr(user, "official", None) if user.is_authenticated else None
    decision = (
        PenaltyDecision.objects.select_related("entity", "authority", "case", "recorded_by")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None or official is None or official.authority_id != decision.authority_id:
        raise Http404
    return decision


def open_requests(decision: PenaltyDecision) -> QuerySet[PenaltyPublicationRequest]:
    return decision.requests.filter(status=PenaltyRequestStatus.OPEN).order_by("submitted_at", "id")


def decision_of_case(case: Case) -> PenaltyDecision | None:
    return PenaltyDecision.objects.filter(case=case).first()


# What the reporter reads -----------------------------------------------------------------------

# The statuses a reporter reads as another: that a case was opened is all the reporter is told of
# what came of it (Order 121 Art. 36; the decision and its publication are the business's record).
_REPORTER_READS = {CaseStatus.DECIDED: CaseStatus.CASE_OPENED}
# The moves whose record a reporter does not read.
REPORTER_UNSEEN_ACTIONS = frozenset({"decide"})


def reads_as_reporter(case: Case, viewer: str) -> bool:
    return viewer == Viewer.CONSUMER and case.kind == CaseKind.REPORT


def status_seen_by(case: Case, viewer: str) -> str:
    """The case's status as `viewer` may read it."""
    if reads_as_reporter(case, viewer):
        return _REPORTER_READS.get(case.status, case.status)
    return case.status


def status_for_user(case: Case, user) -> str:
    """The status as `user` reads it in a list of their cases: a reporter's own report as its reporter."""
    own = user is not None and case.consumer_id is not None and case.consumer.user_id == getattr(user, "id", None)
    return status_seen_by(case, Viewer.CONSUMER if own else Viewer.OFFICIAL)


def event_seen_by_reporter(event) -> dict | None:
    """An event of a report as its reporter reads it, or None when it is not theirs to read."""
    if event.action in REPORTER_UNSEEN_ACTIONS:
        return None
    return {
        "from_status": _REPORTER_READS.get(event.from_status, event.from_status),
        "to_status": _REPORTER_READS.get(event.to_status, event.to_status),
    }
