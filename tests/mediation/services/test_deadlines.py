import datetime

from mediation.models import CaseStatus
from mediation.services.deadlines import odr_escalate_overdue
from mediation.services.transitions import case_transition
from tests import factories


def test_unsettled_odr_complaints_go_to_the_authority_after_ten_working_days(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="send_to_business", actor=world.consumer_user)
    assert odr_escalate_overdue(today=case.odr_due) == []  # the last day is still the business's
    assert odr_escalate_overdue(today=case.odr_due + datetime.timedelta(days=1)) == [case.number]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.acceptance_due is not None and case.next_due == case.acceptance_due
    event = case.events.order_by("-id").first()
    assert (event.action, event.actor, event.actor_role) == ("escalate", None, "system")
