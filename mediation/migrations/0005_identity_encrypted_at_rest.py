"""Identity document numbers and phones encrypted at rest, with keyed digests for lookups, and
one account per real-name identity (PIPL Art. 28; mediation/sensitive.py)."""

from django.db import migrations, models

import mediation.sensitive


def encrypt_existing(apps, schema_editor):
    from mediation.sensitive import encrypt, identity_digest, phone_digest

    ConsumerIdentity = apps.get_model("mediation", "ConsumerIdentity")
    seen_accounts: set[str] = set()
    rows = ConsumerIdentity.objects.order_by("pk").values_list(
        "pk", "id_document_type", "id_number", "phone", "consumer__user_id"
    )
    for pk, document_type, id_number, phone, user_id in rows:
        id_digest = identity_digest(document_type, id_number)
        # An identity that already held more than one account keeps the first as its account.
        has_account = user_id is not None and id_digest not in seen_accounts
        if has_account:
            seen_accounts.add(id_digest)
        ConsumerIdentity.objects.filter(pk=pk).update(
            id_number=encrypt(id_number),
            phone=encrypt(phone),
            id_digest=id_digest,
            phone_digest=phone_digest(phone),
            has_account=has_account,
        )


class Migration(migrations.Migration):
    dependencies = [("mediation", "0004_assistance_rooms")]

    operations = [
        migrations.AddField(
            model_name="consumeridentity",
            name="id_digest",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="consumeridentity",
            name="phone_digest",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="consumeridentity",
            name="has_account",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name="consumeridentity",
            name="id_number",
            field=models.TextField(verbose_name="identity document number"),
        ),
        migrations.AlterField(
            model_name="consumeridentity",
            name="phone",
            field=models.TextField(verbose_name="phone"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="consumeridentity",
            name="id_number",
            field=mediation.sensitive.EncryptedTextField(verbose_name="identity document number"),
        ),
        migrations.AlterField(
            model_name="consumeridentity",
            name="phone",
            field=mediation.sensitive.EncryptedTextField(verbose_name="phone"),
        ),
        migrations.AddConstraint(
            model_name="consumeridentity",
            constraint=models.UniqueConstraint(
                condition=models.Q(("has_account", True)), fields=("id_digest",), name="one_account_per_identity"
            ),
        ),
    ]
