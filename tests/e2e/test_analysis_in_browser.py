"""The analysis in a real browser (Debian's Chromium, driven by Playwright, against daphne): an
official of 西湖区 on a phone-sized screen opens the analysis of the district, sees the charts drawn
and the early warning, opens it, acknowledges it, records what the bureau did and drafts a consumer
warning from it, which they publish; a member of the public then reads it at /alerts/ in English.

Screenshots are saved under var/artifacts/ for the run's record."""

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import ConsumerWarning, WarningEvent
from tests import factories
from tests.e2e.browser import ARTIFACTS, PASSWORD, PHONE_SCREEN, launch, logged_in_page, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_reads_the_analysis_answers_a_warning_and_the_public_reads_the_consumer_warning(web, places):
    base = f"http://127.0.0.1:{web['web_port']}"
    official = with_password(factories.official(factories.bureau("330106")))
    appliances = factories.shop(region="330106", name="杭州西湖星辰电器有限公司")
    factories.complaint(consumer=factories.consumer(phone="13900001111"), entity=appliances)
    filed = factories.prepaid_runaway()
    gym, runaway = filed.shop, filed.warning

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = logged_in_page(browser, base, official.username, PASSWORD, viewport=PHONE_SCREEN, locale="zh-CN")
        # The work queue names the warning to acknowledge.
        expect(page.locator("#warnings-to-acknowledge")).to_contain_text(gym.name)

        page.locator("header nav a", has_text="统计分析").click()
        page.wait_for_url(f"{base}/analysis/")
        main = page.locator("main")
        expect(main.locator(".total")).to_contain_text("6 件投诉")
        # ECharts drew the charts on canvases, from the script this server serves.
        expect(page.locator("#trend-chart canvas")).to_have_count(1)
        expect(page.locator("#types-chart canvas")).to_have_count(1)
        expect(main.locator("section", has_text="被投诉最多的经营者")).to_contain_text(gym.name)
        expect(main.locator("section", has_text="问题类型").first).to_contain_text("预付式消费")
        page.screenshot(path=ARTIFACTS / "analysis-official-zh.png", full_page=True)

        main.locator("ul.warnings li", has_text=gym.name).locator("a").click()
        page.wait_for_url(f"{base}/warnings/{runaway.pk}/")
        expect(main).to_contain_text(gym.name)
        expect(main.locator(".observed")).to_contain_text("共 5 件投诉")
        page.locator("button", has_text="签收").click()
        expect(main).to_contain_text("签收。")
        page.fill("#action-taken", "已约谈经营者，督促其退还预付款余额。")
        page.locator("button", has_text="记录").click()
        expect(main.locator("section", has_text="相关机关")).to_contain_text("已约谈经营者")
        page.screenshot(path=ARTIFACTS / "warning-official-zh.png", full_page=True)

        main.locator("a", has_text="据此起草消费提醒").click()
        page.fill("#title", "警惕健身房预付卡跑路")
        page.fill("#body", "近期西湖区多名消费者投诉健身房关门跑路。办卡前请核实经营者资质，避免一次性大额充值。")
        page.locator("button", has_text="保存草稿").click()
        page.locator("button", has_text="发布").click()
        expect(main.locator(".status-line")).to_contain_text("已发布")
        page.context.close()

        public = browser.new_context(viewport=PHONE_SCREEN, locale="en-GB").new_page()
        public.goto(f"{base}/")
        expect(public.locator("html")).to_have_attribute("lang", "en")  # the browser asks for English
        public.locator("header nav a", has_text="Consumer warnings").click()
        public.wait_for_url(f"{base}/alerts/")
        public.locator("main a", has_text="警惕健身房预付卡跑路").click()
        expect(public.locator("main")).to_contain_text("避免一次性大额充值")
        expect(public.locator("main")).to_contain_text("西湖区")
        public.screenshot(path=ARTIFACTS / "consumer-warning-public-en.png", full_page=True)
        browser.close()

    warning = ConsumerWarning.objects.get()
    assert warning.early_warning == runaway and warning.status == "published"
    assert list(WarningEvent.objects.filter(warning=runaway).values_list("action", flat=True)) == [
        "raised",
        "acknowledged",
        "action",
    ]
