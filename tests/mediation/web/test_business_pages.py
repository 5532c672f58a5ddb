"""The pages of businesses joining (认领, the bureau's decision, the staff page) and of hotline callers
taking their cases online, read as a browser reads them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mediation.models import BusinessClaim, ClaimStatus, MerchantStaff
from mediation.services.people import consumer_register
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.factories import CLAIM_PDF
from tests.mediation.web.pages import browser, page


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop(places):
    return factories.shop(name="杭州西湖新开张电器商行")


@pytest.fixture
def xihu_official(places):
    return factories.official(factories.bureau("330106"))


def claim_form(shop, **extra):
    return {
        "username": "xinkaizhang",
        "password": "Shop-2026-licence",
        "email": "boss@example.com",
        "uscc": shop.uscc,
        "applicant_name": "王建国",
        "applicant_role": "legal_representative",
        "document": SimpleUploadedFile("营业执照.pdf", CLAIM_PDF, content_type="application/pdf"),
        **extra,
    }


def test_someone_not_logged_in_finds_the_page_for_businesses_and_claims_with_a_new_account(shop):
    visitor = browser(language="en")
    home = page(visitor.get("/"))
    assert 'href="/business/claim/"' in home
    form = visitor.get("/business/claim/")
    assert form.status_code == 200
    text = page(form)
    assert 'enctype="multipart/form-data"' in text and "Unified Social Credit Code" in text
    assert "Business licence or letter of authorisation" in text
    response = visitor.post("/business/claim/", claim_form(shop), follow=True)
    assert response.status_code == 200
    text = page(response)
    assert "Your claim of 杭州西湖新开张电器商行 is sent to" in text
    assert "Waiting for the bureau" in text
    claim = BusinessClaim.objects.get(entity=shop)
    assert claim.applicant.username == "xinkaizhang" and response.wsgi_request.user == claim.applicant
    # Signed in, with a claim waiting: no second claim.
    assert "claim-form" not in text


def test_every_problem_of_a_claim_is_shown_at_once_and_nothing_is_made(shop):
    factories.UserFactory(username="taken-name")
    response = browser(language="en").post(
        "/business/claim/",
        claim_form(
            shop,
            username="taken-name",
            password="12345678",
            uscc="91330106MA2B3C4D5X",
            document=SimpleUploadedFile("x.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
        ),
    )
    assert response.status_code == 400
    text = page(response)
    for problem in ("This user name is taken.", "check character", "The document may be a PDF or a photo"):
        assert problem in text
    assert 'class="errors error-summary"' in text
    assert not BusinessClaim.objects.exists()


def test_a_business_already_on_the_platform_is_refused_and_the_bureau_named(shop):
    factories.merchant(shop)
    response = browser(language="en").post("/business/claim/", claim_form(shop))
    assert response.status_code == 400
    assert "is already on the platform" in page(response) and "contact" in page(response)


def test_a_consumer_is_told_to_claim_with_an_account_of_the_business(shop):
    consumer = factories.consumer().user
    response = browser(consumer, "en").get("/business/claim/")
    assert response.status_code == 200 and "This is a consumer&#x27;s account" in page(response)
    posted = browser(consumer, "en").post("/business/claim/", claim_form(shop))
    assert posted.status_code == 403 and not BusinessClaim.objects.exists()


def test_the_official_of_the_bureau_finds_the_claim_from_the_queue_reads_the_document_and_approves(shop, xihu_official):
    claim = factories.business_claim(shop)
    official = browser(xihu_official, "en")
    queue = page(official.get("/queue/"))
    assert 'href="/business/claims/"' in queue and "Claims of businesses to decide" in queue
    assert '<span class="count">1</span>' in queue.split('id="claims-waiting"')[1].split("</p>")[0]
    listed = page(official.get("/business/claims/"))
    assert shop.name in listed and f"/business/claims/{claim.pk}/" in listed
    opened = page(official.get(f"/business/claims/{claim.pk}/"))
    assert "王建国" in opened and shop.uscc in opened and f"/business/claims/{claim.pk}/document/" in opened
    document = official.get(f"/business/claims/{claim.pk}/document/")
    assert document.status_code == 200 and b"".join(document.streaming_content) == CLAIM_PDF
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"].startswith("attachment;")
    assert document["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # The decision asks first, then acts.
    asking = official.post(f"/business/claims/{claim.pk}/", {"decision": "approve", "reason": ""})
    assert asking.status_code == 200 and "Please confirm: approve the claim" in page(asking)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    done = official.post(f"/business/claims/{claim.pk}/", {"decision": "approve", "reason": "", "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == "/business/claims/"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == xihu_official
    assert MerchantStaff.objects.get(user=claim.applicant).is_administrator


def test_refusing_without_a_reason_is_refused_on_the_page(shop, xihu_official):
    claim = factories.business_claim(shop)
    response = browser(xihu_official, "en").post(
        f"/business/claims/{claim.pk}/", {"decision": "refuse", "reason": "", "confirmed": "1"}
    )
    assert response.status_code == 400 and "Please give the reason for refusing" in page(response)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_the_refused_applicant_reads_the_reason_on_their_cases_and_the_claim_page(shop, xihu_official):
    claim = factories.business_claim(shop)
    official = browser(xihu_official, "en")
    official.post(f"/business/claims/{claim.pk}/", {"decision": "refuse", "reason": "执照照片看不清", "confirmed": "1"})
    applicant = browser(claim.applicant, "en")
    assert "执照照片看不清" in page(applicant.get("/cases/"))
    claim_page = page(applicant.get("/business/claim/"))
    assert "执照照片看不清" in claim_page and "claim-form" in claim_page  # they may claim again


def test_an_official_elsewhere_neither_lists_nor_opens_the_claim(shop):
    claim = factories.business_claim(shop)
    elsewhere = browser(factories.official(factories.bureau("440305")), "en")
    assert shop.name not in page(elsewhere.get("/business/claims/"))
    assert elsewhere.get(f"/business/claims/{claim.pk}/").status_code == 404
    assert elsewhere.get(f"/business/claims/{claim.pk}/document/").status_code == 404


@pytest.fixture
def held(shop, xihu_official, world):
    administrator = factories.business_administrator(shop, official_user=xihu_official)
    complaint = case_transition(
        case=factories.complaint(consumer=world.consumer, entity=shop), action="accept", actor=xihu_official
    )
    complaint = factories.consent_both(complaint, official=xihu_official)
    mediation_start(case=complaint, actor=xihu_official, co_mediator=world.home_official)
    return administrator, complaint


def test_the_administrator_adds_a_staff_member_who_reaches_the_room_and_removes_them_who_no_longer_does(held):
    administrator, complaint = held
    admin = browser(administrator, "en")
    assert 'href="/business/staff/"' in page(admin.get("/cases/"))
    staff_page = page(admin.get("/business/staff/"))
    assert "The staff of 杭州西湖新开张电器商行" in staff_page and "Administrator" in staff_page
    added = admin.post(
        "/business/staff/", {"name": "李小丽", "username": "xiaoli", "password": "Staff-2026-room"}, follow=True
    )
    assert "李小丽 is added. They log in as xiaoli" in page(added)
    staff = MerchantStaff.objects.get(user__username="xiaoli")
    member = browser(staff.user, "en")
    assert complaint.number in page(member.get("/cases/"))
    assert member.get(f"/cases/{complaint.number}/room/").status_code == 200
    assert member.get("/business/staff/").status_code == 403  # not an administrator
    # Removing asks first.
    asking = admin.post(f"/business/staff/{staff.pk}/remove/")
    assert asking.status_code == 200 and "Please confirm: remove 李小丽" in page(asking)
    assert MerchantStaff.objects.filter(pk=staff.pk).exists()
    removed = admin.post(f"/business/staff/{staff.pk}/remove/", {"confirmed": "1"}, follow=True)
    assert "李小丽 is removed" in page(removed)
    assert member.get(f"/cases/{complaint.number}/").status_code in (302, 404)
    assert member.get(f"/cases/{complaint.number}/room/").status_code in (302, 404)
    staff.user.refresh_from_db()
    assert not staff.user.is_active


def test_the_administrator_cannot_remove_themselves(held):
    administrator, _complaint = held
    own = MerchantStaff.objects.get(user=administrator)
    response = browser(administrator, "en").post(f"/business/staff/{own.pk}/remove/", {"confirmed": "1"})
    assert response.status_code == 400 and "You cannot remove yourself." in page(response)


ID_NUMBER = factories.resident_id("110105", "19650412", "217")


def hotline_complaint(world):
    caller = consumer_register(user=None, real_name="赵桂兰", id_number=ID_NUMBER, phone="13700001234")
    return factories.complaint(
        consumer=caller,
        entity=world.shop,
        intake_channel="hotline",
        entered_by=world.shop_official,
        facts="电话投诉：冰箱坏了不给修，商家电话一直打不通。",
    )


def sign_up_form(**extra):
    return {
        "username": "zhaoguilan",
        "password": "Guilan-2026-online",
        "real_name": "赵桂兰",
        "id_document_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": "13700001234",
        **extra,
    }


def test_a_caller_who_signs_up_is_told_the_number_only_and_links_the_case_on_consent(world):
    case = hotline_complaint(world)
    visitor = browser(language="en")
    signed_up = visitor.post("/sign-up/", sign_up_form(), follow=True)
    text = page(signed_up)
    assert "1 case entered from the hotline under your identity" in text
    assert case.number not in text and world.shop.name not in text and "冰箱" not in text  # nothing but the count
    not_ticked = visitor.post("/account/hotline-cases/", {}, follow=True)
    assert "Tick the box" in page(not_ticked) and case.number not in page(not_ticked)
    linked = visitor.post("/account/hotline-cases/", {"consent": "1"}, follow=True)
    text = page(linked)
    assert "1 case is now in your account." in text and case.number in text
    assert "entered from the hotline under your identity" not in text
    timeline = page(visitor.get(f"/cases/{case.number}/"))
    assert "linked to the caller&#x27;s online account" in timeline


def test_someone_with_another_name_is_offered_nothing(world):
    hotline_complaint(world)
    visitor = browser(language="en")
    text = page(visitor.post("/sign-up/", sign_up_form(real_name="赵桂英"), follow=True))
    assert "entered from the hotline" not in text
