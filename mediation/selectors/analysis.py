"""What the analysis page shows an official: the complaints of their area, read from the counts
(never from the cases themselves, except to list the cases behind a figure).

An official of a bureau sees the area of its region: a county bureau its county, a city bureau its
city, a provincial bureau its province. They may narrow it to a region inside it. Nothing here
identifies a consumer: the figures are counts, the lists name cases and businesses."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    Authority,
    AuthorityKind,
    Case,
    CaseCategory,
    CaseKind,
    EarlyWarning,
    MarketEntity,
    ProblemType,
    Region,
    RegionLevel,
)
from mediation.services.complaint_counts import received_between, week_of
from mediation.services.early_warnings import BASELINE_WINDOWS, region_codes_under, rise_p_value

# The longest period the page reads at once: the two years the rollups are kept hot for.
LONGEST_PERIOD_DAYS = 731
PERIOD_PRESETS = (7, 30, 90, 365, 730)
GRANULARITIES = ("day", "week", "month")
# A rising term: at least this many complaints this week, and a rise as unlikely as this.
RISING_TERM_MIN_COUNT = 3
RISING_TERM_P_VALUE = 0.01
TOP = 10


def bureau_of_official(user) -> Authority | None:
    """The market-regulation bureau `user` is an official of (one with a region), or None."""
    official = getattr(user, "official", None) if user is not None and user.is_authenticated else None
    if official is None or official.authority.kind != AuthorityKind.BUREAU or official.authority.region is None:
        return None
    return official.authority


def official_area(user) -> Region:
    """The region whose complaints an official may analyse: their bureau's."""
    bureau = bureau_of_official(user)
    if bureau is None:
        raise PermissionDenied(_("The analysis is for the officials of market-regulation bureaus."))
    return bureau.region


def _within(region: Region, area: Region) -> bool:
    return area.code in {ancestor.code for ancestor in region.ancestors_and_self()}


@dataclasses.dataclass(frozen=True)
class Scope:
    """What a view of the analysis covers: a region of the official's area, a period, and
    optionally a category of goods or services."""

    region: Region
    start: datetime.date
    end: datetime.date  # inclusive
    category: str = ""
    granularity: str = "day"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def scope_for(*, user, region: str = "", start=None, end=None, category: str = "", granularity: str = "") -> Scope:
    """Check what an official asked for; errors name the field and say what is wrong."""
    area = official_area(user)
    errors: dict[str, list[str]] = {}
    chosen = area
    if region:
        chosen = Region.objects.select_related("parent__parent").filter(code=region).first()
        if chosen is None:
            errors["region"] = [_("No region has the code %(code)s.") % {"code": region}]
        elif not _within(chosen, area):
            errors["region"] = [_("%(region)s is outside your area.") % {"region": chosen.name}]
    today = timezone.localdate()
    try:
        end_day = datetime.date.fromisoformat(end) if end else today
        start_day = datetime.date.fromisoformat(start) if start else end_day - datetime.timedelta(days=29)
    except (TypeError, ValueError):
        errors["period"] = [_("Give dates as YYYY-MM-DD.")]
        start_day = end_day = today
    if start_day > end_day:
        errors["period"] = [_("The period ends before it starts.")]
    elif (end_day - start_day).days + 1 > LONGEST_PERIOD_DAYS:
        errors["period"] = [_("Choose a period of at most two years.")]
    if category and category not in CaseCategory.values:
        errors["category"] = [_("Not a category of goods or services: %(value)s.") % {"value": category}]
    granularity = granularity or ("day" if (end_day - start_day).days < 93 else "month")
    if granularity not in GRANULARITIES:
        errors["granularity"] = [_("Show by day, week or month.")]
    if errors:
        raise ValidationError(errors)
    return Scope(region=chosen, start=start_day, end=end_day, category=category, granularity=granularity)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def trend(scope: Scope) -> list[tuple[datetime.date, int]]:
    """Complaints per day, week or month of the period (periods without any included, as 0)."""
    rows = _rows(
        """
        SELECT date_trunc(%s, day)::date AS period, sum(count) FROM mediation_complaintcount
        WHERE region_code = %s AND category = %s AND problem_type = '' AND day BETWEEN %s AND %s
        GROUP BY period ORDER BY period
        """,
        [scope.granularity, scope.region.code, scope.category, scope.start, scope.end],
    )
    counted = {period: int(total) for period, total in rows}
    periods, period = [], _truncate(scope.start, scope.granularity)
    while period <= scope.end:
        periods.append((period, counted.get(period, 0)))
        period = _next(period, scope.granularity)
    return periods


def _truncate(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == "week":
        return week_of(day)
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == "week":
        return day + datetime.timedelta(days=7)
    if granularity == "month":
        return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day + datetime.timedelta(days=1)


def total(scope: Scope) -> int:
    (row,) = _rows(
        """
        SELECT coalesce(sum(count), 0) FROM mediation_complaintcount
        WHERE region_code = %s AND category = %s AND problem_type = '' AND day BETWEEN %s AND %s
        """,
        [scope.region.code, scope.category, scope.start, scope.end],
    )
    return int(row[0])


def region_ranking(scope: Scope) -> list[tuple[Region, int]]:
    """The regions one level down, most complaints first (none below a county)."""
    rows = _rows(
        """
        SELECT region_code, sum(count) AS complaints FROM mediation_complaintcount
        WHERE parent_code = %s AND category = %s AND problem_type = '' AND day BETWEEN %s AND %s
        GROUP BY region_code HAVING sum(count) > 0 ORDER BY complaints DESC, region_code
        """,
        [scope.region.code, scope.category, scope.start, scope.end],
    )
    regions = Region.objects.in_bulk([code for code, _count in rows])
    return [(regions[code], int(count)) for code, count in rows if code in regions]


def problem_type_ranking(scope: Scope) -> list[tuple[str, int]]:
    rows = _rows(
        """
        SELECT problem_type, sum(count) AS complaints FROM mediation_complaintcount
        WHERE region_code = %s AND category = %s AND problem_type <> '' AND day BETWEEN %s AND %s
        GROUP BY problem_type HAVING sum(count) > 0 ORDER BY complaints DESC, problem_type
        """,
        [scope.region.code, scope.category, scope.start, scope.end],
    )
    return [(problem_type, int(count)) for problem_type, count in rows]


def category_ranking(scope: Scope) -> list[tuple[str, int]]:
    rows = _rows(
        """
        SELECT category, sum(count) AS complaints FROM mediation_complaintcount
        WHERE region_code = %s AND category <> '' AND problem_type = '' AND day BETWEEN %s AND %s
        GROUP BY category HAVING sum(count) > 0 ORDER BY complaints DESC, category
        """,
        [scope.region.code, scope.start, scope.end],
    )
    return [(category, int(count)) for category, count in rows]


_LEVEL_COLUMN = {
    RegionLevel.PROVINCE: "province_code",
    RegionLevel.PREFECTURE: "prefecture_code",
    RegionLevel.COUNTY: "county_code",
}


def business_ranking(scope: Scope, *, limit: int = TOP) -> list[tuple[MarketEntity, int]]:
    """The businesses complained about most in the region and period."""
    column = _LEVEL_COLUMN[scope.region.level]
    category = "AND category = %s" if scope.category else ""
    rows = _rows(
        f"""
        SELECT entity_id, sum(count) AS complaints FROM mediation_entitycomplaintcount
        WHERE {column} = %s AND day BETWEEN %s AND %s {category}
        GROUP BY entity_id HAVING sum(count) > 0 ORDER BY complaints DESC, entity_id LIMIT %s
        """,  # noqa: S608 (a column name from the table above)
        [scope.region.code, scope.start, scope.end, *([scope.category] if scope.category else []), limit],
    )
    entities = MarketEntity.objects.only("name", "uscc").in_bulk([entity_id for entity_id, _count in rows])
    return [(entities[entity_id], int(count)) for entity_id, count in rows if entity_id in entities]


@dataclasses.dataclass(frozen=True)
class RisingTerm:
    term: str
    this_week: int
    weekly_before: float  # the mean of the weeks before
    p_value: float


def rising_terms(scope: Scope, *, limit: int = 20) -> list[RisingTerm]:
    """Words of the complaints of the week that ends the period that are new or growing against
    their own weeks before: the same test as the spikes (docs/analysis.md), at a looser level, for
    a list to read rather than an alarm."""
    week = week_of(scope.end)
    first = week - datetime.timedelta(weeks=BASELINE_WINDOWS)
    rows = _rows(
        """
        SELECT term, sum(count) FILTER (WHERE week = %s), coalesce(sum(count) FILTER (WHERE week < %s), 0)
        FROM mediation_termcount
        WHERE region_code = %s AND week >= %s AND week <= %s
        GROUP BY term HAVING sum(count) FILTER (WHERE week = %s) >= %s
        """,
        [week, week, scope.region.code, first, week, week, RISING_TERM_MIN_COUNT],
    )
    rising = []
    for term, this_week, before in rows:
        p_value = rise_p_value(int(this_week), int(before))
        if p_value < RISING_TERM_P_VALUE:
            rising.append(RisingTerm(term, int(this_week), int(before) / BASELINE_WINDOWS, p_value))
    rising.sort(key=lambda found: (found.p_value, -found.this_week, found.term))
    return rising[:limit]


def warnings_of_area(area: Region):
    """The warnings that went to a bureau of the area (its own or one below it), newest first."""
    return (
        EarlyWarning.objects.filter(
            Q(recipients__authority__region=area)
            | Q(recipients__authority__region__parent=area)
            | Q(recipients__authority__region__parent__parent=area)
        )
        .distinct()
        .select_related("region", "entity")
        .order_by("-window_end", "-id")
    )


def cases_behind(scope: Scope, *, problem_type: str = "", entity_id: int | None = None, limit: int = 100):
    """The complaints a figure counted, newest first: the drill-down."""
    if problem_type and problem_type not in ProblemType.values:
        raise ValidationError({"problem_type": [_("Not a problem type: %(value)s.") % {"value": problem_type}]})
    complaints = Case.objects.filter(received_between(scope.start, scope.end), kind=CaseKind.COMPLAINT)
    codes = region_codes_under(scope.region.code)
    complaints = complaints.filter(
        Q(entity__business_region__in=codes)
        | Q(entity__business_region__isnull=True, entity__registered_region__in=codes)
    )
    if scope.category:
        complaints = complaints.filter(category=scope.category)
    if problem_type:
        complaints = complaints.filter(problem_types__contains=[problem_type])
    if entity_id is not None:
        complaints = complaints.filter(entity_id=entity_id)
    return complaints.select_related("entity", "handling_authority").order_by("-received_at")[:limit]
