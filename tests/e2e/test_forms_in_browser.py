"""Forms that help, in Debian's Chromium (Playwright, against daphne), in Chinese and in English:
- sign-up picks the home region from province to city to county, each level filled by the page's
  script from the reference data, and shows every error at once with a summary that has the focus;
- in the mediation room, terminating says what it does and waits for a second step (going back
  changes nothing), and a refused proposal is explained beside the form that sent it."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import DESK_SCREEN, PHONE_SCREEN, launch, open_room, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_SECONDS = 15


# What the forms say, in each language.
SAYS = {
    "zh-hans": {
        "correct": "请更正以下",
        "fields": ("密码", "证件号码", "真实姓名", "手机号码"),
        "confirm terminate": "请确认：终止调解",
        "go back": "不，返回",
    },
    "en": {
        "correct": "Please correct",
        "fields": ("Password", "Document number", "Real name", "Mobile phone"),
        "confirm terminate": "Please confirm: terminate the mediation",
        "go back": "No, go back",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sign_up_picks_the_region_level_by_level_and_shows_every_error_at_once(web, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    says = SAYS[language]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport=PHONE_SCREEN, language=language)
        page.goto(f"{base}/sign-up/")
        city, county = page.locator("#id_home_region_1"), page.locator("#id_home_region_2")
        expect(city).to_be_hidden()  # nothing to choose before a province
        page.select_option("#id_home_region_0", "330000")
        expect(city.locator("option[value='330100']")).to_have_text("杭州市")
        page.select_option("#id_home_region_1", "330100")
        expect(county.locator("option[value='330106']")).to_have_text("西湖区")
        page.select_option("#id_home_region_2", "330106")
        page.fill("#id_username", "lihua")
        page.fill("#id_password", "short")
        page.fill("#id_id_number", "110105199003071234")  # a wrong check digit
        page.locator("main form button[type=submit]").click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text(says["correct"])
        for field in says["fields"]:
            expect(summary).to_contain_text(field)
        expect(page.locator("#id_id_number_error")).to_be_visible()
        expect(page.locator("#id_id_number")).to_have_attribute("aria-invalid", "true")
        # The region chosen is kept, level by level.
        expect(page.locator("#id_home_region_2")).to_have_value("330106")
        browser.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_terminating_asks_first_and_a_refused_proposal_is_explained_beside_its_form(web, places, language):
    world = factories.RoomWorld()
    says = SAYS[language]
    base = f"http://127.0.0.1:{web['web_port']}"
    lead_session, merchant_session = session_cookie(world.shop_official), session_cookie(world.shop_staff)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        lead = open_room(browser, base, world.number, lead_session, viewport=DESK_SCREEN, language=language)
        terminate = lead.locator("form.terminate-form")
        terminate.locator("select").select_option(index=1)
        chosen = terminate.locator("select option:checked").inner_text()
        terminate.locator("button[type=submit]").click()
        question = lead.locator("#room-confirm")
        expect(question).to_contain_text(says["confirm terminate"])
        expect(question).to_contain_text(chosen)
        expect(question.locator("button[data-confirm=yes]")).to_be_focused()
        question.locator("button", has_text=says["go back"]).click()
        expect(question).to_have_count(0)
        expect(lead.locator("#room-text")).to_be_enabled()  # the room is still open

        merchant = open_room(browser, base, world.number, merchant_session, viewport=PHONE_SCREEN, language=language)
        proposal = merchant.locator("form.propose-form")
        proposal.locator("button[type=submit]").click()  # no terms at all
        beside = proposal.locator(".error[data-room-error]")
        expect(beside).to_be_visible(timeout=LIVE_SECONDS * 1000)
        expect(beside).to_have_attribute("role", "alert")
        expect(merchant.locator("#room .status-line")).not_to_have_class(re.compile("error"))
        browser.close()
