"""The SMS backends, used as Django's e-mail backends are: a connection from SMS_BACKEND, messages
split into parts and sent through it."""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from mediation import sms
from mediation.sms import TextMessage, get_connection, send_texts
from mediation.sms.backends import console, filebased, locmem
from mediation.sms.backends.base import BaseSmsBackend

PHONE = "+8613812345678"
LONG = "您的投诉已受理，市场监督管理局将在征得双方同意后组织调解。" * 3  # 84 characters: two parts


def test_the_tests_send_to_memory_and_each_test_starts_empty(sms_outbox):
    assert isinstance(get_connection(), locmem.SmsBackend)
    assert sms.outbox == [] and sms_outbox is sms.outbox
    assert send_texts([TextMessage(to=PHONE, body="短"), TextMessage(to=PHONE, body=LONG)]) == 2
    first, second = sms.outbox
    assert first.parts == ["短"] and first.to == PHONE
    assert [part[:5] for part in second.parts] == ["(1/2)", "(2/2)"]
    assert first.provider_reference and first.provider_reference != second.provider_reference


def test_the_console_prints_the_parts_and_masks_the_phone():
    stream = io.StringIO()
    message = TextMessage(to=PHONE, body=LONG)
    assert send_texts([message], connection=get_connection(console.__name__ + ".SmsBackend", stream=stream)) == 1
    printed = stream.getvalue()
    assert "+86138****5678" in printed and PHONE not in printed and "13812345678" not in printed
    for part in message.parts:
        assert part in printed


def test_the_file_backend_writes_one_file_per_message(tmp_path, settings):
    settings.SMS_FILE_PATH = str(tmp_path / "texts")
    connection = get_connection(filebased.__name__ + ".SmsBackend")
    assert send_texts([TextMessage(to=PHONE, body=LONG), TextMessage(to=PHONE, body="短")], connection=connection) == 2
    files = sorted((tmp_path / "texts").glob("*.json"))
    assert len(files) == 2
    written = sorted((json.loads(file.read_text(encoding="utf-8")) for file in files), key=lambda m: len(m["parts"]))
    assert written[0] == {"to": PHONE, "body": "短", "parts": ["短"]}
    assert written[1]["body"] == LONG and len(written[1]["parts"]) == 2


def test_the_file_backend_needs_a_path(settings):
    settings.SMS_FILE_PATH = ""
    with pytest.raises(ImproperlyConfigured):
        get_connection(filebased.__name__ + ".SmsBackend")


def test_a_backend_must_send(tmp_path):
    with pytest.raises(NotImplementedError):
        send_texts([TextMessage(to=PHONE, body="短")], connection=BaseSmsBackend())


def test_an_adapter_with_a_smaller_limit_splits_smaller():
    class SignedProvider(locmem.SmsBackend):
        ucs2_part_limit = 70 - len("【12315】")  # the provider adds its signature to every part

    message = TextMessage(to=PHONE, body="消" * 64)
    send_texts([message], connection=SignedProvider())
    assert len(message.parts) == 2 and all(len(part) <= 63 for part in message.parts)


def test_a_message_never_shows_its_phone_or_text_in_a_log():
    assert PHONE not in repr(TextMessage(to=PHONE, body=LONG)) and "受理" not in repr(TextMessage(to=PHONE, body=LONG))
