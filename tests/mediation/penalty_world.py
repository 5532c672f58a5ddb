"""Reports that ended in a penalty decision, for the tests of its publication (市场监督管理行政处罚信息
公示规定). Built through the services, like tests/factories.py."""

import datetime

from django.utils import timezone

from mediation.models import Case, PenaltyDecision
from mediation.services.penalties import penalty_decision_record
from mediation.services.transitions import case_transition
from tests import factories

# The reporter of the reports below (factories.consumer's defaults, with an address).
REPORTER_NAME = "张三"
REPORTER_PHONE = "13812345678"
REPORTER_ADDRESS = "北京市朝阳区建国路88号3单元501"


def reporter():
    return factories.consumer(real_name=REPORTER_NAME, phone=REPORTER_PHONE, mailing_address=REPORTER_ADDRESS)


def opened_report(*, reporter, entity, official) -> Case:
    """A real-name report the bureau verified and opened a case on."""
    case = factories.report(reporter=reporter, entity=entity)
    case = case_transition(case=case, action="start_verification", actor=official)
    return case_transition(case=case, action="open_case", actor=official)


def values(**overrides) -> dict:
    """A decision of the ordinary procedure fining a company 5,000 yuan, its party told (Art. 8)."""
    fields = {
        "document_number": "杭西市监处罚〔2026〕15号",
        "procedure": "ordinary",
        "violation_type": "counterfeit",
        "legal_basis": "《中华人民共和国产品质量法》第四十九条",
        "penalty_kinds": ["fine"],
        "fine_amount": "5000",
        "confiscated_amount": None,
        "penalty_text": "罚款人民币伍仟元整。",
        "restriction_until": None,
        "decided_on": datetime.date(2026, 7, 6),
        "party_summary": "杭州西湖鑫达家用电器有限公司，住所：杭州市西湖区文三路100号。",
        "document_text": "当事人销售不符合强制性标准的电热水壶，违反了产品质量法的规定。决定罚款人民币伍仟元整。",
        "party_told_of_publication": True,
    }
    fields.update(overrides)
    return fields


def recorded(*, case: Case, official, secrets=None, **overrides) -> PenaltyDecision:
    return penalty_decision_record(case=case, actor=official, values=values(**overrides), secrets=secrets)


def published_days_ago(decision: PenaltyDecision, *, days: int) -> PenaltyDecision:
    """Move a publication back in time (tests only): published `days` days before today."""
    at = timezone.now() - datetime.timedelta(days=days)
    PenaltyDecision.objects.filter(pk=decision.pk).update(published_at=at)
    decision.refresh_from_db()
    return decision
