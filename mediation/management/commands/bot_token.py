"""Print the API token of the triage bot's service account, creating the account if needed.

The action server files cases on consumers' behalf with it (MEDIATION_API_TOKEN)."""

from django.core.management.base import BaseCommand, CommandError

from mediation.services.accounts import bot_service_account_ensure


class Command(BaseCommand):
    help = "Print the triage bot's API token (creates its service account if missing)."

    def add_arguments(self, parser):
        parser.add_argument("--key", help="Make the token this key (40 characters at most), e.g. from a secret store.")

    def handle(self, *args, key=None, **options):
        if key is not None and not 20 <= len(key) <= 40:
            raise CommandError("The key must be 20 to 40 characters long.")
        self.stdout.write(bot_service_account_ensure(key=key).key)
