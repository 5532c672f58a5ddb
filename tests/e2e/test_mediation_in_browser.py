"""The whole journey of a cross-region complaint in four browsers (Debian's Chromium through
Playwright, one context per person, against daphne):

- a consumer from Beijing has filed a complaint against a Hangzhou shop (through the filing
  service, as the bot and the form do; filing by chatting is tests/e2e/test_pages_in_browser.py);
- an official of the shop's bureau accepts it and starts mediation with an official of the
  consumer's home bureau, who reads the room in English;
- the business joins; the four exchange messages live;
- a private talk (caucus) with the consumer reaches the consumer and the mediators only;
- the mediators confer in their own channel; the business proposes, the consumer counters, the
  business accepts; both sign, the lead mediator records the agreement;
- the case shows settled, and each party downloads its copy of the mediation document (the
  business's names the consumer by the masked name only).

Each role's room page is saved as a screenshot under var/artifacts/."""

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from mediation.models import Case, CaseStatus, IntakeChannel, RoomEvent
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import (
    ARTIFACTS,
    DESK_SCREEN,
    PASSWORD,
    PHONE_SCREEN,
    launch,
    logged_in_page,
    open_room,
    with_password,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_SECONDS = 15


@pytest.fixture
def cast(people):
    """The consumer of `people` (from 北京朝阳区), the West Lake shop's staff, an official of the
    shop's bureau (杭州西湖区) and one of the consumer's home bureau (北京朝阳区)."""
    return {
        "consumer": with_password(people["consumer"].user),
        "merchant": with_password(factories.merchant(people["west_lake"]), "店长", "王"),
        "lead": with_password(factories.official(factories.bureau("330106")), "明", "陈"),
        "co": with_password(factories.official(factories.bureau("110105")), "Hong", "Zhao"),
    }


def live(page: Page):
    return expect(page.locator("#room .messages"))


def say_in_room(page: Page, text: str) -> None:
    page.fill("#room-text", text)
    page.keyboard.press("Enter")
    expect(page.locator("#room .message.from-user:not(.pending) .bubble", has_text=text)).to_have_count(1)


def confirm(page: Page) -> None:
    """The second, explicit step of a decision that cannot be undone."""
    page.locator("#room-confirm button[data-confirm=yes]").click()


def enter_room_from_case_page(page: Page, base: str, number: str) -> None:
    page.goto(f"{base}/cases/{number}/")
    page.locator("main a.button", has_text="调解室").click()
    page.wait_for_url(f"{base}/cases/{number}/room/")
    expect(page.locator("#room")).to_have_class(re.compile("connected"), timeout=LIVE_SECONDS * 1000)


def test_a_cross_region_complaint_is_filed_mediated_and_settled_in_four_browsers(web, people, cast):
    base = f"http://127.0.0.1:{web['web_port']}"
    # The consumer's complaint about the fridge, filed as the bot files it (before the browsers
    # start: the database is not used from inside Playwright's event loop).
    number = factories.complaint(
        consumer=people["consumer"],
        entity=people["west_lake"],
        facts="冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理",
        brand="海尔",
        intake_channel=IntakeChannel.BOT,
    ).number
    with sync_playwright() as playwright:
        browser = launch(playwright)
        consumer = logged_in_page(
            browser, base, cast["consumer"].username, PASSWORD, viewport=PHONE_SCREEN, locale="zh-CN"
        )
        lead = logged_in_page(browser, base, cast["lead"].username, PASSWORD, viewport=DESK_SCREEN, locale="zh-CN")
        co = logged_in_page(browser, base, cast["co"].username, PASSWORD, viewport=DESK_SCREEN, locale="en-GB")
        merchant = logged_in_page(
            browser, base, cast["merchant"].username, PASSWORD, viewport=DESK_SCREEN, locale="zh-CN"
        )
        expect(merchant.locator("main")).to_contain_text("还没有转给贵企业的投诉")  # nothing before it is accepted

        consumer.goto(f"{base}/cases/{number}/")
        expect(consumer.locator("main")).to_contain_text(number)

        # The shop's bureau finds it among its new cases, accepts it and, once both parties agree,
        # starts mediation.
        lead.locator("header nav a", has_text="待办案件").click()
        lead.locator("main table a", has_text=number).click()
        lead.wait_for_url(f"{base}/cases/{number}/")
        lead.locator("form.action-accept button[type=submit]").click()
        expect(lead.locator(".notices")).to_contain_text("已完成：受理。")
        # Both parties agree to mediate, each on their case page (Order 121 Art. 18).
        consumer.reload()
        consumer.locator("form.action-consent_to_mediation button[type=submit]").click()
        expect(consumer.locator(".notices")).to_contain_text("已完成：同意调解。")
        merchant.goto(f"{base}/cases/")
        merchant.locator("main table a", has_text=number).click()
        merchant.locator("form.action-consent_to_mediation button[type=submit]").click()
        expect(merchant.locator(".notices")).to_contain_text("已完成：同意调解。")
        lead.reload()
        # The official of the consumer's home bureau is proposed, by name and bureau.
        starting = lead.locator("form.action-start_mediation")
        expect(starting.locator("select")).to_have_value(str(cast["co"].pk))
        expect(starting.locator("select option:checked")).to_have_text(re.compile(r"^Hong Zhao \(.+\)$"))
        starting.locator("button[type=submit]").click()
        lead.wait_for_url(f"{base}/cases/{number}/room/")
        expect(lead.locator("#room")).to_have_class(re.compile("connected"), timeout=LIVE_SECONDS * 1000)

        # The co-mediator, reading in English on their queue, is told of the invitation without
        # reloading, and follows it into the room.
        invitation = co.locator("#live-notices a", has_text=f"You are invited to co-mediate case {number}")
        expect(invitation).to_be_visible(timeout=LIVE_SECONDS * 1000)
        invitation.click()
        co.wait_for_url(f"{base}/cases/{number}/room/")
        expect(co.locator("#room")).to_have_class(re.compile("connected"), timeout=LIVE_SECONDS * 1000)
        expect(co.locator("#room nav.channels")).to_contain_text("Mediators only")

        # The business sees the complaint now and joins; so does the consumer.
        merchant.goto(f"{base}/cases/")
        merchant.locator("main table a", has_text=number).click()
        enter_room_from_case_page(merchant, base, number)
        enter_room_from_case_page(consumer, base, number)
        everyone = {"consumer": consumer, "merchant": merchant, "lead": lead, "co": co}
        for page in everyone.values():
            expect(page.locator("#room .people li.online")).to_have_count(4, timeout=LIVE_SECONDS * 1000)

        # Messages go live to all four.
        lines = {
            "lead": "各位好，我是西湖区市场监管局的调解员，今天在线调解这起冰箱投诉。",
            "co": "Hello, I co-mediate for the consumer's home bureau in Chaoyang, Beijing.",
            "consumer": "冰箱买了三天就不制冷，我希望退款。",
            "merchant": "我们愿意上门检测，确认是质量问题就退款。",
        }
        for who, text in lines.items():
            say_in_room(everyone[who], text)
            for page in everyone.values():
                live(page).to_contain_text(text, timeout=LIVE_SECONDS * 1000)

        # The mediators confer in their own channel, which the parties do not have.
        lead.locator("#room nav.channels button", has_text="仅调解员").click()
        aside = "两位当事人差距不大，先分别单独沟通。"
        say_in_room(lead, aside)
        co.locator("#room nav.channels button", has_text="Mediators only").click()
        live(co).to_contain_text(aside, timeout=LIVE_SECONDS * 1000)
        co.locator("#room nav.channels button", has_text="Everyone").click()

        # A private talk with the consumer reaches the consumer and the mediators, never the business.
        lead.locator("button[data-caucus=consumer]").click()
        expect(lead.locator("button[data-caucus=consumer]")).to_have_attribute("aria-pressed", "true")
        lead.locator("#room nav.channels button", has_text="单独沟通：消费者").click()
        private_question = "私下问一下：您最低能接受多少退款？"
        say_in_room(lead, private_question)
        consumer.locator("#room nav.channels button", has_text="与调解员单独沟通").click()
        live(consumer).to_contain_text(private_question, timeout=LIVE_SECONDS * 1000)
        private_answer = "退三千元我就接受。"
        say_in_room(consumer, private_answer)
        live(lead).to_contain_text(private_answer, timeout=LIVE_SECONDS * 1000)
        co.locator("#room nav.channels button", has_text="Private: consumer").click()
        live(co).to_contain_text(private_answer, timeout=LIVE_SECONDS * 1000)
        expect(merchant.locator("#room nav.channels")).not_to_contain_text("消费者")
        for party in (merchant, consumer):
            expect(party.locator("#room nav.channels")).not_to_contain_text("仅调解员")
            assert aside not in party.content()
        assert private_question not in merchant.content() and private_answer not in merchant.content()
        lead.locator("button[data-caucus=consumer]").click()
        expect(lead.locator("button[data-caucus=consumer]")).to_have_attribute("aria-pressed", "false")
        consumer.locator("#room nav.channels button", has_text="全体").click()
        lead.locator("#room nav.channels button", has_text="全体").click()

        # The business proposes; the consumer counters; the business accepts the counter-proposal.
        proposal = merchant.locator("form.propose-form")
        proposal.locator("[name=refund_amount]").fill("2500")
        proposal.locator("button[type=submit]").click()
        for page in everyone.values():
            expect(page.locator(".proposals .proposal")).to_contain_text(
                "第1号方案" if page is not co else "Proposal no. 1"
            )
        expect(consumer.locator(".proposals .proposal")).to_contain_text("退款¥2,500.00")
        consumer.locator(".proposals .proposal button[data-response=counter]").click()
        counter = consumer.locator("form.propose-form")
        expect(counter.locator(".counter-note")).to_contain_text("第1号方案")
        expect(counter.locator("[name=refund_amount]")).to_have_value("2500.00")  # starts from the terms on the table
        counter.locator("[name=refund_amount]").fill("3000")
        counter.locator("[name=free_text]").fill("七日内上门取回冰箱并退款")
        counter.locator("button[type=submit]").click()
        for page in everyone.values():
            expect(page.locator(".proposals .proposal")).to_contain_text("七日内上门取回冰箱并退款")
        expect(merchant.locator(".proposals .proposal")).to_contain_text("退款¥3,000.00")
        expect(co.locator(".proposals .proposal")).to_contain_text("refund CN¥3,000.00")
        # Accepting and signing each say what they do and act on a second step only.
        merchant.locator(".proposals .proposal button[data-response=accept]").click()
        expect(merchant.locator("#room-confirm")).to_contain_text("七日内上门取回冰箱并退款")
        expect(merchant.locator("#room .document")).to_be_hidden()
        confirm(merchant)
        for page in everyone.values():
            expect(page.locator("#room .document")).to_be_visible(timeout=LIVE_SECONDS * 1000)
        for party in (consumer, merchant):
            party.locator("[data-action=sign]").click()
            expect(party.locator("#room-confirm")).to_contain_text("签名不能撤回")
            confirm(party)
        expect(lead.locator("[data-action=record_agreement]")).to_be_visible(timeout=LIVE_SECONDS * 1000)
        for who, page in everyone.items():
            expect(page.locator("#room .document-state")).to_contain_text(
                "Signed by: Consumer, Business" if who == "co" else "已签署：消费者、经营者"
            )
            page.screenshot(path=ARTIFACTS / f"room-{who}.png", full_page=True)
        lead.locator("[data-action=record_agreement]").click()
        confirm(lead)
        for who, page in everyone.items():
            expect(page.locator("#room .status-line")).to_contain_text(
                "The mediation has ended" if who == "co" else "本次调解已结束", timeout=LIVE_SECONDS * 1000
            )
            expect(page.locator("#room-text")).to_be_disabled()

        # The case is settled, and each party downloads its copy of the mediation document.
        copies = {}
        for who in ("consumer", "merchant"):
            page = everyone[who]
            page.goto(f"{base}/cases/{number}/")
            expect(page.locator("main .status")).to_have_text("已达成和解")
            with page.expect_download() as download:
                page.locator("main a.document-download").click()
            copies[who] = download.value.path().read_text(encoding="utf-8")
            page.screenshot(path=ARTIFACTS / f"case-settled-{who}.png", full_page=True)
        browser.close()

    for copy in copies.values():
        assert number in copy and "3,000.00" in copy and people["west_lake"].name in copy
    # Signed by both, the document names both parties (Order 121 Art. 24); the business's copy gives
    # the phone it needs to perform the agreement, never the identity number.
    identity = people["consumer"].identity
    assert "李四" in copies["consumer"] and "李四" in copies["merchant"]
    assert identity.phone in copies["merchant"] and identity.id_number not in copies["merchant"]

    case = Case.objects.select_related("co_mediating_authority").get(number=number)
    assert case.is_cross_region and case.co_mediating_authority.region_id == "110105"
    assert case.status == CaseStatus.SETTLED and "七日内上门取回冰箱并退款" in case.settlement_terms
    private = RoomEvent.objects.filter(room__case=case, channel="caucus:consumer", kind="message")
    assert sorted(private.values_list("text", flat=True)) == sorted([private_question, private_answer])


# What the room says about each decision, in each language.
DECISIONS = {
    "zh-hans": {
        "reject": "请确认：拒绝第1号方案",
        "accept": "请确认：接受第3号方案",
        "sign": "签名不能撤回",
        "record": "请确认：记录调解协议",
        "counter of": "第1号方案",
        "ended": "本次调解已结束",
    },
    "en": {
        "reject": "Please confirm: reject proposal no. 1",
        "accept": "Please confirm: accept proposal no. 3",
        "sign": "A signature cannot be taken back",
        "record": "Please confirm: record the agreement",
        "counter of": "Proposal no. 1",
        "ended": "The mediation has ended",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_decision_in_the_room_asks_first_and_a_counter_proposal_starts_from_the_terms(web, places, language):
    """Rejecting, accepting, signing and recording each say what they do and act on a second step
    only; going back changes nothing. A counter-proposal starts from the terms on the table."""
    says = DECISIONS[language]
    world = factories.RoomWorld()
    base = f"http://127.0.0.1:{web['web_port']}"
    sessions = [session_cookie(user) for user in (world.shop_staff, world.consumer_user, world.shop_official)]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        merchant, consumer, lead = (
            open_room(browser, base, world.number, session, viewport=DESK_SCREEN, language=language)
            for session in sessions
        )
        question = {page: page.locator("#room-confirm") for page in (merchant, consumer, lead)}

        # The business's first proposal: the consumer rejects it, after going back once.
        merchant.locator("form.propose-form [name=refund_amount]").fill("2000")
        merchant.locator("form.propose-form button[type=submit]").click()
        first = consumer.locator(".proposals .proposal").first
        expect(first).to_be_visible(timeout=LIVE_SECONDS * 1000)
        first.locator("button[data-response=reject]").click()
        expect(question[consumer]).to_contain_text(says["reject"])
        question[consumer].locator("button:not([data-confirm=yes])").click()
        expect(question[consumer]).to_have_count(0)
        first.locator("button[data-response=reject]").click()
        confirm(consumer)
        expect(merchant.locator(".proposals .proposal")).to_have_count(0, timeout=LIVE_SECONDS * 1000)

        # The business proposes again; the consumer's counter-proposal starts from those terms.
        merchant.locator("form.propose-form [name=refund_amount]").fill("2500")
        merchant.locator("form.propose-form button[type=submit]").click()
        offered = consumer.locator(".proposals .proposal").first
        expect(offered).to_be_visible(timeout=LIVE_SECONDS * 1000)
        offered.locator("button[data-response=counter]").click()
        counter = consumer.locator("form.propose-form")
        expect(counter.locator("[name=refund_amount]")).to_have_value("2500.00")
        counter.locator("[name=refund_amount]").fill("3000")
        counter.locator("button[type=submit]").click()

        # Accepting, signing and recording each ask first.
        countered = merchant.locator(".proposals .proposal", has=merchant.locator("button[data-response=accept]"))
        expect(countered).to_have_count(1, timeout=LIVE_SECONDS * 1000)
        countered.locator("button[data-response=accept]").click()
        expect(question[merchant]).to_contain_text(says["accept"])
        expect(merchant.locator("#room .document")).to_be_hidden()
        confirm(merchant)
        for party in (consumer, merchant):
            expect(party.locator("[data-action=sign]")).to_be_visible(timeout=LIVE_SECONDS * 1000)
            party.locator("[data-action=sign]").click()
            expect(question[party]).to_contain_text(says["sign"])
            confirm(party)
        record = lead.locator("[data-action=record_agreement]")
        expect(record).to_be_visible(timeout=LIVE_SECONDS * 1000)
        record.click()
        expect(question[lead]).to_contain_text(says["record"])
        confirm(lead)
        for page in (merchant, consumer, lead):
            expect(page.locator("#room .status-line")).to_contain_text(says["ended"], timeout=LIVE_SECONDS * 1000)
        browser.close()
