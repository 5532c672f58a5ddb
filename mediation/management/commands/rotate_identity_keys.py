"""Re-encrypt every identity document number and phone with the current key (the first of
IDENTITY_KEYS) and recompute their digests with the current IDENTITY_HASH_KEY.

Rotating the encryption key: put the new key first in IDENTITY_KEYS, keep the old one after it,
restart, run this command, then drop the old key. Rotating the hash key: set the new
IDENTITY_HASH_KEY, restart, run this command (until it has run, a sign-up may not notice an
identity that already holds an account)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from mediation.models import ConsumerIdentity


class Command(BaseCommand):
    help = "Re-encrypt identity data with the current key and recompute its digests."

    def handle(self, *args, **options):
        rotated = 0
        ids = list(ConsumerIdentity.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            with transaction.atomic():
                batch = ConsumerIdentity.objects.select_for_update().filter(pk__in=ids[start : start + 500])
                for identity in batch:
                    # Reading decrypted it with whichever key it was under; saving encrypts with the
                    # current one and recomputes the digests.
                    identity.save()
                    rotated += 1
        self.stdout.write(f"{rotated} identities re-encrypted and re-hashed.")
