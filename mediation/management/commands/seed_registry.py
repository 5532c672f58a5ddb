import time

from django.core.management.base import BaseCommand

from mediation.services.synthetic_registry import seed_registry


class Command(BaseCommand):
    help = "Add N synthetic market entities with valid credit codes across real regions."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=12315)

    def handle(self, *args, count, seed, **options):
        started = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"  {done:,} / {count:,} ({time.monotonic() - started:.0f} s)")

        added = seed_registry(count=count, seed=seed, progress=progress)
        self.stdout.write(f"Added {added:,} entities in {time.monotonic() - started:.1f} s")
