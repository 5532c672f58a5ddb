"""The pages in a real browser (Debian's Chromium, driven by Playwright) against the running
product: a consumer on a phone-sized screen logs in, files a complaint by chatting with the bot,
follows the hand-off to the case page and reads it in Chinese and then in English; another files
the same complaint in English, and the bot speaks English throughout.

Screenshots of each page are saved under var/artifacts/ for the run's record."""

import datetime
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import Case, CaseKind, IntakeChannel
from tests import factories
from tests.e2e.browser import (
    ARTIFACTS,
    BROWSER_LOCALES,
    OPENING,
    PASSWORD,
    PHONE_SCREEN,
    bot_messages,
    bought_ten_days_ago,
    duty_desk_of,
    file_the_fridge_complaint_by_chatting,
    launch,
    logged_in_page,
    open_duty_desk,
    say,
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
        every_question_is_spent(page)
        the_newest_message_stands_whole_above_the_composer(page)

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


def the_newest_message_stands_whole_above_the_composer(page) -> None:
    newest = page.locator("#chat .messages > li").last.bounding_box()
    composer = page.locator("#chat .composer").bounding_box()
    assert newest["y"] >= 0 and newest["y"] + newest["height"] <= composer["y"] + 1


def every_question_is_spent(page) -> None:
    """Every question was answered: none of its buttons can be pressed again; the ones chosen stay
    marked."""
    assert page.locator("#chat button.choice").count() > 0
    expect(page.locator("#chat button.choice:not(:disabled)")).to_have_count(0)
    expect(page.locator("#chat button.choice.chosen").first).to_have_attribute("aria-pressed", "true")


def test_in_english_a_consumer_files_by_chatting_and_the_bot_speaks_english_throughout(product, people):
    user = with_password(people["consumer"].user)
    base = f"http://127.0.0.1:{product['web_port']}"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = logged_in_page(
            browser, base, user.username, PASSWORD, viewport=PHONE_SCREEN, locale=BROWSER_LOCALES["en"]
        )
        page.locator("header .language button", has_text="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto(f"{base}/chat/")
        expect(page.locator("#chat .messages")).to_have_attribute("aria-live", "polite")  # read out as they come
        expect(page.locator("#chat")).to_have_class(re.compile("connected"))
        say(page, "hello")
        expect(page.locator("#chat .from-bot .bubble").last).to_contain_text("12315")
        number = file_the_fridge_complaint_by_chatting(page, base, "en")
        every_question_is_spent(page)
        the_newest_message_stands_whole_above_the_composer(page)
        page.screenshot(path=ARTIFACTS / "consumer-chat-en.png", full_page=True)
        said = page.locator("#chat .from-bot .bubble").all_inner_texts()
        browser.close()

    case = Case.objects.select_related("entity", "handling_authority").get(number=number)
    # The bot's own words are English: no Chinese outside the names it quotes.
    quoted = (case.entity.name, case.handling_authority.name, "星辰电器", people["consumer"].masked_name)
    for text in said:
        for name in quoted:
            text = text.replace(name, "")
        assert not re.search(r"[\u4e00-\u9fff]", text), "\n".join(said)
    assert case.entity_id == people["west_lake"].pk and case.brand == "Haier" and case.demand == "refund"
    # "last Friday": the Friday of the past seven days, in China.
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    assert case.purchase_date.weekday() == 4 and 1 <= (today - case.purchase_date).days <= 7


def test_the_whole_hand_off_to_a_person_and_back_to_the_bot_in_two_browsers(product, people):
    """The consumer asks for a person in the chat; the official on duty, with the desk open, sees
    the request appear without a reload, answers in one click; the two talk; the official ends the
    chat; the bot answers the consumer again."""
    base = f"http://127.0.0.1:{product['web_port']}"
    user = with_password(people["consumer"].user)
    official = duty_desk_of(factories.official(factories.bureau("110105")))  # at the consumer's home bureau
    with sync_playwright() as playwright:
        browser = launch(playwright)
        desk = open_duty_desk(browser, base, official)
        chat = logged_in_page(browser, base, user.username, PASSWORD, viewport=PHONE_SCREEN, locale="zh-CN")
        chat.goto(f"{base}/chat/")
        expect(chat.locator("#chat")).to_have_class(re.compile("connected"))
        say(chat, "冰箱坏了商家不管，我想找个人问问")
        before = bot_messages(chat)
        chat.locator("#chat button[data-quick]").click()
        handoff = chat.locator("#chat a.handoff", has_text="打开与工作人员的对话")
        expect(handoff).to_have_count(1, timeout=60_000)

        # On the desk, without a reload: the request, the badge, the title.
        waiting = desk.locator("#desk-waiting .desk-request")
        expect(waiting).to_have_count(1, timeout=15_000)
        expect(waiting).to_contain_text("李*")
        expect(desk.locator("#desk-badge")).to_have_text("1")
        waiting.locator("button", has_text="接待").click()
        desk.wait_for_url(re.compile(re.escape(base) + r"/help/\d+/"))
        expect(desk.locator("#room")).to_have_class(re.compile("connected"), timeout=15_000)

        handoff.click()
        chat.wait_for_url(re.compile(re.escape(base) + r"/help/\d+/"))
        expect(chat.locator("#room")).to_have_class(re.compile("connected"), timeout=15_000)
        chat.fill("#room-text", "商家一直说等等，我该怎么办")
        chat.keyboard.press("Enter")
        expect(desk.locator("#room .messages")).to_contain_text("商家一直说等等，我该怎么办", timeout=15_000)
        desk.fill("#room-text", "您先把投诉登记完，我们会督促商家。")
        desk.keyboard.press("Enter")
        expect(chat.locator("#room .messages")).to_contain_text("您先把投诉登记完", timeout=15_000)

        # The official ends the chat: the consumer is told, and the bot answers again.
        desk.locator("[data-action=release]").click()
        expect(chat.locator("#room .messages")).to_contain_text("智能助手", timeout=15_000)
        chat.goto(f"{base}/chat/")
        expect(chat.locator("#chat")).to_have_class(re.compile("connected"))
        before = bot_messages(chat)
        say(chat, "我要投诉星辰电器")
        assert bot_messages(chat) > before
        assert "工作人员正在" not in chat.locator("#chat .from-bot .bubble").last.inner_text()
        browser.close()
