"""Working-day arithmetic on the official calendar: weekends and public holidays are off, and the
State Council's make-up workdays (调休) are on. The calendar comes from `chinese-calendar`."""

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)
_years_without_schedule: set[int] = set()  # warned about once per process


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The holiday schedule of a year is published late in the year before; until the package
        # carries it, only weekends are known to be off. Deadlines in such a year are provisional.
        if day.year not in _years_without_schedule:
            _years_without_schedule.add(day.year)
            logger.warning("No official holiday schedule for %s yet; counting weekdays only", day.year)
        return day.weekday() < 5


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date `count` working days after `start`. The day of receipt is not counted, so a
    time limit of N working days ends on the N-th working day after it."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
