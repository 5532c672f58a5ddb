"""The analysis over millions of complaints in PostgreSQL.

Fills the `bench_analysis` database (once; later runs reuse it) with --complaints synthetic
complaints over two years, in every county of the mainland at rates that differ from county to
county, against --entities businesses, with hot spots planted in the last days. Then measures:

- the queries of the analysis page (trend, ranking of regions, problem types, categories,
  businesses, rising terms, warnings) for a province, a prefecture and a county official, over a
  week, a month, a year and two years, with and without a category: p50 and p99 of each kind
  (target p99 under 300 ms);
- detection over a day's new complaints: reading and counting each complaint as filing does, the
  detection each filing queues, and the hourly detection across the country;
- a full recomputation of the counts from the complaints (its cost, stated).

    python bench/analysis_bench.py [--complaints 5000000] [--entities 300000] [--repeat 20]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

from bench.common import ensure_database, percentile  # noqa: E402

DAYS = 730


def log(message: str) -> None:
    print(message, flush=True)


def generate(*, complaints: int, entities: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from mediation.models import Case, MarketEntity, Region, RegionLevel
    from mediation.services.synthetic_complaints import (
        Background,
        PlantedCluster,
        PlantedRunaway,
        PlantedSpike,
        complaints_generate,
    )
    from mediation.services.synthetic_registry import seed_registry

    call_command("migrate", verbosity=0)
    call_command("load_reference_data")
    present = MarketEntity.objects.count()
    if present < entities:
        log(f"Seeding {entities - present:,} businesses")
        seed_registry(count=entities - present)
    if Case.objects.filter(number__startswith="SY").exists():
        log(f"Complaints present: {Case.objects.count():,} (reused)")
        return

    entities_by_county: dict[str, list[int]] = {}
    for entity_id, region in MarketEntity.objects.filter(business_region__isnull=False).values_list(
        "id", "business_region"
    ):
        entities_by_county.setdefault(region, []).append(entity_id)
    counties = sorted(
        code
        for code in Region.objects.filter(level=RegionLevel.COUNTY, is_current=True, is_cross_border=False).values_list(
            "code", flat=True
        )
        if code in entities_by_county
    )
    rnd = random.Random(12315)
    weights = [rnd.lognormvariate(0, 0.8) for _ in counties]
    per_county_day = complaints / DAYS / sum(weights)
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    first_day = last_day - datetime.timedelta(days=DAYS - 1)
    spike_county = counties[len(counties) // 3]
    # The businesses with the fewest complaints of their county: a shop that runs away, and a seller
    # that suddenly draws complaints from eight prefectures.
    runaway_shop, cluster_shop = entities_by_county[counties[len(counties) // 2]][-2:]
    prefectures_seen: set[str] = set()
    cluster_homes = []
    for county in counties[::97]:
        if county[:4] not in prefectures_seen and len(cluster_homes) < 8:
            prefectures_seen.add(county[:4])
            cluster_homes.append(county)
    plants = [
        PlantedSpike(
            county=spike_county,
            problem_type="safety",
            category="G05",
            first_day=last_day - datetime.timedelta(days=2),
            days=3,
            complaints=40,
        ),
        PlantedRunaway(entity_id=runaway_shop, first_day=last_day - datetime.timedelta(days=3), days=4, complaints=12),
        PlantedCluster(
            entity_id=cluster_shop,
            consumer_counties=cluster_homes,
            first_day=last_day - datetime.timedelta(days=10),
            days=10,
        ),
    ]
    log(
        f"Writing about {complaints:,} complaints over {DAYS} days in {len(counties):,} counties "
        f"(planted: spike in {spike_county}, runaway {runaway_shop}, cluster {cluster_shop})"
    )
    started = time.monotonic()
    written = complaints_generate(
        background=Background(
            counties=counties,
            first_day=first_day,
            days=DAYS,
            per_county_day=per_county_day,
            entities_by_county=entities_by_county,
            consumer_counties=counties,
            county_weights=weights,
        ),
        plants=plants,
        seed=12315,
        batch_size=20_000,
        progress=lambda done: (
            log(f"  {done:,} written ({time.monotonic() - started:.0f} s)") if done % 500_000 < 20_000 else None
        ),
    )
    log(f"Wrote {written:,} complaints and their counts in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=5_000_000)
    parser.add_argument("--entities", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--skip-recompute", action="store_true", help="leave out the full recomputation")
    arguments = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    generate(complaints=arguments.complaints, entities=arguments.entities)
    if arguments.generate_only:
        return
    measure(repeat=arguments.repeat, recompute=not arguments.skip_recompute)


def _timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def measure(*, repeat: int, recompute: bool) -> None:
    from django.db import connection
    from django.utils import timezone

    from mediation.models import Case, ComplaintCount, EntityComplaintCount, Region, RegionLevel, TermCount
    from mediation.selectors import analysis
    from mediation.services.complaint_counts import Counted, complaint_counts_rebuild
    from mediation.services.complaint_text import keywords_of, problem_types_of
    from mediation.services.early_warnings import warnings_detect, warnings_detect_for_complaint

    log(
        f"Complaints: {Case.objects.count():,}; rows of counts: regions {ComplaintCount.objects.count():,}, "
        f"businesses {EntityComplaintCount.objects.count():,}, terms {TermCount.objects.count():,}"
    )
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    # The busiest province, one of its prefectures and one of that prefecture's counties.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT region_code FROM mediation_complaintcount WHERE region_level = %s AND category = ''
               AND problem_type = '' GROUP BY region_code ORDER BY sum(count) DESC LIMIT 1""",
            [RegionLevel.PROVINCE],
        )
        province = Region.objects.get(code=cursor.fetchone()[0])
    prefecture = Region.objects.filter(parent=province, level=RegionLevel.PREFECTURE, is_current=True).order_by("code")[
        0
    ]
    county = Region.objects.filter(parent=prefecture, is_current=True).exclude(name="市辖区").order_by("code")[0]
    panels = {
        "trend": analysis.trend,
        "total": analysis.total,
        "regions": analysis.region_ranking,
        "problem types": analysis.problem_type_ranking,
        "categories": analysis.category_ranking,
        "businesses": analysis.business_ranking,
        "rising terms": analysis.rising_terms,
    }
    timings: dict[str, list[float]] = {name: [] for name in panels}
    pages: list[float] = []
    for _ in range(repeat):
        for region in (province, prefecture, county):
            for days in (7, 30, 365, 730):
                for category in ("", "G02"):
                    scope = analysis.Scope(
                        region=region,
                        start=last_day - datetime.timedelta(days=days - 1),
                        end=last_day,
                        category=category,
                        granularity="day" if days <= 90 else "month",
                    )
                    page = 0.0
                    for name, panel in panels.items():
                        elapsed, _result = _timed(lambda panel=panel, scope=scope: panel(scope))
                        timings[name].append(elapsed)
                        page += elapsed
                    elapsed, _result = _timed(lambda region=region: list(analysis.warnings_of_area(region)[:20]))
                    pages.append(page + elapsed)
    log(f"\nThe analysis page's queries ({province.name}, {prefecture.name}, {county.name}; 7, 30, 365 and")
    log(f"730 days; all categories and one; {repeat} rounds): ms")
    log(f"{'query':<16}{'p50':>8}{'p99':>8}{'max':>8}")
    for name, values in [*timings.items(), ("whole page", pages)]:
        log(f"{name:<16}{statistics.median(values):>8.1f}{percentile(values, 0.99):>8.1f}{max(values):>8.1f}")

    day_cases = list(
        Case.objects.filter(kind="complaint", received_at__date=last_day).select_related(
            "entity__business_region__parent__parent", "entity__registered_region__parent__parent"
        )
    )
    log(f"\nA day's new complaints: {len(day_cases):,} (those received on {last_day})")
    elapsed, _ = _timed(lambda: [(problem_types_of(case.facts), keywords_of(case.facts)) for case in day_cases])
    log(f"  reading each (problem types, keywords), one at a time: {elapsed / 1000:.1f} s")
    elapsed, _ = _timed(lambda: [Counted.of(case).region_rows() for case in day_cases])
    log(f"  working out each one's counts: {elapsed / 1000:.1f} s")
    sample = day_cases[:: max(1, len(day_cases) // 200)]
    per_complaint = [_timed(lambda case=case: warnings_detect_for_complaint(case_id=case.pk))[0] for case in sample]
    log(
        f"  detection queued by each filing ({len(sample)} of them): p50 {statistics.median(per_complaint):.0f} ms, "
        f"p99 {percentile(per_complaint, 0.99):.0f} ms; for the whole day's "
        f"{sum(per_complaint) / len(sample) * len(day_cases) / 1000:.0f} s of the worker"
    )
    elapsed, found = _timed(lambda: warnings_detect(day=last_day))
    log(
        f"  detection across the country, over the window ending that day: {elapsed / 1000:.1f} s, "
        f"{len(found)} warnings"
    )
    kinds: dict[str, int] = {}
    for warning in found:
        kinds[str(warning.kind)] = kinds.get(str(warning.kind), 0) + 1
    log(f"    by kind: {kinds}")

    if not recompute:
        return
    elapsed, _ = _timed(complaint_counts_rebuild)
    log(f"\nFull recomputation of the counts from the complaints: {elapsed / 1000:.0f} s")


if __name__ == "__main__":
    main()
