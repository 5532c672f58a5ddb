"""Accessibility and 适老化 in Debian's Chromium (Playwright, against daphne).

Every page, for each role that reaches it, in both languages and in both display modes (normal,
and the large-text, high-contrast mode), at 320 CSS px (the width of 400 % zoom):
- axe-core (axe-playwright-python) finds no violation of impact "serious" or "critical" (WCAG 2.1
  A/AA and axe's best practices: contrast of at least 4.5:1, names, labels, landmarks...);
- nothing scrolls sideways (WCAG 1.4.10 reflow);
- every control is at least 44 x 44 px, 60 x 60 in the large mode (the MIIT 互联网网站适老化通用设计
  规范; WCAG 2.5.5), checkboxes keep their square shape, and text lines are spaced at least 1.3.

Then: the large mode is switched on in the header and persists; read-aloud speaks the main text in
the page's language; the whole way from logging in to accepting a complaint works by keyboard alone;
a disabled button looks unlike an enabled one."""

import datetime
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

from mediation.services.assistance import help_request_open, official_duty_set
from mediation.services.cases import evidence_attach
from mediation.services.consumer_warnings import consumer_warning_draft, consumer_warning_publish
from mediation.services.transitions import case_transition
from tests import factories
from tests.channels_app.room_client import session_cookie
from tests.e2e.browser import ARTIFACTS, BROWSER_LOCALES, PASSWORD, launch, page_as, with_password
from tests.mediation.api.test_evidence import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 720}
BLOCKING_IMPACTS = {"serious", "critical"}

# The size and spacing checks, run in the page: what is too small, too tight, or scrolls sideways.
MEASURE = """(minimum) => {
  const visible = (node) => { const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(node).visibility !== "hidden"; };
  const name = (node) => node.outerHTML.slice(0, 90);
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    const wide = Array.from(document.querySelectorAll("body *")).filter((node) =>
      visible(node) && node.getBoundingClientRect().right > root.clientWidth + 1 && node.children.length === 0);
    problems.push("scrolls sideways: " + root.scrollWidth + "px, " + wide.slice(0, 3).map(name).join(" | "));
  }
  const controls = "button, a.button, select, textarea, .site-header nav a, .tabs a," +
    " input:not([type=hidden]):not([type=checkbox]):not([type=radio])";
  document.querySelectorAll(controls).forEach((node) => {
    if (!visible(node)) return;
    const box = node.getBoundingClientRect();
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5)
      problems.push("target " + Math.round(box.width) + "x" + Math.round(box.height) + ": " + name(node));
  });
  document.querySelectorAll("input[type=checkbox], input[type=radio]").forEach((node) => {
    if (!visible(node)) return;
    const box = node.getBoundingClientRect();
    if (Math.abs(box.width - box.height) > 1) problems.push("not square: " + name(node));
  });
  document.querySelectorAll("main p, main li, main dd, main label, main td").forEach((node) => {
    if (!visible(node) || !node.textContent.trim()) return;
    const style = getComputedStyle(node);
    const ratio = style.lineHeight === "normal" ? 1.2 : parseFloat(style.lineHeight) / parseFloat(style.fontSize);
    if (ratio < 1.3 - 0.01) problems.push("line spacing " + ratio.toFixed(2) + ": " + name(node));
  });
  return problems;
}"""


@pytest.fixture
def site(web, places):
    """A complaint in mediation between a consumer from 北京朝阳区 and a shop in 杭州西湖区, a new
    complaint waiting for acceptance, and a consumer waiting for a person at the desk."""
    world = factories.RoomWorld()
    waiting = factories.complaint(consumer=world.consumer, entity=world.shop)
    official_duty_set(official=world.home_official.official, on_duty=True)
    help_request, _new = help_request_open(consumer=world.consumer, summary=[{"label": "类型", "value": "投诉"}])
    early_warning, consumer_warning = warnings_of(world)
    number = world.number
    # Evidence from both parties on the complaint in mediation, and a complaint returned for
    # correction, whose page holds the correction form beside the bureau's reason (issue 19).
    evidence_attach(case=world.case, uploaded_by=world.consumer_user, name="receipt.png", content=png_bytes())
    evidence_attach(case=world.case, uploaded_by=world.shop_staff, name="delivery.png", content=png_bytes((9, 9)))
    returned = case_transition(
        case=factories.complaint(consumer=world.consumer, entity=world.shop),
        action="return",
        actor=world.shop_official,
        ground="information_missing",
        reason="请补充购物凭证。",
    )
    # Businesses joining and hotline callers online (issue 19): the shop's staff keep its accounts, a
    # business of the official's area claims its entry, a hotline case waits for the consumer's consent.
    claim = joining_of(world)
    # Scheduling a session and rating the handling (issue 19): times proposed for the complaint in
    # mediation, a session begun with a party recorded absent, a closed complaint to rate and one rated.
    to_rate, rated = sessions_and_ratings_of(world)
    # Operators without a licence (issue 22): a report against a street stall of 西湖区.
    stall = unlicensed_stall_of(world)
    # Penalties published (issue 22): a report decided with a published fine, and an opened one.
    penalty, opened_report = penalties_of(world)
    # Consumer associations (issue 22): a complaint sent to 杭州市西湖区消费者协会, accepted by its staff.
    association_staff, association_case = association_complaint_of(world)
    pages = {
        "anonymous": (
            None,
            [
                "/",
                "/log-in/",
                "/sign-up/",
                "/business/claim/",
                "/disclosure/",
                f"/disclosure/{world.shop.pk}/",
                "/alerts/",
                f"/alerts/{consumer_warning.pk}/",
                # The handling figures (issue 22): the list, paged by a search, and a bureau's page.
                "/figures/?q=杭州",
                f"/figures/authorities/{world.shop_bureau.pk}/",
                f"/penalties/{penalty.pk}/",
                # The installable app's offline page (issue 22), as the service worker keeps it.
                "/offline/",
            ],
        ),
        "consumer": (
            world.consumer_user,
            [
                "/cases/",
                f"/cases/{number}/",
                f"/cases/{number}/room/",
                "/chat/",
                f"/help/{help_request.pk}/",
                "/notifications/",
                "/notifications/settings/",
                "/file/",
                f"/cases/{returned.number}/",
                f"/cases/{to_rate.number}/",
                f"/cases/{stall.number}/",
                f"/cases/{penalty.case.number}/",
                f"/cases/{association_case.number}/",
            ],
        ),
        "business": (
            world.shop_staff,
            ["/cases/", f"/cases/{number}/", f"/cases/{number}/room/", "/business/staff/", "/business/penalties/"],
        ),
        "official": (
            world.shop_official,
            [
                "/queue/",
                "/desk/",
                "/business/claims/",
                f"/business/claims/{claim.pk}/",
                f"/cases/{waiting.number}/",
                f"/cases/{number}/",
                f"/cases/{number}/room/",
                "/hotline/",
                "/analysis/",
                "/warnings/",
                f"/warnings/{early_warning.pk}/",
                "/consumer-warnings/manage/",
                f"/consumer-warnings/manage/{consumer_warning.pk}/",
                "/follow-ups/",
                f"/cases/{rated.number}/",
                f"/cases/{stall.number}/",
                f"/cases/{stall.number}/identify/?q=杭州西湖",
                # Texts received (issue 22): the queue and one text to complete.
                "/hotline/texts/",
                f"/hotline/texts/{text_received().pk}/",
                f"/cases/{opened_report.number}/penalty/",
                "/penalties/manage/",
                f"/penalties/{penalty.pk}/manage/",
            ],
        ),
        "official on duty": (world.home_official, ["/desk/", "/queue/"]),  # the consumer waits at this desk
        "association": (association_staff, ["/queue/", f"/cases/{association_case.number}/"]),
    }
    return {
        "base": f"http://127.0.0.1:{web['web_port']}",
        "pages": {role: (session_cookie(user) if user else None, paths) for role, (user, paths) in pages.items()},
        "world": world,
        "waiting": waiting,
        "help_request": help_request,
    }


def penalties_of(world):
    """A report of the consumer's about the shop decided with a fine, published; another opened."""
    from tests.mediation import penalty_world

    decided = penalty_world.opened_report(reporter=world.consumer, entity=world.shop, official=world.shop_official)
    penalty = penalty_world.recorded(case=decided, official=world.shop_official)
    opened = penalty_world.opened_report(
        reporter=factories.consumer(real_name="李四", phone="13900001111"),
        entity=world.shop,
        official=world.shop_official,
    )
    return penalty, opened


def association_complaint_of(world):
    """The staff member of 杭州市西湖区消费者协会, and the consumer's complaint sent to it and accepted."""
    from mediation.models import Authority, AuthorityKind

    staff = factories.official(Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330106"))
    case = factories.complaint(
        consumer=world.consumer, entity=world.shop, handler="county_association", facts="洗衣机漏水，商家不给修。"
    )
    return staff, case_transition(case=case, action="accept", actor=staff)


def text_received():
    """A text sent to 12315, waiting for a hotline official to complete it into a case."""
    from mediation.services.sms_incoming import incoming_sms_receive

    incoming, _new = incoming_sms_receive(
        phone="+8613755556666", text="短信投诉：西湖区某电器店卖的洗衣机漏水，商家不给修。", provider_reference="axe-1"
    )
    return incoming


def unlicensed_stall_of(world):
    """A report against an operator without a licence, with its address in 杭州市西湖区."""
    from mediation.services.cases import report_submit

    operator = {"name": "路边烧烤摊", "address": "浙江省杭州市西湖区文三路90号门口", "goods": "烧烤、散装白酒"}
    return report_submit(reporter=world.consumer, operator=operator, facts="每天晚上摆摊卖烧烤，没有营业执照。")


def sessions_and_ratings_of(world):
    """Times proposed for the complaint in mediation (the consumer answered), a session of it that
    began an hour ago with the business recorded absent, a closed complaint of the consumer to rate
    and another closed complaint rated, whose rating the bureau reads."""
    from django.utils import timezone

    from mediation.models import CaseStatus, MediationSession
    from mediation.services.follow_up import follow_up_rate
    from mediation.services.scheduling import session_answer, session_attendance_record, session_propose

    soon = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    proposal = session_propose(
        case=world.case, actor=world.shop_official, times=[soon, soon + datetime.timedelta(hours=3)], online=True
    )
    session_answer(proposal=proposal, actor=world.consumer_user, suits=list(proposal.times.all())[:1])
    begun = MediationSession.objects.create(
        case=world.case,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="杭州市西湖区文三路100号调解室",
        scheduled_by=world.shop_official,
    )
    begun.mediators.set([world.shop_official])
    session_attendance_record(session=begun, actor=world.shop_official, party="business", attended=False)

    def closed():
        case = factories.complaint(consumer=world.consumer, entity=world.shop)
        case = case_transition(case=case, action="accept", actor=world.shop_official)
        case = factories.with_status(case, CaseStatus.TERMINATED)
        return case_transition(case=case, action="close", actor=world.shop_official)

    rated = closed()
    follow_up_rate(case=rated, actor=world.consumer_user, rating=3, comment="处理得还可以，就是有点慢。")
    return closed(), rated


def warnings_of(world):
    """An early warning for the shop's bureau (five prepaid-card complaints against a gym of 西湖区
    within days), and a consumer warning its officials published from it."""
    early_warning = factories.prepaid_runaway().warning
    draft = consumer_warning_draft(
        actor=world.shop_official,
        title="警惕健身房预付卡跑路",
        body="近期西湖区多名消费者投诉健身房关门跑路，办卡前请核实经营者资质，避免一次性大额充值。",
        category="S03",
        early_warning=early_warning,
    )
    return early_warning, consumer_warning_publish(warning=draft, actor=world.shop_official)


def joining_of(world):
    """The shop's staff member made the administrator of its accounts; a pending claim of another
    西湖区 business; and a complaint an official entered from the hotline for a caller with the
    consumer's real-name identity, offered on their cases page. Returns the claim."""
    from mediation.models import MerchantStaff
    from mediation.services.people import consumer_register

    MerchantStaff.objects.filter(user=world.shop_staff).update(is_administrator=True)
    identity = world.consumer.identity
    caller = consumer_register(
        user=None,
        real_name=identity.real_name,
        id_document_type=identity.id_document_type,
        id_number=identity.id_number,
        phone=identity.phone,
    )
    factories.complaint(consumer=caller, entity=world.shop, intake_channel="hotline", entered_by=world.shop_official)
    return factories.business_claim(factories.shop(name="杭州西湖新开张电器商行"))


def _blocking(results) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("role", ["anonymous", "consumer", "business", "official", "official on duty", "association"])
def test_every_page_passes_axe_reflows_and_has_big_enough_targets_in_both_languages_and_modes(site, role):
    base = site["base"]
    session, paths = site["pages"][role]
    axe = Axe()
    found: dict[str, list[str]] = {}
    scanned = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for language in ("zh-hans", "en"):
            for large in (False, True):
                page = page_as(browser, base, viewport=NARROW, session=session, language=language, large=large)
                for path in paths:
                    page.goto(base + path)
                    page.wait_for_load_state("load")
                    where = f"{path} [{language}, {'large' if large else 'normal'}]"
                    assert page.evaluate("document.documentElement.lang") == language
                    problems = _blocking(axe.run(page)) + page.evaluate(MEASURE, 60 if large else 44)
                    if problems:
                        found[where] = problems
                    scanned += 1
                if session is None:  # a form with every error shown is a page of its own
                    page.goto(base + "/sign-up/")
                    page.locator("main form button[type=submit]").click()
                    expect(page.locator(".error-summary")).to_be_focused()
                    problems = _blocking(axe.run(page)) + page.evaluate(MEASURE, 60 if large else 44)
                    if problems:
                        found[f"/sign-up/ with errors [{language}, {'large' if large else 'normal'}]"] = problems
                page.context.close()
        browser.close()
    # What was found, for reading when this fails.
    report = ARTIFACTS / f"accessibility-{role.replace(' ', '-')}.json"
    report.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    assert scanned == 4 * len(paths)
    assert found == {}


def _read_aloud_spy(page: Page) -> None:
    """The browser's speech engine is outside the product: what is handed to it is recorded."""
    page.add_init_script(
        """window.__spoken = [];
        window.speechSynthesis.speak = (said) => window.__spoken.push({text: said.text, lang: said.lang});
        window.speechSynthesis.cancel = () => {};"""
    )


# What the header and the pages say, in each language, and the voice read-aloud asks for.
SAYS = {
    "zh-hans": {"large": "大字", "log in": "登录", "voice": "zh-CN", "accepted": "已完成：受理。"},
    "en": {"large": "Large text", "log in": "Log in", "voice": "en-GB", "accepted": "Done: accept."},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_large_mode_is_switched_on_in_the_header_and_persists_and_read_aloud_speaks_the_page(site, language):
    base = site["base"]
    says = SAYS[language]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale=BROWSER_LOCALES[language])
        page = context.new_page()
        _read_aloud_spy(page)
        page.goto(base + "/")
        normal_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        page.locator("header button", has_text=says["large"]).click()
        expect(page.locator("html")).to_have_class("large")
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= normal_size * 1.25
        (kept,) = [cookie for cookie in context.cookies() if cookie["name"] == "display_mode"]
        assert kept["expires"] - datetime.datetime.now(datetime.UTC).timestamp() > 360 * 86400  # kept for a year
        page.goto(base + "/log-in/")
        expect(page.locator("html")).to_have_class("large")
        expect(page.locator("header button", has_text=says["large"])).to_have_attribute("aria-pressed", "true")
        page.screenshot(path=str(ARTIFACTS / f"large-mode-log-in-{language}.png"), full_page=True)

        page.locator("#read-aloud").click()
        spoken = page.evaluate("window.__spoken")
        assert len(spoken) == 1 and spoken[0]["lang"] == says["voice"]
        assert says["log in"] in spoken[0]["text"] and "csrfmiddlewaretoken" not in spoken[0]["text"]
        expect(page.locator("#read-aloud")).to_have_attribute("aria-pressed", "true")

        page.locator("header button", has_text=says["large"]).click()
        expect(page.locator("html")).not_to_have_class("large")
        browser.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_official_logs_in_opens_a_new_complaint_and_accepts_it_by_keyboard_alone(site, language):
    base = site["base"]
    official = with_password(site["world"].shop_official)
    number = site["waiting"].number
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALES[language]).new_page()
        page.goto(base + "/")
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

        def tab_to(selector: str, limit: int = 60) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                    return
            raise AssertionError(f"{selector} is not reached by Tab")

        tab_to('header a[href="/log-in/"]')
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/log-in/")
        expect(page.locator("#id_username")).to_be_focused()  # the form's first field has the focus
        page.keyboard.type(official.username)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/queue/")
        tab_to(f'main a[href="/cases/{number}/"]')
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/cases/{number}/")
        # 受理 is the first action and the primary one.
        tab_to("form.action-accept button[type=submit]")
        assert page.evaluate("document.activeElement.classList.contains('secondary')") is False
        page.keyboard.press("Enter")
        expect(page.locator(".notices")).to_contain_text(SAYS[language]["accepted"])
        browser.close()


def test_a_disabled_button_looks_unlike_an_enabled_one(site):
    base = site["base"]
    session = session_cookie(site["world"].consumer_user)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = page_as(browser, base, viewport={"width": 390, "height": 844}, session=session)
        page.goto(f"{base}/cases/{site['world'].number}/room/")
        send = page.locator("#room .composer button[type=submit]")
        expect(send).to_be_enabled(timeout=15000)
        # Read, disabled and read again in one turn of the page's script: the room's own script,
        # answering a frame, sets the button's state between two separate evaluations.
        enabled, disabled, cursor = send.evaluate(
            """(b) => {
              const look = () => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color];
              b.disabled = false;
              const enabled = look();
              b.disabled = true;
              return [enabled, look(), getComputedStyle(b).cursor];
            }"""
        )
        assert enabled[0] != disabled[0] and enabled[1] != disabled[1]
        assert cursor == "not-allowed"
        browser.close()
