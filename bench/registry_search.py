"""Registry search latency over a million market entities in PostgreSQL.

Seeds the `bench` database up to --entities synthetic entities (once; later runs reuse them), then
times registry_search for a mix of what people type: an industry word or a city alone (each matching
tens of thousands of names), a trade name, trade name with industry, city with trade name, a full
name, a full credit code and a code prefix (a fragment matching more names than can be ranked in
full is refused, asking for the city or more of the name: counted as without results); and what
the bot sends: a full registered name inside a
sentence, and a trade name with the place the person named. Prints median and p99 per kind
and overall. Target: median under 20 ms, p99 under 50 ms.

It also checks what comes first: the business itself for a full name (alone or in a sentence) and
its code, and for a trade name with a place, the businesses of that city before any other.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

from bench.common import ensure_database, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1200)
    arguments = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection

    from mediation.models import MarketEntity
    from mediation.selectors.registry import registry_search
    from mediation.services.synthetic_registry import INDUSTRIES, seed_registry

    call_command("migrate", verbosity=0)
    call_command("load_reference_data")
    present = MarketEntity.objects.count()
    if present < arguments.entities:
        started = time.monotonic()
        print(f"Seeding {arguments.entities - present:,} entities (present: {present:,})", flush=True)
        seed_registry(
            count=arguments.entities - present,
            progress=lambda done: print(f"  {done:,} ({time.monotonic() - started:.0f} s)", flush=True),
        )
        print(f"Seeded in {time.monotonic() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE mediation_marketentity")
    total = MarketEntity.objects.count()

    rnd = random.Random(7)
    max_id = MarketEntity.objects.order_by("-id").values_list("id", flat=True).first()
    sample = []
    while len(sample) < arguments.queries // 8:
        entity = MarketEntity.objects.filter(id=rnd.randint(1, max_id)).only("name", "uscc").first()
        if entity is not None and entity.uscc:
            sample.append(entity)

    def trade_name(name: str) -> tuple[str, str, str]:
        industry = next((i for i in INDUSTRIES if i in name), "")
        head = name.split(industry)[0] if industry else name[:4]
        return head[-2:], industry, head

    # (kind, query, near, the entity the search must put first or None, the city prefix whose
    # businesses must come first or None)
    queries: list[tuple[str, str, str, object, str | None]] = []
    for entity in sample:
        trade, industry, head = trade_name(entity.name)
        city = (entity.business_region_id or "")[:4]
        queries += [
            ("industry word", industry or trade, "", None, None),
            ("city", head[:-2][:2] or trade, "", None, None),
            ("trade name", trade, "", None, None),
            ("trade name + industry", trade + industry, "", None, None),
            ("city + trade name", head, "", None, None),
            ("full name", entity.name, "", entity, None),
            ("full code", entity.uscc, "", entity, None),
            ("code prefix", entity.uscc[:10], "", None, None),
            ("name in a sentence", f"我在{entity.name}买的东西坏了，商家一直拖着不处理，我要投诉", "", entity, None),
            ("trade name + place", trade, entity.business_region_id or "", None, city or None),
        ]
    rnd.shuffle(queries)

    def search(query: str, near: str) -> list:
        """The results; none for a fragment too broad to rank (the person is asked for more)."""
        try:
            return list(registry_search(query=query, near=near))
        except ValidationError:
            return []

    for _, query, near, _first, _city in queries[:50]:  # warm the caches
        search(query, near)

    timings: dict[str, list[float]] = {}
    right: dict[str, list[bool]] = {}
    hits = 0
    answered: dict[str, int] = {}
    for kind, query, near, first, city in queries:
        started = time.perf_counter()
        results = search(query, near)
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        hits += bool(results)
        answered[kind] = answered.get(kind, 0) + bool(results)
        if first is not None:
            # The business itself, or one registered under the very same name (the synthetic
            # registry repeats a few names, as real registries do across regions).
            right.setdefault(kind, []).append(bool(results) and results[0].name == first.name)
            if not right[kind][-1]:
                print(f"  {kind}: {query!r} gave {[result.name for result in results[:3]]}")
        if city is not None and results:
            in_city = [(result.business_region_id or "").startswith(city) for result in results]
            # The city's businesses first: no business of the city after one from elsewhere.
            right.setdefault(kind, []).append(in_city == sorted(in_city, reverse=True) and in_city[0])
    every = [t for values in timings.values() for t in values]
    print(f"\nRegistry search over {total:,} entities in PostgreSQL, {len(every)} queries, {hits} with results")
    print(f"{'query kind':<24}{'median ms':>10}{'p99 ms':>10}{'with results':>14}")
    for kind, values in sorted(timings.items()):
        print(
            f"{kind:<24}{statistics.median(values):>10.2f}{percentile(values, 0.99):>10.2f}"
            f"{answered[kind]:>8} of {len(values)}"
        )
    median, p99 = statistics.median(every), percentile(every, 0.99)
    print(f"{'all':<24}{median:>10.2f}{p99:>10.2f}")
    verdict = "met" if median < 20 and p99 < 50 else "NOT met"
    print(f"Target (median < 20 ms, p99 < 50 ms): {verdict}")
    print("What comes first:")
    for kind, outcomes in sorted(right.items()):
        print(f"  {kind:<22}{sum(outcomes)} of {len(outcomes)} right")
    if not all(all(outcomes) for outcomes in right.values()):
        sys.exit("The search put something else first (above).")


if __name__ == "__main__":
    main()
