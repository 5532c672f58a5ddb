"""A business joins the platform by itself, in Debian's Chromium against daphne (issue 19, part 4):

- a complaint against a 西湖区 shop that has nobody on the platform is in mediation (the shop agreed
  by phone; filed, accepted and started through the services);
- on a phone, someone from the shop opens "For businesses", makes the business's account and claims
  its registry entry with a photo of the business licence;
- an official of the shop's bureau finds the claim from the work queue, reads it and approves it,
  on the second, explicit step;
- the business logs in, finds the complaint among its cases and takes its seat in the room, shown
  as the business;
- its administrator adds a staff member, who reaches the room too; removed, they no longer can.

Pages are read in English: the Chinese of these new pages comes with the catalogues."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from mediation.models import BusinessClaim, ClaimStatus, MerchantStaff
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.e2e.browser import (
    ARTIFACTS,
    DESK_SCREEN,
    PASSWORD,
    PHONE_SCREEN,
    TURN_SECONDS,
    launch,
    logged_in_page,
    with_password,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUSINESS_PASSWORD = "Xinkai-2026-shop"
STAFF_PASSWORD = "Staff-2026-room"


def licence_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (230, 60, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def scene(web, people):
    """The shop without anyone on the platform, its bureau's official, and the consumer's complaint
    about it in mediation with a co-mediator of the consumer's home bureau."""
    shop = factories.shop(name="杭州西湖新开张电器商行")
    lead = with_password(factories.official(factories.bureau("330106")), "明", "陈")
    co = factories.official(factories.bureau("110105"))
    case = factories.complaint(consumer=people["consumer"], entity=shop, facts="买的电饭煲第二天就坏了，商家不退。")
    case = case_transition(case=case, action="accept", actor=lead)
    case = factories.consent_both(case, official=lead)  # the shop agreed by phone
    mediation_start(case=case, actor=lead, co_mediator=co)
    return {"base": f"http://127.0.0.1:{web['web_port']}", "shop": shop, "lead": lead, "number": case.number}


def room_connected(page):
    expect(page.locator("#room")).to_have_class(re.compile("connected"), timeout=TURN_SECONDS * 1000)


def test_a_business_claims_its_entry_is_approved_joins_the_room_and_keeps_its_staff(scene):
    base, shop, number = scene["base"], scene["shop"], scene["number"]
    with sync_playwright() as playwright:
        browser = launch(playwright)

        # Someone from the shop, on a phone, claims its registry entry with a new account.
        claimant = browser.new_context(viewport=PHONE_SCREEN, locale="en-GB").new_page()
        claimant.goto(f"{base}/")
        claimant.locator("header nav a", has_text="For businesses").click()
        claimant.wait_for_url(f"{base}/business/claim/")
        claimant.fill("#id_username", "xinkaizhang")
        claimant.fill("#id_password", BUSINESS_PASSWORD)
        claimant.fill("#id_email", "boss@example.com")
        claimant.fill("#id_uscc", shop.uscc)
        claimant.fill("#id_applicant_name", "王建国")
        claimant.locator("input[name=applicant_role][value=legal_representative]").check()
        claimant.set_input_files(
            "#id_document", files=[{"name": "licence.png", "mimeType": "image/png", "buffer": licence_photo()}]
        )
        claimant.locator("#claim-form button[type=submit]").click()
        expect(claimant.locator(".notices")).to_contain_text(f"Your claim of {shop.name} is sent to")
        expect(claimant.locator("#own-claims")).to_contain_text("Waiting for the bureau")
        claimant.screenshot(path=ARTIFACTS / "business-claim-phone.png", full_page=True)
        claimant.context.close()

        # The official of the shop's bureau finds it from the work queue, reads it and approves it.
        official = logged_in_page(browser, base, scene["lead"].username, PASSWORD, viewport=DESK_SCREEN, locale="en-GB")
        waiting = official.locator("#claims-waiting a")
        expect(waiting).to_contain_text("1")
        waiting.click()
        official.locator("#claims a", has_text=shop.name).click()
        expect(official.locator("main dl")).to_contain_text("王建国")
        expect(official.locator("#claim-document")).to_have_text("licence.png")
        with official.expect_download() as download:
            official.locator("#claim-document").click()
        assert download.value.suggested_filename == "licence.png"
        official.locator("input[name=decision][value=approve]").check()
        official.locator("#claim-decision button[type=submit]").click()
        expect(official.locator("#confirm")).to_contain_text("becomes the administrator")
        official.locator("#confirm button[type=submit]").click()
        expect(official.locator(".notices")).to_contain_text("The claim is approved")

        # The business logs in, finds the complaint among its cases and takes its seat in the room.
        business = logged_in_page(
            browser, base, "xinkaizhang", BUSINESS_PASSWORD, viewport=PHONE_SCREEN, locale="en-GB"
        )
        business.locator("main table a", has_text=number).click()
        business.locator("main a.button", has_text="Enter the mediation room").click()
        business.wait_for_url(f"{base}/cases/{number}/room/")
        room_connected(business)
        expect(business.locator("#room .people")).to_contain_text(f"王建国 ({shop.name}) · Business (you)")

        # Its administrator adds a staff member, who reaches the room too.
        business.goto(f"{base}/business/staff/")
        business.fill("#id_name", "李小丽")
        business.fill("#id_username", "xiaoli")
        business.fill("#id_password", STAFF_PASSWORD)
        business.locator("#staff-add button[type=submit]").click()
        expect(business.locator(".notices")).to_contain_text("李小丽 is added")
        staff = logged_in_page(browser, base, "xiaoli", STAFF_PASSWORD, viewport=PHONE_SCREEN, locale="en-GB")
        expect(staff.locator("main table")).to_contain_text(number)
        staff.goto(f"{base}/cases/{number}/room/")
        room_connected(staff)
        expect(staff.locator("#room .people")).to_contain_text(f"李小丽 ({shop.name}) · Business (you)")

        # Removed (on the second step), they no longer can.
        business.locator("#staff tr", has_text="xiaoli").locator("button", has_text="Remove").click()
        expect(business.locator("#confirm")).to_contain_text("Please confirm: remove 李小丽")
        business.locator("#confirm button[type=submit]").click()
        expect(business.locator(".notices")).to_contain_text("李小丽 is removed")
        for path in (f"/cases/{number}/room/", f"/cases/{number}/"):
            response = staff.goto(f"{base}{path}")
            assert response.status == 404 or "/log-in/" in staff.url, (path, response.status, staff.url)
        browser.close()

    claim = BusinessClaim.objects.get(entity=shop)
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == scene["lead"]
    assert list(MerchantStaff.objects.filter(entity=shop).values_list("user__username", flat=True)) == ["xinkaizhang"]
