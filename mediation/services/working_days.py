"""Counting periods the way Order 121 Art. 45 (and the penalty procedure Art. 80) count them, on the
official calendar.

- The day a period starts is not counted.
- Working days are Monday to Friday less the State Council's days off, plus its make-up working
  days (调休上班).
- A natural-day period whose last day is a holiday ends on the first day after the holiday. The
  product reads "holiday" (法定节假日) as every day off on the official calendar: the announced break
  (e.g. 1–7 October, weekend days inside it included) and the ordinary weekend, as the courts read
  法定休假日 in the procedure laws. A Saturday made a working day is not a holiday.

The calendar of a year comes from a year an administrator loaded (OfficialCalendarYear), else from
the `chinese-calendar` package; a year known to neither has only its weekends off, and every
deadline counted over it is provisional until its year is loaded."""

import dataclasses
import datetime

import chinese_calendar

from mediation.models import OfficialCalendarDay, OfficialCalendarYear

ONE_DAY = datetime.timedelta(days=1)


@dataclasses.dataclass
class WorkingCalendar:
    """The official calendar for the years one computation touches; read once from the database."""

    loaded_years: set[int] = dataclasses.field(default_factory=set)
    loaded_days: dict[datetime.date, bool] = dataclasses.field(default_factory=dict)
    # Set when a day was judged in a year without an official schedule.
    used_unofficial_year: bool = False

    @classmethod
    def current(cls) -> "WorkingCalendar":
        return cls(
            loaded_years=set(OfficialCalendarYear.objects.values_list("year", flat=True)),
            loaded_days=dict(OfficialCalendarDay.objects.values_list("day", "is_working_day")),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year in self.loaded_years:
            return self.loaded_days.get(day, day.weekday() < 5)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            self.used_unofficial_year = True
            return day.weekday() < 5

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `start` (the start day is not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_natural_days(self, start: datetime.date, count: int) -> datetime.date:
        """The last day of a period of `count` natural days from `start`: the start day is not
        counted, and a last day that is a holiday gives way to the first day after the holiday."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start + datetime.timedelta(days=count)
        while count and not self.is_working_day(day):
            day += ONE_DAY
        return day


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar.current().is_working_day(day)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    return WorkingCalendar.current().add_working_days(start, count)


def add_natural_days(start: datetime.date, count: int) -> datetime.date:
    return WorkingCalendar.current().add_natural_days(start, count)
