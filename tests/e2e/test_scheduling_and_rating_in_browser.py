"""Scheduling a mediation session and rating the handling, in Debian's Chromium (Playwright, against
daphne), in Chinese and in English, one browser context per person:

- the lead mediator proposes two times on the case page; the consumer (on a phone) says the later one
  suits, the business that both do; the later time becomes the session, shown to all three;
- the complaint is closed (through the services, as the bureau does); the consumer rates how it was
  handled; the bureau reads the rating and its comment on its follow-up page; the business's public
  disclosure page shows the average, four other complainants having rated it before (the published
  minimum is five ratings), and no comment.

Until the lead engineer fills the catalogues, the new words read in English in the Chinese pages
too; the Chinese run checks what the pages show by their structure and data."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from mediation.models import CaseStatus, MediationSession
from mediation.services.follow_up import follow_up_rate
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import ARTIFACTS, DESK_SCREEN, PHONE_SCREEN, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SAYS = {
    "zh-hans": {"closed": "已办结"},
    "en": {"closed": "Closed", "your rating": "Your rating", "scheduled": "the session is scheduled"},
}


def _closed(world, consumer):
    case = factories.complaint(consumer=consumer, entity=world["shop"])
    case = case_transition(case=case, action="accept", actor=world["lead"])
    case = factories.with_status(case, CaseStatus.TERMINATED)
    return case_transition(case=case, action="close", actor=world["lead"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_session_is_agreed_and_the_closed_complaint_is_rated(web, places, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    says = SAYS[language]
    # A complaint of a consumer of 西湖区 against a shop of 西湖区, in mediation: no co-mediating bureau,
    # so the two parties' answers decide the time.
    shop = factories.shop(name="杭州西湖晨光家电有限公司")
    consumer = factories.consumer(home_region="330106", real_name="赵六")
    world = {"shop": shop, "merchant": factories.merchant(shop), "lead": factories.official(factories.bureau("330106"))}
    case = factories.complaint(consumer=consumer, entity=shop)
    case = factories.consent_both(case_transition(case=case, action="accept", actor=world["lead"]))
    mediation_start(case=case, actor=world["lead"])
    number = case.number
    day = timezone.now().astimezone(SHANGHAI) + datetime.timedelta(days=3)
    earlier, later = (
        day.replace(hour=9, minute=30, second=0, microsecond=0),
        day.replace(hour=15, minute=0, second=0, microsecond=0),
    )
    cookies = {
        role: session_cookie(user)
        for role, user in (("consumer", consumer.user), ("merchant", world["merchant"]), ("lead", world["lead"]))
    }
    shown_at = f'time[datetime="{later.isoformat()}"]'

    with sync_playwright() as playwright:
        browser = launch(playwright)
        lead = page_as(browser, base, viewport=DESK_SCREEN, session=cookies["lead"], language=language)
        lead.goto(f"{base}/cases/{number}/")
        proposing = lead.locator("form.propose-session-form")
        proposing.locator("#id_session-time_1").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
        proposing.locator("#id_session-time_2").fill(later.strftime("%Y-%m-%dT%H:%M"))
        expect(proposing.locator("input[name=session-where][value=online]")).to_be_checked()
        proposing.locator("button[type=submit]").click()
        lead.wait_for_url(f"{base}/cases/{number}/#sessions")
        expect(lead.locator("#session-proposal .proposed-times li")).to_have_count(2)

        consumer_page = page_as(browser, base, viewport=PHONE_SCREEN, session=cookies["consumer"], language=language)
        consumer_page.goto(f"{base}/cases/{number}/")
        answering = consumer_page.locator("form.answer-form")
        expect(answering.locator("input[name=answer-suits]")).to_have_count(2)
        answering.locator("input[name=answer-suits]").nth(1).check()
        answering.locator("button[type=submit]").click()
        consumer_page.wait_for_url(f"{base}/cases/{number}/#sessions")
        expect(consumer_page.locator("form.answer-form input[name=answer-suits]").nth(1)).to_be_checked()

        merchant = page_as(browser, base, viewport=DESK_SCREEN, session=cookies["merchant"], language=language)
        merchant.goto(f"{base}/cases/{number}/")
        for box in merchant.locator("form.answer-form input[name=answer-suits]").all():
            box.check()
        merchant.locator("form.answer-form button[type=submit]").click()
        merchant.wait_for_url(f"{base}/cases/{number}/#sessions")
        if "scheduled" in says:
            expect(merchant.locator(".notices")).to_contain_text(says["scheduled"])

        # The later time, the only one that suits both, is the session; each of them reads it.
        for person in (merchant, consumer_page, lead):
            person.goto(f"{base}/cases/{number}/")
            expect(person.locator(f"#sessions .session-list {shown_at}")).to_have_count(1)
            expect(person.locator("form.answer-form")).to_have_count(0)
        consumer_page.screenshot(path=str(ARTIFACTS / f"session-scheduled-phone-{language}.png"), full_page=True)
        browser.close()

    assert MediationSession.objects.get(case=case).starts_at == later
    # Mediation ends and the bureau closes the complaint; four complainants rated its other complaints.
    case = factories.terminate_in_room(case)
    case = case_transition(case=case, action="close", actor=world["lead"])
    for rating in (5, 5, 4, 4):
        other = factories.consumer(home_region="330106", real_name="钱七")
        follow_up_rate(case=_closed(world, other), actor=other.user, rating=rating, comment="他人的意见")
    comment = "调解员很耐心，退款到账了。"

    with sync_playwright() as playwright:
        browser = launch(playwright)
        consumer_page = page_as(browser, base, viewport=PHONE_SCREEN, session=cookies["consumer"], language=language)
        consumer_page.goto(f"{base}/cases/{number}/")
        expect(consumer_page.locator("main .status")).to_have_text(says["closed"])
        rating_form = consumer_page.locator("form.follow-up-form")
        rating_form.locator("input[name=follow-up-rating][value='4']").check()
        rating_form.locator("textarea[name=follow-up-comment]").fill(comment)
        rating_form.locator("button[type=submit]").click()
        consumer_page.wait_for_url(f"{base}/cases/{number}/#follow-up")
        expect(consumer_page.locator("#follow-up .follow-up-rating")).to_contain_text("4")
        expect(consumer_page.locator("#follow-up .follow-up-comment")).to_have_text(comment)
        expect(consumer_page.locator("form.follow-up-form")).to_have_count(0)
        if "your rating" in says:
            expect(consumer_page.locator("#follow-up")).to_contain_text(says["your rating"])
        consumer_page.screenshot(path=str(ARTIFACTS / f"follow-up-rated-phone-{language}.png"), full_page=True)

        # The bureau reads it from its queue.
        lead = page_as(browser, base, viewport=DESK_SCREEN, session=cookies["lead"], language=language)
        lead.goto(f"{base}/queue/")
        lead.locator('main a[href="/follow-ups/"]').click()
        lead.wait_for_url(f"{base}/follow-ups/")
        row = lead.locator("table.ratings tr", has_text=number)
        expect(row.locator(".rating")).to_have_text("4")
        expect(row).to_contain_text(comment)
        expect(lead.locator(".follow-up-count")).to_have_text("5")
        expect(lead.locator(".follow-up-average")).to_contain_text("4.4")

        # The public reads the business's average (22 / 5), never a comment.
        public = page_as(browser, base, viewport=PHONE_SCREEN, language=language)
        public.goto(f"{base}/disclosure/{shop.pk}/")
        expect(public.locator(".follow-up-rating")).to_contain_text(re.compile(r"4\.4"))
        expect(public.locator("main")).not_to_contain_text(comment)
        expect(public.locator("main")).not_to_contain_text("他人的意见")
        public.screenshot(path=str(ARTIFACTS / f"disclosure-rating-phone-{language}.png"), full_page=True)
        browser.close()
