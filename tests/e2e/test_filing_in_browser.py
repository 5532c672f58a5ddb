"""Filing without the bot, in Debian's Chromium on a phone-sized screen (issue 19). The web stack runs
no bot, as when Rasa is stopped or still training: the consumer opens the chat, is told the assistant
cannot answer, follows the link to the form, finds the business by typing part of its name, fills in
the complaint, attaches a photo, files it and lands on the case, which lists the photo; they open it.
Then the correction of a case the bureau returned, beside the bureau's reason."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from mediation.models import Case, CaseStatus
from mediation.selectors.registry import registry_search
from mediation.services.transitions import case_transition
from tests import factories
from tests.e2e.browser import ARTIFACTS, PHONE_SCREEN, bought_ten_days_ago, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 140, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


# What each language shows: the chat's notice and the success message are in the catalogues.
TEXTS = {
    "zh-hans": {"starting": "智能助手正在启动", "filed": "已登记，由{bureau}办理。"},
    "en": {"starting": "The assistant is starting", "filed": "is filed; {bureau} handles it."},
}


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_with_the_bot_down_a_consumer_files_on_the_form_with_a_photo_and_opens_it(web, people, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    west_lake = people["west_lake"]
    texts = TEXTS[language]
    # A complaint goes to the bureau of the place the business operates (Order 121 Art. 13).
    bureau = factories.bureau(west_lake.business_region_id).name
    ranked = [entity.name for entity in registry_search(query="星辰电器", limit=8)]
    assert set(ranked) == {west_lake.name, "杭州星辰电器滨江店有限公司"}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport=PHONE_SCREEN, session=people["cookie"], language=language)
        page.context.set_default_timeout(20_000)
        page.goto(f"{base}/chat/")
        notice = page.locator("#chat .bot-starting")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(texts["starting"])
        expect(page.locator("#file-on-form")).to_be_visible()  # offered even when the bot answers
        notice.locator("a.file-instead").click()
        page.wait_for_url(f"{base}/file/")

        page.check("input[name=kind][value=complaint]")
        expect(page.locator("[data-group=report]")).to_be_hidden()  # a report's fields are not asked
        page.locator("#id_business").press_sequentially("星辰电器", delay=40)
        suggestions = page.locator("#business-suggestions button > span")
        expect(suggestions).to_have_count(2)
        # In the registry search's order: both shops of that name, the person picks theirs.
        expect(suggestions).to_have_text(ranked)
        suggestions.filter(has_text=west_lake.name).click()
        expect(page.locator("#id_business")).to_have_value(west_lake.name)
        expect(page.locator("input[name=business_id]")).to_have_value(str(west_lake.pk))
        expect(page.locator("#business-suggestions")).to_be_hidden()

        page.fill("#id_place_of_purchase", "杭州市西湖区文三路100号门店")
        page.fill("#id_facts", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理。")
        page.select_option("#id_category", "G02")
        page.fill("#id_brand", "海尔")
        page.fill("#id_purchase_date", bought_ten_days_ago().isoformat())
        page.fill("#id_amount", "3500")
        page.select_option("#id_demand", "refund")
        page.set_input_files(
            "#id_evidence", files=[{"name": "fridge.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
        )
        no_sideways_scrolling(page)
        page.screenshot(path=ARTIFACTS / f"filing-form-{language}.png", full_page=True)
        # The full-page screenshot leaves Chromium scrolling back to the focused field on the next
        # press; a person's tap has the field lose the focus first, as here.
        page.evaluate("document.activeElement.blur()")
        page.locator("#filing button[type=submit]").click()
        page.wait_for_url(re.compile(re.escape(base) + r"/cases/TS\d{14}/"))
        number = re.search(r"TS\d{14}", page.url).group(0)
        expect(page.locator("ul.notices")).to_contain_text(number)
        expect(page.locator("ul.notices")).to_contain_text(texts["filed"].format(bureau=bureau))
        evidence = page.locator("#evidence ul.evidence a")
        expect(evidence).to_have_text("fridge.jpg")
        no_sideways_scrolling(page)
        page.screenshot(path=ARTIFACTS / f"filing-case-{language}.png", full_page=True)
        with page.expect_download() as download:
            evidence.click()
        assert download.value.suggested_filename == "fridge.jpg"
        with open(download.value.path(), "rb") as opened:
            assert opened.read() == photo()
        browser.close()
    case = Case.objects.get(number=number)
    assert case.consumer == people["consumer"] and case.entity == west_lake
    assert case.intake_channel == "web" and case.brand == "海尔" and case.demand == "refund"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_owner_corrects_a_returned_complaint_beside_the_reason_and_resubmits(web, people, language):
    base = f"http://127.0.0.1:{web['web_port']}"
    official = factories.official(factories.bureau(people["west_lake"].business_region_id))
    case = factories.complaint(consumer=people["consumer"], entity=people["west_lake"], brand="")
    case = case_transition(
        case=case, action="return", actor=official, ground="information_missing", reason="请写明冰箱的品牌。"
    )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport=PHONE_SCREEN, session=people["cookie"], language=language)
        page.context.set_default_timeout(20_000)
        page.goto(f"{base}/cases/{case.number}/")
        expect(page.locator("#return-reason")).to_contain_text("请写明冰箱的品牌。")
        expect(page.locator("#id_correct-facts")).to_have_value(case.facts)
        page.fill("#id_correct-brand", "海尔")
        page.set_input_files(
            "#id_correct-evidence", files=[{"name": "invoice.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
        )
        no_sideways_scrolling(page)
        page.screenshot(path=ARTIFACTS / f"correction-{language}.png", full_page=True)
        page.locator("#correction button[name=resubmit][value='1']").click()
        page.wait_for_url(f"{base}/cases/{case.number}/")
        expect(page.locator("#correction")).to_have_count(0)
        expect(page.locator("#evidence ul.evidence")).to_contain_text("invoice.jpg")
        browser.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.brand == "海尔"
