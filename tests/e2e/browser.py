"""Driving the pages in Debian's Chromium through Playwright: logging in, and chatting with the
triage bot the way a person does (typing, pressing the bot's buttons, waiting for its turn)."""

import datetime
import os
import re

from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# The browser's own language setting for each of the site's languages.
BROWSER_LOCALES = {"zh-hans": "zh-CN", "en": "en-GB"}
PHONE_SCREEN = {"width": 390, "height": 844}
DESK_SCREEN = {"width": 1280, "height": 900}
TURN_SECONDS = 60
ARTIFACTS = settings.VAR_DIR / "artifacts"
PASSWORD = "调解-2026-密码"


def with_password(user, first_name: str = "", last_name: str = ""):
    """The user, able to log in through the form with PASSWORD, with these names."""
    user.set_password(PASSWORD)
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def launch(playwright, *, service_workers: str = "block") -> Browser:
    """Chromium, whose contexts block the site's service worker (the installable app) unless
    `service_workers="allow"`: a worker answering a page's requests changes when Playwright sees a
    form's navigation end, and only the installable app's own tests are about the worker."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
    new_context, new_page = browser.new_context, browser.new_page

    def context_with_workers_as_asked(**options) -> BrowserContext:
        options.setdefault("service_workers", service_workers)
        return new_context(**options)

    def page_with_workers_as_asked(**options) -> Page:
        options.setdefault("service_workers", service_workers)
        return new_page(**options)

    browser.new_context, browser.new_page = context_with_workers_as_asked, page_with_workers_as_asked
    return browser


def logged_in_page(browser: Browser, base: str, username: str, password: str, **context_options) -> Page:
    """A browser context of its own (its own cookies: one person), logged in through the form."""
    context: BrowserContext = browser.new_context(**context_options)
    page = context.new_page()
    page.goto(f"{base}/log-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base) + "/(cases|queue)/"))  # officials land on their queue
    return page


def page_as(
    browser: Browser,
    base: str,
    *,
    viewport: dict,
    session: str | None = None,
    language: str = "zh-hans",
    large: bool = False,
) -> Page:
    """A page in a browser context of its own, signed in by its session cookie (`session`, none for
    an anonymous visitor), in `language` and, with `large`, the large-text mode, as the header's
    switches would set them."""
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    if session:
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base})
    if large:
        cookies.append({"name": "display_mode", "value": "large", "url": base})
    context = browser.new_context(viewport=viewport)
    context.add_cookies(cookies)
    return context.new_page()


def open_room(browser: Browser, base: str, number: str, session: str, *, viewport: dict, language: str) -> Page:
    """A person's mediation room page (signed in by `session`), in `language`, connected."""
    page = page_as(browser, base, viewport=viewport, session=session, language=language)
    page.goto(f"{base}/cases/{number}/room/")
    expect(page.locator("#room")).to_have_class(re.compile("connected"), timeout=TURN_SECONDS * 1000)
    return page


def duty_desk_of(official, *, first_name: str = "敏", last_name: str = "周"):
    """`official` on duty, able to log in with PASSWORD."""
    from mediation.services.assistance import official_duty_set

    official = with_password(official, first_name, last_name)
    official_duty_set(official=official.official, on_duty=True)
    return official


NOBODY_WAITING = {"zh-hans": "目前没有人在等待。", "en": "Nobody is waiting."}


def open_duty_desk(browser: Browser, base: str, official, language: str = "zh-hans") -> Page:
    """The official logs in (with a browser set to `language`) and opens the duty desk, where
    nobody waits yet."""
    desk = logged_in_page(
        browser, base, official.username, PASSWORD, viewport=DESK_SCREEN, locale=BROWSER_LOCALES[language]
    )
    desk.goto(f"{base}/desk/")
    expect(desk.locator("#desk-waiting")).to_contain_text(NOBODY_WAITING[language])
    return desk


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


OPENING = "我在星辰电器买的冰箱坏了，商家一直拖着不处理，我要投诉"
OPENING_IN_ENGLISH = "I bought a fridge at 星辰电器 and it stopped cooling after three days, I want to complain"


def fridge_complaint_answers(language: str) -> list[tuple[str, tuple[str, str]]]:
    """What the person answers to each of the bot's questions about the broken fridge bought at the
    West Lake shop: a marker in the question, then a reply to type or a button to press."""
    if language == "en":
        return [
            ("Please check what will be filed", ("press", "Confirm and submit")),
            ("Let me check first", ("press", "I want to complain")),
            ("similar names", ("press", "西湖店")),
            ("Which business", ("say", "星辰电器")),
            ("Where did you buy", ("say", "the shop on Wensan Road, Hangzhou")),
            ("What did you buy", ("say", "a fridge")),
            ("What kind of goods", ("press", "Household appliances")),
            ("What brand", ("say", "Haier")),
            ("When did you buy", ("say", "last Friday")),
            ("How much did you pay", ("say", "3500 yuan")),
            ("what happened", ("say", "It stopped cooling on the third day and the shop keeps putting me off.")),
            ("How do you want", ("say", "a refund")),
        ]
    bought = bought_ten_days_ago()
    return [
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


def file_the_fridge_complaint_by_chatting(page: Page, base: str, language: str = "zh-hans") -> str:
    """From the chat page: the person tells of the broken fridge bought at the West Lake shop and
    answers the bot's questions until the complaint is filed. Returns the case number."""
    answers = fridge_complaint_answers(language)
    opening = OPENING_IN_ENGLISH if language == "en" else OPENING
    expect(page.locator("#chat")).to_have_class(re.compile("connected"))
    say(page, opening)
    expect(page.locator("#chat .from-user").last).to_have_text(opening)
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
    return re.search(r"TS\d{14}", handoff.inner_text()).group(0)


def bought_ten_days_ago() -> datetime.date:
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date() - datetime.timedelta(days=10)
