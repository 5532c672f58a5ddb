"""The legal periods of a case: started, extended and closed here, each kept as a CaseDeadline row
with the rule it runs under, and mirrored on the case's due-date field of the same period."""

import datetime

from django.db import transaction

from mediation import rules
from mediation.models import Case, CaseDeadline, IntakeChannel
from mediation.rules import Period, Unit
from mediation.services.working_days import WorkingCalendar

DUE_FIELD = {
    Period.ACCEPTANCE_DECISION: "acceptance_due",
    Period.ODR_SETTLEMENT: "odr_due",
    Period.MEDIATION: "mediation_due",
    Period.TERMINATION_NOTICE: "termination_notice_due",
    Period.REPORT_VERIFICATION: "verification_due",
    Period.VIOLATION_CHECK: "verification_due",
    Period.PENALTY_DECISION: "penalty_decision_due",
    Period.JURISDICTION_DISPUTE: "jurisdiction_dispute_due",
}
EXTENSION_OF = {
    Period.REPORT_VERIFICATION: Period.REPORT_VERIFICATION_EXTENSION,
    Period.PENALTY_DECISION: Period.PENALTY_DECISION_EXTENSION,
    Period.VIOLATION_CHECK: Period.VIOLATION_CHECK_EXTENSION,
}


def verification_period(case: Case) -> Period:
    """A report is verified under the penalty procedure Art. 18; a clue found in mediation under
    Order 121 Art. 27 (the same 15 + 15 working days, its own article)."""
    if case.intake_channel == IntakeChannel.FOUND_IN_MEDIATION:
        return Period.VIOLATION_CHECK
    return Period.REPORT_VERIFICATION


def _count(calendar: WorkingCalendar, start: datetime.date, number: int, unit: str) -> datetime.date:
    if unit == Unit.WORKING_DAYS:
        return calendar.add_working_days(start, number)
    if unit == Unit.NATURAL_DAYS:
        return calendar.add_natural_days(start, number)
    raise ValueError(f"A period in {unit} has no last day to count")


def _compute(deadline: CaseDeadline, calendar: WorkingCalendar) -> None:
    calendar.used_unofficial_year = False
    # Days that did not count (testing, a suspension) lengthen the period like an extension does.
    length = deadline.number + deadline.not_counted
    if deadline.extension and deadline.extension_unit == deadline.unit:
        # An extension lengthens the period: 90 + 30 days run from the same start, and only the
        # end of the whole period gives way to a holiday.
        due = _count(calendar, deadline.starts_on, length + deadline.extension, deadline.unit)
    else:
        due = _count(calendar, deadline.starts_on, length, deadline.unit)
        if deadline.extension:
            due = _count(calendar, due, deadline.extension, deadline.extension_unit)
    deadline.due_on = due
    deadline.provisional = calendar.used_unofficial_year


def due_date(period: Period, starts_on: datetime.date, *, rule_day: datetime.date | None = None) -> datetime.date:
    """The last day of `period` started on `starts_on`, under the rule in force on `rule_day` (by
    default that day)."""
    rule = rules.rule_for(period, rule_day or starts_on)
    return _count(WorkingCalendar.current(), starts_on, rule.number, rule.unit)


def period_start(case: Case, period: Period, starts_on: datetime.date) -> list[str]:
    """Start `period` on `starts_on` under the rule in force that day; a running period of the same
    kind is replaced. Sets the case's due-date field; returns the names of the fields changed."""
    rule = rules.rule_for(period, starts_on)
    CaseDeadline.objects.filter(case=case, period=period, is_open=True).update(is_open=False)
    deadline = CaseDeadline(
        case=case, period=period, starts_on=starts_on, number=rule.number, unit=rule.unit, citation=rule.citation
    )
    return _count_and_mirror(case, deadline, WorkingCalendar.current())


def _count_and_mirror(case: Case, deadline: CaseDeadline, calendar: WorkingCalendar) -> list[str]:
    """Count the deadline's last day, save it, and set the case's due-date field of its period."""
    _compute(deadline, calendar)
    deadline.save()
    field = DUE_FIELD[Period(deadline.period)]
    setattr(case, field, deadline.due_on)
    return [field]


def period_extend(case: Case, period: Period) -> list[str]:
    """Extend the running `period` by the extension its rule allows (once)."""
    deadline = CaseDeadline.objects.get(case=case, period=period, is_open=True)
    extension = rules.rule_for(EXTENSION_OF[period], deadline.starts_on)
    deadline.extension, deadline.extension_unit = extension.number, extension.unit
    deadline.citation = f"{deadline.citation}; {extension.citation}"
    return _count_and_mirror(case, deadline, WorkingCalendar.current())


def period_resume(case: Case, period: Period, *, suspended_since: datetime.date, today: datetime.date) -> list[str]:
    """The days from the suspension to the resumption (the first not counted, as Art. 45 counts)
    do not count towards the running `period`: its last day moves on by as many."""
    deadline = CaseDeadline.objects.get(case=case, period=period, is_open=True)
    calendar = WorkingCalendar.current()
    if deadline.unit == Unit.WORKING_DAYS:
        days = sum(
            calendar.is_working_day(suspended_since + datetime.timedelta(days=offset))
            for offset in range(1, (today - suspended_since).days + 1)
        )
    else:
        days = (today - suspended_since).days
    deadline.not_counted += days
    return _count_and_mirror(case, deadline, calendar)


def period_is_extended(case: Case, period: Period) -> bool:
    return CaseDeadline.objects.filter(case=case, period=period, is_open=True, extension__gt=0).exists()


def periods_close(case: Case, *periods: Period) -> None:
    """The periods no longer run (met, or the case has left the stage they belong to)."""
    CaseDeadline.objects.filter(case=case, period__in=periods, is_open=True).update(is_open=False)


def provisional_deadlines_recompute() -> int:
    """Count again every running deadline that was counted over a year without an official schedule
    (after an administrator loaded the year). Returns the number of deadlines whose date changed."""
    calendar = WorkingCalendar.current()
    changed = 0
    with transaction.atomic():
        for deadline in CaseDeadline.objects.select_for_update().filter(provisional=True, is_open=True):
            before = deadline.due_on
            _compute(deadline, calendar)
            deadline.save(update_fields=["due_on", "provisional"])
            if deadline.due_on == before:
                continue
            changed += 1
            case = Case.objects.select_for_update().get(pk=deadline.case_id)
            field = DUE_FIELD[Period(deadline.period)]
            updates = {field: deadline.due_on}
            if case.next_due == getattr(case, field):
                updates["next_due"] = deadline.due_on
            Case.objects.filter(pk=case.pk).update(**updates)
    return changed
