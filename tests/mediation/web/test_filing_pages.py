"""Filing on a form, without the bot (issue 19): a complaint, a report or both, with evidence, the
same cases with the same checks and messages as the bot's (the filing services'), and nothing filed
when anything is refused. The expected messages are the services' own, in both languages."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from mediation.models import Case, CaseKind, EvidenceFile, IntakeChannel
from tests import factories
from tests.mediation.api.test_evidence import PDF, png_bytes
from tests.mediation.web.pages import browser, page


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored_files(tmp_path) -> list:
    return [path for path in tmp_path.rglob("*") if path.is_file()]


def complaint_form(world, **changes) -> dict:
    bought = timezone.localdate() - datetime.timedelta(days=10)
    return {
        "kind": "complaint",
        "business": world.shop.name,
        "place_of_purchase": "杭州市西湖区文三路100号",
        "facts": "空调用了一周就不制冷，商家拒绝退货。",
        "category": "G02",
        "brand": "格力",
        "purchase_date": bought.isoformat(),
        "amount": "3500.00",
        "currency": "CNY",
        "demand": "refund",
        "demand_detail": "全额退款",
        **changes,
    }


def report_form(world, **changes) -> dict:
    return {
        "kind": "report",
        "business": world.shop.name,
        "facts": "店里在卖没有3C标志的电热水壶。",
        "violation_type": "counterfeit",
        "currency": "CNY",
        **changes,
    }


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (20, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_someone_not_logged_in_is_sent_to_log_in(places):
    response = browser().get("/file/")
    assert response.status_code == 302 and response["Location"].startswith("/log-in/?next=/file/")


def test_only_a_registered_consumer_files(world):
    for user in (world.shop_staff, world.shop_official):
        response = browser(user).get("/file/")
        assert response.status_code == 403
        assert "实名" in page(response)


@pytest.mark.parametrize("path", ["/chat/", "/cases/", "/"])
def test_the_chat_my_cases_and_home_pages_link_to_the_form(world, path):
    shown = page(browser(world.consumer_user).get(path))
    assert 'href="/file/"' in shown


def test_the_chat_page_offers_the_form_prominently_where_the_bot_cannot_answer(world):
    shown = page(browser(world.consumer_user, "en").get("/chat/"))
    # The notice the chat script shows while the bot is starting or down links to the form.
    notice = shown.split('class="notice bot-starting"', 1)[1].split("</div>", 1)[0]
    assert 'class="button file-instead" href="/file/"' in notice


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_form_is_in_the_users_language(world, language):
    response = browser(world.consumer_user, language).get("/file/")
    assert response.status_code == 200
    shown = page(response)
    assert 'enctype="multipart/form-data"' in shown
    assert '<input type="file" name="evidence" multiple' in shown
    assert 'data-registry-url="/api/registry/entities/"' in shown and "web/filing.js" in shown
    assert ("家用电器及电子产品" if language == "zh-hans" else "Household appliances") in shown


def test_a_consumer_files_a_complaint_with_evidence_and_lands_on_it(world, tmp_path):
    client = browser(world.consumer_user, "en")
    files = [SimpleUploadedFile("receipt.png", png_bytes()), SimpleUploadedFile("photo.jpg", jpeg_bytes())]
    response = client.post("/file/", {**complaint_form(world), "evidence": files})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.kind == CaseKind.COMPLAINT and case.intake_channel == IntakeChannel.WEB
    assert case.consumer == world.consumer and case.entity == world.shop
    assert (case.category, case.demand, case.brand, str(case.amount)) == ("G02", "refund", "格力", "3500.00")
    assert case.handling_authority == world.shop_bureau and case.is_cross_region
    assert sorted(case.evidence.values_list("original_name", flat=True)) == ["photo.jpg", "receipt.png"]
    assert case.evidence.get(original_name="photo.jpg").content_type == "image/jpeg"
    landed = page(client.get(response["Location"]))
    assert f"Case {case.number} is filed; {world.shop_bureau.name} handles it." in landed
    assert "receipt.png" in landed and "photo.jpg" in landed


def test_the_success_message_is_in_chinese_by_default(world):
    client = browser(world.consumer_user)
    response = client.post("/file/", complaint_form(world), follow=True)
    case = Case.objects.get()
    assert f"案件{case.number}已登记，由{world.shop_bureau.name}办理。" in page(response)


def test_a_consumer_files_a_report_with_the_place_of_the_conduct(world):
    client = browser(world.consumer_user)
    response = client.post("/file/", report_form(world, conduct_region_0="330000", conduct_region_1="330100"))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.kind == CaseKind.REPORT and case.consumer == world.consumer and not case.is_anonymous
    assert case.violation_type == "counterfeit" and case.conduct_region_id == "330100"
    assert case.intake_channel == IntakeChannel.WEB


def test_a_consumer_files_both_as_two_linked_cases_each_with_its_own_evidence(world):
    client = browser(world.consumer_user, "en")
    form = {
        **complaint_form(world, kind="both"),
        "violation_type": "counterfeit",
        "evidence": [SimpleUploadedFile("receipt.png", png_bytes())],
        "report_evidence": [SimpleUploadedFile("shelf.pdf", PDF)],
    }
    response = client.post("/file/", form)
    complaint = Case.objects.get(kind=CaseKind.COMPLAINT)
    report = Case.objects.get(kind=CaseKind.REPORT)
    assert response.status_code == 302 and response["Location"] == f"/cases/{complaint.number}/"
    assert complaint.linked_case == report and report.linked_case == complaint
    assert list(complaint.evidence.values_list("original_name", flat=True)) == ["receipt.png"]
    assert list(report.evidence.values_list("original_name", flat=True)) == ["shelf.pdf"]
    landed = page(client.get(response["Location"]))
    for case in (complaint, report):
        assert f"Case {case.number} is filed; {case.handling_authority.name} handles it." in landed


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "en",
            {
                "facts": "Please describe what happened.",
                "category": "Please choose the category of goods or service.",
                "demand": "Please say what you want: refund, replacement, repair, compensation or other.",
            },
        ),
        ("zh-hans", {"facts": "请您描述事情经过。", "category": "请选择商品或服务类别。", "demand": "请选择您的诉求"}),
    ],
)
def test_a_complaint_missing_its_facts_category_and_demand_is_refused_beside_each_field(
    world, tmp_path, language, messages
):
    form = complaint_form(world, facts="", category="", demand="", brand="格力牌")
    response = browser(world.consumer_user, language).post(
        "/file/", {**form, "evidence": [SimpleUploadedFile("receipt.png", png_bytes())]}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == set(messages)
    for field, message in messages.items():
        assert message in errors[field][0]
    shown = page(response)
    assert '<p class="error" id="id_category_error">' in shown
    assert 'value="格力牌"' in shown  # what was typed is kept
    assert 'id="choose-files-again"' in shown
    assert not Case.objects.exists() and not EvidenceFile.objects.exists() and not stored_files(tmp_path)


def test_a_purchase_date_in_the_future_is_refused_on_its_field(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = browser(world.consumer_user, "en").post("/file/", complaint_form(world, purchase_date=tomorrow))
    assert response.status_code == 400
    assert response.context["form"].errors["purchase_date"] == ["The purchase date cannot be in the future."]
    assert not Case.objects.exists()


def test_sending_to_a_business_outside_online_dispute_resolution_is_refused_on_its_field(world):
    shop = factories.shop(name="杭州西湖老街杂货店有限公司")
    form = complaint_form(world, business=shop.name, send_to_business="on")
    response = browser(world.consumer_user, "en").post("/file/", form)
    assert response.status_code == 400
    assert "does not take part in online dispute resolution" in response.context["form"].errors["send_to_business"][0]
    assert not Case.objects.exists()


def test_a_report_of_the_same_facts_again_is_refused_on_the_facts(world):
    earlier = factories.report(reporter=world.consumer, entity=world.shop)
    response = browser(world.consumer_user, "en").post("/file/", report_form(world))
    assert response.status_code == 400
    assert earlier.number in response.context["form"].errors["facts"][0]
    assert Case.objects.count() == 1


def test_a_mixed_submission_refused_in_both_halves_shows_each_message_once_and_files_neither(world):
    form = {**complaint_form(world, kind="both", facts="", demand=""), "violation_type": ""}
    response = browser(world.consumer_user, "en").post("/file/", form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["facts"] == ["Please describe what happened."]  # both halves say it; shown once
    assert errors["demand"] and errors["violation_type"] == ["Please choose the type of violation."]
    assert not Case.objects.exists()


def test_an_unclear_business_name_lists_the_matches_and_an_unknown_one_says_so(world):
    factories.shop(name="杭州西湖鑫达家用电器二店有限公司")
    client = browser(world.consumer_user, "en")
    unclear = client.post("/file/", complaint_form(world, business="鑫达家用电器"))
    assert unclear.status_code == 400
    message = unclear.context["form"].errors["business"][0]
    assert message.startswith("Several businesses match") and world.shop.name in message
    assert "杭州西湖鑫达家用电器二店有限公司" in message
    unknown = client.post("/file/", complaint_form(world, business="完全不存在的公司名称"))
    assert "No registered business matches" in unknown.context["form"].errors["business"][0]
    assert not Case.objects.exists()


def test_the_business_picked_from_the_suggestions_is_filed_and_a_name_typed_again_is_looked_up(world):
    twin = factories.shop(name="杭州西湖鑫达家用电器二店有限公司")
    client = browser(world.consumer_user, "en")
    picked = client.post("/file/", complaint_form(world, business=twin.name, business_id=twin.pk))
    assert picked.status_code == 302 and Case.objects.get().entity == twin
    # The id of a business whose name is no longer in the field is not taken: the text is.
    client.post("/file/", complaint_form(world, business=world.shop.name, business_id=twin.pk, facts="另一件事"))
    assert Case.objects.get(facts="另一件事").entity == world.shop
    # The credit code, typed or picked, names the business too.
    client.post("/file/", complaint_form(world, business=twin.uscc, facts="第三件事"))
    assert Case.objects.get(facts="第三件事").entity == twin


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("receipt.png", b"<html><script>alert(1)</script></html>", "Evidence may be a photo"),
        ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Evidence may be a photo"),
        ("animation.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "Evidence may be a photo"),
        ("empty.png", b"", "The file is empty."),
    ],
    ids=["html-named-png", "png-header-only", "gif", "empty"],
)
def test_a_refused_file_files_nothing_and_says_which_file_and_why(world, tmp_path, name, content, problem):
    files = [SimpleUploadedFile("good.png", png_bytes()), SimpleUploadedFile(name, content)]
    response = browser(world.consumer_user, "en").post("/file/", {**complaint_form(world), "evidence": files})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["evidence"]
    assert message.startswith(f"“{name}”: ") and problem in message
    assert "good.png" not in message
    shown = page(response)
    assert "空调用了一周就不制冷" in shown  # what was typed is kept
    assert not Case.objects.exists() and not EvidenceFile.objects.exists()
    assert not stored_files(tmp_path)  # the good file written before the bad one was read is gone too


def test_a_file_over_the_size_limit_files_nothing(world, settings, tmp_path):
    settings.EVIDENCE_MAX_BYTES = 2 * 2**20
    big = png_bytes((1500, 1500)) + b"\x00" * (2 * 2**20)
    response = browser(world.consumer_user, "en").post(
        "/file/", {**complaint_form(world), "evidence": [SimpleUploadedFile("big.png", big)]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == ["“big.png”: The file is larger than 2 MB."]
    assert not Case.objects.exists() and not stored_files(tmp_path)


def test_more_files_than_a_case_holds_files_nothing(world, settings):
    settings.EVIDENCE_MAX_FILES_PER_CASE = 1
    files = [SimpleUploadedFile("a.png", png_bytes((8, 8))), SimpleUploadedFile("b.png", png_bytes((9, 9)))]
    response = browser(world.consumer_user, "en").post("/file/", {**complaint_form(world), "evidence": files})
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == ["“b.png”: A case holds at most 1 evidence files."]
    assert not Case.objects.exists()


def test_files_for_the_report_alone_are_refused_unless_both_are_filed(world):
    form = {**complaint_form(world), "report_evidence": [SimpleUploadedFile("shelf.png", png_bytes())]}
    response = browser(world.consumer_user, "en").post("/file/", form)
    assert response.status_code == 400 and response.context["form"].errors["report_evidence"]
    assert not Case.objects.exists()


def test_a_report_filed_alone_keeps_its_evidence(world):
    form = {**report_form(world), "evidence": [SimpleUploadedFile("shelf.png", png_bytes())]}
    assert browser(world.consumer_user).post("/file/", form).status_code == 302
    assert list(Case.objects.get().evidence.values_list("original_name", flat=True)) == ["shelf.png"]


def test_an_online_report_cannot_be_anonymous_even_if_posted(world):
    response = browser(world.consumer_user).post("/file/", report_form(world, is_anonymous="on"))
    assert response.status_code == 302 and not Case.objects.get().is_anonymous
