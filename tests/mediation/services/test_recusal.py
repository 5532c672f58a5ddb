"""A party's recusal request and the bureau's decision on it (Order 121 Art. 21): "投诉人或者被投诉人对
调解人员提出回避申请的，市场监督管理部门应当中止调解，并作出是否回避的决定。" """

import pytest
from django.core.exceptions import ValidationError

from mediation.models import CaseStatus, RoomEvent, RoomParticipant
from mediation.services.errors import TransitionNotAllowed
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_tools import mediation_terminate
from mediation.services.transitions import case_transition
from tests import factories


@pytest.fixture
def room_world(places):
    return factories.RoomWorld()


def _ask_recusal(world):
    return case_transition(
        case=world.case, action="request_recusal", actor=world.consumer_user, reason="调解员是商家老板的表哥"
    )


def test_the_request_suspends_mediation_until_the_bureau_decides(room_world):
    case = _ask_recusal(room_world)
    assert case.mediation_suspended_since is not None
    # Only the decision on the request resumes mediation.
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="resume_mediation", actor=room_world.shop_official, reason="继续")
    case = case_transition(
        case=case,
        action="decide_recusal",
        actor=room_world.shop_official,
        ground="refused",
        reason="经核实无亲属关系",
    )
    assert case.mediation_suspended_since is None
    assert case.status == CaseStatus.MEDIATING
    event = case.events.order_by("-id").first()
    assert (event.action, event.ground, event.reason) == ("decide_recusal", "refused", "经核实无亲属关系")
    lead = RoomParticipant.objects.get(room=room_world.room, role="lead_mediator")
    assert lead.user == room_world.shop_official


def test_there_is_nothing_to_decide_without_a_request(room_world):
    with pytest.raises(TransitionNotAllowed):
        case_transition(
            case=room_world.case, action="decide_recusal", actor=room_world.shop_official, ground="granted", reason="x"
        )
    case_transition(
        case=room_world.case,
        action="suspend_mediation",
        actor=room_world.shop_official,
        ground="testing",
        reason="送检",
    )
    with pytest.raises(TransitionNotAllowed):  # suspended for testing, not for a recusal
        case_transition(
            case=room_world.case, action="decide_recusal", actor=room_world.shop_official, ground="granted", reason="x"
        )


def test_a_granted_recusal_in_the_room_names_a_new_lead_mediator(room_world):
    case = _ask_recusal(room_world)
    colleague = factories.official(room_world.shop_bureau)
    decision = {"case": case, "action": "decide_recusal", "actor": room_world.shop_official, "ground": "granted"}

    with pytest.raises(ValidationError) as missing:
        case_transition(**decision, reason="确有亲属关系")
    assert "mediator" in missing.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:  # an official of another bureau cannot lead
        case_transition(**decision, reason="确有亲属关系", context={"mediator": room_world.outsider_official})
    assert "mediator" in elsewhere.value.message_dict
    with pytest.raises(ValidationError) as same:
        case_transition(**decision, reason="确有亲属关系", context={"mediator": room_world.shop_official})
    assert "mediator" in same.value.message_dict
    case.refresh_from_db()
    assert case.mediation_suspended_since is not None  # nothing was decided by the refused attempts

    case = case_transition(**decision, reason="确有亲属关系", context={"mediator": colleague})
    assert case.mediation_suspended_since is None
    seats = {seat.user_id: seat for seat in RoomParticipant.objects.filter(room=room_world.room)}
    assert seats[colleague.pk].role == "lead_mediator"
    recused = seats[room_world.shop_official.pk]
    assert (recused.role, recused.muted) == ("observer", True)
    told = RoomEvent.objects.filter(room=room_world.room).order_by("-seq").first()
    assert told.payload["event"] == "mediator_replaced"
    assert (told.payload["participant"], told.payload["previous"]) == (seats[colleague.pk].pk, recused.pk)

    # The recused mediator no longer ends the mediation; the new lead does.
    with pytest.raises(RoomActionRefused):
        mediation_terminate(actor=recused, reason="agreement_impossible")
    mediation_terminate(actor=seats[colleague.pk], reason="agreement_impossible")
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED


def test_a_granted_recusal_before_the_room_opens_names_nobody(world):
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), "accepted")
    case = case_transition(case=case, action="request_recusal", actor=world.shop_staff, reason="承办人与消费者相识")
    colleague = factories.official(world.shop_bureau)
    with pytest.raises(ValidationError) as raised:
        case_transition(
            case=case,
            action="decide_recusal",
            actor=world.shop_official,
            ground="granted",
            reason="回避",
            context={"mediator": colleague},
        )
    assert "mediator" in raised.value.message_dict
    case = case_transition(
        case=case, action="decide_recusal", actor=world.shop_official, ground="granted", reason="回避"
    )
    assert case.mediation_suspended_since is None


def test_a_mediator_is_named_only_when_deciding_a_recusal(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    with pytest.raises(ValidationError) as raised:
        case_transition(
            case=case, action="accept", actor=world.shop_official, context={"mediator": world.shop_official}
        )
    assert "mediator" in raised.value.message_dict


def test_the_case_page_decides_the_request_and_names_the_new_lead(room_world):
    from tests.mediation.web.pages import browser

    _ask_recusal(room_world)
    colleague = factories.official(room_world.shop_bureau)
    url = f"/cases/{room_world.number}/actions/decide_recusal/"
    official = browser(room_world.shop_official)
    refused = official.post(url, {"decide_recusal-ground": "granted", "decide_recusal-reason": "确有亲属关系"})
    assert refused.status_code == 400
    assert "decide_recusal-mediator" in refused.content.decode()
    done = official.post(
        url,
        {
            "decide_recusal-ground": "granted",
            "decide_recusal-reason": "确有亲属关系",
            "decide_recusal-mediator": colleague.pk,
        },
    )
    assert done.status_code == 302
    lead = RoomParticipant.objects.get(room=room_world.room, role="lead_mediator")
    assert lead.user == colleague
