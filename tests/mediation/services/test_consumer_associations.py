"""Consumer associations as a third kind of handler, against docs/legal-rules.md, "Consumer associations
(CRPL Art. 37, 39)": 消费者权益保护法 Art. 37(5) "受理消费者的投诉，并对投诉事项进行调查、调解" and Art. 39(2)
"请求消费者协会或者依法成立的其他调解组织调解". An association has no administrative powers: no reports, no
cases opened, no penalties, no forwarding or taking over."""

import decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.models import Authority, AuthorityKind, CaseKind, CaseStatus, IntakeChannel, NoticeKind, Region
from mediation.selectors.notices import notice_text
from mediation.services.cases import complaint_submit, mixed_submit, report_submit
from mediation.services.errors import TransitionNotAllowed
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition, transitions_open_to
from tests import factories, legal_rules

MOVES = legal_rules.table("association-moves")
ALLOWED = [row["Move"] for row in MOVES if row["Association"].startswith("yes")]
REFUSED = [row["Move"] for row in MOVES if row["Association"] == "no"]

COMPLAINT = {
    "facts": "空调用了一周就不制冷，商家拒绝退货。",
    "category": "G02",
    "demand": "refund",
    "amount": decimal.Decimal("3500.00"),
}


def _association(code: str) -> Authority:
    return Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id=code)


@pytest.fixture
def county_association(world):
    return _association("330106")  # 杭州市西湖区, where the shop operates


@pytest.fixture
def association_staff(county_association):
    return factories.official(county_association)


def _to_association(world, handler="county_association", **extra):
    return factories.complaint(consumer=world.consumer, entity=world.shop, handler=handler, **extra)


# --- Reference data ------------------------------------------------------------------------------


def test_every_current_prefecture_and_county_of_the_mainland_has_one_association(db):
    regions = Region.objects.filter(is_current=True, is_cross_border=False, level__in=("prefecture", "county"))
    regions = regions.exclude(name__in=("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"))
    without = regions.exclude(authorities__kind=AuthorityKind.CONSUMER_ASSOCIATION)
    assert list(without.values_list("code", flat=True)) == []
    assert regions.count() > 3000
    # None for the provinces, the places outside the mainland or abolished codes.
    assert not Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION, region__level="province").exists()
    assert not Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION, region__is_cross_border=True).exists()
    assert not Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION, region__is_current=False).exists()


@pytest.mark.parametrize(
    ("code", "name", "name_en"),
    [
        ("330106", "杭州市西湖区消费者协会", "Consumer Association (杭州市西湖区)"),
        ("330100", "杭州市消费者协会", "Consumer Association (杭州市)"),
        ("330182", "建德市消费者协会", "Consumer Association (建德市)"),
        ("110105", "北京市朝阳区消费者协会", "Consumer Association (北京市朝阳区)"),
    ],
)
def test_associations_are_named_after_their_place(db, code, name, name_en):
    association = _association(code)
    assert (association.name, association.name_en) == (name, name_en)


# --- Filing --------------------------------------------------------------------------------------


def test_a_complaint_goes_to_the_association_of_the_county_of_the_bureau_it_would_go_to(world, county_association):
    to_bureau = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = _to_association(world)
    assert to_bureau.handling_authority == world.shop_bureau
    assert case.handling_authority == county_association
    # The association handles it alone: the consumer's home bureau does not co-mediate.
    assert to_bureau.co_mediating_authority == world.home_bureau
    assert (case.co_mediating_authority, case.is_cross_region) == (None, False)
    assert case.status == CaseStatus.SUBMITTED
    assert case.acceptance_due == to_bureau.acceptance_due  # Order 121 Art. 15 by analogy


def test_or_to_the_association_of_its_city(world):
    case = _to_association(world, handler="city_association")
    assert case.handling_authority == _association("330100")


def test_a_place_without_an_association_of_that_level_is_refused_with_the_other_choices(world, english):
    Authority.objects.filter(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330106").delete()
    with pytest.raises(ValidationError) as refused:
        _to_association(world)
    assert "city" in refused.value.message_dict["handler"][0]


def test_an_unknown_handler_is_refused(world, english):
    with pytest.raises(ValidationError) as refused:
        _to_association(world, handler="court")
    assert "handler" in refused.value.message_dict


def test_a_report_sent_to_an_association_is_refused_naming_the_bureau(world, english):
    for handler in ("county_association", "city_association"):
        with pytest.raises(ValidationError) as refused:
            factories.report(reporter=world.consumer, entity=world.shop, handler=handler)
        (message,) = refused.value.message_dict["handler"]
        assert "market-regulation bureau" in message
        assert "complaints only" in message


def test_a_mixed_submission_sends_the_complaint_to_the_association_and_the_report_to_the_bureau(
    world, county_association
):
    complaint, report = mixed_submit(
        complaint={"consumer": world.consumer, "entity": world.shop, "handler": "county_association", **COMPLAINT},
        report={"reporter": world.consumer, "entity": world.shop, "facts": "无3C标志", "violation_type": "counterfeit"},
    )
    assert complaint.handling_authority == county_association
    assert report.handling_authority == world.shop_bureau
    assert report.kind == CaseKind.REPORT


def test_a_hotline_caller_may_choose_the_association(world, county_association):
    caller = factories.consumer(real_name="李四", phone="13900001111")
    case = complaint_submit(
        consumer=caller,
        entity=world.shop,
        entered_by=world.shop_official,
        intake_channel=IntakeChannel.HOTLINE,
        handler="county_association",
        **COMPLAINT,
    )
    assert case.handling_authority == county_association


def test_a_business_outside_the_mainland_stays_with_the_bureau(world, english):
    abroad = factories.shop(region="810000", name="香港海港城电器行", country_code="HK")
    with pytest.raises(ValidationError) as refused:
        factories.complaint(consumer=world.consumer, entity=abroad, handler="county_association")
    assert "outside the mainland" in refused.value.message_dict["handler"][0]


# --- Moves, from the table of docs/legal-rules.md ------------------------------------------------


def test_the_table_names_every_move_an_official_takes_on_a_complaint():
    from mediation.services.transitions import TRANSITIONS, Role

    officials = {
        t.action for t in TRANSITIONS if t.kind == "complaint" and Role.HANDLING_OFFICIAL in t.actors and t.action
    } - {"record_joint_consent", "record_joint_agreement"}  # joint handling: a bureau's proposal first
    assert officials <= set(ALLOWED) | set(REFUSED)


@pytest.mark.parametrize("action", REFUSED)
def test_moves_of_a_market_regulation_department_are_refused_to_association_staff(
    world, association_staff, action, english
):
    complaint = _to_association(world)
    report = factories.report(reporter=world.consumer, entity=world.shop)
    for case in (complaint, report):
        with pytest.raises(PermissionDenied) as refused:
            case_transition(
                case=case, action=action, actor=association_staff, reason="理由", ground="x", to_authority=None
            )
        assert "no administrative powers" in str(refused.value)
        assert action not in [t.action for t in transitions_open_to(user=association_staff, case=case)]


def test_association_staff_see_no_report(world, association_staff):
    report = factories.report(reporter=world.consumer, entity=world.shop)
    assert transitions_open_to(user=association_staff, case=report) == []


def _offered(staff, case) -> set[str]:
    return {t.action for t in transitions_open_to(user=staff, case=case)}


def test_the_association_accepts_returns_and_refuses_like_a_bureau(world, association_staff):
    case = _to_association(world)
    assert {"accept", "not_accept", "return"} <= _offered(association_staff, case)
    assert {"forward", "dispute_jurisdiction"} & _offered(association_staff, case) == set()
    with pytest.raises(PermissionDenied):  # the bureau has no hand in it
        case_transition(case=case, action="accept", actor=world.shop_official)
    refused = case_transition(
        case=case, action="not_accept", actor=association_staff, ground="not_daily_consumption", reason="经营性购买"
    )
    assert refused.status == CaseStatus.NOT_ACCEPTED
    case_transition(case=refused, action="close", actor=association_staff)


def test_the_association_mediates_in_the_room_and_settles(world, association_staff):
    case = case_transition(case=_to_association(world), action="accept", actor=association_staff)
    assert case.business_notified_at is not None  # the business is told, and may answer
    offered = _offered(association_staff, case)
    assert {"record_consent", "start_mediation", "suspend_mediation", "terminate"} <= offered
    assert not {"entrust_mediation", "record_entrustment_consent"} & offered
    case = factories.consent_both(case, official=association_staff)
    room = mediation_start(case=case, actor=association_staff)
    lead = room.participants.get(role="lead_mediator")
    assert lead.user == association_staff
    assert "杭州市西湖区消费者协会" in lead.display_name
    assert {seat.role for seat in room.participants.all()} == {"lead_mediator", "consumer", "merchant"}
    case = factories.settle_in_room(case)
    assert case.status == CaseStatus.SETTLED
    assert case_transition(case=case, action="close", actor=association_staff).status == CaseStatus.CLOSED


def test_the_parties_cannot_ask_to_entrust_an_associations_mediation(world, association_staff):
    case = case_transition(case=_to_association(world), action="accept", actor=association_staff)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="consent_to_entrustment", actor=world.consumer_user)


def test_a_bureau_above_cannot_take_an_associations_complaint_over(world, association_staff):
    case = _to_association(world)
    with pytest.raises(PermissionDenied):
        case_transition(case=case, action="take_over", actor=world.superior_official, reason="上级提级")


def test_a_clue_found_by_the_association_goes_to_the_competent_bureau_as_a_report(world, association_staff):
    case = case_transition(case=_to_association(world), action="accept", actor=association_staff)
    case_transition(case=case, action="record_violation_clue", actor=association_staff, reason="发现销售翻新机")
    (clue,) = case.violation_clues.all()
    assert (clue.kind, clue.handling_authority, clue.consumer) == (CaseKind.REPORT, world.shop_bureau, None)
    assert clue.intake_channel == IntakeChannel.FOUND_IN_MEDIATION
    assert transitions_open_to(user=association_staff, case=clue) == []


def test_bureau_entrustment_still_reaches_an_association(world):
    """Order 121 Art. 19 keeps working: a bureau entrusts its own accepted complaint's mediation."""
    case = case_transition(
        case=factories.complaint(consumer=world.consumer, entity=world.shop), action="accept", actor=world.shop_official
    )
    factories.entrustment_consent_both(case, official=world.shop_official)
    association = _association("330100")
    case = case_transition(case=case, action="entrust_mediation", actor=world.shop_official, to_authority=association)
    assert case.entrusted_to == association
    assert case.handling_authority == world.shop_bureau


# --- Notices -------------------------------------------------------------------------------------


def test_the_notices_name_the_association(world, association_staff, english):
    accepted = case_transition(case=_to_association(world), action="accept", actor=association_staff)
    (notice,) = accepted.notices.filter(kind=NoticeKind.ACCEPTED)
    assert "accepted by 杭州市西湖区消费者协会" in notice_text(notice)
    refused = case_transition(
        case=_to_association(world, facts="另一台冰箱也坏了，商家不理。"),
        action="not_accept",
        actor=association_staff,
        ground="time_barred",
    )
    (notice,) = refused.notices.filter(kind=NoticeKind.NOT_ACCEPTED)
    text = notice_text(notice)
    assert text.startswith("杭州市西湖区消费者协会 did not accept")
    assert "market-regulation bureau (12315)" in text


def test_report_submit_to_the_bureau_is_unchanged(world):
    report = report_submit(reporter=world.consumer, entity=world.shop, facts="无3C标志", violation_type="counterfeit")
    assert report.handling_authority == world.shop_bureau


def test_a_bureau_entrusts_to_the_associations_of_its_own_region_and_above(world):
    from mediation.services.associations import entrustable_bodies

    case = factories.complaint(consumer=world.consumer, entity=world.shop)  # 杭州市西湖区's bureau
    names = set(entrustable_bodies(case).values_list("name", flat=True))
    assert names == {"杭州市西湖区消费者协会", "杭州市消费者协会"}
