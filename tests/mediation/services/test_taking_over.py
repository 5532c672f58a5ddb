"""A bureau above takes a case over: Order 121 Art. 13 ("上级市场监督管理部门认为有必要的，可以处理
下级市场监督管理部门收到的投诉") and, for reports, the penalty procedure Art. 15 ("上级市场监督管理部门认为
必要时，可以直接查处下级市场监督管理部门管辖的案件")."""

import pytest
from django.core.exceptions import PermissionDenied

from mediation.models import CaseNotice, CaseStatus
from mediation.selectors.cases import viewer_role
from mediation.selectors.notices import notice_text
from mediation.services.errors import TransitionNotAllowed
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for


def test_the_city_bureau_takes_a_complaint_its_district_bureau_received(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    acceptance_due, received = case.acceptance_due, case.received_at
    case = case_transition(
        case=case, action="take_over", actor=world.superior_official, reason="涉及多区同类投诉，由市局统一处理"
    )
    assert case.handling_authority.name == "杭州市市场监督管理局"
    assert case.status == CaseStatus.SUBMITTED
    # Still the complaint the system received that day: its acceptance period runs on unchanged.
    assert (case.received_at, case.acceptance_due, case.next_due) == (received, acceptance_due, acceptance_due)
    event = case.events.order_by("-id").first()
    assert (event.action, event.actor, event.authority) == (
        "take_over",
        world.superior_official,
        case.handling_authority,
    )
    # The district bureau no longer has it; the city bureau decides now.
    assert viewer_role(world.shop_official, case) is None
    with pytest.raises(PermissionDenied):
        case_transition(case=case, action="accept", actor=world.shop_official)
    assert case_transition(case=case, action="accept", actor=world.superior_official).status == CaseStatus.ACCEPTED
    # The complainant is told who handles it.
    notice = CaseNotice.objects.get(case=case, kind="forwarded")
    assert "杭州市市场监督管理局" in notice_text(notice)


def test_the_province_bureau_is_above_too_and_other_bureaus_are_not(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    beijing = factories.official(factories.bureau("110000"))  # above the consumer's home bureau only
    for stranger in (world.outsider_official, world.home_official, beijing):
        with pytest.raises(PermissionDenied):
            case_transition(case=case, action="take_over", actor=stranger, reason="我们来办")
    province = factories.official(factories.bureau("330000"))
    case = case_transition(case=case, action="take_over", actor=province, reason="省局督办")
    assert case.handling_authority.region_id == "330000"
    # The city bureau is no longer below the handling bureau: it cannot take it back.
    with pytest.raises(PermissionDenied):
        case_transition(case=case, action="take_over", actor=world.superior_official, reason="市局来办")


def test_an_opened_report_keeps_its_decision_period(world):
    report = factories.with_status(factories.report(reporter=world.consumer, entity=world.shop), "case_opened")
    due = report.penalty_decision_due
    report = case_transition(case=report, action="take_over", actor=world.superior_official, reason="案情重大")
    assert (report.handling_authority.region_id, report.penalty_decision_due, report.next_due) == ("330100", due, due)


def test_a_complaint_in_mediation_is_not_taken_over(world):
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), "mediating")
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="take_over", actor=world.superior_official, reason="市局来办")


def test_over_the_api_the_bureau_above_reads_the_case_and_takes_it(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    city = client_for(world.superior_official)
    read = city.get(f"/api/cases/{case.number}/")
    assert read.status_code == 200 and read.data["viewer"] == "official"
    refused = city.post(f"/api/cases/{case.number}/actions/take_over/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.data
    taken = city.post(f"/api/cases/{case.number}/actions/take_over/", {"reason": "市局统一处理"}, format="json")
    assert taken.status_code == 200, taken.content
    assert taken.data["handling_authority"]["name"] == "杭州市市场监督管理局"
    assert client_for(world.shop_official).get(f"/api/cases/{case.number}/").status_code == 404
