"""Published penalties on the pages (市场监督管理行政处罚信息公示规定), and a case's status as its viewer
may read it (a reporter reads whether a case was opened, not the decision: Order 121 Art. 36)."""

from django import template

from mediation.models import CaseStatus
from mediation.selectors.penalties import decision_of_case, published_penalties, status_for_user, status_seen_by

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


@register.filter
def seen_status(case, viewer: str) -> str:
    return status_seen_by(case, viewer)


@register.filter
def user_status(case, user) -> str:
    return status_for_user(case, user)


@register.simple_tag
def penalties_published(entity):
    """The business's decisions public now (Art. 2, 4)."""
    return list(published_penalties(entity=entity)[:100]) if entity is not None else []


@register.simple_tag
def penalty_of_case(case):
    return decision_of_case(case)
