"""The time limits set by regulation: one table, each rule with its source, the version of the text,
and the dates it is in force. `docs/legal-rules.md` lists the same rules for a reader; the tests
check the code against that document and against dates worked out by hand from the texts.

A period is governed by the rule in force on the day the period starts (the receipt, the acceptance,
the opening of a case...), so a case received under SAMR Order 20 keeps Order 20's numbers after
Order 121 took over on 2026-04-15.

Texts:
- SAMR Order 20, 市场监督管理投诉举报处理暂行办法 (2019, amended 2022-03-24), in force 2020-01-01 to
  2026-04-14.
- SAMR Order 121, 市场监督管理投诉举报处理办法 (2025-12-30), in force from 2026-04-15.
- 市场监督管理行政处罚程序规定 (SAMR Order 2, amended by Orders 42 and 61, 2022-09-29): the
  procedure for reports once they reach verification.
"""

import dataclasses
import datetime
import enum

D = datetime.date

ORDER_20 = "SAMR Order 20 (2019, amended 2022)"
ORDER_121 = "SAMR Order 121 (2025)"
PENALTY_PROCEDURE = "SAMR penalty procedure rules (2022)"
PLATFORM_PRACTICE = "12315 platform practice"

ORDER_20_IN_FORCE = D(2020, 1, 1)
ORDER_121_IN_FORCE = D(2026, 4, 15)
PENALTY_PROCEDURE_IN_FORCE = D(2019, 4, 1)


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    NATURAL_DAYS = "natural_days"
    YEARS = "years"


class Period(enum.StrEnum):
    """The periods the service keeps, by what they are for."""

    ACCEPTANCE_DECISION = "acceptance_decision"  # receipt → accept or not
    ODR_SETTLEMENT = "odr_settlement"  # the business settles directly before the bureau steps in
    MEDIATION = "mediation"  # acceptance → agreement, or mediation ends
    TERMINATION_NOTICE = "termination_notice"  # decision to terminate → both parties told
    VIOLATION_CHECK = "violation_check"  # a violation found in mediation is verified
    VIOLATION_CHECK_EXTENSION = "violation_check_extension"
    REPORT_VERIFICATION = "report_verification"  # receipt of a report → decide whether to open a case
    REPORT_VERIFICATION_EXTENSION = "report_verification_extension"
    PENALTY_DECISION = "penalty_decision"  # case opened (立案) → decision
    PENALTY_DECISION_EXTENSION = "penalty_decision_extension"
    REAL_NAME_REPORTER_NOTICE = "real_name_reporter_notice"  # Order 20 only
    JURISDICTION_DISPUTE = "jurisdiction_dispute"  # bureaus settle a dispute over who handles it
    COMPLAINT_LIMITATION = "complaint_limitation"  # knew of the harm → complaint no longer accepted


@dataclasses.dataclass(frozen=True)
class Rule:
    period: Period
    number: int
    unit: Unit
    text: str  # the regulation
    article: str
    in_force_from: datetime.date
    in_force_until: datetime.date | None  # the first day it no longer applies
    # False where the number could not be found in a published text.
    verified: bool = True

    def applies_on(self, day: datetime.date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day < self.in_force_until)

    @property
    def citation(self) -> str:
        return f"{self.text} {self.article}"


WD, ND = Unit.WORKING_DAYS, Unit.NATURAL_DAYS
O20 = (ORDER_20, ORDER_20_IN_FORCE, ORDER_121_IN_FORCE)
O121 = (ORDER_121, ORDER_121_IN_FORCE, None)

RULES: tuple[Rule, ...] = (
    # 自收到投诉之日起七个工作日内作出受理或者不予受理的决定
    Rule(Period.ACCEPTANCE_DECISION, 7, WD, O20[0], "Art. 14", *O20[1:]),
    Rule(Period.ACCEPTANCE_DECISION, 7, WD, O121[0], "Art. 15", *O121[1:]),
    # Order 121 Art. 6 encourages online dispute resolution by businesses but sets no period; the
    # ten working days are the 12315 platform's own rule for its ODR businesses.
    Rule(Period.ODR_SETTLEMENT, 10, WD, PLATFORM_PRACTICE, "ODR business terms", ORDER_20_IN_FORCE, None, False),
    # 自投诉受理之日起四十五个工作日内 / 六十日内 ... 未能达成调解协议的 (终止调解)
    Rule(Period.MEDIATION, 45, WD, O20[0], "Art. 21(5)", *O20[1:]),
    Rule(Period.MEDIATION, 60, ND, O121[0], "Art. 23(5)", *O121[1:]),
    # 自作出终止调解决定之日起七个工作日内告知投诉人和被投诉人
    Rule(Period.TERMINATION_NOTICE, 7, WD, O20[0], "Art. 21", *O20[1:]),
    Rule(Period.TERMINATION_NOTICE, 7, WD, O121[0], "Art. 23", *O121[1:]),
    # 在调解中发现涉嫌违法线索的，自发现之日起十五个工作日内予以核查 ... 可以延长十五个工作日
    Rule(Period.VIOLATION_CHECK, 15, WD, O20[0], "Art. 23", *O20[1:]),
    Rule(Period.VIOLATION_CHECK, 15, WD, O121[0], "Art. 27", *O121[1:]),
    Rule(Period.VIOLATION_CHECK_EXTENSION, 15, WD, O20[0], "Art. 23", *O20[1:]),
    Rule(Period.VIOLATION_CHECK_EXTENSION, 15, WD, O121[0], "Art. 27", *O121[1:]),
    # 自发现线索或者收到材料之日起十五个工作日内予以核查，由负责人决定是否立案；可以延长十五个工作日
    Rule(Period.REPORT_VERIFICATION, 15, WD, PENALTY_PROCEDURE, "Art. 18", PENALTY_PROCEDURE_IN_FORCE, None),
    Rule(Period.REPORT_VERIFICATION_EXTENSION, 15, WD, PENALTY_PROCEDURE, "Art. 18", PENALTY_PROCEDURE_IN_FORCE, None),
    # 适用普通程序办理的案件应当自立案之日起九十日内作出处理决定 ... 可以延长三十日
    Rule(Period.PENALTY_DECISION, 90, ND, PENALTY_PROCEDURE, "Art. 64", PENALTY_PROCEDURE_IN_FORCE, None),
    Rule(Period.PENALTY_DECISION_EXTENSION, 30, ND, PENALTY_PROCEDURE, "Art. 64", PENALTY_PROCEDURE_IN_FORCE, None),
    # 举报人实名举报的 ... 自作出是否立案决定之日起五个工作日内告知举报人 (dropped by Order 121, Art. 36)
    Rule(Period.REAL_NAME_REPORTER_NOTICE, 5, WD, O20[0], "Art. 31", *O20[1:]),
    # 因处理权限发生争议的，应当自发生争议之日起七个工作日内协商解决
    Rule(Period.JURISDICTION_DISPUTE, 7, WD, O20[0], "Art. 30", *O20[1:]),
    Rule(Period.JURISDICTION_DISPUTE, 7, WD, O121[0], "Art. 33", *O121[1:]),
    # 投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年的 (不予受理)
    Rule(Period.COMPLAINT_LIMITATION, 3, Unit.YEARS, O20[0], "Art. 15(4)", *O20[1:]),
    Rule(Period.COMPLAINT_LIMITATION, 3, Unit.YEARS, O121[0], "Art. 16(4)", *O121[1:]),
)


class NoRuleInForce(LookupError):
    pass


def rule_for(period: Period, day: datetime.date) -> Rule:
    """The rule for `period` in force on `day`, the day the period starts."""
    for rule in RULES:
        if rule.period == period and rule.applies_on(day):
            return rule
    raise NoRuleInForce(f"No rule for {period} in force on {day}")


def is_in_force(period: Period, day: datetime.date) -> bool:
    try:
        rule_for(period, day)
    except NoRuleInForce:
        return False
    return True


# Not a legal period: the queue calls a case "due soon" when its next deadline is this many
# working days away or less.
DUE_SOON_WORKING_DAYS = 2
