"""The site as an app on a phone (issue 22, part 6), in Debian's Chromium: the web app manifest is
linked and installable (the fields Chromium asks for, each icon loading at its declared size), the
service worker registers and controls the page, and with the server stopped a page shows the offline
page with the 12315 hotline. A complaint written and sent while the phone is offline is kept on the
phone and sent once when the connection returns, or when the form is opened again online: the
database holds one case for each draft, with its photo, however often the pages are reloaded."""

import io
import re

import pytest
from django.db import connection
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from mediation.models import Case
from mediation.models.submissions import FilingSubmission
from scripts.stack import start_stack
from tests import factories
from tests.e2e.browser import ARTIFACTS, PHONE_SCREEN, bought_ten_days_ago, launch, page_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The offline page's hotline line, in the catalogue in both languages.
HOTLINE = {"zh-hans": "拨打12315热线：", "en": "the 12315 hotline:"}


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def own_web_stack(places, tmp_path):
    """daphne of this test alone, which the test stops to see the site unreachable."""
    database = connection.settings_dict
    stack = start_stack(
        database_url=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        with_bot=False,
        logs=tmp_path,
    )
    yield stack
    stack.stop()


INSTALLABLE = """async () => {
  const link = document.querySelector('link[rel=manifest]');
  const response = await fetch(link.href);
  const manifest = await response.json();
  const icons = await Promise.all(manifest.icons.map((icon) => new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({declared: icon.sizes, purpose: icon.purpose || 'any',
                                  loaded: image.naturalWidth + 'x' + image.naturalHeight});
    image.onerror = () => resolve({declared: icon.sizes, loaded: 'failed: ' + icon.src});
    image.src = new URL(icon.src, link.href).href;
  })));
  return {type: response.headers.get('content-type'), manifest: manifest, icons: icons,
          themeColor: document.querySelector('meta[name=theme-color]').content};
}"""

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
LANGUAGE_TOLD = """(language) => caches.open('12315-settings')
  .then((cache) => cache.match('/__app_language__'))
  .then((response) => response ? response.text() : '')
  .then((told) => told === language)"""


def test_the_site_installs_and_shows_its_offline_page_with_the_hotline_when_the_server_is_down(own_web_stack):
    base = f"http://127.0.0.1:{own_web_stack.web_port}"
    with sync_playwright() as playwright:
        browser = launch(playwright, service_workers="allow")
        page = page_as(browser, base, viewport=PHONE_SCREEN, language="zh-hans")
        page.context.set_default_timeout(20_000)
        page.goto(f"{base}/")
        installable = page.evaluate(INSTALLABLE)
        assert installable["type"] == "application/manifest+json"
        manifest = installable["manifest"]
        assert manifest["name"] and manifest["short_name"] == "12315" and manifest["lang"] == "zh-hans"
        assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
        assert manifest["theme_color"] == installable["themeColor"]
        for icon in installable["icons"]:
            assert icon["loaded"] == icon["declared"], icon
        declared = {(icon["declared"], icon["purpose"]) for icon in installable["icons"]}
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= declared

        # The worker registers, takes the page over, and knows the page's language.
        page.wait_for_function(CONTROLLED)
        page.wait_for_function(LANGUAGE_TOLD, arg="zh-hans")
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{base}/sw.js"

        own_web_stack.stop()
        page.goto(f"{base}/disclosure/")
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "zh-hans"
        expect(page.locator("main")).to_contain_text(HOTLINE["zh-hans"])
        hotline = page.locator('main a[href="tel:12315"]')
        expect(hotline).to_have_text("12315")
        # Its styles come from the worker's cache: the header is the site's red.
        header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        page.screenshot(path=ARTIFACTS / "offline-zh-hans.png", full_page=True)
        assert header not in ("rgba(0, 0, 0, 0)", "transparent")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        browser.close()


def fill_the_fridge_complaint(page, west_lake) -> None:
    page.check("input[name=kind][value=complaint]")
    page.locator("#id_business").press_sequentially("星辰电器", delay=40)
    page.locator("#business-suggestions button", has_text=west_lake.name).click()
    page.fill("#id_place_of_purchase", "杭州市西湖区文三路100号门店")
    page.fill("#id_facts", "冰箱买回来第三天就不制冷了，找商家好几次都说等等，一直不给处理。")
    page.select_option("#id_category", "G02")
    page.fill("#id_brand", "海尔")
    page.fill("#id_purchase_date", bought_ten_days_ago().isoformat())
    page.fill("#id_amount", "3500")
    page.select_option("#id_demand", "refund")
    page.set_input_files("#id_evidence", files=[{"name": "fridge.jpg", "mimeType": "image/jpeg", "buffer": photo()}])


def submit(page) -> None:
    page.evaluate("document.activeElement.blur()")
    page.locator("#filing button[type=submit]").click()


CASE_PAGE = r"/cases/TS\d{14}/"
# Chromium's first request after its offline emulation ends can wait on a connection opened before
# (about 20 s here) before it goes out again.
RECONNECTING_MS = 60_000


def test_a_complaint_sent_offline_is_kept_and_sent_once_when_the_phone_is_back_online(web, people):
    base = f"http://127.0.0.1:{web['web_port']}"
    west_lake = people["west_lake"]
    factories.bureau(west_lake.business_region_id)  # the bureau of the shop's place handles the complaint
    with sync_playwright() as playwright:
        browser = launch(playwright, service_workers="allow")
        page = page_as(browser, base, viewport=PHONE_SCREEN, session=people["cookie"], language="en")
        context = page.context
        context.set_default_timeout(20_000)
        page.goto(f"{base}/file/")
        page.wait_for_function(CONTROLLED)
        page.wait_for_function(LANGUAGE_TOLD, arg="en")
        fill_the_fridge_complaint(page, west_lake)

        # Offline: sending keeps the draft on the phone, and says so.
        context.set_offline(True)
        submit(page)
        status = page.locator("#draft-status")
        expect(status).to_have_text("Saved on this phone: it will be sent when you are back online.")
        page.screenshot(path=ARTIFACTS / "filing-saved-offline-en.png", full_page=True)
        # Another page, still offline: the worker's offline page, in English.
        other = context.new_page()
        other.goto(f"{base}/cases/")
        expect(other.locator("main")).to_contain_text(HOTLINE["en"])
        expect(other.locator("h1")).to_have_text("The site cannot be reached")
        other.close()

        # Back online: the form on the page sends its draft by itself, once, and lands on the case.
        context.set_offline(False)
        page.wait_for_url(re.compile(re.escape(base) + CASE_PAGE), timeout=RECONNECTING_MS)
        first = re.search(r"TS\d{14}", page.url).group(0)
        expect(page.locator("ul.notices")).to_contain_text(f"Case {first} is filed")
        expect(page.locator("#evidence ul.evidence a")).to_have_text("fridge.jpg")
        page.reload()
        page.goto(f"{base}/file/")
        expect(page.locator("#draft-status")).to_be_hidden()  # nothing left to send
        expect(page.locator("#id_facts")).to_have_value("")

        # A second complaint sent offline; the phone closes the page and opens the form again online.
        fill_the_fridge_complaint(page, west_lake)
        page.fill("#id_brand", "美的")
        context.set_offline(True)
        submit(page)
        expect(page.locator("#draft-status")).to_have_text(
            "Saved on this phone: it will be sent when you are back online."
        )
        page.close()
        context.set_offline(False)
        page = context.new_page()
        page.goto(f"{base}/file/")
        page.wait_for_url(re.compile(re.escape(base) + CASE_PAGE), timeout=RECONNECTING_MS)
        second = re.search(r"TS\d{14}", page.url).group(0)
        assert second != first
        page.reload()
        page.goto(f"{base}/file/")
        expect(page.locator("#draft-status")).to_be_hidden()
        page.goto(f"{base}/cases/")
        expect(page.locator("main")).to_contain_text(second)
        browser.close()
    cases = {case.number: case for case in Case.objects.filter(consumer=people["consumer"])}
    assert set(cases) == {first, second}
    assert (cases[first].brand, cases[second].brand) == ("海尔", "美的")
    for case in cases.values():
        assert list(case.evidence.values_list("original_name", flat=True)) == ["fridge.jpg"]
    assert FilingSubmission.objects.filter(user=people["consumer"].user).count() == 2
