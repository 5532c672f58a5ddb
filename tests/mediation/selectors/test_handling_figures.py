"""The handling figures, from their definitions in docs/analysis.md ("Who handles cases well"), on
cases moved by the real transitions on days the test sets. The expected values are worked out by
hand below, each case named with what it counts for; the time limits come from the rules
(docs/legal-rules.md: acceptance_decision 7 working days, Order 121 Art. 15; mediation 60 natural
days from acceptance, Art. 23(5), testing not counted, Art. 22; odr_settlement 10 working days) and
the 2026 official calendar (National Day 10-01 to 10-07 off, Saturday 10-10 worked; Dragon Boat
06-19 off), counted again with the working-day calendar where a date is at stake."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation.models import Case
from mediation.selectors import handling_figures as hf
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from mediation.services.working_days import add_natural_days, add_working_days
from tests import factories

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR_2026 = hf.figures_period(year=2026, today=D(2026, 12, 4))


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def filed(world, entity, when: datetime.datetime, **extra) -> Case:
    with time_machine.travel(when, tick=False):
        return factories.complaint(
            consumer=world.consumer,
            entity=entity,
            received_at=when,
            purchase_date=when.date() - datetime.timedelta(days=10),
            **extra,
        )


def move(case: Case, action: str, when: datetime.datetime, actor, **extra) -> Case:
    with time_machine.travel(when, tick=False):
        return case_transition(case=case, action=action, actor=actor, **extra)


def reply(case: Case, when: datetime.datetime, staff) -> Case:
    return move(case, "respond", when, staff, reason="我们同意退款，请寄回商品。")


def refused(case: Case, when: datetime.datetime, official) -> Case:
    """Mediation ends before the room opens: a party refuses to mediate (Art. 23(2))."""
    return move(case, "terminate", when, official, ground="party_refused_or_absent")


@pytest.fixture
def minimum(settings):
    """The minimum of cases behind a published figure, set by each test."""

    def set_minimum(value: int) -> None:
        settings.HANDLING_FIGURES_MIN_CASES = value

    return set_minimum


# ---- The period ----------------------------------------------------------------------------------


def test_the_period_is_the_last_twelve_full_months_or_a_chosen_year():
    assert hf.figures_period(today=D(2026, 12, 4)) == hf.FiguresPeriod(D(2025, 12, 1), D(2026, 11, 30))
    assert hf.figures_period(today=D(2026, 1, 1)) == hf.FiguresPeriod(D(2025, 1, 1), D(2025, 12, 31))
    assert hf.figures_period(today=D(2024, 3, 31)) == hf.FiguresPeriod(D(2023, 3, 1), D(2024, 2, 29))
    assert hf.figures_period(year=2025, today=D(2026, 12, 4)) == hf.FiguresPeriod(D(2025, 1, 1), D(2025, 12, 31), 2025)
    # A year not over yet runs to today.
    assert hf.figures_period(year=2026, today=D(2026, 12, 4)) == hf.FiguresPeriod(D(2026, 1, 1), D(2026, 12, 4), 2026)


@pytest.mark.parametrize("value", ["2019", "2027", "abc", "２０２５", "-2025", "2025.0"])
def test_a_year_outside_2020_to_this_year_is_refused_with_the_choices(value, english):
    with pytest.raises(ValidationError) as refused_year:
        hf.figures_period_from(value, today=D(2026, 12, 4))
    assert refused_year.value.message_dict["year"] == ["Choose the last 12 months or a year from 2020 to 2026."]


def test_no_year_is_the_last_twelve_months():
    assert hf.figures_period_from("", today=D(2026, 12, 4)) == hf.figures_period(today=D(2026, 12, 4))
    assert hf.figures_period_from(" 2020 ", today=D(2026, 12, 4)).since == D(2020, 1, 1)


# ---- Businesses ----------------------------------------------------------------------------------


@pytest.fixture
def replies(world):
    """A business's complaints, told to it on Monday 2026-06-01 at 10:00 (sent to it directly, or
    accepted by the bureau), and its replies:

    - direct: replied 06-02 16:00 (30 h), settled directly 06-03: ended, replied;
    - refused: accepted, replied 06-05 10:00 (96 h), mediation refused 06-10: ended, replied;
    - silent: accepted, no reply, mediation refused 06-08: ended, not replied;
    - withdrawn: accepted, replied 06-02 10:00 (24 h), withdrawn 06-12: ended, replied;
    - waiting_direct: sent directly, replied 06-01 12:00, still with the business: not decided;
    - waiting_accepted: accepted, no reply yet: not decided;
    - never_told: withdrawn 06-02 before the business was told: not passed to it.

    Response rate 3 of 4; replies 30, 96 and 24 hours: median 30 hours."""
    shop = factories.shop(name="杭州西湖回音电器有限公司", is_odr=True)
    staff, official, consumer = factories.merchant(shop), world.shop_official, world.consumer_user
    told = at(D(2026, 6, 1))

    def sent():
        return move(filed(world, shop, at(D(2026, 6, 1), 9)), "send_to_business", told, consumer)

    def accepted():
        return move(filed(world, shop, at(D(2026, 6, 1), 9)), "accept", told, official)

    direct = reply(sent(), at(D(2026, 6, 2), 16), staff)
    move(direct, "settle_directly", at(D(2026, 6, 3)), consumer)
    refused(reply(accepted(), at(D(2026, 6, 5)), staff), at(D(2026, 6, 10)), official)
    refused(accepted(), at(D(2026, 6, 8)), official)
    move(reply(accepted(), at(D(2026, 6, 2)), staff), "withdraw", at(D(2026, 6, 12)), consumer)
    reply(sent(), at(D(2026, 6, 1), 12), staff)
    accepted()
    move(filed(world, shop, at(D(2026, 6, 1), 9)), "withdraw", at(D(2026, 6, 2)), consumer)
    return shop


def test_response_rate_is_the_share_of_ended_complaints_passed_to_the_business_that_it_replied_to(replies, minimum):
    minimum(1)
    figures = hf.business_figures(entity=replies, period=YEAR_2026)
    assert (figures.response_rate.part, figures.response_rate.cases) == (3, 4)
    assert figures.response_rate.value == pytest.approx(0.75)
    assert figures.response_rate.unit == "share"


def test_median_time_to_reply_runs_from_being_told_to_the_first_reply(replies, minimum):
    minimum(1)
    figures = hf.business_figures(entity=replies, period=YEAR_2026)
    assert figures.reply_median.value == datetime.timedelta(hours=30)
    assert figures.reply_median.cases == 3


def test_an_even_number_of_replies_has_the_mean_of_the_middle_two_as_median(world, replies, minimum):
    """A fifth complaint, accepted 06-01 10:00, replied 06-04 10:00 (72 h), refused 06-09: the
    replies are 24, 30, 72 and 96 hours, the median (30 + 72) / 2 = 51 hours."""
    minimum(1)
    case = move(filed(world, replies, at(D(2026, 6, 1), 9)), "accept", at(D(2026, 6, 1)), world.shop_official)
    refused(reply(case, at(D(2026, 6, 4)), replies.staff.first().user), at(D(2026, 6, 9)), world.shop_official)
    figures = hf.business_figures(entity=replies, period=YEAR_2026)
    assert figures.reply_median.value == datetime.timedelta(hours=51)
    assert (figures.response_rate.part, figures.response_rate.cases) == (4, 5)


def test_figures_below_the_minimum_are_hidden_with_their_counts(replies, minimum):
    """Four ended complaints and three replies: with a minimum of 4 the response rate is published
    and the median is not; with 5, neither."""
    minimum(4)
    figures = hf.business_figures(entity=replies, period=YEAR_2026)
    assert not figures.response_rate.hidden and figures.response_rate.cases == 4
    assert figures.reply_median.hidden
    assert (figures.reply_median.value, figures.reply_median.cases, figures.reply_median.part) == (None, None, None)
    minimum(5)
    figures = hf.business_figures(entity=replies, period=YEAR_2026)
    for figure in figures.figures:
        assert figure.hidden and (figure.value, figure.cases, figure.part) == (None, None, None)
    assert figures.minimum == 5


def test_the_default_minimum_is_five(settings):
    assert settings.HANDLING_FIGURES_MIN_CASES == 5


@pytest.fixture
def mediations(world):
    """A business's complaints accepted on 2026-06-01, with both parties' consent to mediation:

    - agreed: mediated, agreement signed and recorded 06-20: an agreement;
    - refused: mediation refused before the room opened 06-05: terminated;
    - failed: mediated, terminated in the room 06-25: terminated;
    - withdrawn: mediated, withdrawn 06-15: not counted;
    - going_on: still in mediation: not decided.

    Mediation success 1 of 3."""
    shop = factories.shop(name="杭州西湖调解电器有限公司")
    factories.merchant(shop)
    official = world.shop_official

    def accepted():
        case = move(filed(world, shop, at(D(2026, 5, 29))), "accept", at(D(2026, 6, 1)), official)
        with time_machine.travel(at(D(2026, 6, 1), 11), tick=False):
            return factories.consent_both(case)

    def mediating():
        case = accepted()
        with time_machine.travel(at(D(2026, 6, 2)), tick=False):
            mediation_start(case=case, actor=official)
        return Case.objects.get(pk=case.pk)

    agreed = mediating()
    with time_machine.travel(at(D(2026, 6, 20)), tick=False):
        factories.settle_in_room(agreed)
    refused(accepted(), at(D(2026, 6, 5)), official)
    failed = mediating()
    with time_machine.travel(at(D(2026, 6, 25)), tick=False):
        factories.terminate_in_room(failed)
    move(mediating(), "withdraw", at(D(2026, 6, 15)), world.consumer_user)
    mediating()
    return shop


def test_mediation_success_is_the_share_of_ended_mediations_that_ended_in_agreement(mediations, minimum):
    minimum(1)
    figures = hf.business_figures(entity=mediations, period=YEAR_2026)
    assert (figures.mediation_success.part, figures.mediation_success.cases) == (1, 3)
    assert figures.mediation_success.value == pytest.approx(1 / 3)
    assert figures.odr_kept is None  # not an online dispute resolution business


@pytest.fixture
def direct_settlements(world):
    """An online dispute resolution business's complaints sent to it directly on Monday 2026-06-01:
    its period is 10 working days, 06-02 to 06-05 (4), 06-08 to 06-12 (9), 06-15 (10).

    - early: settled directly 06-03: kept;
    - last_day: settled directly 06-15, the period's last day: kept;
    - late: settled directly 06-16, a day late (the deadline job did not pass it on): not kept;
    - escalated: passed to the bureau by the complainant 06-05: not kept;
    - withdrawn: withdrawn 06-04: not counted;
    - waiting: still with the business: not decided.

    Commitments kept 2 of 4."""
    shop = factories.shop(name="杭州西湖直通电器有限公司", is_odr=True)
    consumer = world.consumer_user

    def sent():
        return move(filed(world, shop, at(D(2026, 6, 1), 9)), "send_to_business", at(D(2026, 6, 1)), consumer)

    for day in (D(2026, 6, 3), D(2026, 6, 15), D(2026, 6, 16)):
        move(sent(), "settle_directly", at(day), consumer)
    move(sent(), "escalate", at(D(2026, 6, 5)), consumer)
    move(sent(), "withdraw", at(D(2026, 6, 4)), consumer)
    sent()
    return shop


def test_odr_commitments_kept_are_direct_settlements_within_ten_working_days(direct_settlements, minimum):
    minimum(1)
    assert add_working_days(D(2026, 6, 1), 10) == D(2026, 6, 15)  # the hand count, on the calendar
    figures = hf.business_figures(entity=direct_settlements, period=YEAR_2026)
    assert (figures.odr_kept.part, figures.odr_kept.cases) == (2, 4)
    assert figures.odr_kept.value == pytest.approx(0.5)


def test_a_business_without_complaints_has_every_figure_hidden(world):
    figures = hf.business_figures(entity=world.shop, period=YEAR_2026)
    assert [figure.name for figure in figures.figures] == [
        "response_rate",
        "reply_median",
        "mediation_success",
        "odr_kept",
    ]
    assert all(figure.hidden for figure in figures.figures)


def test_a_case_counts_in_the_period_of_the_local_day_it_was_decided(world, minimum):
    """The last 12 full months on 2026-07-01 run from 2025-07-01 to 2026-06-30 (Beijing time): a
    mediation refused at 23:30 on 06-30 counts, one refused at 00:10 on 07-01 does not (it is 16:10
    on 06-30 in UTC), and one refused on 2025-06-30 neither."""
    minimum(1)
    official = world.shop_official
    for day, hour, minute in ((D(2026, 6, 30), 23, 30), (D(2026, 7, 1), 0, 10), (D(2025, 6, 30), 15, 0)):
        case = move(filed(world, world.shop, at(day - datetime.timedelta(days=5))), "accept", at(day, 8), official)
        refused(case, at(day, hour, minute), official)
    period = hf.figures_period(today=D(2026, 7, 1))
    assert (period.since, period.until) == (D(2025, 7, 1), D(2026, 6, 30))
    assert hf.business_figures(entity=world.shop, period=period).mediation_success.cases == 1
    assert hf.business_figures(entity=world.shop, period=hf.figures_period(year=2026)).mediation_success.cases == 2
    assert hf.business_figures(entity=world.shop, period=hf.figures_period(year=2025)).mediation_success.cases == 1


def test_one_query_for_a_page_of_businesses_whatever_their_complaints(world, replies, mediations, minimum):
    minimum(1)
    entities = [replies, mediations, world.shop]
    with CaptureQueriesContext(connection) as queries:
        figures = hf.businesses_figures(entities=entities, period=YEAR_2026)
    assert len(queries) == 1
    assert [f.entity for f in figures] == entities
    assert figures[0].response_rate.cases == 4 and figures[1].mediation_success.cases == 3
    assert figures[2].response_rate.hidden


def test_the_feed_lists_the_businesses_with_a_complaint_decided_in_the_period(world, replies, mediations):
    listed = list(hf.businesses_with_figures(period=YEAR_2026))
    assert listed == sorted([replies, mediations], key=lambda entity: entity.pk)
    assert list(hf.businesses_with_figures(period=hf.figures_period(year=2025, today=D(2026, 12, 4)))) == []
    assert list(hf.businesses_with_figures(period=YEAR_2026, entity_id=replies.pk)) == [replies]
    assert list(hf.businesses_with_figures(period=YEAR_2026, region=world.places.yuhang)) == []
    hangzhou = world.places.xihu.parent
    assert len(hf.businesses_with_figures(period=YEAR_2026, region=hangzhou)) == 2


def test_a_later_move_that_decides_nothing_does_not_list_a_business(world):
    """Settled directly in December 2025, its performance confirmed in January 2026: the business has
    a decided complaint in 2025, and none in 2026."""
    consumer = world.consumer_user
    case = move(filed(world, world.shop, at(D(2025, 12, 1), 9)), "send_to_business", at(D(2025, 12, 1)), consumer)
    case = move(case, "settle_directly", at(D(2025, 12, 3)), consumer)
    move(case, "confirm_performance", at(D(2026, 1, 5)), consumer)
    assert list(hf.businesses_with_figures(period=hf.figures_period(year=2025, today=D(2026, 12, 4)))) == [world.shop]
    assert list(hf.businesses_with_figures(period=YEAR_2026)) == []


# ---- Authorities ---------------------------------------------------------------------------------


@pytest.fixture
def acceptance_decisions(world):
    """Complaints to the 西湖区 bureau and its acceptance decisions:

    - in_time: received Tuesday 09-29 at 15:00, accepted 10-14, the 7th working day (09-30, 10-08,
      10-09, Saturday 10-10 worked, 10-12, 10-13, 10-14);
    - late: received 09-29, accepted 10-15;
    - refused_in_time: received Friday 06-05, not accepted 06-16 (06-08 to 06-12, 06-15, 06-16);
    - waiting: received 09-29, no decision yet: not decided;
    - returned: received 09-29, returned for correction 09-30 and not back: not decided.

    Decided within 7 working days: 2 of 3."""
    official = world.shop_official
    received = {"in_time": at(D(2026, 9, 29), 15), "late": at(D(2026, 9, 29), 15)}
    cases = {name: filed(world, world.shop, when) for name, when in received.items()}
    move(cases["in_time"], "accept", at(D(2026, 10, 14)), official)
    move(cases["late"], "accept", at(D(2026, 10, 15)), official)
    cases["refused_in_time"] = filed(world, world.shop, at(D(2026, 6, 5)))
    move(cases["refused_in_time"], "not_accept", at(D(2026, 6, 16)), official, ground="not_daily_consumption")
    cases["waiting"] = filed(world, world.shop, at(D(2026, 9, 29), 15))
    cases["returned"] = filed(world, world.shop, at(D(2026, 9, 29), 15))
    move(cases["returned"], "return", at(D(2026, 9, 30)), official, ground="unclear", reason="请写明购买时间。")
    return cases


def test_acceptance_within_seven_working_days_counts_decided_complaints_only(world, acceptance_decisions, minimum):
    minimum(1)
    # The rule's last day, counted again on the calendar for each decided complaint.
    decided = {"in_time": D(2026, 10, 14), "late": D(2026, 10, 15), "refused_in_time": D(2026, 6, 16)}
    in_time = {
        name: day <= add_working_days(timezone_day(acceptance_decisions[name].received_at), 7)
        for name, day in decided.items()
    }
    assert in_time == {"in_time": True, "late": False, "refused_in_time": True}
    figures = hf.authority_figures(authority=world.shop_bureau, period=YEAR_2026)
    assert (figures.accepted_in_time.part, figures.accepted_in_time.cases) == (2, 3)
    assert figures.accepted_in_time.value == pytest.approx(2 / 3)


def timezone_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


@pytest.fixture
def mediation_periods(world):
    """Complaints to the 西湖区 bureau accepted Monday 2026-06-01: their mediation period is 60 days,
    to Friday 07-31.

    - on_the_last_day: no agreement possible, terminated 07-31: within;
    - late: terminated Monday 08-03: not within;
    - suspended_in_time: testing from 07-20, terminated 08-10 while testing: the clock stopped before
      07-31, within;
    - resumed: testing 06-10 to 06-20 (10 days not counted: the period ends 08-10), terminated
      08-07: within;
    - suspended_late: testing from 08-05, after the period ran out, terminated 08-10: not within;
    - going_on: accepted, nothing since: not decided.

    Within the mediation period: 3 of 5."""
    official = world.shop_official

    def accepted():
        return move(filed(world, world.shop, at(D(2026, 5, 28))), "accept", at(D(2026, 6, 1)), official)

    def testing(case, day):
        return move(case, "suspend_mediation", at(day), official, ground="testing", reason="送检空调压缩机")

    def terminated(case, day):
        return move(case, "terminate", at(day), official, ground="agreement_impossible")

    terminated(accepted(), D(2026, 7, 31))
    terminated(accepted(), D(2026, 8, 3))
    terminated(testing(accepted(), D(2026, 7, 20)), D(2026, 8, 10))
    resumed = move(
        testing(accepted(), D(2026, 6, 10)), "resume_mediation", at(D(2026, 6, 20)), official, reason="检测完毕"
    )
    terminated(resumed, D(2026, 8, 7))
    terminated(testing(accepted(), D(2026, 8, 5)), D(2026, 8, 10))
    accepted()


def test_mediations_within_the_period_do_not_count_testing_time(world, mediation_periods, minimum):
    minimum(1)
    assert add_natural_days(D(2026, 6, 1), 60) == D(2026, 7, 31)
    assert add_natural_days(D(2026, 6, 1), 70) == D(2026, 8, 10)  # 10 days of testing not counted
    figures = hf.authority_figures(authority=world.shop_bureau, period=YEAR_2026)
    assert (figures.mediated_in_time.part, figures.mediated_in_time.cases) == (3, 5)


@pytest.fixture
def closings(world):
    """Complaints the 西湖区 bureau did not accept and closed:

    - received Monday 06-01, closed Friday 06-05: 4 working days (06-02 to 06-05);
    - received Tuesday 09-29, closed Friday 10-09: 3 working days (09-30, 10-08, 10-09; the National
      Day break is off);
    - received 09-29, not accepted, not closed yet: not decided.

    Average 3.5 working days."""
    official = world.shop_official
    for received, closed in ((D(2026, 6, 1), D(2026, 6, 5)), (D(2026, 9, 29), D(2026, 10, 9)), (D(2026, 9, 29), None)):
        case = filed(world, world.shop, at(received, 9))
        case = move(case, "not_accept", at(received + datetime.timedelta(days=1)), official, ground="time_barred")
        if closed:
            move(case, "close", at(closed), official)


def test_average_working_days_from_receipt_to_close(world, closings, minimum):
    minimum(1)
    figures = hf.authority_figures(authority=world.shop_bureau, period=YEAR_2026)
    assert (figures.days_to_close.value, figures.days_to_close.cases) == (3.5, 2)
    assert figures.days_to_close.unit == "working_days"


def test_cases_received_count_complaints_and_reports_by_the_local_day_of_receipt(world, minimum):
    """Received 2025-12-31 at 23:30 Beijing time: not in 2026; at 00:10 on 2026-01-01 (still 2025 in
    UTC): in 2026; and a report received in June."""
    minimum(1)
    filed(world, world.shop, at(D(2025, 12, 31), 23, 30))
    filed(world, world.shop, at(D(2026, 1, 1), 0, 10))
    with time_machine.travel(at(D(2026, 6, 1)), tick=False):
        factories.report(reporter=world.consumer, entity=world.shop, received_at=at(D(2026, 6, 1)))
    assert hf.authority_figures(authority=world.shop_bureau, period=YEAR_2026).received.value == 2
    year_2025 = hf.figures_period(year=2025, today=D(2026, 12, 4))
    assert hf.authority_figures(authority=world.shop_bureau, period=year_2025).received.value == 1
    assert hf.authority_figures(authority=world.home_bureau, period=YEAR_2026).received.hidden


def test_an_authority_below_the_minimum_shows_no_count(world, acceptance_decisions, minimum):
    """Five complaints received, three decided: with a minimum of 4 the count received is published
    and the acceptance share is not."""
    minimum(4)
    figures = hf.authority_figures(authority=world.shop_bureau, period=YEAR_2026)
    assert figures.received.value == 5
    assert figures.accepted_in_time.hidden and figures.accepted_in_time.cases is None
    assert figures.accepted_in_time.part is None and figures.accepted_in_time.value is None


def test_a_consumer_association_handling_complaints_gets_the_same_figures(world, minimum):
    """Two complaints sent to the consumer association of 西湖区 instead of the bureau (CRPL Art. 37,
    39), received Monday 06-01 and accepted by its staff on 06-03 and 06-12: the 7th working day
    after 06-01 is 06-10 (06-02 to 06-05, 06-08 to 06-10)."""
    minimum(1)
    complaints = [filed(world, world.shop, at(D(2026, 6, 1)), handler="county_association") for _ in range(2)]
    association = complaints[0].handling_authority
    assert association.kind == "consumer_association"
    staff = factories.official(association)
    move(complaints[0], "accept", at(D(2026, 6, 3)), staff)
    move(complaints[1], "accept", at(D(2026, 6, 12)), staff)
    assert add_working_days(D(2026, 6, 1), 7) == D(2026, 6, 10)
    figures = hf.authority_figures(authority=association, period=YEAR_2026)
    assert figures.received.value == 2
    assert (figures.accepted_in_time.part, figures.accepted_in_time.cases) == (1, 2)
    assert hf.authority_figures(authority=world.shop_bureau, period=YEAR_2026).received.hidden  # not the bureau's
    found = list(hf.authorities_handling(query="西湖", kind="consumer_association"))
    assert association in found and {authority.kind for authority in found} == {"consumer_association"}


def test_a_few_queries_for_a_page_of_authorities_whatever_their_cases(world, closings, acceptance_decisions, minimum):
    """The grouped figures, the closed cases by day, and the official calendar (two reads)."""
    minimum(1)
    authorities = [world.home_bureau, world.shop_bureau, world.superior_official.official.authority]
    with CaptureQueriesContext(connection) as queries:
        figures = hf.authorities_figures(authorities=authorities, period=YEAR_2026)
    assert len(queries) == 4
    (xihu,) = [f for f in figures if f.authority == world.shop_bureau]
    assert xihu.received.value == 8 and xihu.days_to_close.cases == 2


def test_authorities_are_found_by_the_name_of_their_region_or_a_region_above(world):
    found = list(hf.authorities_handling(query="杭州", kind="bureau"))
    assert world.shop_bureau in found and world.superior_official.official.authority in found
    assert world.home_bureau not in found
    assert all(a.kind == "bureau" for a in found)
    in_zhejiang = hf.authorities_handling(region=world.places.xihu.parent.parent)
    assert in_zhejiang.filter(pk=world.shop_bureau.pk).exists()
    assert not in_zhejiang.filter(pk=world.home_bureau.pk).exists()
    assert not hf.authorities_handling(query="杭州").filter(kind="partner_agency").exists()


def test_an_unknown_kind_or_a_long_search_is_refused(world):
    with pytest.raises(ValidationError) as refused_search:
        hf.authorities_handling(query="杭" * 51, kind="partner_agency")
    assert set(refused_search.value.message_dict) == {"q", "kind"}
