"""The duty desk in Debian's Chromium (Playwright, against daphne), in Chinese and in English:
- the official on duty has the desk open; a consumer asks for a person; the request appears on the
  desk, and the count in the header and the tab's title, without a reload; one click answers it;
  the duty switch is there too;
- a consumer nobody has answered in time is offered other ways on, and leaves the queue for the
  assistant.
The desk is saved as a screenshot under var/artifacts/."""

import concurrent.futures
import datetime
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import HelpRequest
from mediation.services.assistance import help_request_open
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import ARTIFACTS, PHONE_SCREEN, duty_desk_of, launch, open_duty_desk, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_SECONDS = 15
SUMMARY = [{"label": "类型", "value": "投诉"}, {"label": "商品", "value": "海尔冰箱不制冷"}]


def _in_a_thread(function, **arguments):
    """Run a database call outside Playwright's event loop (Django refuses it inside one)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, **arguments).result()


# What the desk says, in each language.
DESK = {
    "zh-hans": {
        "nobody answered": "尚无人接待",
        "answer": "接待",
        "title": r"^（1人等待）",
        "go off duty": "下班",
        "off duty": "您未在值班",
    },
    "en": {
        "nobody answered": "nobody has answered yet",
        "answer": "Answer",
        "title": r"^\(1\) waiting",
        "go off duty": "Go off duty",
        "off duty": "You are off duty",
    },
}
# What the waiting consumer is offered when nobody answers in time.
WAYS_ON = {
    "zh-hans": {"offer": "暂时还没有工作人员接待", "leave": "离开排队，回到智能助手"},
    "en": {"offer": "No official has answered yet", "leave": "Leave the queue and go back to the assistant"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_request_for_a_person_appears_on_the_desk_and_is_answered_in_one_click(web, people, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    says = DESK[language]
    official = duty_desk_of(factories.official(factories.bureau("110105")))
    with sync_playwright() as playwright:
        browser = launch(playwright)
        desk = open_duty_desk(browser, base, official, language)
        expect(desk.locator("#desk-badge")).to_be_hidden()

        help_request, _new = _in_a_thread(help_request_open, consumer=people["consumer"], summary=SUMMARY)

        waiting = desk.locator("#desk-waiting .desk-request")
        expect(waiting).to_have_count(1, timeout=LIVE_SECONDS * 1000)
        expect(waiting).to_contain_text("李*")
        expect(waiting).to_contain_text("海尔冰箱不制冷")
        expect(waiting).to_contain_text(says["nobody answered"])
        expect(desk.locator("#desk-badge")).to_have_text("1")
        expect(desk).to_have_title(re.compile(says["title"]))
        desk.screenshot(path=str(ARTIFACTS / f"duty-desk-{language}.png"), full_page=True)

        waiting.locator("button", has_text=says["answer"]).click()
        desk.wait_for_url(f"{base}/help/{help_request.pk}/")
        expect(desk.locator("#room")).to_contain_text("海尔冰箱不制冷", timeout=LIVE_SECONDS * 1000)

        # The duty switch is on the desk.
        desk.goto(f"{base}/desk/")
        desk.locator("form.duty-switch button", has_text=says["go off duty"]).click()
        expect(desk.locator("form.duty-switch [role=status]")).to_contain_text(says["off duty"])
        browser.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_consumer_nobody_answered_in_time_is_offered_ways_on_and_leaves_for_the_assistant(web, people, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    says = WAYS_ON[language]
    duty_desk_of(factories.official(factories.bureau("110105")))  # on duty, but not answering
    help_request, _new = help_request_open(consumer=people["consumer"], summary=SUMMARY)
    asked_long_ago = help_request.opened_at - datetime.timedelta(hours=1)
    HelpRequest.objects.filter(pk=help_request.pk).update(opened_at=asked_long_ago)
    session = session_cookie(people["consumer"].user)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport=PHONE_SCREEN, session=session, language=language)
        page.goto(f"{base}/help/{help_request.pk}/")
        offer = page.locator("#ways-on")
        expect(offer).to_be_visible(timeout=LIVE_SECONDS * 1000)
        expect(offer).to_contain_text(says["offer"])
        expect(offer.locator("a[href='tel:12315']")).to_be_visible()
        page.locator("main button", has_text=says["leave"]).click()
        page.wait_for_url(f"{base}/chat/")
        browser.close()
    help_request.refresh_from_db()
    assert help_request.released_at is not None
