"""The case page tells where the case stands: the stage bar with each stage's date and legal time
limit, the business's reply labelled as a reply, the complainant's contact details for the officials
who may see them (docs/security.md), and the move an official is expected to take as the primary
button.

The time limits are worked out here from the texts (docs/legal-rules.md) and the State Council's
holiday schedule: Order 121 Art. 15 (7 working days to decide acceptance), Art. 26 (mediation ends
within 60 days of acceptance), penalty procedure Art. 18 (15 working days to decide whether to open a
case on a report)."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def stages(shown: str) -> dict[str, tuple[str, str]]:
    """The stage bar: each stage's key → (state, what it shows)."""
    bar = shown.split('id="stages"', 1)[1].split("</ol>", 1)[0]
    found = re.findall(r'<li class="stage stage-(\w+)"[^>]*data-stage="(\w+)">(.*?)</li>', bar, re.S)
    return {key: (state, body) for state, key, body in found}


@pytest.fixture
def received(world):
    return factories.complaint(
        consumer=world.consumer, entity=world.shop, received_at=at(D(2026, 9, 29)), purchase_date=D(2026, 9, 1)
    )


def test_a_new_complaint_stands_at_submitted_with_the_acceptance_decision_due_in_seven_working_days(world, received):
    bar = stages(page(browser(world.consumer_user).get(f"/cases/{received.number}/")))
    assert list(bar) == ["submitted", "accepted", "reply", "mediation", "ended"]
    assert bar["submitted"][0] == "current" and 'datetime="2026-09-29' in bar["submitted"][1]
    # 09-30, then after the National Day break 10-08, 09, 10 (a make-up Saturday), 12, 13, 14.
    assert bar["accepted"][0] == "next" and 'datetime="2026-10-14"' in bar["accepted"][1]
    assert "Art. 15" in bar["accepted"][1] or "第十五条" in bar["accepted"][1]
    assert [bar[key][0] for key in ("reply", "mediation", "ended")] == ["next", "next", "next"]


def test_an_accepted_complaint_shows_the_day_it_was_accepted_and_mediation_due_sixty_days_later(world, received):
    with time_machine.travel(at(D(2026, 10, 9)), tick=False):
        case = case_transition(case=received, action="accept", actor=world.shop_official)
    bar = stages(page(browser(world.shop_official, language="en").get(f"/cases/{case.number}/")))
    assert bar["submitted"][0] == "done"
    assert bar["accepted"][0] == "current" and 'datetime="2026-10-09' in bar["accepted"][1]
    # 60 natural days, the day of acceptance not counted: 10-10 ... 12-08 (a Tuesday).
    assert bar["ended"][0] == "next" and 'datetime="2026-12-08"' in bar["ended"][1]


def test_the_business_reply_is_a_stage_and_is_labelled_as_a_reply(world, received):
    case = case_transition(case=received, action="send_to_business", actor=world.consumer_user)
    merchant = browser(world.shop_staff)
    form = page(merchant.get(f"/cases/{case.number}/"))
    assert '<label for="id_respond-reason">您的答复</label>' in form
    merchant.post(f"/cases/{case.number}/actions/respond/", {"respond-reason": "同意退货退款。"})
    for reader in (world.consumer_user, world.shop_official, world.shop_staff):
        shown = page(browser(reader).get(f"/cases/{case.number}/"))
        assert stages(shown)["reply"][0] == "current"
        assert "<strong>商家的答复：</strong> 同意退货退款。" in shown
    english = page(browser(world.consumer_user, language="en").get(f"/cases/{case.number}/"))
    assert "<strong>The business's reply:</strong> 同意退货退款。" in english


def test_a_complaint_not_accepted_passes_over_the_later_stages_and_ends_as_not_accepted(world, received):
    case = case_transition(case=received, action="not_accept", actor=world.shop_official, ground="no_jurisdiction")
    bar = stages(page(browser(world.consumer_user, language="en").get(f"/cases/{case.number}/")))
    assert [bar[key][0] for key in bar] == ["done", "skipped", "skipped", "skipped", "done"]
    assert "Not accepted" in bar["ended"][1]


def test_a_report_has_its_own_stages_with_fifteen_working_days_to_decide_on_opening_a_case(world):
    report = factories.report(reporter=world.consumer, entity=world.shop, received_at=at(D(2026, 9, 29)))
    bar = stages(page(browser(world.shop_official).get(f"/cases/{report.number}/")))
    assert list(bar) == ["submitted", "verification", "opened", "decided", "ended"]
    # 09-30, 10-08, 09, 10, 12-16, 19-23, 26: fifteen working days.
    assert bar["opened"][0] == "next" and 'datetime="2026-10-26"' in bar["opened"][1]


def test_the_officials_of_the_handling_and_home_bureaus_see_how_to_reach_the_complainant(world, received):
    identity = world.consumer.identity
    identity.mailing_address = "浙江省杭州市西湖区文三路1号"
    identity.save()
    for official in (world.shop_official, world.home_official):
        shown = page(browser(official).get(f"/cases/{received.number}/"))
        assert f'<dd id="contact-name">{identity.real_name}</dd>' in shown
        assert f'href="tel:{identity.phone}"' in shown and identity.mailing_address in shown
        assert identity.id_number not in shown  # not needed to reach them
    # A bureau above reads the case, but reaching the complainant is for those who handle it.
    above = page(browser(world.superior_official).get(f"/cases/{received.number}/"))
    assert 'id="contact-name"' not in above and identity.phone not in above


def test_a_business_never_sees_the_complainants_contact_details(world, received):
    case = case_transition(case=received, action="send_to_business", actor=world.consumer_user)
    identity = world.consumer.identity
    shown = page(browser(world.shop_staff).get(f"/cases/{case.number}/"))
    assert 'id="contact-name"' not in shown
    for private in (identity.real_name, identity.phone):
        assert private not in shown


def test_an_anonymous_reporter_has_no_contact_details_even_for_officials(world):
    report = factories.report(reporter=world.consumer, entity=world.shop, is_anonymous=True)
    shown = page(browser(world.shop_official).get(f"/cases/{report.number}/"))
    assert 'id="contact-name"' not in shown and world.consumer.identity.phone not in shown


def test_accepting_is_the_primary_button_on_a_new_complaint(world, received):
    shown = page(browser(world.shop_official).get(f"/cases/{received.number}/"))
    actions = shown.split('class="actions"', 1)[1]
    buttons = re.findall(
        r'action="/cases/[^/]+/actions/(\w+)/".*?<button type="submit"( class="secondary")?>', actions, re.S
    )
    assert buttons[0] == ("accept", "")  # first, and not secondary
    assert all(secondary for action, secondary in buttons[1:]), buttons
    assert {action for action, _secondary in buttons} >= {"not_accept", "return"}
