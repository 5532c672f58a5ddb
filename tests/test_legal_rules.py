"""The service against docs/legal-rules.md: every time limit, with the text, article and dates in
force the document gives it, and the grounds of refusal, termination and decision as the articles
list them."""

import datetime

import pytest

from mediation import rules
from mediation.models import MediationTerminationReason, NonAcceptanceGround, ReportDecision
from tests import legal_rules

TEXTS = {
    "Order 20": rules.ORDER_20,
    "Order 121": rules.ORDER_121,
    "Penalty procedure": rules.PENALTY_PROCEDURE,
    "12315 platform practice": rules.PLATFORM_PRACTICE,
}
PERIOD_ROWS = legal_rules.table("periods")


@pytest.mark.parametrize("row", PERIOD_ROWS, ids=lambda row: f"{row['Period']}-{row['Text']}")
def test_each_time_limit_applies_with_its_number_on_every_day_it_is_in_force(row):
    first = datetime.date.fromisoformat(row["From"])
    days = [first, first + datetime.timedelta(days=200)]
    period = rules.Period(row["Period"])
    if row["Until"]:
        until = datetime.date.fromisoformat(row["Until"])
        days = [first, until - datetime.timedelta(days=1)]
        successor = rules.rule_for(period, until) if rules.is_in_force(period, until) else None
        assert successor is None or (successor.text, successor.article) != (TEXTS[row["Text"]], row["Article"])
    for day in days:
        rule = rules.rule_for(period, day)
        assert (rule.number, rule.unit, rule.text, rule.article) == (
            int(row["Number"]),
            row["Unit"],
            TEXTS[row["Text"]],
            row["Article"],
        )
        assert rule.verified == row["Verified"].startswith("yes")


def test_every_time_limit_of_the_service_is_in_the_document():
    documented = {(row["Period"], TEXTS[row["Text"]], row["Article"]) for row in PERIOD_ROWS}
    assert {(rule.period.value, rule.text, rule.article) for rule in rules.RULES} == documented


def test_order_121_replaced_order_20_on_2026_04_15():
    for period in (rules.Period.MEDIATION, rules.Period.ACCEPTANCE_DECISION, rules.Period.COMPLAINT_LIMITATION):
        assert rules.rule_for(period, datetime.date(2026, 4, 14)).text == rules.ORDER_20
        assert rules.rule_for(period, datetime.date(2026, 4, 15)).text == rules.ORDER_121
    # Order 121 Art. 36: the 5-working-day notice to a real-name reporter is gone.
    assert rules.is_in_force(rules.Period.REAL_NAME_REPORTER_NOTICE, datetime.date(2026, 4, 14))
    assert not rules.is_in_force(rules.Period.REAL_NAME_REPORTER_NOTICE, datetime.date(2026, 4, 15))


@pytest.mark.parametrize(
    ("table", "choices"),
    [
        ("non-acceptance", NonAcceptanceGround),
        ("termination", MediationTerminationReason),
        ("report-decisions", ReportDecision),
    ],
)
def test_the_grounds_are_those_the_articles_list(table, choices):
    assert legal_rules.grounds(table) == list(choices.values)
