"""The counts the analysis reads, kept as complaints arrive: per day, region level, category and
problem type; per day and business; per week, region and keyword.

A complaint is counted in the same transaction that files or corrects it, so the counts never
disagree with the cases. Rows are upserted in one order (their keys sorted), so that two filings
that touch the same rows wait for each other instead of deadlocking. `complaint_counts_rebuild`
recomputes every count, or those of some days, from the cases themselves."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mediation.models import Case, CaseKind, Region, RegionLevel
from mediation.models.analysis import ALL


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the product's time zone: the days of the counts are local."""
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())


def received_between(first: datetime.date, last: datetime.date) -> Q:
    """Cases received from the start of day `first` to the end of day `last`."""
    return Q(received_at__gte=start_of(first), received_at__lt=start_of(last + datetime.timedelta(days=1)))


def week_of(day: datetime.date) -> datetime.date:
    """The Monday that starts the week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


@dataclasses.dataclass(frozen=True)
class Place:
    """The region a complaint is counted in, at each of its levels ("" where there is none)."""

    county: str = ""
    prefecture: str = ""
    province: str = ""

    def levels(self) -> list[tuple[str, str, str]]:
        """(code, level, parent code) for each level the place has."""
        rows = []
        if self.county:
            rows.append((self.county, RegionLevel.COUNTY.value, self.prefecture or self.province))
        if self.prefecture:
            rows.append((self.prefecture, RegionLevel.PREFECTURE.value, self.province))
        if self.province:
            rows.append((self.province, RegionLevel.PROVINCE.value, ""))
        return rows


def place_of(region: Region | None) -> Place:
    codes = {level: "" for level in RegionLevel.values}
    for ancestor in region.ancestors_and_self() if region is not None else ():
        codes[ancestor.level] = ancestor.code
    return Place(
        county=codes[RegionLevel.COUNTY], prefecture=codes[RegionLevel.PREFECTURE], province=codes[RegionLevel.PROVINCE]
    )


def complaint_place(case: Case) -> Place:
    """Where a complaint is counted: the business's place of business, or where it is registered."""
    entity = case.entity
    return place_of(entity.business_region or entity.registered_region)


@dataclasses.dataclass(frozen=True)
class Counted:
    """What of a complaint the counts hold, so that a correction can take back exactly that."""

    day: datetime.date
    place: Place
    entity_id: int
    category: str
    problem_types: tuple[str, ...]
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, case: Case) -> Counted:
        return cls(
            day=timezone.localdate(case.received_at),
            place=complaint_place(case),
            entity_id=case.entity_id,
            category=case.category or "",
            problem_types=tuple(sorted(set(case.problem_types))),
            keywords=tuple(sorted(set(case.keywords))),
        )

    def region_rows(self) -> list[tuple]:
        rows = []
        for code, level, parent in self.place.levels():
            for category in sorted({ALL, self.category}):
                for problem_type in (ALL, *self.problem_types):
                    rows.append((code, category, problem_type, self.day, level, parent))
        return rows

    def entity_rows(self) -> list[tuple]:
        place = self.place
        return [(self.entity_id, self.category, self.day, place.county, place.prefecture, place.province)]

    def term_rows(self) -> list[tuple]:
        week = week_of(self.day)
        return [(code, week, term) for code, _level, _parent in self.place.levels() for term in self.keywords]


def _upsert(sql_table: str, key_columns: tuple[str, ...], extra_columns: tuple[str, ...], rows: list[tuple], delta):
    if not rows:
        return
    rows = sorted(set(rows))
    columns = (*key_columns, *extra_columns, "count")
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    values = [value for row in rows for value in (*row, delta)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {sql_table} ({', '.join(columns)}) VALUES {placeholders} "  # noqa: S608 (fixed names)
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET count = {sql_table}.count + EXCLUDED.count",
            values,
        )


def _apply(counted: Counted, delta: int) -> None:
    _upsert(
        "mediation_complaintcount",
        ("region_code", "category", "problem_type", "day"),
        ("region_level", "parent_code"),
        counted.region_rows(),
        delta,
    )
    _upsert(
        "mediation_entitycomplaintcount",
        ("entity_id", "category", "day"),
        ("county_code", "prefecture_code", "province_code"),
        counted.entity_rows(),
        delta,
    )
    _upsert("mediation_termcount", ("region_code", "week", "term"), (), counted.term_rows(), delta)


def complaint_counted(case: Case) -> None:
    """Count a complaint just filed. The caller's transaction files it."""
    if case.kind == CaseKind.COMPLAINT:
        _apply(Counted.of(case), +1)


def complaint_recounted(*, before: Counted, case: Case) -> None:
    """Move a corrected complaint's counts from what was counted to what it says now."""
    after = Counted.of(case)
    if case.kind != CaseKind.COMPLAINT or after == before:
        return
    _apply(before, -1)
    _apply(after, +1)


# The full recomputation: every complaint's place at its three levels, then one GROUP BY per table.
_PLACES_SQL = """
    WITH places AS (
        SELECT c.id, c.entity_id, c.category, c.problem_types, c.keywords,
               (c.received_at AT TIME ZONE %(zone)s)::date AS day,
               COALESCE(e.business_region_id, e.registered_region_id) AS region
        FROM mediation_case c JOIN mediation_marketentity e ON e.id = c.entity_id
        WHERE c.kind = 'complaint'
          AND c.received_at >= %(since)s AND c.received_at < %(until)s
    ), chain AS (
        SELECT r.code AS region, r.code, r.level, COALESCE(r.parent_id, '') AS parent FROM mediation_region r
        UNION ALL
        SELECT r.code, p.code, p.level, COALESCE(p.parent_id, '') FROM mediation_region r
        JOIN mediation_region p ON p.code = r.parent_id
        UNION ALL
        SELECT r.code, g.code, g.level, COALESCE(g.parent_id, '') FROM mediation_region r
        JOIN mediation_region p ON p.code = r.parent_id JOIN mediation_region g ON g.code = p.parent_id
    ), levels AS (
        SELECT places.*, chain.code, chain.level, chain.parent FROM places JOIN chain ON chain.region = places.region
    )
"""


def complaint_counts_rebuild(*, since: datetime.date | None = None, until: datetime.date | None = None) -> None:
    """Recompute the counts of the days from `since` up to, not including, `until` (all days when
    neither is given) from the complaints themselves."""
    zone = timezone.get_current_timezone()
    first_day, end_day = since or datetime.date(1970, 1, 1), until or datetime.date(9000, 1, 1)
    # Weeks are counted whole: recounting some days recounts the weeks they touch.
    first_week, end_week = week_of(first_day), week_of(end_day - datetime.timedelta(days=1)) + datetime.timedelta(7)

    def received(start: datetime.date, end: datetime.date) -> dict:
        return {"zone": str(zone), "since": start_of(start), "until": start_of(end)}

    params = received(first_day, end_day)
    with transaction.atomic(), connection.cursor() as cursor:
        # Filings wait (their counts would be lost or counted twice); the analysis goes on reading.
        cursor.execute(
            "LOCK TABLE mediation_complaintcount, mediation_entitycomplaintcount, mediation_termcount "
            "IN SHARE ROW EXCLUSIVE MODE"
        )
        days = [first_day, end_day]
        cursor.execute("DELETE FROM mediation_complaintcount WHERE day >= %s AND day < %s", days)
        cursor.execute("DELETE FROM mediation_entitycomplaintcount WHERE day >= %s AND day < %s", days)
        cursor.execute("DELETE FROM mediation_termcount WHERE week >= %s AND week < %s", [first_week, end_week])
        cursor.execute(
            _PLACES_SQL
            + """
            INSERT INTO mediation_complaintcount
                (region_code, region_level, parent_code, category, problem_type, day, count)
            SELECT code, level, parent, category_key, type_key, day, count(*) FROM (
                SELECT levels.id, code, level, parent, day, category_key, type_key
                FROM levels
                CROSS JOIN LATERAL (SELECT DISTINCT unnest(ARRAY['', levels.category])) AS categories(category_key)
                CROSS JOIN LATERAL (SELECT DISTINCT unnest(ARRAY[''] || levels.problem_types)) AS types(type_key)
            ) AS keyed
            GROUP BY code, level, parent, category_key, type_key, day
            """,
            params,
        )
        cursor.execute(
            _PLACES_SQL
            + """
            , place_codes AS (
                SELECT id, max(code) FILTER (WHERE level = 'county') AS county,
                       max(code) FILTER (WHERE level = 'prefecture') AS prefecture,
                       max(code) FILTER (WHERE level = 'province') AS province
                FROM levels GROUP BY id
            )
            INSERT INTO mediation_entitycomplaintcount
                (entity_id, category, day, county_code, prefecture_code, province_code, count)
            SELECT entity_id, category, day, COALESCE(county, ''), COALESCE(prefecture, ''),
                   COALESCE(province, ''), count(*)
            FROM places LEFT JOIN place_codes USING (id)
            GROUP BY entity_id, category, day, county, prefecture, province
            """,
            params,
        )
        cursor.execute(
            _PLACES_SQL
            + """
            INSERT INTO mediation_termcount (region_code, week, term, count)
            SELECT code, date_trunc('week', day)::date, term, count(*)
            FROM levels CROSS JOIN LATERAL (SELECT DISTINCT unnest(levels.keywords)) AS terms(term)
            GROUP BY code, date_trunc('week', day), term
            """,
            received(first_week, end_week),
        )
