"""A report's penalty published on the business's public page, in Debian's Chromium against daphne
(issue 22, part 1; 市场监督管理行政处罚信息公示规定):

- a real-name report about a 西湖区 shop whose case was opened; the official of the shop's bureau opens
  it from the case page, fills in the decision (the document names the reporter and their phone),
  previews what will be published (the reporter withheld), and records it;
- the business's public page then lists the decision, whose page shows the summary and the document,
  with no trace of the reporter, on a phone;
- a warning-only decision recorded on another report about the same shop is not shown.

Pages are read in English: the Chinese of these new pages comes with the catalogues."""

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import PenaltyDecision
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import ARTIFACTS, DESK_SCREEN, PHONE_SCREEN, launch, page_as
from tests.mediation import penalty_world as pw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(web):
    shop = factories.shop(name="杭州西湖示范电器商行")
    official = factories.official(factories.bureau("330106"))
    reporter = pw.reporter()
    report = pw.opened_report(reporter=reporter, entity=shop, official=official)
    other = pw.opened_report(
        reporter=factories.consumer(real_name="李四", phone="13900001111"), entity=shop, official=official
    )
    pw.recorded(
        case=other,
        official=official,
        document_number="杭西市监处罚〔2026〕21号",
        penalty_kinds=["warning"],
        fine_amount=None,
        penalty_text="警告。",
    )
    return {
        "base": f"http://127.0.0.1:{web['web_port']}",
        "shop": shop,
        "official_cookie": session_cookie(official),
        "report": report,
        "traces": [pw.REPORTER_NAME, pw.REPORTER_PHONE, reporter.identity.id_number, report.number],
    }


def test_an_official_records_a_penalty_and_the_public_page_shows_it_without_the_reporter(scene):
    base, number = scene["base"], scene["report"].number
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport=DESK_SCREEN, session=scene["official_cookie"], language="en")
        page.context.set_default_timeout(20_000)
        page.goto(f"{base}/cases/{number}/")
        page.locator("#penalty-decision a.button").click()
        page.wait_for_url(f"{base}/cases/{number}/penalty/")
        page.fill("#id_document_number", "杭西市监处罚〔2026〕15号")
        page.select_option("#id_violation_type", "counterfeit")
        page.fill("#id_legal_basis", "《中华人民共和国产品质量法》第四十九条")
        page.check("input[name=penalty_kinds][value=fine]")
        page.fill("#id_fine_amount", "5000")
        page.fill("#id_penalty_text", "罚款人民币伍仟元整。")
        page.fill("#id_decided_on", "2026-07-06")
        page.fill("#id_party_summary", "杭州西湖示范电器商行，住所：杭州市西湖区文三路100号。")
        page.fill(
            "#id_document_text",
            f"经举报人张三（电话{pw.REPORTER_PHONE}）举报，执法人员现场检查，当事人销售不合格电热水壶。决定罚款人民币伍仟元整。",
        )
        page.check("#id_party_told_of_publication")
        page.locator("button[name=do][value=preview]").click()
        preview = page.locator("#preview")
        expect(preview).to_contain_text("What will be published")
        expect(preview.locator(".preview-document")).to_contain_text("＊＊＊")
        expect(preview.locator(".preview-document")).not_to_contain_text("张三")
        expect(preview.locator(".withheld")).to_contain_text("the reporter")
        page.locator("button[name=do][value=record]").click()
        page.wait_for_url(f"{base}/penalties/*/manage/")
        expect(page.locator(".publication-status")).to_contain_text("Published")

        public = page_as(browser, base, viewport=PHONE_SCREEN, language="en")
        public.goto(f"{base}/disclosure/{scene['shop'].pk}/")
        section = public.locator("#penalties")
        expect(section).to_contain_text("Administrative penalties")
        expect(section).to_contain_text("杭西市监处罚〔2026〕15号")
        expect(section).not_to_contain_text("杭西市监处罚〔2026〕21号")  # a warning alone is not published
        section.get_by_role("link", name="杭西市监处罚〔2026〕15号").click()
        public.wait_for_url(f"{base}/penalties/*/")
        expect(public.locator(".penalty-summary")).to_contain_text("罚款人民币伍仟元整")
        expect(public.locator(".document-text")).to_contain_text("当事人销售不合格电热水壶")
        text = public.locator("main").inner_text()
        assert public.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        public.screenshot(path=str(ARTIFACTS / "penalty-public-page.png"), full_page=True)
        browser.close()
    for trace in scene["traces"]:
        assert trace not in text, trace
    decision = PenaltyDecision.objects.get(document_number="杭西市监处罚〔2026〕15号")
    assert decision.publication_status == "published"
