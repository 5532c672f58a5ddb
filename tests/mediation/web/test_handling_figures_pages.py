"""The handling figures as the public reads them: /figures/, an authority's page and a business's
disclosure page, in Chinese and English, with the period, what each figure means, and the sentence
that stands for a figure with too few cases behind it (docs/analysis.md, "Who handles cases well")."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from mediation.models import Authority, Case
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HIDDEN = "Not published: fewer than %d cases behind this figure in the period."


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def move(case: Case, action: str, when: datetime.datetime, actor, **extra) -> Case:
    with time_machine.travel(when, tick=False):
        return case_transition(case=case, action=action, actor=actor, **extra)


@pytest.fixture
def handled(world):
    """Three complaints against the shop, to the 西湖区 bureau, in 2026:

    - late: received Wednesday 05-20, accepted 06-02 (its 7th working day was Friday 05-29); the
      business replied 06-03, 24 hours after being told; mediation refused 06-10;
    - in_time: received Monday 06-01, accepted 06-02, no reply, mediation refused 06-10;
    - waiting: received 06-01, accepted 06-03, nothing since.

    The bureau: 3 received, acceptance within 7 working days 2 of 3 (66.7%), mediations within the
    period 2 of 2, none closed. The business: replied to 1 of 2 ended complaints (50.0%) in 24 hours,
    0 of 2 mediations in agreement, nothing sent to it directly."""
    official, staff = world.shop_official, world.shop_staff

    def filed(day):
        with time_machine.travel(at(day, 9), tick=False):
            return factories.complaint(consumer=world.consumer, entity=world.shop, received_at=at(day, 9))

    late = move(filed(D(2026, 5, 20)), "accept", at(D(2026, 6, 2)), official)
    late = move(late, "respond", at(D(2026, 6, 3)), staff, reason="同意换货。")
    in_time = move(filed(D(2026, 6, 1)), "accept", at(D(2026, 6, 2)), official)
    for case in (late, in_time):
        move(case, "terminate", at(D(2026, 6, 10)), official, ground="party_refused_or_absent")
    waiting = move(filed(D(2026, 6, 1)), "accept", at(D(2026, 6, 3)), official)
    return [late, in_time, waiting]


@pytest.fixture
def minimum(settings):
    def set_minimum(value: int) -> None:
        settings.HANDLING_FIGURES_MIN_CASES = value

    return set_minimum


def figure(shown: str, name: str) -> str:
    """The text of one figure's value on a page, tags removed."""
    found = re.search(rf'<dd class="figure figure-{name}">(.*?)</dd>', shown, re.S)
    assert found, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_an_authority_page_gives_each_figure_with_its_meaning_and_period_in_english(world, handled, minimum):
    minimum(1)
    shown = page(browser(language="en").get(f"/figures/authorities/{world.shop_bureau.pk}/", {"year": "2026"}))
    assert world.shop_bureau.name in shown and "浙江省 杭州市 西湖区" in shown
    assert "From Jan. 1, 2026 to" in shown
    assert figure(shown, "received").startswith("3 ")
    assert figure(shown, "accepted_in_time").startswith("66.7% (2 of 3)")
    assert figure(shown, "mediated_in_time").startswith("100.0% (2 of 2)")
    assert figure(shown, "days_to_close").startswith(HIDDEN % 1)
    assert "decided within 7 working days of receipt (Order 121 Art. 15)" in shown
    assert "60 days from acceptance (Order 121 Art. 23(5)" in shown
    assert 'aria-current="page">2026</a>' in shown


def test_an_authority_page_reads_in_chinese(world, handled, minimum):
    minimum(1)
    response = browser().get(f"/figures/authorities/{world.shop_bureau.pk}/", {"year": "2026"})
    shown = page(response)
    assert response.status_code == 200 and '<html lang="zh-hans"' in shown
    assert "2026年1月1日" in shown
    assert figure(shown, "accepted_in_time").startswith("66.7%")


def test_a_figure_below_the_minimum_says_why_and_shows_no_count(world, handled, minimum):
    """With a minimum of 3: 3 received and 3 acceptance decisions are published, the 2 mediations
    that ended are not, nor any figure of the business (2 ended complaints, 1 reply)."""
    minimum(3)
    shown = page(browser(language="en").get(f"/figures/authorities/{world.shop_bureau.pk}/", {"year": "2026"}))
    assert figure(shown, "accepted_in_time").startswith("66.7% (2 of 3)")
    assert figure(shown, "mediated_in_time").startswith(HIDDEN % 3)
    assert "(2 of 2)" not in shown
    business = page(browser(language="en").get(f"/disclosure/{world.shop.pk}/", {"year": "2026"}))
    for name in ("response_rate", "reply_median", "mediation_success", "odr_kept"):
        assert figure(business, name).startswith(HIDDEN % 3)
    assert "(1 of 2)" not in business and "24.0 hours" not in business


def test_the_business_disclosure_page_shows_how_it_handles_complaints(world, handled, minimum):
    minimum(1)
    shown = page(browser(language="en").get(f"/disclosure/{world.shop.pk}/", {"year": "2026"}))
    assert "How the business handles complaints" in shown
    assert figure(shown, "response_rate").startswith("50.0% (1 of 2)")
    assert figure(shown, "reply_median").startswith("24.0 hours (1 reply)")
    assert figure(shown, "mediation_success").startswith("0.0% (0 of 2)")
    assert figure(shown, "odr_kept").startswith(HIDDEN % 1)  # an ODR business, nothing sent to it directly
    assert "the share it replied to on the record" in shown
    assert '<dd class="complaints">2</dd>' in shown  # the disclosure's own figures are still there
    chinese = browser().get(f"/disclosure/{world.shop.pk}/", {"year": "2026"})
    assert chinese.status_code == 200 and figure(page(chinese), "response_rate").startswith("50.0%")


def test_the_default_period_is_the_last_twelve_full_months(world):
    with time_machine.travel(at(D(2026, 7, 15)), tick=False):
        shown = page(browser(language="en").get(f"/figures/authorities/{world.shop_bureau.pk}/"))
    assert "From July 1, 2025 to June 30, 2026" in shown and "the last 12 full months" in shown


@pytest.mark.parametrize("year", ["1999", "abc", "3000"])
def test_a_year_refused_is_said_in_the_readers_language(world, year):
    for path in (f"/disclosure/{world.shop.pk}/", f"/figures/authorities/{world.shop_bureau.pk}/", "/figures/"):
        response = browser(language="en").get(path, {"year": year})
        assert response.status_code == 400
        assert "Choose the last 12 months or a year from 2020 to" in page(response)


def test_the_list_is_found_by_region_name_and_paginated(world, handled, minimum):
    minimum(1)
    client = browser(language="en")
    found = page(client.get("/figures/", {"q": "西湖区", "kind": "bureau", "year": "2026"}))
    assert f'href="/figures/authorities/{world.shop_bureau.pk}/?year=2026"' in found
    assert world.home_bureau.name not in found
    # 杭州 and the counties under it: more bureaus and associations than a page holds.
    first = page(client.get("/figures/", {"q": "杭州"}))
    assert "Page 1 of" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert first.count('<li>\n    <h2><a href="/figures/authorities/') == 20
    second = page(client.get("/figures/", {"q": "杭州", "page": "2"}))
    assert "Page 2 of" in second and 'rel="prev"' in second
    assert page(client.get("/figures/", {"q": "没有这个地方"})).count("No bureau or consumer association matches.") == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "partner_agency"}, "Choose one of: bureau, consumer_association."),
        ({"q": "杭" * 51}, "The search text is too long (at most 50 characters)."),
        ({"page": "abc"}, "A page is a whole number from 1."),
        ({"page": "0"}, "A page is a whole number from 1."),
        ({"page": "99999", "q": "西湖区"}, "There is no page 99999; the last is 1."),
    ],
)
def test_the_list_refuses_what_it_cannot_read(world, query, message):
    response = browser(language="en").get("/figures/", query)
    assert response.status_code == 400 and message in page(response)


def test_only_authorities_that_handle_cases_have_a_page(world):
    partner = Authority.objects.create(name="Consumer Council", kind="partner_agency", country_code="HK")
    assert browser().get(f"/figures/authorities/{partner.pk}/").status_code == 404
    assert browser().get("/figures/authorities/999999999/").status_code == 404


def test_the_pages_publish_no_personal_data_and_no_case(world, handled, minimum):
    minimum(1)
    identity = world.consumer.identity
    for path in (
        "/figures/?q=西湖区",
        f"/figures/authorities/{world.shop_bureau.pk}/",
        f"/disclosure/{world.shop.pk}/",
    ):
        shown = page(browser().get(path, {"year": "2026"}))
        for secret in (identity.real_name, identity.phone[-11:], world.consumer_user.username):
            assert secret not in shown
        for case in handled:
            assert case.number not in shown and case.facts not in shown


def test_the_figures_are_linked_from_the_header_and_the_disclosure(world):
    assert 'href="/figures/"' in page(browser().get("/"))
    assert 'href="/figures/"' in page(browser().get("/disclosure/"))
    assert 'href="/figures/"' in page(browser().get(f"/disclosure/{world.shop.pk}/"))
