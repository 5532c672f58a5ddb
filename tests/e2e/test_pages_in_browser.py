"""The pages in a real browser (Debian's Chromium, driven by Playwright) against the running
product: a consumer on a phone-sized screen logs in, files a complaint by chatting with the bot,
follows the hand-off to the case page and reads it in Chinese and then in English.

Screenshots of each page are saved under var/artifacts/ for the run's record."""

import datetime
import os
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from mediation.models import Case, CaseKind, IntakeChannel

pytestmark = [pytest.mark.bot_e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "李四的密码-2026"
PHONE_SCREEN = {"width": 390, "height": 844}
TURN_SECONDS = 60
ARTIFACTS = settings.VAR_DIR / "artifacts"


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def bot_messages(page: Page) -> int:
    return page.locator("#chat .from-bot").count()


def wait_for_the_bots_turn(page: Page, bot_messages_before: int) -> None:
    """Until the typing line is gone (the turn's `done` frame) and the bot has said something new
    or a hand-off link is shown. A timeout shows the conversation as the person sees it."""
    try:
        page.wait_for_function(
            """(before) => document.querySelector('#chat .status-line').textContent === ''
                && (document.querySelectorAll('#chat .from-bot').length > before
                    || document.querySelector('#chat a.handoff') !== null)""",
            arg=bot_messages_before,
            timeout=TURN_SECONDS * 1000,
        )
    except PlaywrightTimeoutError:
        transcript = page.locator("#chat").inner_text()
        raise AssertionError(f"the bot's turn did not end; the chat shows:\n{transcript}") from None


def say(page: Page, text: str) -> None:
    before = bot_messages(page)
    page.fill("#chat-text", text)
    page.keyboard.press("Enter")
    wait_for_the_bots_turn(page, before)


def press(page: Page, title_part: str) -> None:
    before = bot_messages(page)
    page.locator("#chat .from-bot").last.locator("button.choice", has_text=title_part).first.click()
    wait_for_the_bots_turn(page, before)


def test_a_consumer_files_a_complaint_by_chatting_in_the_browser_and_reads_the_case_page(product, people):
    user = people["consumer"].user
    user.set_password(PASSWORD)
    user.save()
    base = f"http://127.0.0.1:{product['web_port']}"
    bought = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date() - datetime.timedelta(days=10)
    # What the person answers to each question (a marker in the question, then a reply to type or
    # a button to press).
    answers = [
        ("想先确认一下", ("press", "我要投诉")),
        ("名字相近", ("press", "西湖店")),
        ("是哪家商家", ("say", "星辰电器")),
        ("在哪里买的", ("say", "杭州西湖区文三路的门店")),
        ("买的是什么", ("say", "一台冰箱")),
        ("哪一类商品或服务", ("press", "家用电器")),
        ("什么品牌", ("say", "海尔")),
        ("哪天买的", ("say", f"{bought.year}年{bought.month}月{bought.day}日")),
        ("花了多少钱", ("say", "三千五百元")),
        ("说说经过", ("say", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理")),
        ("怎么解决", ("say", "要求退款")),
        ("请核对", ("press", "确认提交")),
    ]
    opening = "我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport=PHONE_SCREEN, locale="zh-CN")
        page.goto(f"{base}/log-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/cases/")
        expect(page.locator("main")).to_contain_text("您还没有案件")

        page.locator("header nav a", has_text="与智能助手对话").click()
        page.wait_for_url(f"{base}/chat/")
        expect(page.locator("#chat")).to_have_class(re.compile("connected"))
        say(page, opening)
        expect(page.locator("#chat .from-user").first).to_have_text(opening)
        for _turn in range(30):
            if page.locator("#chat a.handoff").count():
                break
            question = page.locator("#chat .from-bot .bubble").last.inner_text()
            marker, (how, reply) = next(
                ((marker, action) for marker, action in answers if marker in question), (None, (None, None))
            )
            assert marker, f"unexpected question: {question}"
            press(page, reply) if how == "press" else say(page, reply)
        handoff = page.locator("#chat a.handoff")
        expect(handoff).to_have_count(1)
        number = re.search(r"TS\d{14}", handoff.inner_text()).group(0)
        page.screenshot(path=ARTIFACTS / "consumer-chat.png", full_page=True)

        handoff.click()
        page.wait_for_url(f"{base}/cases/{number}/")
        main = page.locator("main")
        expect(main).to_contain_text(opening)
        expect(main).to_contain_text(people["west_lake"].name)
        expect(main).to_contain_text("办理进程")
        page.screenshot(path=ARTIFACTS / "consumer-case-zh.png", full_page=True)

        page.locator("header .language button").click()
        page.wait_for_url(f"{base}/cases/{number}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(main).to_contain_text("Timeline")
        expect(main).to_contain_text("Acceptance decision due")
        page.screenshot(path=ARTIFACTS / "consumer-case-en.png", full_page=True)

        # Back in the chat, the conversation is shown again from the server's history.
        page.goto(f"{base}/chat/")
        expect(page.locator("#chat .from-user").first).to_have_text(opening)
        expect(page.locator("#chat a.handoff")).to_have_count(1)
        browser.close()

    case = Case.objects.select_related("entity").get(number=number)
    assert case.kind == CaseKind.COMPLAINT and case.intake_channel == IntakeChannel.BOT
    assert case.consumer_id == people["consumer"].pk and case.entity_id == people["west_lake"].pk
    assert case.facts == opening and case.brand == "海尔" and case.purchase_date == bought
