"""Loading a year of the State Council's holiday schedule, published late in the year before, and
counting again every deadline that was counted over that year without it."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mediation.models import OfficialCalendarDay, OfficialCalendarYear
from mediation.services.periods import provisional_deadlines_recompute


@dataclasses.dataclass(frozen=True)
class ScheduleDay:
    day: datetime.date
    is_working_day: bool  # True: a weekend day made a working day (调休上班); False: a day off (休)
    name: str = ""


def schedule_parse(text: str) -> list[ScheduleDay]:
    """Read a schedule written one day per line: `2027-10-01 休 国庆节` or `2027-09-26 班`. Blank
    lines and lines starting with # are skipped."""
    days = []
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        try:
            day = datetime.date.fromisoformat(parts[0])
            kind = parts[1]
        except (ValueError, IndexError):
            errors.append(
                _("Line %(number)d: write a date, then 休 or 班, then the holiday's name.") % {"number": number}
            )
            continue
        if kind not in ("休", "班"):
            errors.append(
                _("Line %(number)d: the second word must be 休 (day off) or 班 (working day).") % {"number": number}
            )
            continue
        days.append(ScheduleDay(day=day, is_working_day=kind == "班", name=parts[2] if len(parts) > 2 else ""))
    if errors:
        raise ValidationError({"schedule": errors})
    return days


@transaction.atomic
def official_year_load(*, year: int, source: str, days: list[ScheduleDay], loaded_by=None) -> int:
    """Load (or replace) the official schedule of `year`, then count provisional deadlines again.
    Returns how many deadlines moved."""
    errors = []
    if not source.strip():
        errors.append(_("Name the notice the schedule comes from."))
    seen = set()
    for entry in days:
        if entry.day.year != year:
            errors.append(_("%(day)s is not in %(year)d.") % {"day": entry.day, "year": year})
        if entry.day in seen:
            errors.append(_("%(day)s is listed twice.") % {"day": entry.day})
        seen.add(entry.day)
        if entry.is_working_day and entry.day.weekday() < 5:
            errors.append(_("%(day)s is a weekday: only a weekend day can be made a working day.") % {"day": entry.day})
    if not any(not entry.is_working_day for entry in days):
        errors.append(_("The schedule lists no day off."))
    if errors:
        raise ValidationError({"schedule": errors})
    calendar_year, _created = OfficialCalendarYear.objects.update_or_create(
        year=year, defaults={"source": source.strip(), "loaded_by": loaded_by}
    )
    calendar_year.days.all().delete()
    OfficialCalendarDay.objects.bulk_create(
        OfficialCalendarDay(calendar_year=calendar_year, day=e.day, is_working_day=e.is_working_day, name=e.name)
        for e in days
    )
    return provisional_deadlines_recompute()
