"""What the product does by itself when a deadline passes."""

import datetime

from django.utils import timezone

from mediation.models import Case, CaseStatus
from mediation.services.transitions import case_transition


def odr_escalate_overdue(*, today: datetime.date | None = None) -> list[str]:
    """Complaints that an ODR business did not settle within its ten working days go to the
    authority. Returns the numbers of the cases moved."""
    today = today or timezone.localdate()
    moved = []
    for case in Case.objects.filter(status=CaseStatus.ODR, odr_due__lt=today).order_by("odr_due"):
        case_transition(case=case, action="escalate", as_system=True, reason="direct settlement period passed")
        moved.append(case.number)
    return moved
