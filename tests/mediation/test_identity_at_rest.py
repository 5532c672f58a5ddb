"""Identity document numbers and phones are stored encrypted, found by keyed digests, rotated by a
command; one real-name identity holds one account."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from mediation.models import ConsumerIdentity
from mediation.services.people import consumer_register
from tests import factories


def stored_row(consumer) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM mediation_consumeridentity WHERE consumer_id = %s", [consumer.pk])
        return cursor.fetchone()


def test_the_database_holds_no_identity_number_or_phone_in_plain_text(world):
    identity = world.consumer.identity
    id_number, phone = stored_row(world.consumer)
    assert identity.id_number not in id_number and identity.id_number[-6:] not in id_number
    assert identity.phone[-8:] not in phone
    again = ConsumerIdentity.objects.get(consumer=world.consumer)
    assert (again.id_number, again.phone) == (identity.id_number, identity.phone)


def sign_up(id_number: str, username: str, language="zh-hans"):
    body = {
        "username": username,
        "password": "a-long-password-2026",
        "real_name": "张三",
        "id_number": id_number,
        "phone": "13812340000",
    }
    return APIClient().post("/api/auth/sign-up/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_one_identity_holds_one_account(places):
    id_number = factories.resident_id(serial="555")
    assert sign_up(id_number, "first-account").status_code == 201
    second = sign_up(id_number, "second-account")
    assert second.status_code == 400 and "id_number" in second.data
    assert "已" in second.data["id_number"][0]
    assert ConsumerIdentity.objects.filter(has_account=True).count() == 1


def test_a_caller_entered_by_an_official_may_share_an_account_holders_identity(world):
    caller = consumer_register(
        user=None, real_name="张三", id_number=world.consumer.identity.id_number, phone="13900001111"
    )
    assert caller.identity.id_digest == world.consumer.identity.id_digest


def test_rotating_the_keys_re_encrypts_and_re_hashes_every_identity(world, settings):
    identity = world.consumer.identity
    before_number, before_phone = stored_row(world.consumer)
    old_digest = identity.id_digest
    new_key = Fernet.generate_key().decode()
    settings.IDENTITY_KEYS = [new_key, *settings.IDENTITY_KEYS]
    settings.IDENTITY_HASH_KEY = "a-new-hash-key-for-identity-digests"
    call_command("rotate_identity_keys", verbosity=0)
    after_number, after_phone = stored_row(world.consumer)
    assert after_number != before_number and after_phone != before_phone
    assert Fernet(new_key.encode()).decrypt(after_number.encode()).decode() == identity.id_number
    settings.IDENTITY_KEYS = [new_key]  # the old key can now be dropped
    rotated = ConsumerIdentity.objects.get(consumer=world.consumer)
    assert rotated.id_number == identity.id_number and rotated.id_digest != old_digest


def test_without_its_key_a_value_cannot_be_read(world, settings):
    settings.IDENTITY_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="IDENTITY_KEYS"):
        ConsumerIdentity.objects.get(consumer=world.consumer)
