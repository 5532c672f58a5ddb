"""Deadlines in working days across the 2026 National Day and Mid-Autumn holiday and its make-up
workdays (Sunday 2026-09-20 and Saturday 2026-10-10 are working days; 10-01 to 10-07 are off)."""

import datetime
import zoneinfo

import pytest

from mediation.services.working_days import add_working_days, is_working_day
from tests import factories

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # the whole Golden Week is skipped
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # ...and the make-up Saturday counts
        (D(2026, 9, 29), 7, D(2026, 10, 14)),  # acceptance decision of a complaint filed on 09-29
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday + 1 is the make-up Sunday
        (D(2026, 9, 24), 1, D(2026, 9, 28)),  # Mid-Autumn (09-25) and the weekend are off
        (D(2026, 10, 3), 0, D(2026, 10, 3)),
    ],
)
def test_add_working_days(start, count, due):
    assert add_working_days(start, count) == due


def test_holidays_and_make_up_days():
    assert not is_working_day(D(2026, 10, 1))
    assert is_working_day(D(2026, 10, 10))  # Saturday, made a working day
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_year_without_a_published_schedule_counts_weekdays():
    # 2099 has no official schedule yet: Friday + 1 working day is the Monday.
    assert add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)


def test_complaint_filed_before_national_day_gets_its_acceptance_deadline_after_it(world):
    received = datetime.datetime(2026, 9, 29, 15, 0, tzinfo=SHANGHAI)
    case = factories.complaint(
        consumer=world.consumer, entity=world.shop, received_at=received, purchase_date=D(2026, 9, 1)
    )
    assert case.acceptance_due == D(2026, 10, 14)
    assert case.next_due == case.acceptance_due
    assert case.number.startswith("TS20260929")


def test_report_gets_verification_and_case_opening_deadlines(world):
    received = datetime.datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI)
    case = factories.report(reporter=world.consumer, entity=world.shop, received_at=received)
    assert case.verification_due == D(2026, 10, 26)  # 15 working days, Golden Week skipped
    assert case.case_opening_due == D(2026, 12, 28)  # 90 days
