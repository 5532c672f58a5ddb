"""A notice to a caller without an account (hotline, letter, visit) is given by the official, by phone,
post or in person, and the day it went out is recorded: the acceptance decision must be told within
its period (Order 121 Art. 15), the end of mediation within 7 working days (Art. 23)."""

import pytest

from mediation.models import CaseNotice
from mediation.services.people import consumer_register
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for
from tests.mediation.web.pages import browser, page


@pytest.fixture
def caller_case(world):
    caller = consumer_register(
        real_name="赵六", id_number=factories.resident_id(), phone="13800138000", home_region=world.places.xihu
    )
    case = factories.complaint(consumer=caller, entity=world.shop, intake_channel="hotline")
    return case_transition(case=case, action="accept", actor=world.shop_official)


def test_the_official_records_telling_a_caller_by_phone(world, caller_case):
    notice = CaseNotice.objects.get(case=caller_case, kind="accepted")
    assert notice.delivered_online_at is None
    official = browser(world.shop_official)
    shown = page(official.get(f"/cases/{caller_case.number}/"))
    form = f'action="/cases/{caller_case.number}/notices/{notice.pk}/given/"'
    assert form in shown
    assert (
        official.post(f"/cases/{caller_case.number}/notices/{notice.pk}/given/", {"channel": "phone"}).status_code
        == 302
    )
    notice.refresh_from_db()
    assert (notice.delivery_channel, notice.delivered_by) == ("phone", world.shop_official)
    assert notice.delivered_offline_at is not None
    shown = page(official.get(f"/cases/{caller_case.number}/"))
    assert form not in shown and "电话告知" in shown
    event = caller_case.events.order_by("-id").first()
    assert (event.action, event.actor) == ("notice_given", world.shop_official)
    # Given once.
    again = client_for(world.shop_official).post(
        f"/api/cases/{caller_case.number}/notices/{notice.pk}/given/", {"channel": "post"}, format="json"
    )
    assert again.status_code == 409 and again.data["code"] == "notice_already_given"


def test_only_the_handling_officials_record_it_and_only_a_known_way(world, caller_case):
    notice = CaseNotice.objects.get(case=caller_case, kind="accepted")
    url = f"/api/cases/{caller_case.number}/notices/{notice.pk}/given/"
    assert client_for(world.shop_official).post(url, {"channel": "pigeon"}, format="json").status_code == 400
    assert client_for(world.home_official).post(url, {"channel": "phone"}, format="json").status_code == 404
    assert client_for(world.shop_staff).post(url, {"channel": "phone"}, format="json").status_code == 403
    notice.refresh_from_db()
    assert notice.delivered_offline_at is None


def test_a_notice_shown_online_needs_no_other_delivery(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    notice = CaseNotice.objects.get(case=case, kind="accepted")
    assert notice.delivered_online_at is not None
    answer = client_for(world.shop_official).post(
        f"/api/cases/{case.number}/notices/{notice.pk}/given/", {"channel": "phone"}, format="json"
    )
    assert answer.status_code == 409
