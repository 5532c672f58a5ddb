"""Numbers set by regulation, each with its source. Change them here and nowhere else.

Sources:
- SAMR Order 20 (市场监督管理投诉举报处理暂行办法, 2019, amended 2022).
- SAMR Order 121, its successor, in force since 2026-04-15.
"""

from django.conf import settings

# Decide whether to accept a complaint within 7 working days of receipt (Order 20; kept by Order 121).
ACCEPTANCE_DECISION_WORKING_DAYS = 7

# An ODR ("green channel") business has 10 working days to settle a complaint sent to it directly
# before the authority steps in.
ODR_SETTLEMENT_WORKING_DAYS = 10

# Tell both parties within 7 working days after mediation is terminated.
TERMINATION_NOTICE_WORKING_DAYS = 7

# Report verification: 15 working days, extendable once by another 15.
REPORT_VERIFICATION_WORKING_DAYS = 15
REPORT_VERIFICATION_EXTENSION_WORKING_DAYS = 15

# Decision whether to open a case on a report: within 90 (calendar) days of receipt.
REPORT_CASE_OPENING_DAYS = 90

# A complaint more than 3 years after the consumer knew of the harm is not accepted.
COMPLAINT_LIMITATION_YEARS = 3

# The queue calls a case "due soon" when its next deadline is this many working days away or less.
DUE_SOON_WORKING_DAYS = 2


def mediation_period_working_days() -> int:
    """Order 20 ended mediation after 45 working days without agreement; Order 121 is reported to
    set 60. Configurable through the MEDIATION_PERIOD_WORKING_DAYS setting, default Order 121."""
    return settings.MEDIATION_PERIOD_WORKING_DAYS
