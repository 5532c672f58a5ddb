"""A consumer association mediates a complaint in the room (issue 22, part 3), in Debian's Chromium
through Playwright, one context per person, against daphne:

- a consumer from Beijing files a complaint against a Hangzhou shop on the form, choosing the
  consumer association of the shop's district (CRPL Art. 39(2)) instead of the bureau;
- the association's staff member finds it in the association's queue, accepts it (Art. 37(5)), and
  is offered none of a bureau's moves; both parties agree to mediation on their case pages;
- the staff member starts mediation and leads the room: the three exchange messages live, the
  business proposes, the consumer accepts, both sign, and the association records the agreement.

Read in English: the association's strings are new and not yet translated."""

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from mediation.models import Authority, AuthorityKind, Case, CaseStatus, RoomParticipant
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import ARTIFACTS, DESK_SCREEN, PHONE_SCREEN, bought_ten_days_ago, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_SECONDS = 15
ASSOCIATION = "杭州市西湖区消费者协会"


def say_in_room(page: Page, text: str) -> None:
    page.fill("#room-text", text)
    page.keyboard.press("Enter")
    expect(page.locator("#room .message.from-user:not(.pending) .bubble", has_text=text)).to_have_count(1)


def confirm(page: Page) -> None:
    page.locator("#room-confirm button[data-confirm=yes]").click()


def enter_room_from_case_page(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/cases/{number}/")
    page.locator(f'main a.button[href="/cases/{number}/room/"]').click()
    page.wait_for_url(f"{base}/cases/{number}/room/")
    expect(page.locator("#room")).to_have_class(re.compile("connected"), timeout=LIVE_SECONDS * 1000)


def test_a_consumer_association_accepts_and_mediates_a_complaint_in_the_room(web, people):
    base = f"http://127.0.0.1:{web['web_port']}"
    west_lake = people["west_lake"]
    association = Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330106")
    assert association.name == ASSOCIATION
    staff = factories.official(association)
    staff.last_name, staff.first_name = "周", "敏"
    staff.save()
    merchant = factories.merchant(west_lake)
    sessions = {
        "consumer": people["cookie"],
        "staff": session_cookie(staff),
        "merchant": session_cookie(merchant),
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        consumer = page_as(browser, base, viewport=PHONE_SCREEN, session=sessions["consumer"], language="en")
        lead = page_as(browser, base, viewport=DESK_SCREEN, session=sessions["staff"], language="en")
        shop = page_as(browser, base, viewport=DESK_SCREEN, session=sessions["merchant"], language="en")
        for page in (consumer, lead, shop):
            page.context.set_default_timeout(20_000)
        # The server's first complaint reads the problem types with a model that loads for tens of
        # seconds on a busy machine; the offline draft's script (filing-draft.js) gives up on so slow
        # an answer and keeps the draft for later. The form works without it, as its design says,
        # and the association's part is what is tested here.
        consumer.route("**/static/web/filing-draft.js", lambda route: route.abort())

        # The consumer files on the form and sends the complaint to the district's association.
        consumer.goto(f"{base}/file/")
        consumer.check("input[name=kind][value=complaint]")
        consumer.locator("#id_business").press_sequentially("星辰电器西湖", delay=40)
        consumer.locator("#business-suggestions button > span").filter(has_text=west_lake.name).click()
        expect(consumer.locator("input[name=business_id]")).to_have_value(str(west_lake.pk))
        consumer.fill("#id_facts", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理。")
        consumer.select_option("#id_category", "G02")
        consumer.fill("#id_purchase_date", bought_ten_days_ago().isoformat())
        consumer.fill("#id_amount", "3500")
        consumer.select_option("#id_demand", "refund")
        choice = consumer.locator("input[name=handler][value=county_association]")
        expect(choice).to_be_visible()
        choice.check()
        consumer.evaluate("document.activeElement.blur()")
        consumer.locator("#filing button[type=submit]").click(no_wait_after=True)
        consumer.wait_for_url(re.compile(re.escape(base) + r"/cases/TS\d{14}/"), timeout=180_000)
        number = re.search(r"TS\d{14}", consumer.url).group(0)
        expect(consumer.locator("ul.notices")).to_contain_text(f"{ASSOCIATION} handles it")

        # The association's staff member finds it in the queue and accepts it; no bureau's move is offered.
        lead.goto(f"{base}/queue/")
        expect(lead.locator("main h1")).to_contain_text(ASSOCIATION)
        expect(lead.locator("header nav")).not_to_contain_text("Analysis")
        lead.locator("main table a", has_text=number).click()
        lead.wait_for_url(f"{base}/cases/{number}/")
        expect(lead.locator("form.action-forward")).to_have_count(0)
        expect(lead.locator("form.action-dispute_jurisdiction")).to_have_count(0)
        lead.locator("form.action-accept button[type=submit]").click()
        expect(lead.locator(".notices")).to_contain_text("Done: accept.")

        # The complainant is told by the association; both parties agree to mediation.
        consumer.reload()
        expect(consumer.locator("main")).to_contain_text(f"accepted by {ASSOCIATION}")
        consumer.locator("form.action-consent_to_mediation button[type=submit]").click()
        expect(consumer.locator(".notices")).to_contain_text("Done: agree to mediation.")
        shop.goto(f"{base}/cases/{number}/")
        shop.locator("form.action-consent_to_mediation button[type=submit]").click()
        expect(shop.locator(".notices")).to_contain_text("Done: agree to mediation.")

        # The staff member starts mediation and leads the room.
        lead.reload()
        expect(lead.locator("form.action-entrust_mediation")).to_have_count(0)
        lead.locator("form.action-start_mediation button[type=submit]").click()
        lead.wait_for_url(f"{base}/cases/{number}/room/")
        expect(lead.locator("#room")).to_have_class(re.compile("connected"), timeout=LIVE_SECONDS * 1000)
        enter_room_from_case_page(shop, base, number)
        enter_room_from_case_page(consumer, base, number)
        everyone = {"consumer": consumer, "lead": lead, "merchant": shop}
        for page in everyone.values():
            expect(page.locator("#room .people li.online")).to_have_count(3, timeout=LIVE_SECONDS * 1000)
            expect(page.locator("#room .people")).to_contain_text(ASSOCIATION)

        lines = {
            "lead": "各位好，我是西湖区消费者协会的调解员，今天在线调解这起冰箱投诉。",
            "consumer": "冰箱买了三天就不制冷，我希望退款。",
            "merchant": "确认是质量问题，我们同意退款三千元。",
        }
        for who, text in lines.items():
            say_in_room(everyone[who], text)
            for page in everyone.values():
                expect(page.locator("#room .messages")).to_contain_text(text, timeout=LIVE_SECONDS * 1000)

        # The business proposes, the consumer accepts, both sign, the association records it.
        proposal = shop.locator("form.propose-form")
        proposal.locator("[name=refund_amount]").fill("3000")
        proposal.locator("button[type=submit]").click()
        for page in everyone.values():
            expect(page.locator(".proposals .proposal")).to_contain_text("Proposal no. 1")
        consumer.locator(".proposals .proposal button[data-response=accept]").click()
        confirm(consumer)
        for page in everyone.values():
            expect(page.locator("#room .document")).to_be_visible(timeout=LIVE_SECONDS * 1000)
        for party in (consumer, shop):
            party.locator("[data-action=sign]").click()
            confirm(party)
        expect(lead.locator("[data-action=record_agreement]")).to_be_visible(timeout=LIVE_SECONDS * 1000)
        lead.screenshot(path=ARTIFACTS / "association-room-lead.png", full_page=True)
        lead.locator("[data-action=record_agreement]").click()
        confirm(lead)
        for page in everyone.values():
            expect(page.locator("#room .status-line")).to_contain_text(
                "The mediation has ended", timeout=LIVE_SECONDS * 1000
            )
        consumer.goto(f"{base}/cases/{number}/")
        expect(consumer.locator("main .status")).to_have_text("Settled")
        browser.close()

    case = Case.objects.get(number=number)
    assert case.handling_authority == association and case.co_mediating_authority is None
    assert case.status == CaseStatus.SETTLED
    assert RoomParticipant.objects.get(room__case=case, role="lead_mediator").user == staff
