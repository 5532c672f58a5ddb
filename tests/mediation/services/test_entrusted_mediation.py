"""Mediation entrusted to a consumer association, Order 121 Art. 19: "经投诉人和被投诉人同意，市场监督管理部门
可以依法将投诉委托消费者协会或者依法成立的其他调解组织调解。受委托组织在委托范围内以委托的市场监督管理部门名义
进行调解，不得再委托其他组织或者个人。" """

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.models import CaseStatus, RoomParticipant
from mediation.services.errors import TransitionNotAllowed
from mediation.services.room_tools import mediation_terminate
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for
from tests.mediation.web.pages import browser, page


@pytest.fixture
def accepted(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    return case_transition(case=case, action="accept", actor=world.shop_official)


@pytest.fixture
def association_staff():
    return factories.official(factories.consumer_association())


def _both_agree(world, case):
    case_transition(case=case, action="consent_to_entrustment", actor=world.consumer_user)
    case_transition(case=case, action="consent_to_entrustment", actor=world.shop_staff)


def _entrust(world, case):
    return case_transition(
        case=case, action="entrust_mediation", actor=world.shop_official, to_authority=factories.consumer_association()
    )


def test_entrusting_needs_both_parties_consent_and_happens_once(world, accepted):
    case_transition(case=accepted, action="consent_to_entrustment", actor=world.consumer_user)
    with pytest.raises(TransitionNotAllowed):  # the business has not agreed
        _entrust(world, accepted)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=accepted, action="consent_to_entrustment", actor=world.consumer_user)
    case_transition(
        case=accepted,
        action="record_entrustment_consent",
        actor=world.shop_official,
        ground="business",
        reason="商家负责人电话同意由消保委调解",
    )
    with pytest.raises(ValidationError) as not_a_body:  # a bureau is not a mediation body
        case_transition(
            case=accepted, action="entrust_mediation", actor=world.shop_official, to_authority=world.home_bureau
        )
    assert "authority" in not_a_body.value.message_dict
    case = _entrust(world, accepted)
    assert case.entrusted_to.name == "杭州市消费者权益保护委员会"
    assert case.status == CaseStatus.ACCEPTED
    other = factories.consumer_association(region_code="330000", name="浙江省消费者权益保护委员会")
    with pytest.raises(TransitionNotAllowed):  # not entrusted further
        case_transition(case=case, action="entrust_mediation", actor=world.shop_official, to_authority=other)


def test_the_association_mediates_in_the_bureau_s_name_and_decides_nothing_else(world, accepted, association_staff):
    assert client_for(association_staff).get(f"/api/cases/{accepted.number}/").status_code == 404
    _both_agree(world, accepted)
    case = _entrust(world, accepted)
    staff = client_for(association_staff)
    assert staff.get(f"/api/cases/{case.number}/").data["viewer"] == "official"
    queue = staff.get(f"/api/authorities/{case.entrusted_to_id}/queue/")
    assert [row["number"] for row in queue.data] == [case.number]

    for action, extra in (
        ("decide_recusal", {"ground": "refused", "reason": "x"}),
        ("record_consent", {"ground": "consumer", "reason": "x"}),
        ("entrust_mediation", {"to_authority": case.entrusted_to}),
    ):
        with pytest.raises(PermissionDenied):
            case_transition(case=case, action=action, actor=association_staff, **extra)

    case = factories.consent_both(case)
    shown = page(browser(association_staff).get(f"/cases/{case.number}/"))
    assert f'action="/cases/{case.number}/actions/start_mediation/"' in shown
    room = mediation_start(case=case, actor=association_staff)
    lead = RoomParticipant.objects.get(room=room, role="lead_mediator")
    assert lead.user == association_staff and "消费者权益保护委员会" in lead.display_name
    case_transition(case=case, action="request_recusal", actor=world.consumer_user, reason="与商家相识")
    with pytest.raises(PermissionDenied):  # the bureau decides a recusal request
        case_transition(case=case, action="decide_recusal", actor=association_staff, ground="refused", reason="x")
    case_transition(case=case, action="decide_recusal", actor=world.shop_official, ground="refused", reason="不成立")
    mediation_terminate(actor=lead, reason="agreement_impossible")
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    with pytest.raises(PermissionDenied):
        case_transition(case=case, action="close", actor=association_staff)
