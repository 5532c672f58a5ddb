"""Every class of invalid input answers 4xx with a message in the user's language, never 500, and
changes nothing."""

import pytest

from mediation.models import Case, CaseStatus
from tests import factories
from tests.conftest import client_for

GOOD = {"category": "G02", "demand": "refund", "facts": "空调坏了。", "amount": "100.00"}


def _good(world, **changes):
    body = {**GOOD, "entity": world.shop.pk, **changes}
    return {key: value for key, value in body.items() if value is not ...}


COMPLAINT_CASES = [
    # (id, body changes, field that must carry the message)
    ("missing-facts", {"facts": ...}, "facts"),
    ("blank-facts", {"facts": "   "}, "facts"),
    ("facts-too-long", {"facts": "长" * 5001}, "facts"),
    ("unknown-category", {"category": "X99"}, "category"),
    ("unknown-demand", {"demand": "revenge"}, "demand"),
    ("negative-amount", {"amount": "-5"}, "amount"),
    ("amount-not-a-number", {"amount": "三千"}, "amount"),
    ("amount-too-large", {"amount": "1e20"}, "amount"),
    ("amount-too-precise", {"amount": "1.234"}, "amount"),
    ("bad-date", {"purchase_date": "2026-02-30"}, "purchase_date"),
    ("future-date", {"purchase_date": "2999-01-01"}, "purchase_date"),
    ("unknown-currency", {"currency": "BTC"}, "currency"),
    ("unknown-entity", {"entity": 999_999_999}, "entity"),
    ("entity-overflow", {"entity": 10**30}, "entity"),
    ("entity-wrong-type", {"entity": "shop"}, "entity"),
    ("odr-not-offered", {"send_to_business": True}, "send_to_business"),
    ("boolean-wrong-type", {"send_to_business": "perhaps"}, "send_to_business"),
    ("facts-wrong-type", {"facts": {"text": "x"}}, "facts"),
]


@pytest.mark.parametrize(("changes", "field"), [c[1:] for c in COMPLAINT_CASES], ids=[c[0] for c in COMPLAINT_CASES])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bad_complaint_fields(world, changes, field, language):
    world.consumer.preferred_language = language
    world.consumer.save()
    if field == "send_to_business" and changes.get("send_to_business") is True:
        world.shop.is_odr = False
        world.shop.save()
    response = client_for(world.consumer_user).post(
        "/api/complaints/", _good(world, **changes), format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400, response.content
    message = " ".join(str(m) for m in response.data[field])
    assert message
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert has_chinese == (language == "zh-hans"), message
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/api/complaints/", "{not json", "application/json"),
        ("/api/complaints/", "[]", "application/json"),
        ("/api/complaints/", "facts=x", "text/plain"),
        ("/api/reports/", '{"entity": null}', "application/json"),
        ("/api/mixed-submissions/", '{"complaint": 5}', "application/json"),
        ("/api/auth/sign-up/", '{"username": "a"}', "application/json"),
        ("/api/auth/login/", '{"username": "nobody", "password": "wrong"}', "application/json"),
    ],
    ids=["malformed-json", "json-array", "wrong-content-type", "null-entity", "mixed-wrong-shape", "sign-up", "login"],
)
def test_malformed_requests(world, path, body, content_type):
    response = client_for(world.consumer_user).generic("POST", path, body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content
    assert response.data
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105199003071234", "身份证"),
        ("id_number", "123", "18"),
        ("phone", "12345", "手机号"),
        ("home_region", "999999", "999999"),
        ("username", "a b", ""),
        ("password", "short", ""),
    ],
)
def test_bad_sign_up(api, places, field, value, message):
    body = {
        "username": "someone",
        "password": "a-long-enough-passphrase",
        "real_name": "赵六",
        "id_number": factories.resident_id(),
        "phone": "13700001111",
        field: value,
    }
    response = api.post("/api/auth/sign-up/", body, format="json")
    assert response.status_code == 400, response.content
    assert message in " ".join(response.data[field])


@pytest.mark.parametrize(
    ("query", "status"),
    [("华", 400), ("有限公司", 400), ("x" * 101, 400), ("91330106Y000000000", 400), ("杭州", 200)],
    ids=["one-character", "legal-form-only", "too-long", "bad-check-character", "fine"],
)
def test_registry_search_input(api, world, query, status):
    response = api.get("/api/registry/entities/", {"q": query})
    assert response.status_code == status, response.content
    if status == 400:
        assert response.data["q"]


def test_registry_search_bad_limit(api, world):
    response = api.get("/api/registry/entities/", {"q": "杭州", "limit": "many"})
    assert response.status_code == 400 and response.data["limit"]


def test_actions_answer_with_the_right_error(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    lead = client_for(world.shop_official)
    url = f"/api/cases/{case.number}/actions"
    unknown = lead.post(f"{url}/explode/")
    assert unknown.status_code == 400 and unknown.data["action"]
    not_now = lead.post(f"{url}/start_mediation/")
    assert not_now.status_code == 409 and "已提交" in not_now.data["detail"] and "开始调解" in not_now.data["detail"]
    not_yours = client_for(world.consumer_user).post(f"{url}/accept/")
    assert not_yours.status_code == 403 and not_yours.data["detail"]
    no_ground = lead.post(f"{url}/not_accept/", {"ground": "because"}, format="json")
    assert no_ground.status_code == 400 and no_ground.data["ground"]
    stranger = client_for(world.outsider_official).post(f"{url}/accept/")
    assert stranger.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.events.count() == 1


def test_unauthenticated_and_unknown(api, world):
    assert api.post("/api/complaints/", _good(world), format="json").status_code == 403
    assert api.get("/api/cases/TS00000000000000/").status_code == 403
    assert client_for(world.consumer_user).get("/api/cases/TS00000000000000/").status_code == 404
    assert api.get("/api/public/cases/nonsense/").status_code == 404
    queue = client_for(world.shop_official).get(f"/api/authorities/{world.shop_bureau.pk}/queue/?bucket=all-of-it")
    assert queue.status_code == 400 and queue.data["bucket"]
    assert client_for(world.home_official).get(f"/api/authorities/{world.shop_bureau.pk}/queue/").status_code == 403


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [("receipt.png", PNG, 201), ("receipt.png", b"MZ\x90\x00 not an image", 400), ("empty.png", b"", 400)],
    ids=["png", "executable-named-png", "empty"],
)
def test_evidence_types(world, settings, tmp_path, name, content, status):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    upload = SimpleUploadedFile(name, content)
    response = client_for(world.consumer_user).post(f"/api/cases/{case.number}/evidence/", {"file": upload})
    assert response.status_code == status, response.content
    assert case.evidence.count() == (1 if status == 201 else 0)


def test_evidence_too_large(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1024
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    response = client_for(world.consumer_user).post(
        f"/api/cases/{case.number}/evidence/", {"file": SimpleUploadedFile("big.png", PNG + b"\x00" * 2048)}
    )
    assert response.status_code == 400 and response.data["file"]
    missing = client_for(world.consumer_user).post(f"/api/cases/{case.number}/evidence/", {})
    assert missing.status_code == 400 and missing.data["file"]


def test_errors_follow_the_consumer_chosen_language(world):
    world.consumer.preferred_language = "en"
    world.consumer.save()
    response = client_for(world.consumer_user).post(
        "/api/complaints/", _good(world, category="X99"), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "is not a valid choice" in response.data["category"][0]
    assert response["Content-Language"] == "en"
