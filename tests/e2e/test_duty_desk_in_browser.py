"""The duty desk in Debian's Chromium (Playwright, against daphne): the official on duty has the desk
open; a consumer asks for a person; the request appears on the desk, and the count in the header and
the tab's title, without a reload; one click answers it. The desk is saved as a screenshot under
var/artifacts/."""

import concurrent.futures
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.services.assistance import help_request_open
from tests import factories
from tests.e2e.browser import ARTIFACTS, duty_desk_of, launch, open_duty_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_SECONDS = 15
SUMMARY = [{"label": "类型", "value": "投诉"}, {"label": "商品", "value": "海尔冰箱不制冷"}]


def _in_a_thread(function, **arguments):
    """Run a database call outside Playwright's event loop (Django refuses it inside one)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, **arguments).result()


def test_a_request_for_a_person_appears_on_the_desk_and_is_answered_in_one_click(web, people):
    base = f"http://127.0.0.1:{web['web_port']}"
    official = duty_desk_of(factories.official(factories.bureau("110105")))
    with sync_playwright() as playwright:
        browser = launch(playwright)
        desk = open_duty_desk(browser, base, official)
        expect(desk.locator("#desk-badge")).to_be_hidden()

        help_request, _new = _in_a_thread(help_request_open, consumer=people["consumer"], summary=SUMMARY)

        waiting = desk.locator("#desk-waiting .desk-request")
        expect(waiting).to_have_count(1, timeout=LIVE_SECONDS * 1000)
        expect(waiting).to_contain_text("李*")
        expect(waiting).to_contain_text("海尔冰箱不制冷")
        expect(waiting).to_contain_text("尚无人接待")
        expect(desk.locator("#desk-badge")).to_have_text("1")
        expect(desk).to_have_title(re.compile(r"^（1人等待）"))
        desk.screenshot(path=str(ARTIFACTS / "duty-desk.png"), full_page=True)

        waiting.locator("button", has_text="接待").click()
        desk.wait_for_url(f"{base}/help/{help_request.pk}/")
        expect(desk.locator("#room")).to_contain_text("海尔冰箱不制冷", timeout=LIVE_SECONDS * 1000)
        browser.close()
