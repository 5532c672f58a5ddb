"""Where a case stands, as the stage bar on its page shows it: the stages a complaint or a report
passes through, each with the day it was reached and the legal time limit for reaching it."""

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _

from mediation.models import Case, CaseStatus
from mediation.rules import Period

S = CaseStatus


@dataclasses.dataclass(frozen=True)
class StageSpec:
    key: str
    label: str
    # The case reached the stage with the first event into one of these statuses, or with the first
    # event of one of these moves.
    statuses: frozenset = frozenset()
    actions: frozenset = frozenset()
    # The period whose last day is the time limit for reaching the stage.
    period: Period | None = None


# Order 121: received → accepted or not within 7 working days (Art. 15) → the business replies →
# mediation, which ends within 60 days of acceptance (Art. 26) → the case is closed.
COMPLAINT_STAGES = (
    StageSpec("submitted", _("Submitted")),
    StageSpec("accepted", _("Accepted"), statuses=frozenset({S.ACCEPTED}), period=Period.ACCEPTANCE_DECISION),
    StageSpec("reply", _("Business reply"), actions=frozenset({"respond"})),
    StageSpec("mediation", _("Mediation"), statuses=frozenset({S.MEDIATING})),
    StageSpec(
        "ended",
        _("Closed"),
        statuses=frozenset({S.SETTLED, S.TERMINATED, S.WITHDRAWN, S.NOT_ACCEPTED, S.CLOSED}),
        period=Period.MEDIATION,
    ),
)

# Reports: received → verified, and a case opened or not within 15 (+15) working days (penalty
# procedure Art. 18) → a decision within 90 (+30) days of opening (Art. 64) → closed.
REPORT_STAGES = (
    StageSpec("submitted", _("Submitted")),
    StageSpec("verification", _("Verification"), statuses=frozenset({S.VERIFYING})),
    StageSpec(
        "opened",
        _("Case opened or not"),
        statuses=frozenset({S.CASE_OPENED, S.NOT_OPENED}),
        period=Period.REPORT_VERIFICATION,
    ),
    StageSpec("decided", _("Decision"), statuses=frozenset({S.DECIDED}), period=Period.PENALTY_DECISION),
    StageSpec("ended", _("Closed"), statuses=frozenset({S.CLOSED})),
)


@dataclasses.dataclass
class Stage:
    key: str
    label: str
    reached_at: datetime.datetime | None = None
    # The time limit for reaching it, its legal source, and whether the calendar of its year is known.
    due: datetime.date | None = None
    citation: str = ""
    provisional: bool = False
    # "done", "current" (the last stage reached), "next" or "skipped" (passed over: a complaint not
    # accepted never reaches mediation).
    state: str = "next"


def case_stages(case: Case, *, for_reporter: bool = False) -> list[Stage]:
    """The stage bar; a reporter's has no stage of the decision (Order 121 Art. 36: a reporter is told
    whether a case was opened, not what it was decided)."""
    specs = REPORT_STAGES if case.kind == "report" else COMPLAINT_STAGES
    if for_reporter:
        specs = tuple(spec for spec in specs if spec.key != "decided")
    events = list(case.events.order_by("at", "pk").values("action", "to_status", "at"))
    # The last row of each period: a period started again (after forwarding, say) replaces the first.
    periods = {row.period: row for row in case.deadlines.order_by("created_at", "pk")}
    stages = []
    for spec in specs:
        stage = Stage(spec.key, spec.label)
        if spec.key == "submitted":
            stage.reached_at = case.received_at
        else:
            reaching = next((e for e in events if e["to_status"] in spec.statuses or e["action"] in spec.actions), None)
            if reaching is not None:
                stage.reached_at = reaching["at"]
                if spec.key == "ended" or spec.key == "opened":
                    # Which way it ended: settled, terminated, withdrawn, not opened...
                    stage.label = CaseStatus(reaching["to_status"]).label
        row = periods.get(spec.period) if spec.period else None
        if row is not None:
            stage.due, stage.citation, stage.provisional = row.due_on, row.citation, row.provisional
        stages.append(stage)
    reached = [index for index, stage in enumerate(stages) if stage.reached_at is not None]
    last = reached[-1]
    for index, stage in enumerate(stages):
        if index == last:
            stage.state = "current"
        elif stage.reached_at is not None:
            stage.state = "done"
        elif index < last:
            stage.state = "skipped"
    if stages[last].key == "ended":
        stages[last].state = "done"
    return stages
