"""Screenshots of the chat, the case page and the duty desk, on a phone and on a desktop, in the
normal and the large-text mode, taken from the running product (the real bot answering).

`make screens` writes them to docs/screens/ (SCREENS_DIR), where the README shows them; in `make
test` they go to var/artifacts/screens/, so the command keeps working."""

import os
import pathlib
import re
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from mediation.services.assistance import help_request_open, official_duty_set
from mediation.services.transitions import case_transition
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import DESK_SCREEN, OPENING, PHONE_SCREEN, launch, page_as, say

pytestmark = [pytest.mark.bot_e2e, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": PHONE_SCREEN, "desktop": DESK_SCREEN}


def _screens_dir() -> pathlib.Path:
    target = pathlib.Path(os.environ.get("SCREENS_DIR") or settings.VAR_DIR / "artifacts" / "screens")
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_screenshots_of_the_chat_the_case_page_and_the_duty_desk(product, people):
    base = f"http://127.0.0.1:{product['web_port']}"
    target = _screens_dir()
    consumer = people["consumer"]
    shop_official = factories.official(factories.bureau("330106"))
    case = factories.complaint(
        consumer=consumer, entity=people["west_lake"], facts=OPENING, brand="海尔", amount=Decimal("3500.00")
    )
    case_transition(case=case, action="accept", actor=shop_official)
    desk_official = factories.official(factories.bureau("110105"))
    official_duty_set(official=desk_official.official, on_duty=True)
    waiting = factories.consumer(real_name="王五")
    help_request_open(
        consumer=waiting, summary=[{"label": "类型", "value": "投诉"}, {"label": "商品", "value": "冰箱"}]
    )
    sessions = {"consumer": session_cookie(consumer.user), "official": session_cookie(desk_official)}
    taken = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for mode in ("normal", "large"):
            for screen, viewport in SCREENS.items():
                large = mode == "large"
                page = page_as(browser, base, viewport=viewport, session=sessions["consumer"], large=large)
                page.goto(f"{base}/chat/")
                expect(page.locator("#chat")).to_have_class(re.compile("connected"))
                if not page.locator("#chat .from-bot").count():
                    say(page, OPENING)
                page.screenshot(path=target / f"chat-{screen}-{mode}.png")
                page.goto(f"{base}/cases/{case.number}/")
                expect(page.locator("#stages")).to_be_visible()
                page.screenshot(path=target / f"case-{screen}-{mode}.png")
                page.context.close()

                page = page_as(browser, base, viewport=viewport, session=sessions["official"], large=large)
                page.goto(f"{base}/desk/")
                expect(page.locator("#desk-waiting .desk-request")).to_have_count(1)
                page.screenshot(path=target / f"duty-desk-{screen}-{mode}.png")
                page.context.close()
                taken += [f"{name}-{screen}-{mode}.png" for name in ("chat", "case", "duty-desk")]
        browser.close()
    assert sorted(path.name for path in target.glob("*.png") if path.name in taken) == sorted(taken)
