"""What the owner of a case returned for correction (退回补正) reads beside the fields to correct."""

from mediation.models import Case, CaseStatus, ReturnReason


def case_return(case: Case) -> dict | None:
    """The official's return of `case` (the ground and the reason of its latest "return" event),
    while the case waits for its correction; None otherwise."""
    if case.status != CaseStatus.RETURNED:
        return None
    event = case.events.filter(action="return").order_by("-at", "-pk").first()
    if event is None:
        return None
    ground = ReturnReason(event.ground).label if event.ground in ReturnReason.values else ""
    return {"ground": ground, "reason": event.reason, "at": event.at}
