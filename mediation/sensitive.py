"""Sensitive personal information at rest (PIPL Art. 28: identity document numbers and phone numbers).

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under
IDENTITY_KEYS: the first key encrypts, every key decrypts, so a new key is added in front and
`manage.py rotate_identity_keys` re-encrypts every row with it before the old one is dropped.
Lookups and uniqueness use a keyed hash (HMAC-SHA256 under IDENTITY_HASH_KEY), never the value.
Rotating the hash key is the same command: it recomputes every digest with the current key."""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _fernet(tuple(settings.IDENTITY_KEYS))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return cipher().decrypt(token.encode("ascii")).decode("utf-8")


def digest(kind: str, value: str) -> str:
    """The keyed hash that finds a value without storing it: `kind` keeps an identity number and
    a phone number that happen to be equal apart."""
    key = settings.IDENTITY_HASH_KEY.encode("utf-8")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def identity_digest(id_document_type: str, id_number: str) -> str:
    """The digest that finds one real-name identity: its document's type and number."""
    return digest("id", f"{id_document_type}:{id_number}")


def phone_digest(phone: str) -> str:
    return digest("phone", phone)


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python. It cannot be filtered on: look up
    by the digest stored beside it."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except InvalidToken as error:
            raise ValueError("an identity value could not be decrypted: is IDENTITY_KEYS missing a key?") from error

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
