from django.core.management.base import BaseCommand

from mediation.services.deadlines import odr_escalate_overdue


class Command(BaseCommand):
    help = "Pass complaints whose direct-settlement (ODR) period has run out to the authority. Run daily."

    def handle(self, *args, **options):
        moved = odr_escalate_overdue()
        self.stdout.write(f"Passed {len(moved)} complaint(s) to the authority: {' '.join(moved) or '-'}")
