"""Every legal period of a case, its exact last day worked out by hand from the texts
(docs/legal-rules.md), on the 2026 official calendar:

- National Day and Mid-Autumn: 10-01 to 10-07 off; Sunday 09-20 and Saturday 10-10 are working days;
  Friday 09-25 (Mid-Autumn) is off.
- Labour Day: 05-01 to 05-05 off; Saturday 05-09 is a working day. Dragon Boat: Friday 06-19 off.

Counting (Order 121 Art. 45): the first day is not counted; a natural-day period whose last day is a
holiday ends on the first day after it. Order 121 is in force from 2026-04-15; a period started
before keeps Order 20's numbers."""

import datetime
import zoneinfo

import pytest
import time_machine

from mediation.models import CaseStatus
from mediation.services.calendar import ScheduleDay, official_year_load
from mediation.services.errors import TransitionNotAllowed
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from mediation.services.working_days import add_natural_days, add_working_days, is_working_day
from tests import factories
from tests.conftest import client_for

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def received_on(world, day: datetime.date, hour: int = 10):
    return factories.complaint(
        consumer=world.consumer,
        entity=world.shop,
        received_at=at(day, hour),
        purchase_date=day - datetime.timedelta(days=10),
    )


def accepted_on(world, day: datetime.date):
    case = received_on(world, day - datetime.timedelta(days=1))
    with time_machine.travel(at(day), tick=False):
        return case_transition(case=case, action="accept", actor=world.shop_official)


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # the whole break is skipped
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # ...and the make-up Saturday counts
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday + 1 is the make-up Sunday
        (D(2026, 9, 24), 1, D(2026, 9, 28)),  # Mid-Autumn (09-25) and the weekend are off
    ],
)
def test_working_days_skip_days_off_and_count_make_up_days(db, start, count, due):
    assert add_working_days(start, count) == due


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (D(2026, 6, 1), 60, D(2026, 7, 31)),  # an ordinary Friday
        (D(2026, 8, 3), 60, D(2026, 10, 8)),  # 10-02 is in the National Day break: the day after it
        (D(2026, 8, 11), 60, D(2026, 10, 10)),  # the make-up Saturday is no holiday
        (D(2026, 6, 2), 60, D(2026, 8, 3)),  # Saturday 08-01 is a day off: the Monday
        (D(2026, 7, 3), 90, D(2026, 10, 8)),  # 10-01, the first day of the break
    ],
)
def test_natural_days_do_not_count_the_first_day_and_end_after_a_holiday(db, start, count, due):
    assert add_natural_days(start, count) == due


def test_the_official_calendar_of_2026(db):
    assert not is_working_day(D(2026, 10, 1))
    assert is_working_day(D(2026, 10, 10))  # Saturday, made a working day
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_complaint_acceptance_decision_is_due_seven_working_days_after_receipt(world):
    case = received_on(world, D(2026, 9, 29), 15)
    # 09-30, then 10-08, 09, 10 (make-up Saturday), 12, 13, 14.
    assert case.acceptance_due == D(2026, 10, 14)
    assert case.next_due == case.acceptance_due


def test_mediation_period_runs_sixty_natural_days_from_acceptance(world):
    """Order 121 Art. 23(5): 自投诉受理之日起六十日内. An accepted complaint has its due date before
    anyone opens a room."""
    case = accepted_on(world, D(2026, 8, 3))
    assert case.status == CaseStatus.ACCEPTED
    assert case.mediation_due == D(2026, 10, 8)  # day 60 is 10-02, in the National Day break
    assert case.next_due == case.mediation_due
    deadline = case.deadlines.get(period="mediation", is_open=True)
    assert (deadline.number, deadline.unit, deadline.citation) == (
        60,
        "natural_days",
        "SAMR Order 121 (2025) Art. 23(5)",
    )


def test_mediation_period_keeps_order_20_when_accepted_before_order_121(world):
    """Order 20 Art. 21(5): 45 working days from acceptance, for a complaint accepted on 2026-04-14.
    Counted by hand: 04-15..17 (3), 04-20..24 (8), 04-27..30 (12), 05-01..05 off, 05-06..08 (15),
    Saturday 05-09 (16), 05-11..06-12 (41), 06-15..18 (45)."""
    assert accepted_on(world, D(2026, 4, 14)).mediation_due == D(2026, 6, 18)
    # Accepted on the day Order 121 took effect: 60 natural days end on Sunday 06-14, so Monday.
    assert accepted_on(world, D(2026, 4, 15)).mediation_due == D(2026, 6, 15)


def test_an_idle_accepted_complaint_shows_as_overdue(world):
    from mediation.selectors.cases import QueueBucket, authority_queue

    case = accepted_on(world, D(2026, 6, 1))
    authority = world.shop_official.official.authority
    assert case not in authority_queue(authority=authority, bucket=QueueBucket.OVERDUE, today=D(2026, 7, 31))
    assert case in authority_queue(authority=authority, bucket=QueueBucket.OVERDUE, today=D(2026, 8, 1))


def test_testing_time_is_not_counted_in_the_mediation_period(world):
    """Order 121 Art. 22: accepted 06-01 (due 07-31); testing from 06-10 to 06-20 stops the clock for
    10 days, so the period ends on day 70, Monday 08-10."""
    case = accepted_on(world, D(2026, 6, 1))
    with time_machine.travel(at(D(2026, 6, 10)), tick=False):
        case = case_transition(
            case=case, action="suspend_mediation", actor=world.shop_official, ground="testing", reason="送检空调压缩机"
        )
    assert case.next_due is None  # nothing runs while the test is done
    with time_machine.travel(at(D(2026, 6, 20)), tick=False):
        case = case_transition(case=case, action="resume_mediation", actor=world.shop_official, reason="检测报告已出")
    assert case.mediation_due == D(2026, 8, 10)
    assert case.next_due == case.mediation_due
    assert case.mediation_suspended_since is None


def test_a_recusal_request_suspends_mediation_until_it_is_decided(world):
    """Order 121 Art. 21: the business asks on 06-10 that the mediator step aside; mediation cannot
    start until the bureau decides on 06-12. Two days do not count: day 62 is Sunday 08-02, so 08-03."""
    case = factories.consent_both(accepted_on(world, D(2026, 6, 1)))
    with time_machine.travel(at(D(2026, 6, 10)), tick=False):
        case = case_transition(case=case, action="request_recusal", actor=world.shop_staff, reason="调解员是消费者亲属")
    assert case.suspension_ground == "recusal"
    with pytest.raises(TransitionNotAllowed):
        mediation_start(case=case, actor=world.shop_official)
    with time_machine.travel(at(D(2026, 6, 12)), tick=False):
        case = case_transition(
            case=case,
            action="decide_recusal",
            actor=world.shop_official,
            ground="refused",
            reason="回避申请不成立，驳回",
        )
    assert case.mediation_due == D(2026, 8, 3)


def test_termination_notice_is_due_seven_working_days_after_the_decision(world):
    case = accepted_on(world, D(2026, 9, 1))
    case = factories.with_status(case, CaseStatus.MEDIATING)
    with time_machine.travel(at(D(2026, 9, 30)), tick=False):
        case = case_transition(
            case=case, action="terminate", actor=world.shop_official, ground="agreement_impossible", in_room=True
        )
    assert case.termination_notice_due == D(2026, 10, 15)  # 10-08, 09, 10, 12, 13, 14, 15
    assert case.next_due == case.termination_notice_due
    assert not case.deadlines.filter(period="mediation", is_open=True).exists()


def test_withdrawal_during_mediation_is_told_to_both_parties_within_seven_working_days(world):
    """Order 121 Art. 23(1) and its last paragraph: withdrawal ends mediation, and both parties are told."""
    case = accepted_on(world, D(2026, 9, 1))
    with time_machine.travel(at(D(2026, 9, 30)), tick=False):
        case = case_transition(case=case, action="withdraw", actor=world.consumer_user)
    assert case.status == CaseStatus.WITHDRAWN
    assert case.termination_reason == "withdrawn"
    assert case.termination_notice_due == D(2026, 10, 15)


def test_report_verification_runs_fifteen_working_days_from_receipt_extendable_by_fifteen(world):
    """Penalty procedure Art. 18: 15 working days from receipt to the decision whether to open a case."""
    case = factories.report(reporter=world.consumer, entity=world.shop, received_at=at(D(2026, 9, 29)))
    # 09-30, 10-08, 09, 10, 12..16 (9), 19..23 (14), 26 (15).
    assert case.verification_due == D(2026, 10, 26)
    case = case_transition(case=case, action="start_verification", actor=world.shop_official)
    case = case_transition(case=case, action="extend_verification", actor=world.shop_official, reason="需检测")
    assert case.verification_due == D(2026, 11, 16)  # 10-27..30 (4), 11-02..06 (9), 09..13 (14), 16
    assert case.penalty_decision_due is None  # nothing runs towards a penalty before a case is opened


def test_opened_case_is_decided_within_ninety_days_extendable_by_thirty(world):
    """Penalty procedure Art. 64: 90 natural days from opening (立案), extendable by 30."""
    case = factories.with_status(
        factories.report(reporter=world.consumer, entity=world.shop, received_at=at(D(2026, 6, 20))),
        CaseStatus.VERIFYING,
    )
    with time_machine.travel(at(D(2026, 7, 3)), tick=False):
        case = case_transition(case=case, action="open_case", actor=world.shop_official)
    assert case.penalty_decision_due == D(2026, 10, 8)  # day 90 is 10-01
    assert case.next_due == case.penalty_decision_due
    case = case_transition(case=case, action="extend_decision", actor=world.shop_official, reason="案情复杂")
    assert case.penalty_decision_due == D(2026, 11, 2)  # day 120 is Saturday 10-31
    case = case_transition(
        case=case, action="decide", actor=world.shop_official, ground="penalty", reason="杭西市监罚〔2026〕12号"
    )
    assert case.status == CaseStatus.DECIDED
    assert case.report_decision == "penalty"
    assert case.next_due is None


def test_deadlines_over_an_unpublished_year_are_provisional_until_the_year_is_loaded(world):
    """No 2027 schedule was published on 2026-12-03: count weekdays, mark provisional, and count
    again when an administrator loads the year. The schedule loaded here is made up for the test."""
    received = received_on(world, D(2026, 12, 28))
    # 12-29, 30, 31, then Friday 2027-01-01 counted as a weekday, 01-04, 05, 06.
    assert received.acceptance_due == D(2027, 1, 6)
    assert received.deadlines.get(period="acceptance_decision").provisional
    accepted = accepted_on(world, D(2026, 12, 1))
    assert accepted.mediation_due == D(2027, 2, 1)  # day 60 is Saturday 2027-01-30

    moved = official_year_load(
        year=2027,
        source="test schedule",
        days=[ScheduleDay(D(2027, 1, 1), False, "元旦"), ScheduleDay(D(2027, 1, 30), True)],
    )
    assert moved == 2
    received.refresh_from_db()
    accepted.refresh_from_db()
    assert received.acceptance_due == D(2027, 1, 7)  # 2027-01-01 is now a day off
    assert received.next_due == D(2027, 1, 7)
    assert accepted.mediation_due == D(2027, 1, 30)  # now a working Saturday
    assert not received.deadlines.get(period="acceptance_decision").provisional


def test_moves_on_the_record_do_not_restart_the_mediation_period(world):
    case = accepted_on(world, D(2026, 6, 1))
    with time_machine.travel(at(D(2026, 6, 20)), tick=False):
        case = factories.consent_both(case)
        case = case_transition(case=case, action="respond", actor=world.shop_staff, reason="同意上门检测")
    assert case.mediation_due == D(2026, 7, 31)


def test_a_violation_found_in_mediation_is_verified_within_fifteen_working_days_by_the_same_bureau(world):
    """Order 121 Art. 27: 自发现之日起十五个工作日内予以核查 ... 可以延长十五个工作日."""
    case = accepted_on(world, D(2026, 9, 1))
    with time_machine.travel(at(D(2026, 9, 29)), tick=False):
        case = case_transition(
            case=case, action="record_violation_clue", actor=world.shop_official, reason="商家承认销售的空调是翻新机"
        )
    assert case.status == CaseStatus.ACCEPTED and case.mediation_due == D(2026, 11, 2)  # mediation goes on
    (clue,) = case.violation_clues.all()
    assert (clue.kind, clue.intake_channel, clue.consumer, clue.facts) == (
        "report",
        "mediation_clue",
        None,
        "商家承认销售的空调是翻新机",
    )
    assert clue.handling_authority == case.handling_authority
    assert clue.verification_due == D(2026, 10, 26)
    deadline = clue.deadlines.get(is_open=True)
    assert deadline.citation == "SAMR Order 121 (2025) Art. 27"
    clue = case_transition(case=clue, action="start_verification", actor=world.shop_official)
    clue = case_transition(case=clue, action="extend_verification", actor=world.shop_official, reason="需检测")
    assert clue.verification_due == D(2026, 11, 16)
    assert "翻新机" not in client_for(world.shop_staff).get(f"/api/cases/{case.number}/").content.decode()
    assert client_for(world.shop_staff).get(f"/api/cases/{clue.number}/").status_code == 404


def test_an_agreement_waits_for_its_performance_and_a_consumer_may_report_it_not_performed(world):
    """Order 121 Art. 24, 25: the agreement recorded with a day to perform it by keeps the case due on
    that day; the consumer confirms performance, or reports it not performed and is told the routes."""
    from mediation.services.rooms import mediation_start
    from mediation.services.settlement import agreement_record, document_sign, proposal_make, proposal_respond

    case = factories.consent_both(accepted_on(world, D(2026, 11, 2)))
    room = mediation_start(case=case, actor=world.shop_official)
    seats = {seat.role: seat for seat in room.participants.all()}
    proposal = proposal_make(seat=seats["merchant"], terms={"refund_amount": "3500", "perform_by": "2026-12-20"})
    proposal_respond(seat=seats["consumer"], number=proposal.number, response="accept")
    document_sign(seat=seats["consumer"])
    document_sign(seat=seats["merchant"])
    agreement_record(seat=seats["lead_mediator"])
    case.refresh_from_db()
    assert (case.status, case.perform_by, case.next_due) == (CaseStatus.SETTLED, D(2026, 12, 20), D(2026, 12, 20))

    with time_machine.travel(at(D(2026, 12, 22)), tick=False):
        case = case_transition(
            case=case, action="report_non_performance", actor=world.consumer_user, reason="到期没有退款"
        )
    assert case.next_due == D(2026, 12, 22)  # in the bureau's queue now
    notice = case.notices.get(kind="not_performed")
    assert notice.recipient == "consumer" and notice.legal_source == "SAMR Order 121 (2025) Art. 25"
    case = case_transition(case=case, action="confirm_performance", actor=world.shop_official, reason="电话核实已退款")
    assert case.performance_confirmed_at is not None and case.next_due is None
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="confirm_performance", actor=world.consumer_user)
