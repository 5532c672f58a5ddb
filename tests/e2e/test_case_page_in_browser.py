"""The case page tells each person where a complaint stands, in Debian's Chromium (Playwright,
against daphne), in Chinese and in English:

- the handling official finds the new complaint in the queue; its page shows the stage bar, the
  complainant's contact details, and 受理 (accept) as the first, primary action;
- the business replies in a field labelled as its reply, and the timeline shows it as the
  business's reply; the stage bar shows the case at the reply stage;
- the consumer's withdrawal says what it does and acts only on a second step (going back changes
  nothing); the withdrawn complaint leaves the official's open queue for the list to close, and
  closing asks first as well; so does refusing to accept another complaint;
- the language chosen in the header is kept for a year."""

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright

from mediation.models import Case, CaseStatus
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import DESK_SCREEN, PHONE_SCREEN, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the pages say, in each language (the other language's name is on the header's switch).
SAYS = {
    "zh-hans": {
        "your reply": "您的答复",
        "reply in the timeline": "商家的答复：",
        "respond": "经营者答复",
        "confirm withdraw": "请确认：撤回",
        "confirm close": "请确认：办结",
        "confirm not accepting": "请确认：不予受理",
        "not accepted": "不予受理",
        "yes": "确认：",
        "go back": "不，返回",
        "withdrawn": "已撤回",
        "closed": "已办结",
        "other language": "English",
    },
    "en": {
        "your reply": "Your reply",
        "reply in the timeline": "The business's reply:",
        "respond": "Business reply",
        "confirm withdraw": "Please confirm: withdraw",
        "confirm close": "Please confirm: close",
        "confirm not accepting": "Please confirm: not accept",
        "not accepted": "Not accepted",
        "yes": "Yes: ",
        "go back": "No, go back",
        "withdrawn": "Withdrawn",
        "closed": "Closed",
        "other language": "简体中文",
    },
}
REPLY = "我们愿意上门检测，确认是质量问题就退款。"


def queue_numbers(page: Page, base: str, bucket: str) -> list[str]:
    page.goto(f"{base}/queue/?bucket={bucket}")
    return [re.search(r"TS\d{14}", text).group(0) for text in page.locator("main table a").all_inner_texts()]


def decide_after_confirming(page: Page, action: str, says: dict, confirm_title: str, fill_in=None) -> None:
    """Fill in the action's form (with `fill_in`) and press its button: the page asks first; going
    back changes nothing; then fill it in again and confirm."""
    form = page.locator(f"form.action-{action}")
    if fill_in:
        fill_in(form)
    form.locator("button[type=submit]").click()
    question = page.locator("#confirm")
    expect(question).to_contain_text(confirm_title)
    expect(question.locator("button[type=submit]")).to_be_focused()
    question.locator("a", has_text=says["go back"]).click()
    expect(page.locator("#confirm")).to_have_count(0)
    if fill_in:
        fill_in(form)
    form.locator("button[type=submit]").click()
    page.locator("#confirm button[type=submit]", has_text=says["yes"]).click()
    expect(page.locator("#confirm")).to_have_count(0)


def refusal_with_ground_and_reason(form) -> None:
    form.locator("select").select_option(index=1)
    form.locator("textarea").fill("该商户不在本局辖区。")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_case_page_shows_where_the_complaint_stands_and_decisions_ask_first(web, places, language):
    says = SAYS[language]
    world = factories.World(places)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    number, identity = case.number, world.consumer.identity
    refused = factories.complaint(consumer=world.consumer, entity=world.shop, brand="美的").number
    base = f"http://127.0.0.1:{web['web_port']}"
    sessions = {
        who: session_cookie(user)
        for who, user in {
            "official": world.shop_official,
            "business": world.shop_staff,
            "consumer": world.consumer_user,
        }.items()
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        official = page_as(browser, base, viewport=DESK_SCREEN, session=sessions["official"], language=language)
        business = page_as(browser, base, viewport=DESK_SCREEN, session=sessions["business"], language=language)
        consumer = page_as(browser, base, viewport=PHONE_SCREEN, session=sessions["consumer"], language=language)

        # The official: the new complaint in the queue; its stage, the complainant's contact
        # details, and accepting it as the first and primary action.
        assert number in queue_numbers(official, base, "new")
        official.goto(f"{base}/cases/{number}/")
        expect(official.locator("#stages li[aria-current=step]")).to_have_attribute("data-stage", "submitted")
        expect(official.locator("#contact-phone")).to_have_text(identity.phone)
        expect(official.locator("#contact-name")).not_to_be_empty()
        first_action = official.locator("section.actions form").first
        expect(first_action).to_have_class(re.compile(r"\baction-accept\b"))
        expect(first_action.locator("button[type=submit]")).not_to_have_class(re.compile("secondary"))
        first_action.locator("button[type=submit]").click()
        expect(official.locator("#stages li[aria-current=step]")).to_have_attribute("data-stage", "accepted")

        # The business replies: the field says it is its reply, and so does the timeline.
        replied = f"{says['reply in the timeline']} {REPLY}"
        business.goto(f"{base}/cases/{number}/")
        reply = business.locator("form.action-respond")
        expect(reply.locator("label")).to_contain_text(says["your reply"])
        reply.locator("textarea").fill(REPLY)
        reply.locator("button[type=submit]").click()
        expect(business.locator(".timeline")).to_contain_text(replied)

        # The consumer sees the case at the reply stage, and withdraws only after confirming.
        consumer.goto(f"{base}/cases/{number}/")
        expect(consumer.locator("#stages li[aria-current=step]")).to_have_attribute("data-stage", "reply")
        expect(consumer.locator("#stages li[data-stage=accepted]")).to_have_class(re.compile(r"\bstage-done\b"))
        expect(consumer.locator("#stages li[data-stage=reply]")).to_contain_text(says["respond"])
        expect(consumer.locator(".timeline")).to_contain_text(replied)
        decide_after_confirming(consumer, "withdraw", says, says["confirm withdraw"])
        expect(consumer.locator("main .status")).to_have_text(says["withdrawn"])

        # Withdrawn, it leaves the open queue for the list of cases to close; closing asks first.
        assert number not in queue_numbers(official, base, "open")
        assert number in queue_numbers(official, base, "ended")
        official.goto(f"{base}/cases/{number}/")
        decide_after_confirming(official, "close", says, says["confirm close"])
        expect(official.locator("main .status")).to_have_text(says["closed"])
        # Refusing to accept a complaint asks first too.
        official.goto(f"{base}/cases/{refused}/")
        decide_after_confirming(
            official, "not_accept", says, says["confirm not accepting"], fill_in=refusal_with_ground_and_reason
        )
        expect(official.locator("main .status")).to_have_text(says["not accepted"])

        # The other language, chosen in the header, is kept for a year.
        consumer.locator("header .language button", has_text=says["other language"]).click()
        expect(consumer.locator("html")).not_to_have_attribute("lang", language)
        (kept,) = [cookie for cookie in consumer.context.cookies() if cookie["name"] == settings.LANGUAGE_COOKIE_NAME]
        assert kept["expires"] - datetime.datetime.now(datetime.UTC).timestamp() > 360 * 86400
        browser.close()

    assert Case.objects.get(number=number).status == CaseStatus.CLOSED
    assert Case.objects.get(number=refused).status == CaseStatus.NOT_ACCEPTED
