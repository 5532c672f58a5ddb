"""People are told on the site, in Debian's Chromium against daphne, in Chinese and in English: the
official accepts a complaint on its page; the consumer, on a phone, sees the count of unread
notifications in the header, reads the notice of acceptance in the notification centre and follows
it to the case, after which the count is gone; the business is told that a complaint was passed to
it; the consumer chooses to be e-mailed, and the choice is kept."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import NotificationPreference
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import DESK_SCREEN, PHONE_SCREEN, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAYS = {
    "zh-hans": {
        "accept": "受理",
        "accepted": "您的投诉已受理",
        "told the business": "贵方收到一件投诉",
        "save": "保存",
        "saved": "已保存您的选择。",
    },
    "en": {
        "accept": "Accept",
        "accepted": "Your complaint was accepted",
        "told the business": "A complaint about your business",
        "save": "Save",
        "saved": "Your choices are saved.",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_consumer_and_the_business_are_told_on_the_site(web, places, language):
    says = SAYS[language]
    world = factories.World(places)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    base = f"http://127.0.0.1:{web['web_port']}"
    sessions = {
        who: session_cookie(user)
        for who, user in (
            ("official", world.shop_official),
            ("consumer", world.consumer_user),
            ("business", world.shop_staff),
        )
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        official = page_as(browser, base, viewport=DESK_SCREEN, session=sessions["official"], language=language)
        consumer = page_as(browser, base, viewport=PHONE_SCREEN, session=sessions["consumer"], language=language)
        business = page_as(browser, base, viewport=DESK_SCREEN, session=sessions["business"], language=language)

        consumer.goto(f"{base}/cases/")
        expect(consumer.locator("#notifications-badge")).to_have_count(0)

        official.goto(f"{base}/cases/{case.number}/")
        official.locator("form.action-accept button[type=submit]").click()
        expect(official.locator(".notices .notice").first).to_be_visible()

        consumer.reload()
        expect(consumer.locator("#notifications-badge")).to_contain_text("1")
        consumer.locator("#notifications-link").click()
        item = consumer.locator(".notification-list li.unread", has_text=says["accepted"])
        expect(item).to_contain_text(case.number)
        item.locator("a").click()
        consumer.wait_for_url(re.compile(re.escape(f"{base}/cases/{case.number}/")))
        expect(consumer.locator("#notifications-badge")).to_have_count(0)

        business.goto(f"{base}/notifications/")
        expect(business.locator(".notification-list li", has_text=says["told the business"])).to_contain_text(
            case.number
        )

        consumer.goto(f"{base}/notifications/settings/")
        consumer.fill("#id_email", "zhang@example.cn")
        consumer.locator("input[name='room_message:site']").uncheck()
        consumer.locator("main form:has(#id_email) button[type=submit]", has_text=says["save"]).click()
        expect(consumer.locator(".notices")).to_contain_text(says["saved"])
        expect(consumer.locator("input[name='room_message:site']")).not_to_be_checked()
        expect(consumer.locator("input[name='accepted:site']")).to_be_disabled()
        browser.close()
    world.consumer_user.refresh_from_db()
    assert world.consumer_user.email == "zhang@example.cn"
    assert NotificationPreference.objects.get(user=world.consumer_user, kind="room_message").in_app is False
