from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mediation.services.calendar import official_year_load, schedule_parse


class Command(BaseCommand):
    help = (
        "Load a year of the State Council's holiday schedule from a file with one day per line "
        "('2027-10-01 休 国庆节', '2027-09-26 班'), then count provisional deadlines again."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("schedule_file")
        parser.add_argument("--source", required=True, help="the notice the schedule comes from")

    def handle(self, *args, year, schedule_file, source, **options):
        with open(schedule_file, encoding="utf-8") as handle:
            text = handle.read()
        try:
            moved = official_year_load(year=year, source=source, days=schedule_parse(text))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Loaded {year}; {moved} provisional deadline(s) moved.")
