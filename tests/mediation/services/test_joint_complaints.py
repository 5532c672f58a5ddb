"""Joint complaints, Order 121 Art. 12: "投诉人为两人以上，基于同一消费者权益争议投诉同一经营者的，经投诉人同意，
市场监督管理部门可以按共同投诉处理。共同投诉可以由投诉人书面推选两名代表人进行投诉。代表人的投诉行为对其代表的
投诉人发生效力，但代表人变更、放弃投诉请求或者与被投诉人达成调解协议的，应当经被代表的投诉人同意。" """

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.models import CaseStatus, JointComplaint
from mediation.selectors.cases import mediation_consents
from mediation.services.errors import TransitionNotAllowed
from mediation.services.joint import joint_complaint_propose, joint_representatives_elect
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for
from tests.mediation.web.pages import browser, page

DISPUTE = "同一批次格力空调安装后不制冷，商家拒绝退货"


@pytest.fixture
def three(world):
    """Three complainants' accepted complaints against the same shop: 张三's, 李四's and 王五's."""
    cases = [
        factories.complaint(consumer=consumer, entity=world.shop)
        for consumer in (
            world.consumer,
            factories.consumer(real_name="李四", phone="13900001111"),
            factories.consumer(real_name="王五", phone="13900002222"),
        )
    ]
    return [case_transition(case=case, action="accept", actor=world.shop_official) for case in cases]


def _propose(world, cases):
    return joint_complaint_propose(
        official_user=world.shop_official, numbers=[case.number for case in cases], dispute=DISPUTE
    )


def _all_agree(world, cases):
    for case in cases:
        case_transition(case=case, action="consent_to_joint_handling", actor=case.consumer.user)


def _elected(world, three):
    joint = _propose(world, three)
    _all_agree(world, three)
    return joint_representatives_elect(
        official_user=world.shop_official,
        joint=joint,
        numbers=[three[0].number],
        election_record="三名投诉人书面推选张三为代表人，12月2日收到",
    )


def test_only_complaints_of_different_complainants_against_one_business_are_joined(world, three):
    other_shop = factories.complaint(
        consumer=factories.consumer(real_name="赵六", phone="13900003333"),
        entity=factories.shop(name="杭州西湖另一家电器店"),
    )
    same_person = factories.complaint(consumer=world.consumer, entity=world.shop)
    mediating = factories.with_status(
        factories.complaint(consumer=factories.consumer(real_name="孙七", phone="13900004444"), entity=world.shop),
        "mediating",
    )
    elsewhere = factories.complaint(
        consumer=factories.consumer(real_name="周八", phone="13900005555"),
        entity=factories.shop(region="440305", name="深圳南山电器店"),
    )
    for cases in (
        [three[0]],
        [three[0], other_shop],
        [three[0], same_person],
        [three[0], mediating],
        [three[0], elsewhere],  # not this bureau's complaint
    ):
        with pytest.raises(ValidationError) as refused:
            _propose(world, cases)
        assert "cases" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        joint_complaint_propose(official_user=world.shop_official, numbers=[c.number for c in three], dispute=" ")
    assert "dispute" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        joint_complaint_propose(official_user=world.shop_staff, numbers=[c.number for c in three], dispute=DISPUTE)
    assert not JointComplaint.objects.exists()

    _propose(world, three)
    for case in three:
        assert case.events.order_by("-id").first().action == "propose_joint_handling"
    with pytest.raises(ValidationError):  # one joint complaint at most
        _propose(
            world, [three[0], factories.complaint(consumer=factories.consumer(real_name="吴九"), entity=world.shop)]
        )


def test_each_complainant_agrees_or_is_handled_alone(world, three):
    joint = _propose(world, three[:2])
    # Nothing binds before every complainant agreed and the representatives were elected.
    with pytest.raises(TransitionNotAllowed):
        joint_representatives_elect(
            official_user=world.shop_official, joint=joint, numbers=[three[0].number], election_record="推选书"
        )
    case_transition(case=three[0], action="consent_to_joint_handling", actor=world.consumer_user)
    with pytest.raises(TransitionNotAllowed):  # agreed once
        case_transition(case=three[0], action="consent_to_joint_handling", actor=world.consumer_user)
    with pytest.raises(PermissionDenied):  # nobody agrees for another complainant
        case_transition(case=three[1], action="consent_to_joint_handling", actor=world.consumer_user)
    # 李四 declines: a joint complaint of one complaint is no joint complaint.
    case_transition(case=three[1], action="decline_joint_handling", actor=three[1].consumer.user)
    assert not JointComplaint.objects.exists()
    assert three[0].events.order_by("-id").first().action == "leave_joint_handling"
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=three[0], action="consent_to_joint_handling", actor=world.consumer_user)


def test_one_or_two_representatives_from_among_the_complainants(world, three):
    joint = _propose(world, three)
    _all_agree(world, three)
    elect = {"official_user": world.shop_official, "joint": joint, "election_record": "书面推选，12月2日收到"}
    outsider = factories.complaint(consumer=factories.consumer(real_name="郑十"), entity=world.shop)
    for numbers in ([], [case.number for case in three], [outsider.number]):
        with pytest.raises(ValidationError) as refused:
            joint_representatives_elect(**elect, numbers=numbers)
        assert "representatives" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        joint_representatives_elect(**{**elect, "election_record": ""}, numbers=[three[0].number])
    assert "election_record" in refused.value.message_dict
    joint = joint_representatives_elect(**elect, numbers=[three[0].number, three[1].number])
    assert joint.elected_at is not None
    assert {m.case.number for m in joint.members.filter(is_representative=True)} == {three[0].number, three[1].number}


def test_the_representative_s_consent_and_recusal_request_count_for_those_represented(world, three):
    _elected(world, three)
    case_transition(case=three[0], action="consent_to_mediation", actor=world.consumer_user)
    for represented in three[1:]:
        assert mediation_consents(represented) == {"consumer"}
        event = represented.events.order_by("-id").first()
        assert (event.action, event.actor, event.actor_role) == (
            "consent_to_mediation",
            world.consumer_user,
            "representative",
        )
    # With the business's consent, mediation of a represented complaint may start.
    represented = three[1]
    case_transition(case=represented, action="consent_to_mediation", actor=world.shop_staff)
    assert mediation_consents(represented) == {"consumer", "business"}

    case_transition(case=three[0], action="request_recusal", actor=world.consumer_user, reason="调解员与商家相识")
    for case in three:
        case.refresh_from_db()
        assert case.suspension_ground == "recusal"


def test_giving_up_and_agreeing_stay_each_complainant_s_own(world, three):
    _elected(world, three)
    for action in ("withdraw", "accept_joint_agreement"):
        with pytest.raises(PermissionDenied):
            case_transition(case=three[1], action=action, actor=world.consumer_user)
    # 张三's complaint settles in mediation; the terms reach 李四 and 王五 for their own consent.
    case_transition(case=three[0], action="consent_to_mediation", actor=world.consumer_user)
    case_transition(case=three[0], action="consent_to_mediation", actor=world.shop_staff)
    from mediation.services.rooms import mediation_start

    mediation_start(case=three[0], actor=world.shop_official)
    three[0].refresh_from_db()
    settled = factories.settle_in_room(three[0], refund="2800")
    assert settled.status == CaseStatus.SETTLED
    li_si = three[1].consumer.user
    shown = page(browser(li_si).get(f"/cases/{three[1].number}/"))
    assert settled.settlement_terms in shown
    assert f'action="/cases/{three[1].number}/actions/accept_joint_agreement/"' in shown
    accepted = case_transition(case=three[1], action="accept_joint_agreement", actor=li_si)
    assert (accepted.status, accepted.settlement_terms) == (CaseStatus.SETTLED, settled.settlement_terms)
    three[2].refresh_from_db()
    assert three[2].status == CaseStatus.ACCEPTED  # 王五 has not accepted: nothing binds him
    recorded = case_transition(
        case=three[2], action="record_joint_agreement", actor=world.shop_official, reason="王五电话表示接受"
    )
    assert recorded.status == CaseStatus.SETTLED


def test_no_agreement_no_acceptance(world, three):
    _elected(world, three)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=three[1], action="accept_joint_agreement", actor=three[1].consumer.user)


def test_the_other_complainants_are_named_to_the_handling_officials_only(world, three):
    _elected(world, three)
    official = client_for(world.shop_official).get(f"/api/cases/{three[1].number}/").data["joint_complaint"]
    assert {member["complainant"] for member in official["members"]} == {"张三", "李四", "王五"}
    mine = client_for(three[1].consumer.user).get(f"/api/cases/{three[1].number}/")
    assert mine.data["joint_complaint"]["others"] == 2
    assert "张三" not in str(mine.data["joint_complaint"]) and "王五" not in mine.content.decode()
    business = client_for(world.shop_staff).get(f"/api/cases/{three[1].number}/")
    assert "joint_complaint" not in business.data and "张三" not in business.content.decode()


def test_the_official_joins_complaints_and_records_the_election_on_the_pages_and_the_api(world, three):
    official = browser(world.shop_official)
    refused = official.post(
        f"/cases/{three[0].number}/joint/", {"joint-others": "TS00000000", "joint-dispute": DISPUTE}
    )
    assert refused.status_code == 400
    done = official.post(
        f"/cases/{three[0].number}/joint/",
        {"joint-others": f"{three[1].number}，{three[2].number}", "joint-dispute": DISPUTE},
    )
    assert done.status_code == 302
    joint = JointComplaint.objects.get()
    assert joint.members.count() == 3
    api = client_for(world.shop_official)
    too_early = api.post(
        f"/api/joint-complaints/{joint.pk}/representatives/",
        {"representatives": [three[0].number], "election_record": "推选书"},
        format="json",
    )
    assert too_early.status_code == 409
    _all_agree(world, three)
    elected = official.post(
        f"/cases/{three[0].number}/joint/representatives/",
        {"elect-representatives": [three[0].number], "elect-election_record": "书面推选，12月2日收到"},
    )
    assert elected.status_code == 302
    assert api.get(f"/api/joint-complaints/{joint.pk}/").data["members"][0]["representative"] is True
    assert client_for(world.outsider_official).get(f"/api/joint-complaints/{joint.pk}/").status_code == 404
    created = api.post(
        "/api/joint-complaints/",
        {"cases": [three[0].number, three[1].number], "dispute": DISPUTE},
        format="json",
    )
    assert created.status_code == 400 and "cases" in created.data  # already joined
