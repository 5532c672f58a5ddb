"""The chat page while the bot is not answering yet (`make run` trains and loads its model first):
the person is told so, given the 12315 hotline, and what they type is not lost."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.browser import ARTIFACTS, PASSWORD, PHONE_SCREEN, launch, logged_in_page, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chat_says_the_assistant_is_starting_and_gives_the_hotline(web, people):
    user = with_password(people["consumer"].user)
    base = f"http://127.0.0.1:{web['web_port']}"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = logged_in_page(browser, base, user.username, PASSWORD, viewport=PHONE_SCREEN, locale="zh-CN")
        page.goto(f"{base}/chat/")
        notice = page.locator("#chat .bot-starting")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("智能助手正在启动")
        expect(notice.locator("a[href='tel:12315']")).to_have_text("12315")
        page.screenshot(path=ARTIFACTS / "chat-bot-starting.png", full_page=True)
        # A message sent meanwhile is refused, and put back into the text box to send again.
        page.fill("#chat-text", "我在星辰电器买的冰箱坏了")
        page.keyboard.press("Enter")
        expect(page.locator("#chat .messages")).to_contain_text("请稍后再发一次")
        expect(page.locator("#chat-text")).to_have_value("我在星辰电器买的冰箱坏了")
        browser.close()
