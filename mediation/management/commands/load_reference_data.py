from django.core.management.base import BaseCommand

from mediation.services.reference_data import reference_data_load


class Command(BaseCommand):
    help = (
        "Load every GB/T 2260 region, a market-regulation bureau per region, a consumer association per "
        "prefecture and county, and the partner agencies."
    )

    def handle(self, *args, **options):
        counts = reference_data_load()
        self.stdout.write(
            "Regions: {regions} ({current_regions} current); bureaus: {bureaus}; "
            "consumer associations: {consumer_associations}; partner agencies: {partner_agencies}".format(**counts)
        )
