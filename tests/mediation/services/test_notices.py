"""The notices the rules require (Order 121 Art. 15, 23, 25; Order 20 Art. 31; CRPL Art. 39), recorded
with their due day and read in the reader's language."""

import datetime
import zoneinfo

import time_machine
from django.utils import translation

from mediation.models import CaseStatus
from mediation.selectors.notices import notices_for
from mediation.services.people import consumer_register
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for
from tests.mediation.web.pages import browser, page

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(day):
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def test_a_refusal_tells_its_reason_and_the_other_routes_in_the_readers_language(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(
        case=case, action="not_accept", actor=world.shop_official, ground="time_barred", reason="购买于2021年。"
    )
    (notice,) = case.notices.all()
    assert (notice.kind, notice.recipient, notice.legal_source) == (
        "not_accepted",
        "consumer",
        "SAMR Order 121 (2025) Art. 15",
    )
    assert notice.due_on == case.acceptance_due and notice.delivered_online_at is not None
    with translation.override("zh-hans"):
        (text,) = [n["text"] for n in notices_for(case, "consumer")]
    assert "超过三年" in text and "购买于2021年。" in text
    assert "消费者协会" in text and "仲裁" in text and "人民法院" in text  # CRPL Art. 39 routes
    with translation.override("en"):
        (text,) = [n["text"] for n in notices_for(case, "consumer")]
    assert "Consumer Rights Protection Law (Art. 39)" in text and "arbitration" in text
    body = client_for(world.consumer_user).get(f"/api/cases/{case.number}/").json()
    assert [n["kind"] for n in body["notices"]] == ["not_accepted"]


def test_acceptance_is_told_to_the_complainant(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    (notice,) = case.notices.all()
    assert (notice.kind, notice.recipient) == ("accepted", "consumer")


def test_the_end_of_mediation_is_due_to_both_parties_within_seven_working_days(world):
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), CaseStatus.MEDIATING)
    with time_machine.travel(_at(D(2026, 9, 30)), tick=False):
        case = case_transition(
            case=case,
            action="terminate",
            actor=world.shop_official,
            ground="other_legal_ground",
            reason="消费者王某称其已另行起诉",
            in_room=True,
        )
    notices = list(case.notices.order_by("recipient"))
    assert [(n.recipient, n.due_on) for n in notices] == [("business", D(2026, 10, 15)), ("consumer", D(2026, 10, 15))]
    merchant = client_for(world.shop_staff).get(f"/api/cases/{case.number}/").json()
    (seen,) = merchant["notices"]
    assert seen["to"] == "business"
    assert "王某" not in seen["text"]  # the official's words may quote the consumer: the ground only
    consumer = client_for(world.consumer_user).get(f"/api/cases/{case.number}/").json()
    (own,) = consumer["notices"]
    assert "王某" in own["text"]


def test_withdrawal_ends_mediation_with_notices_but_before_acceptance_needs_none(world):
    accepted = factories.with_status(
        factories.complaint(consumer=world.consumer, entity=world.shop), CaseStatus.ACCEPTED
    )
    case_transition(case=accepted, action="withdraw", actor=world.consumer_user)
    assert sorted(accepted.notices.values_list("recipient", flat=True)) == ["business", "consumer"]
    submitted = factories.complaint(consumer=world.consumer, entity=world.shop)
    case_transition(case=submitted, action="withdraw", actor=world.consumer_user)
    assert not submitted.notices.exists()


def test_a_real_name_reporter_is_told_about_opening_only_under_order_20(world):
    """Order 20 Art. 31 required telling a real-name reporter within 5 working days whether a case was
    opened; Order 121 Art. 36 dropped it. A report keeps the rule in force when it was received."""
    old = factories.report(reporter=world.consumer, entity=world.shop, received_at=_at(D(2026, 4, 10)))
    new = factories.report(
        reporter=world.consumer, entity=world.shop, received_at=_at(D(2026, 4, 15)), facts="店里的电子秤缺斤短两。"
    )
    for case in (old, new):
        factories.with_status(case, CaseStatus.VERIFYING)
        with time_machine.travel(_at(D(2026, 4, 28)), tick=False):
            case_transition(case=case, action="open_case", actor=world.shop_official)
    (notice,) = old.notices.all()
    # 04-29, 04-30, then 05-01..05 off, 05-06, 07, 08.
    assert (notice.kind, notice.legal_source, notice.due_on) == (
        "report_case_decision",
        "SAMR Order 20 (2019, amended 2022) Art. 31",
        D(2026, 5, 8),
    )
    assert not new.notices.exists()


def test_a_caller_without_an_account_is_told_by_phone_or_post(world):
    caller = consumer_register(
        real_name="王五", id_number=factories.resident_id(), phone="13900001111", home_region=world.places.xihu
    )
    case = factories.complaint(
        consumer=caller, entity=world.shop, intake_channel="hotline", entered_by=world.shop_official
    )
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    assert case.notices.get().delivered_online_at is None
    text = page(browser(world.shop_official).get(f"/cases/{case.number}/"))
    assert "以电话或邮寄方式告知" in text


def test_a_report_forwarded_to_the_competent_bureau_starts_again_there_and_the_reporter_is_told(world):
    """Order 121 Art. 34, 41; penalty procedure Art. 14 and Art. 18 (15 working days from receipt)."""
    case = factories.report(reporter=world.consumer, entity=world.shop, received_at=_at(D(2026, 9, 1)))
    lead = client_for(world.shop_official)
    with time_machine.travel(_at(D(2026, 9, 29)), tick=False):
        forwarded = lead.post(
            f"/api/cases/{case.number}/actions/forward/",
            {"authority": world.outsider_official.official.authority_id, "reason": "违法行为发生在深圳南山"},
            format="json",
        )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["forwarded_to"] == world.outsider_official.official.authority.name
    case.refresh_from_db()
    assert case.handling_authority == world.outsider_official.official.authority
    assert case.status == CaseStatus.SUBMITTED and case.verification_due == D(2026, 10, 26)
    assert lead.get(f"/api/cases/{case.number}/").status_code == 404  # no longer this bureau's
    assert client_for(world.outsider_official).get(f"/api/cases/{case.number}/").status_code == 200
    event = case.events.get(action="forward")
    assert (event.authority, event.reason) == (world.outsider_official.official.authority, "违法行为发生在深圳南山")
    with translation.override("zh-hans"):
        (notice,) = notices_for(case, "consumer")
    assert "已转交有处理权限的" in notice["text"] and world.outsider_official.official.authority.name in notice["text"]


def test_forwarding_needs_a_bureau_other_than_the_present_one(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    lead = client_for(world.shop_official)
    url = f"/api/cases/{case.number}/actions/forward/"
    for body in ({"reason": "x"}, {"authority": world.shop_official.official.authority_id, "reason": "x"}):
        refused = lead.post(url, body, format="json")
        assert refused.status_code == 400 and refused.json()["authority"]
    assert not case.events.filter(action="forward").exists()


def test_the_same_facts_reported_again_are_not_handled_again(world):
    """Order 121 Art. 35: 同一举报人就同一涉嫌违法事实重复举报同一被举报人的，不再另行处理."""
    first = factories.report(reporter=world.consumer, entity=world.shop, facts="店里在卖没有3C标志的电热水壶。")
    again = client_for(world.consumer_user).post(
        "/api/reports/",
        {"entity": world.shop.pk, "facts": "店里在卖没有 3C 标志的电热水壶", "violation_type": "counterfeit"},
        format="json",
    )
    assert again.status_code == 400 and first.number in again.json()["facts"][0]
    other_shop = factories.shop(name="杭州另一家电器店")
    assert factories.report(reporter=world.consumer, entity=other_shop, facts=first.facts).number != first.number


def test_new_facts_are_merged_into_the_earlier_report_and_its_period_starts_again(world):
    """Order 121 Art. 35: 可以合并处理，并自收到最后一次举报之日起重新计算处理期限."""
    first = factories.report(reporter=world.consumer, entity=world.shop, received_at=_at(D(2026, 9, 1)))
    later = factories.report(
        reporter=world.consumer, entity=world.shop, received_at=_at(D(2026, 9, 29)), facts="今天又看到他们卖过期奶粉。"
    )
    lead = client_for(world.shop_official)
    wrong = lead.post(f"/api/cases/{later.number}/actions/merge/", {"into": "JB20990101000001"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["into"]
    merged = lead.post(f"/api/cases/{later.number}/actions/merge/", {"into": first.number}, format="json")
    assert merged.status_code == 200, merged.content
    later.refresh_from_db()
    first.refresh_from_db()
    assert later.status == CaseStatus.CLOSED
    assert "今天又看到他们卖过期奶粉。" in first.facts and later.number in first.facts
    assert first.verification_due == D(2026, 10, 26)  # 15 working days from 09-29, the later receipt
    assert first.events.filter(action="merge").exists()


def test_a_jurisdiction_dispute_is_settled_within_seven_working_days_or_goes_up(world):
    """Order 121 Art. 33: 自发生争议之日起七个工作日内协商解决，协商不成的，报请共同的上一级."""
    from mediation.services.jurisdiction import bureaus_up_from

    case = factories.report(reporter=world.consumer, entity=world.shop, received_at=_at(D(2026, 9, 1)))
    other = world.outsider_official.official.authority
    with time_machine.travel(_at(D(2026, 9, 29)), tick=False):
        case = case_transition(
            case=case, action="dispute_jurisdiction", actor=world.shop_official, to_authority=other, reason="行为地存疑"
        )
    assert case.jurisdiction_dispute_due == D(2026, 10, 14)  # 09-30, 10-08, 09, 10, 12, 13, 14
    assert case.next_due == min(case.verification_due, case.jurisdiction_dispute_due)
    assert case.events.get(action="dispute_jurisdiction").authority == other
    superior = bureaus_up_from(world.places.xihu)[-1]  # the bureau above, which designates
    case = case_transition(
        case=case, action="forward", actor=world.shop_official, to_authority=superior, reason="协商不成，报请上级指定"
    )
    assert not case.deadlines.filter(period="jurisdiction_dispute", is_open=True).exists()
