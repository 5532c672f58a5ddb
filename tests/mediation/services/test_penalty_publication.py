"""Penalty decisions on reports, published by 市场监督管理行政处罚信息公示规定 (SAMR Order 45, 2021). The
expected numbers and outcomes are the rows of docs/legal-rules.md ("Publication of penalties"),
written from the text; the dates of the deadlines were counted by hand on the 2026 calendar."""

import datetime
import decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from mediation.models import (
    CaseStatus,
    EntityKind,
    PenaltyDecision,
    PenaltyPublicationEvent,
    PenaltyRequestStatus,
    PublicationStatus,
)
from mediation.selectors.penalties import published_penalties
from mediation.services.errors import TransitionNotAllowed
from mediation.services.penalties import (
    penalty_correction_request,
    penalty_decision_correct,
    penalty_decision_publish,
    penalty_decision_withdraw,
    penalty_early_stop_apply,
    penalty_publications_end,
    penalty_request_decide,
    publication_preview,
    publication_refusal,
)
from mediation.services.registry import entity_register
from mediation.services.synthetic_registry import synthetic_uscc
from mediation.services.transitions import case_transition
from mediation.services.working_days import WorkingCalendar
from tests import factories
from tests.legal_rules import table
from tests.mediation import penalty_world as pw

NUMBERS = {row["Key"]: row for row in table("penalty-publication-numbers")}
OUTCOMES = table("penalty-publication-outcomes")


def number(key: str) -> int:
    return int(NUMBERS[key]["Number"])


@pytest.fixture
def report(world, english):
    world.reporter = pw.reporter()
    world.report = pw.opened_report(reporter=world.reporter, entity=world.shop, official=world.shop_official)
    return world


def actions(decision) -> list[str]:
    return list(PenaltyPublicationEvent.objects.filter(decision=decision).values_list("action", flat=True))


# Recording --------------------------------------------------------------------------------------


def test_recording_on_an_opened_report_decides_it_with_a_penalty_and_publishes(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    report.report.refresh_from_db()
    assert (report.report.status, report.report.report_decision) == (CaseStatus.DECIDED, "penalty")
    assert report.report.events.filter(action="decide", ground="penalty").count() == 1
    assert decision.publication_status == PublicationStatus.PUBLISHED
    assert decision.entity == report.shop and decision.authority == report.shop_bureau
    assert decision.published_at is not None
    assert actions(decision) == ["recorded", "published"]


def test_a_report_decided_with_a_penalty_without_its_decision_gets_it_recorded(report):
    case = case_transition(
        case=report.report, action="decide", actor=report.shop_official, ground="penalty", reason="罚款"
    )
    decision = pw.recorded(case=case, official=report.shop_official)
    assert decision.publication_status == PublicationStatus.PUBLISHED
    assert case.events.filter(action="decide").count() == 1


@pytest.mark.parametrize("status", ["submitted", "verifying", "not_opened", "closed"])
def test_no_decision_is_recorded_before_a_case_is_opened_or_after_another_end(report, status):
    case = factories.with_status(report.report, status)
    with pytest.raises(TransitionNotAllowed):
        pw.recorded(case=case, official=report.shop_official)
    assert not PenaltyDecision.objects.exists()


def test_a_report_decided_without_a_penalty_gets_no_penalty_decision(report):
    case = case_transition(
        case=report.report,
        action="decide",
        actor=report.shop_official,
        ground="no_penalty_not_established",
        reason="违法事实不成立",
    )
    with pytest.raises(TransitionNotAllowed):
        pw.recorded(case=case, official=report.shop_official)


def test_only_the_handling_bureau_records_it(report):
    for outsider in (report.outsider_official, report.home_official, report.superior_official, report.shop_staff):
        with pytest.raises(PermissionDenied):
            pw.recorded(case=report.report, official=outsider)
    assert not PenaltyDecision.objects.exists()
    report.report.refresh_from_db()
    assert report.report.status == CaseStatus.CASE_OPENED


def test_one_decision_per_case_and_per_document_number(report):
    pw.recorded(case=report.report, official=report.shop_official)
    with pytest.raises(TransitionNotAllowed):
        pw.recorded(case=report.report, official=report.shop_official, document_number="杭西市监处罚〔2026〕16号")
    other = pw.opened_report(
        reporter=factories.consumer(real_name="李四", phone="13900001111"),
        entity=report.shop,
        official=report.shop_official,
    )
    with pytest.raises(ValidationError) as refused:
        pw.recorded(case=other, official=report.shop_official)
    assert "document_number" in refused.value.message_dict
    other.refresh_from_db()
    assert other.status == CaseStatus.CASE_OPENED  # the move rolled back with the refusal


def test_the_fields_are_checked(report):
    with pytest.raises(ValidationError) as refused:
        pw.recorded(
            case=report.report,
            official=report.shop_official,
            document_number="",
            penalty_kinds=["fine", "flogging"],
            fine_amount="-1",
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
            restriction_until=datetime.date(2030, 1, 1),
        )
    assert {"document_number", "penalty_kinds", "fine_amount", "decided_on", "restriction_until"} <= set(
        refused.value.message_dict
    )
    with pytest.raises(ValidationError) as refused:
        pw.recorded(case=report.report, official=report.shop_official, fine_amount=None)
    assert "fine_amount" in refused.value.message_dict


# Art. 2: what is published ---------------------------------------------------------------------


def _entity(kind: str, places):
    if kind == "individual business":
        return entity_register(
            name="杭州西湖小李五金店",
            uscc=synthetic_uscc("330106", 777, individual=True),
            kind=EntityKind.SHOP,
            business_region=places.xihu,
            business_address="文三路8号",
        )
    return factories.shop(name="杭州西湖某某电器有限公司")


def _outcome_values(row: dict) -> dict:
    kinds, restriction = [], None
    for part in row["Penalties"].split(","):
        part = part.strip()
        if " until " in part:
            part, _until, years = part.partition(" until ")
            restriction = datetime.date(2026, 7, 6) + relativedelta(years=int(years.split()[0]))
        kinds.append(part)
    return {
        "procedure": row["Procedure"],
        "penalty_kinds": kinds,
        "fine_amount": row["Fine (yuan)"] or None,
        "restriction_until": restriction,
    }


@pytest.mark.parametrize("row", OUTCOMES, ids=lambda row: f"{row['Procedure']} {row['Penalties']} {row['Fine (yuan)']}")
def test_whether_and_how_long_a_decision_is_published(places, english, row):
    entity = _entity(row["Party"], places)
    official = factories.official(factories.bureau("330106"))
    case = pw.opened_report(reporter=pw.reporter(), entity=entity, official=official)
    decision = pw.recorded(case=case, official=official, **_outcome_values(row))
    if row["Published"] == "no":
        assert decision.publication_status == PublicationStatus.NOT_PUBLISHED
        assert publication_refusal(
            procedure=decision.procedure, penalty_kinds=decision.penalty_kinds
        )  # the officials read why
        assert decision not in published_penalties()
        return
    assert decision.publication_status == PublicationStatus.PUBLISHED
    published_on = timezone.localdate(decision.published_at)
    period = row["Public for"]
    if period == "3 months":
        assert number("short_period") == 3
        expected = published_on + relativedelta(months=number("short_period"))
    elif period == "3 years":
        expected = published_on + relativedelta(years=number("long_period"))
    else:  # until the restriction ends
        expected = _outcome_values(row)["restriction_until"]
    assert decision.publication_ends_on == expected
    # Early removal: never for the severe penalties; not for a 3-month publication; otherwise once
    # the time required has passed.
    staff = factories.merchant(entity)
    months = number("early_stop")
    pw.published_days_ago(decision, days=(published_on - (published_on - relativedelta(months=months))).days + 1)
    application = penalty_early_stop_apply(
        decision=decision, actor=staff, statement="已缴纳罚款", conditions=[1, 2, 3, 4]
    )
    if row["Early removal"] == "yes":
        assert application.status == PenaltyRequestStatus.OPEN
    else:
        assert application.status == PenaltyRequestStatus.REFUSED
        assert actions(decision)[-1] == "early_stop_refused"


# Art. 8: the party told first ------------------------------------------------------------------


def test_a_decision_waits_for_the_written_notice_then_is_published(report):
    decision = pw.recorded(case=report.report, official=report.shop_official, party_told_of_publication=False)
    assert decision.publication_status == PublicationStatus.PENDING
    assert decision not in published_penalties()
    assert decision.publication_due is not None
    decision = penalty_decision_publish(decision=decision, actor=report.shop_official)
    assert decision.publication_status == PublicationStatus.PUBLISHED and decision.party_told_of_publication
    assert actions(decision) == ["recorded", "published"]


# Art. 9, 10: when ------------------------------------------------------------------------------


def test_same_province_publishes_within_20_working_days(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    # Decided Monday 2026-07-06: 20 working days end Monday 2026-08-03 (no holiday in between).
    assert number("same_province") == 20
    assert decision.publication_due == datetime.date(2026, 8, 3)
    assert decision.publication_due == WorkingCalendar.current().add_working_days(
        datetime.date(2026, 7, 6), number("same_province")
    )


def test_another_province_pushes_within_10_and_publishes_within_10_of_receipt(places, english):
    # A business registered in 北京朝阳区 (its credit code's region) operating in 杭州西湖区.
    entity = entity_register(
        name="北京某某贸易有限公司杭州门店",
        uscc=factories.uscc("110105"),
        business_region=places.xihu,
        business_address="文三路200号",
    )
    official = factories.official(factories.bureau("330106"))
    case = pw.opened_report(reporter=pw.reporter(), entity=entity, official=official)
    values = pw.values(document_number="杭西市监处罚〔2026〕30号", party_summary="北京某某贸易有限公司")
    preview = publication_preview(case=case, actor=official, values=values)
    # Decided 2026-07-06: pushed by Monday 2026-07-20 (10 working days); received then at the latest,
    # published within 10 working days of it: Monday 2026-08-03.
    assert (number("push"), number("received")) == (10, 10)
    assert preview["push_due"] == datetime.date(2026, 7, 20)
    assert preview["due"] == datetime.date(2026, 8, 3)
    decision = pw.recorded(case=case, official=official, document_number="杭西市监处罚〔2026〕30号")
    assert decision.publication_due == datetime.date(2026, 8, 3)


# Art. 6, 7: what is published ------------------------------------------------------------------


def test_the_reporter_and_natural_persons_numbers_are_withheld_and_business_secrets_too(report):
    other_id = factories.resident_id("330106", "19850101")
    text = (
        f"经举报人张三（电话13812345678，住{pw.REPORTER_ADDRESS}）举报（编号{report.report.number}），"
        f"执法人员调查。证人王五，身份证号{other_id}，手机139-0000-1111，"
        "收款账户6222021234567890128。当事人进货价为每台38.5元，供货商为宁波某某电器厂。"
        f"当事人统一社会信用代码{report.shop.uscc}。"
    )
    decision = pw.recorded(
        case=report.report,
        official=report.shop_official,
        document_text=text,
        party_summary=f"杭州西湖鑫达家用电器有限公司，统一社会信用代码{report.shop.uscc}",
        secrets=["进货价为每台38.5元", "宁波某某电器厂"],
    )
    published = decision.document_text
    for trace in (
        "张三",
        "13812345678",
        pw.REPORTER_ADDRESS,
        report.report.number,
        other_id,
        "139-0000-1111",
        "6222021234567890128",
        "38.5",
        "宁波某某电器厂",
    ):
        assert trace not in published
    assert report.shop.uscc in published and report.shop.uscc in decision.party_summary
    assert "＊＊＊" in published and "［…］" in published
    assert "证人王五" in published  # what the rules do not ask to withhold stays as served (Art. 7)


def test_the_preview_shows_exactly_what_is_recorded(report):
    values = pw.values(document_text="举报人张三反映情况属实。决定罚款。")
    preview = publication_preview(case=report.report, actor=report.shop_official, values=values)
    assert preview["withheld"] == {"reporter": 1}
    decision = pw.recorded(case=report.report, official=report.shop_official, document_text=values["document_text"])
    assert preview["fields"]["document_text"] == decision.document_text
    report.report.refresh_from_db()
    assert report.report.status == CaseStatus.DECIDED  # the preview itself recorded nothing


# Art. 11: withdrawal ---------------------------------------------------------------------------


def test_withdrawal_needs_its_ground_and_reason_and_records_its_due_day(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    with pytest.raises(ValidationError) as refused:
        penalty_decision_withdraw(decision=decision, actor=report.shop_official, ground="", reason="", changed_on=None)
    assert {"ground", "reason", "changed_on"} <= set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        penalty_decision_withdraw(
            decision=decision,
            actor=report.outsider_official,
            ground="revoked",
            reason="复议撤销",
            changed_on=datetime.date(2026, 8, 10),
        )
    decision = penalty_decision_withdraw(
        decision=decision,
        actor=report.shop_official,
        ground="revoked",
        reason="行政复议决定撤销原处罚决定",
        changed_on=datetime.date(2026, 8, 10),
    )
    assert decision.publication_status == PublicationStatus.WITHDRAWN
    assert decision not in published_penalties()
    event = decision.events.get(action="withdrawn")
    # Changed Monday 2026-08-10: 3 working days end Thursday 2026-08-13.
    assert number("withdrawal") == 3
    assert event.changes["due"] == "2026-08-13" and event.reason == "行政复议决定撤销原处罚决定"
    with pytest.raises(TransitionNotAllowed):
        penalty_decision_withdraw(
            decision=decision, actor=report.shop_official, ground="revoked", reason="再次", changed_on=None
        )


# Art. 12: corrections --------------------------------------------------------------------------


def test_a_correction_is_audited_before_and_after_and_moves_the_end(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    published_on = timezone.localdate(decision.published_at)
    assert decision.publication_ends_on == published_on + relativedelta(months=3)
    decision = penalty_decision_correct(
        decision=decision,
        actor=report.shop_official,
        values={"fine_amount": decimal.Decimal("200000"), "penalty_text": "罚款人民币贰拾万元整。"},
        reason="罚款金额录入错误",
    )
    event = decision.events.get(action="corrected")
    assert event.changes["fine_amount"] == {"before": "5000.00", "after": "200000.00"}
    assert event.changes["penalty_text"]["before"] == "罚款人民币伍仟元整。"
    assert decision.publication_ends_on == published_on + relativedelta(years=3)
    with pytest.raises(ValidationError):  # nothing changed, or no reason
        penalty_decision_correct(decision=decision, actor=report.shop_official, values={}, reason="无")
    with pytest.raises(ValidationError):
        penalty_decision_correct(
            decision=decision, actor=report.shop_official, values={"legal_basis": "另一依据"}, reason=""
        )


def test_anyone_may_ask_for_a_correction_and_the_bureau_decides(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    with pytest.raises(ValidationError) as refused:
        penalty_correction_request(decision=decision, statement="罚款金额有误")
    assert {"name", "contact"} <= set(refused.value.message_dict)
    request = penalty_correction_request(
        decision=decision, name="赵六", contact="zhaoliu@example.com", statement="当事人住所有误，应为文三路102号"
    )
    assert actions(decision)[-1] == "correction_requested"
    with pytest.raises(PermissionDenied):
        penalty_request_decide(request=request, actor=report.outsider_official, grant=False, reason="不予更正")
    with pytest.raises(ValidationError):  # granted only by making the correction
        penalty_request_decide(request=request, actor=report.shop_official, grant=True, reason="属实")
    penalty_request_decide(
        request=request,
        actor=report.shop_official,
        grant=True,
        reason="住所更正",
        values={"party_summary": "杭州西湖鑫达家用电器有限公司，住所：杭州市西湖区文三路102号。"},
    )
    request.refresh_from_db()
    assert request.status == PenaltyRequestStatus.GRANTED
    assert actions(decision)[-1] == "corrected"
    second = penalty_correction_request(decision=decision, applicant=report.consumer_user, statement="文号有误")
    penalty_request_decide(request=second, actor=report.shop_official, grant=False, reason="文号无误")
    second.refresh_from_db()
    assert second.status == PenaltyRequestStatus.REFUSED and actions(decision)[-1] == "correction_refused"


# Art. 13: the end ------------------------------------------------------------------------------


def test_the_daily_task_ends_publication_after_the_last_day(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    last = decision.publication_ends_on
    assert penalty_publications_end(today=last) == 0
    decision.refresh_from_db()
    assert decision.publication_status == PublicationStatus.PUBLISHED
    assert penalty_publications_end(today=last + datetime.timedelta(days=1)) == 1
    decision.refresh_from_db()
    assert decision.publication_status == PublicationStatus.ENDED
    assert decision not in published_penalties()
    assert actions(decision)[-1] == "ended"


def test_the_task_is_scheduled():
    from mediation.tasks import SCHEDULES

    function, kind, _minutes, _at = SCHEDULES["penalty publications end"]
    assert (function, kind) == ("mediation.tasks.penalty_publications_end", "D")


# Art. 14: early removal ------------------------------------------------------------------------


def test_early_removal_is_applied_for_by_the_business_and_granted_by_the_bureau(report):
    decision = pw.recorded(
        case=report.report, official=report.shop_official, fine_amount="200000", penalty_text="罚款贰拾万元"
    )
    too_early = penalty_early_stop_apply(
        decision=decision, actor=report.shop_staff, statement="已缴纳罚款", conditions=[1, 2, 3, 4]
    )
    assert too_early.status == PenaltyRequestStatus.REFUSED
    published_on = timezone.localdate(decision.published_at)
    six_months = (published_on - (published_on - relativedelta(months=number("early_stop")))).days
    pw.published_days_ago(decision, days=six_months + 1)
    with pytest.raises(ValidationError):  # the four conditions, all of them
        penalty_early_stop_apply(decision=decision, actor=report.shop_staff, statement="已整改", conditions=[1, 2])
    with pytest.raises(PermissionDenied):
        penalty_early_stop_apply(
            decision=decision, actor=report.consumer_user, statement="已整改", conditions=[1, 2, 3, 4]
        )
    application = penalty_early_stop_apply(
        decision=decision, actor=report.shop_staff, statement="已缴纳罚款并召回产品", conditions=[1, 2, 3, 4]
    )
    assert application.status == PenaltyRequestStatus.OPEN
    penalty_request_decide(request=application, actor=report.shop_official, grant=True, reason="符合提前停止公示条件")
    decision.refresh_from_db()
    assert decision.publication_status == PublicationStatus.STOPPED_EARLY
    assert decision not in published_penalties()
    assert actions(decision)[-2:] == ["early_stop_applied", "early_stop_granted"]


def test_food_safety_waits_twelve_months(report):
    decision = pw.recorded(
        case=report.report,
        official=report.shop_official,
        violation_type="food_safety",
        fine_amount="200000",
    )
    published_on = timezone.localdate(decision.published_at)
    six = (published_on - (published_on - relativedelta(months=number("early_stop")))).days
    pw.published_days_ago(decision, days=six + 1)
    assert (
        penalty_early_stop_apply(
            decision=decision, actor=report.shop_staff, statement="已整改", conditions=[1, 2, 3, 4]
        ).status
        == PenaltyRequestStatus.REFUSED
    )
    twelve = (published_on - (published_on - relativedelta(months=number("early_stop_longer")))).days
    pw.published_days_ago(decision, days=twelve + 1)
    assert (
        penalty_early_stop_apply(
            decision=decision, actor=report.shop_staff, statement="已整改", conditions=[1, 2, 3, 4]
        ).status
        == PenaltyRequestStatus.OPEN
    )


def test_low_fine_limits_are_the_documented_setting(settings):
    assert settings.PENALTY_LOW_FINE_LIMITS["*"] == {
        "natural_person": number("low_fine_natural_person"),
        "organisation": number("low_fine_organisation"),
    }
    assert settings.PENALTY_EARLY_STOP_MONTHS == number("early_stop")
    assert settings.PENALTY_EARLY_STOP_MONTHS_LONGER == number("early_stop_longer")


def test_the_events_cannot_be_changed(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    event = decision.events.first()
    with pytest.raises(Exception), connection.cursor() as cursor:  # noqa: B017, PT011 (the database trigger)
        cursor.execute("UPDATE mediation_penaltypublicationevent SET reason = 'x' WHERE id = %s", [event.pk])
