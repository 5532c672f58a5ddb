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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

from bench.common import ensure_database  # noqa: E402

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
    runaway_shop, cluster_shop = entities_by_county[counties[len(counties) // 2]][:2]
    cluster_homes = [county for county in counties if county.startswith(("11", "31", "44", "51", "61"))][::40][:5]
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
    arguments = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    generate(complaints=arguments.complaints, entities=arguments.entities)
    if arguments.generate_only:
        return
    measure(repeat=arguments.repeat)


def measure(*, repeat: int) -> None:
    raise NotImplementedError


if __name__ == "__main__":
    main()
