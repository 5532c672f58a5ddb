"""On-site mediation sessions, Order 121 Art. 20: "采取现场调解方式的，市场监督管理部门或者其委托组织应当
提前告知投诉人和被投诉人调解的时间、地点、调解人员等"."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mediation.models import CaseNotice, MediationSession
from mediation.services.errors import TransitionNotAllowed
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for
from tests.mediation.web.pages import browser, page

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _accepted(world, *, consented=True):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    return factories.consent_both(case) if consented else case


def _set_session(world, case, **details):
    context = {
        "starts_at": (timezone.now() + datetime.timedelta(days=4))
        .astimezone(SHANGHAI)
        .replace(hour=14, minute=30, second=0, microsecond=0),
        "place": "杭州市西湖区文三路100号西湖区市场监管局三楼调解室",
        "mediators": [world.shop_official, world.home_official],
        **details,
    }
    case_transition(case=case, action="schedule_onsite_session", actor=world.shop_official, context=context)
    return context


def test_both_parties_are_told_the_time_the_place_and_the_mediators(world):
    case = _accepted(world)
    world.shop_official.first_name = "王明"
    world.shop_official.save()
    details = _set_session(world, case)
    session = MediationSession.objects.get(case=case)
    assert (session.starts_at, session.place) == (details["starts_at"], details["place"])
    notices = {notice.recipient: notice for notice in CaseNotice.objects.filter(case=case, kind="onsite_session")}
    assert set(notices) == {"consumer", "business"}
    for notice in notices.values():
        assert notice.legal_source.endswith("Art. 20")
        assert notice.due_on <= timezone.localdate(details["starts_at"])  # in advance
    assert case.events.order_by("-id").first().action == "schedule_onsite_session"

    # Each party reads it on their case page, in their language, in Beijing time.
    day = details["starts_at"]
    consumer_page = page(browser(world.consumer_user).get(f"/cases/{case.number}/"))
    assert details["place"] in consumer_page
    assert f"{day.year}年{day.month}月{day.day}日" in consumer_page and "14:30" in consumer_page
    assert "王明 (杭州市西湖区市场监督管理局)" in consumer_page
    assert "北京市朝阳区市场监督管理局" in consumer_page
    business = client_for(world.shop_staff).get(f"/api/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    texts = [notice["text"] for notice in business.data["notices"] if notice["kind"] == "onsite_session"]
    assert len(texts) == 1 and "on-site mediation session" in texts[0] and details["place"] in texts[0]


def test_no_session_before_both_parties_consent_to_mediation(world):
    case = _accepted(world, consented=False)
    with pytest.raises(TransitionNotAllowed):
        _set_session(world, case)
    assert not MediationSession.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"starts_at": timezone.now() - datetime.timedelta(hours=1)}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"place": "  "}, "place"),
        ({"mediators": []}, "mediators"),
        ({"mediators": "outsider"}, "mediators"),  # an official of a third bureau
    ],
)
def test_a_session_needs_a_later_time_a_place_and_the_case_s_mediators(world, details, field):
    case = _accepted(world)
    events = case.events.count()
    if details.get("mediators") == "outsider":
        details = {"mediators": [world.outsider_official]}
    with pytest.raises(ValidationError) as raised:
        _set_session(world, case, **details)
    assert field in raised.value.message_dict
    assert not MediationSession.objects.filter(case=case).exists()
    assert not CaseNotice.objects.filter(case=case, kind="onsite_session").exists()
    assert case.events.count() == events


def test_session_details_belong_to_setting_a_session_only(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    with pytest.raises(ValidationError) as raised:
        case_transition(case=case, action="accept", actor=world.shop_official, context={"place": "调解室"})
    assert "place" in raised.value.message_dict


def test_the_official_sets_a_session_on_the_case_page(world):
    case = _accepted(world)
    official = browser(world.shop_official)
    url = f"/cases/{case.number}/actions/schedule_onsite_session/"
    later = (timezone.now() + datetime.timedelta(days=2)).astimezone(SHANGHAI)
    missing = official.post(url, {"schedule_onsite_session-starts_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert missing.status_code == 400
    done = official.post(
        url,
        {
            "schedule_onsite_session-starts_at": later.strftime("%Y-%m-%dT%H:%M"),
            "schedule_onsite_session-place": "西湖区市场监管局调解室",
            "schedule_onsite_session-mediators": [world.shop_official.pk],
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert MediationSession.objects.get(case=case).mediators.get() == world.shop_official
