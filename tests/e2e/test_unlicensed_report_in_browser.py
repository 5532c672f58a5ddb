"""A report against an operator without a licence (无照经营), in Chromium on a phone-sized screen: a
reporter who lives in 北京朝阳区 ticks "not in the registry" on /file/, describes a street stall with
its address in 杭州市西湖区, and files it; the report reaches the queue of the 西湖区 bureau (penalty
procedure Art. 7: the bureau of the place of the conduct), not the reporter's own bureau, and the
西湖区 official links it to the registered business it turns out to be."""

import pytest
from playwright.sync_api import expect, sync_playwright

from mediation.models import Case, EntityKind, MarketEntity
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import PHONE_SCREEN, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "浙江省杭州市西湖区文三路90号东门外"


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_stall_reported_on_the_form_reaches_the_bureau_of_its_county(web, places, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    reporter = factories.consumer(home_region="110105", real_name="李四")  # lives in 北京朝阳区
    west_lake_official = factories.official(factories.bureau("330106"))  # 杭州市西湖区 (GB/T 2260)
    home_official = factories.official(factories.bureau("110105"))
    shop = factories.shop(name="杭州西湖老王烧烤店", region="330106")
    cookies = {person: session_cookie(person) for person in (reporter.user, west_lake_official, home_official)}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport=PHONE_SCREEN, session=cookies[reporter.user], language=language)
        page.context.set_default_timeout(20_000)
        page.goto(f"{base}/file/")
        page.check("input[name=kind][value=report]")
        operator_group = page.locator("[data-group=operator]")
        expect(operator_group).to_be_hidden()
        page.check("#id_not_registered")
        expect(operator_group).to_be_visible()
        expect(page.locator("#id_business")).to_be_hidden()
        page.fill("#id_operator_name", "老王烧烤摊")
        page.fill("#id_operator_address", ADDRESS)
        page.fill("#id_operator_goods", "烧烤、散装白酒")
        page.fill("#id_facts", "每天晚上在文三路东门外摆摊卖烧烤和散装白酒，没有营业执照，油烟很大。")
        no_sideways_scrolling(page)
        page.locator("#filing button[type=submit]").click()
        page.wait_for_url(f"{base}/cases/JB*/")
        number = page.url.rstrip("/").rsplit("/", 1)[1]
        expect(page.locator("#operator")).to_contain_text("老王烧烤摊")
        no_sideways_scrolling(page)

        # The 西湖区 official finds it in their queue, and links it to the registry.
        official = page_as(browser, base, viewport=PHONE_SCREEN, session=cookies[west_lake_official], language=language)
        official.context.set_default_timeout(20_000)
        official.goto(f"{base}/queue/")
        expect(official.locator(f"a[href='/cases/{number}/']").first).to_be_visible()
        official.goto(f"{base}/cases/{number}/")
        official.locator(f"a[href='/cases/{number}/identify/']").click()
        official.fill("#id_q", "老王烧烤")
        official.locator("#registry-search button[type=submit]").click()
        official.locator(f"input[name=entity][value='{shop.pk}']").check()
        no_sideways_scrolling(official)
        official.locator("#identify button[type=submit]").click()
        official.wait_for_url(f"{base}/cases/{number}/")
        expect(official.locator("main")).to_contain_text(shop.name)

        # The reporter's own bureau never has it.
        home = page_as(browser, base, viewport=PHONE_SCREEN, session=cookies[home_official], language=language)
        home.goto(f"{base}/queue/")
        expect(home.locator(f"a[href='/cases/{number}/']")).to_have_count(0)
        browser.close()

    case = Case.objects.get(number=number)
    assert case.handling_authority.region_id == "330106" and case.conduct_region_id == "330106"
    assert case.entity == shop
    operator = MarketEntity.with_unlicensed.get(kind=EntityKind.UNLICENSED)
    assert (operator.name, operator.business_address, operator.identified_as) == ("老王烧烤摊", ADDRESS, shop)
