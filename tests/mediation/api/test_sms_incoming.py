"""The SMS provider's webhook (POST /api/sms/incoming/): only with the shared secret, every field
checked with a message the provider's engineer can act on, and the same text delivered twice kept
once. And `manage.py sms_receive`, which receives one as the provider would."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from mediation.models import IncomingSms, IncomingSmsStatus

URL = "/api/sms/incoming/"
TOKEN = "provider-shared-secret-for-the-tests"
TEXT = {"phone": "+8613812345678", "text": "我在西湖区买的空调不制冷，商家不给退。", "reference": "msg-0001"}


@pytest.fixture(autouse=True)
def token(settings):
    settings.SMS_INCOMING_TOKEN = TOKEN


def provider(token: str | None = TOKEN) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if token is not None:
        client.credentials(HTTP_X_SMS_TOKEN=token)
    return client


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_a_request_without_the_secret_is_refused(db, token):
    response = provider(token).post(URL, TEXT, format="json")
    assert response.status_code == 403 and "X-SMS-Token" in response.json()["detail"]
    assert not IncomingSms.objects.exists()


def test_with_no_secret_set_every_request_is_refused(db, settings):
    settings.SMS_INCOMING_TOKEN = ""
    response = provider("").post(URL, TEXT, format="json")
    assert response.status_code == 403 and not IncomingSms.objects.exists()


def test_a_text_becomes_a_draft_and_a_second_delivery_is_kept_once(db):
    first = provider().post(URL, TEXT, format="json")
    assert first.status_code == 201 and first.json()["duplicate"] is False
    again = provider().post(URL, TEXT, format="json")
    assert again.status_code == 200 and again.json() == {"id": first.json()["id"], "duplicate": True}
    (incoming,) = IncomingSms.objects.all()
    assert (incoming.phone, incoming.body, incoming.status) == (TEXT["phone"], TEXT["text"], IncomingSmsStatus.NEW)
    assert incoming.received_at is not None


def test_a_text_of_several_lines_is_kept_as_it_came(db):
    text = "商家：西湖区鑫达电器\r\n问题：洗衣机漏水\n诉求：维修"
    response = provider().post(URL, {**TEXT, "text": text}, format="json")
    assert response.status_code == 201 and IncomingSms.objects.get().body == text


def test_another_text_under_a_used_reference_is_a_conflict(db):
    provider().post(URL, TEXT, format="json")
    response = provider().post(URL, {**TEXT, "text": "另一条短信"}, format="json")
    assert response.status_code == 409 and "reference" in response.json()["detail"]
    assert IncomingSms.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"phone": "13812345678"}, "phone", "E.164"),  # no country code
        ({"phone": "+86 138 1234 5678"}, "phone", "without spaces"),
        ({"phone": "+861381234"}, "phone", "E.164"),  # too short to be a number
        ({"phone": "not a phone"}, "phone", "E.164"),
        ({"text": "   "}, "text", "empty"),
        ({"text": "投" * 1001}, "text", "at most 1000"),
        ({"text": "a\x07b"}, "text", "control"),
        ({"reference": "r" * 121}, "reference", "at most 120"),
        ({"received_at": "2026-12-04T21:50:00"}, "received_at", "time zone"),
        ({"received_at": "2999-01-01T00:00:00+08:00"}, "received_at", "future"),
        ({"received_at": "yesterday"}, "received_at", ""),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(db, changes, field, words):
    response = provider().post(URL, {**TEXT, **changes}, format="json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field])
    assert not IncomingSms.objects.exists()


@pytest.mark.parametrize("missing", ["phone", "text", "reference"])
def test_a_missing_field_is_named(db, missing):
    response = provider().post(URL, {key: value for key, value in TEXT.items() if key != missing}, format="json")
    assert response.status_code == 400 and missing in response.json()


def test_an_unreadable_body_is_a_400_not_a_500(db):
    response = provider().post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_the_command_receives_one_text(db):
    call_command("sms_receive", "+8613812345678", "短信投诉：健身卡店关门了。")
    (incoming,) = IncomingSms.objects.all()
    assert incoming.body == "短信投诉：健身卡店关门了。" and incoming.provider_reference.startswith("cli-")
    with pytest.raises(CommandError, match="E.164"):
        call_command("sms_receive", "138", "短信")
