"""The pages in a real browser (Debian's Chromium, driven by Playwright) against the running
product: a consumer on a phone-sized screen logs in, files a complaint by chatting with the bot,
follows the hand-off to the case page and reads it in Chinese and then in English.

Screenshots of each page are saved under var/artifacts/ for the run's record."""

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import Case, CaseKind, IntakeChannel
from tests.e2e.browser import (
    ARTIFACTS,
    OPENING,
    PASSWORD,
    PHONE_SCREEN,
    bought_ten_days_ago,
    file_the_fridge_complaint_by_chatting,
    launch,
    logged_in_page,
    with_password,
)

pytestmark = [pytest.mark.bot_e2e, pytest.mark.django_db(transaction=True)]


def test_a_consumer_files_a_complaint_by_chatting_in_the_browser_and_reads_the_case_page(product, people):
    user = with_password(people["consumer"].user)
    base = f"http://127.0.0.1:{product['web_port']}"

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = logged_in_page(browser, base, user.username, PASSWORD, viewport=PHONE_SCREEN, locale="zh-CN")
        expect(page.locator("main")).to_contain_text("您还没有案件")

        page.locator("header nav a", has_text="与智能助手对话").click()
        page.wait_for_url(f"{base}/chat/")
        number = file_the_fridge_complaint_by_chatting(page, base)
        page.screenshot(path=ARTIFACTS / "consumer-chat.png", full_page=True)

        page.locator("#chat a.handoff").click()
        page.wait_for_url(f"{base}/cases/{number}/")
        main = page.locator("main")
        expect(main).to_contain_text(OPENING)
        expect(main).to_contain_text(people["west_lake"].name)
        expect(main).to_contain_text("办理进程")
        expect(main).to_contain_text("¥3,500.00")
        page.screenshot(path=ARTIFACTS / "consumer-case-zh.png", full_page=True)

        page.locator("header .language button").click()
        page.wait_for_url(f"{base}/cases/{number}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(main).to_contain_text("Timeline")
        expect(main).to_contain_text("Acceptance decision due")
        page.screenshot(path=ARTIFACTS / "consumer-case-en.png", full_page=True)

        # Back in the chat, the conversation is shown again from the server's history.
        page.goto(f"{base}/chat/")
        expect(page.locator("#chat .from-user").first).to_have_text(OPENING)
        expect(page.locator("#chat a.handoff")).to_have_count(1)
        browser.close()

    case = Case.objects.select_related("entity").get(number=number)
    assert case.kind == CaseKind.COMPLAINT and case.intake_channel == IntakeChannel.BOT
    assert case.consumer_id == people["consumer"].pk and case.entity_id == people["west_lake"].pk
    assert case.facts == OPENING and case.brand == "海尔" and case.purchase_date == bought_ten_days_ago()
