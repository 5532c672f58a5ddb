"""The pages of scheduling a mediation session and of the follow-up rating: the lead mediator's
proposal on the case page, each party's answer, the session shown to all, attendance and the
termination ground it offers (Order 121 Art. 23(2)), the complainant's rating of a closed complaint
(Art. 26), the bureau's ratings page and the public average."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from mediation.models import FollowUp, MediationSession, SessionAttendance, SessionProposal
from mediation.services.follow_up import follow_up_rate
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.now().astimezone(SHANGHAI) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _field(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def room(places):
    return factories.RoomWorld()


def test_the_lead_mediator_proposes_and_each_party_answers_on_the_case_page(room):
    url = f"/cases/{room.number}/"
    lead = browser(room.shop_official, "en")
    assert f'action="/cases/{room.number}/sessions/propose/"' in page(lead.get(url))
    for other in (room.consumer_user, room.shop_staff, room.home_official):
        assert "sessions/propose/" not in page(browser(other, "en").get(url))

    first, second = _at(3, 10), _at(4, 15)
    done = lead.post(
        f"/cases/{room.number}/sessions/propose/",
        {"session-time_1": _field(first), "session-time_2": _field(second), "session-where": "online"},
    )
    assert done.status_code == 302
    proposal = SessionProposal.objects.get(case=room.case)

    consumer_page = page(browser(room.consumer_user, "en").get(url))
    assert "Which times suit you?" in consumer_page
    assert len(re.findall(r'type="checkbox" name="answer-suits"', consumer_page)) == 2
    times = list(proposal.times.values_list("pk", flat=True))
    answer = f"/cases/{room.number}/sessions/proposals/{proposal.pk}/answer/"
    assert browser(room.consumer_user).post(answer, {"answer-suits": [times[1]]}).status_code == 302
    assert browser(room.shop_staff).post(answer, {"answer-suits": times}).status_code == 302
    lead_page = page(lead.get(url))
    assert "Waiting for the answer of" in lead_page and "the co-mediating bureau" in lead_page
    assert browser(room.home_official).post(answer, {"answer-suits": times}).status_code == 302

    session = MediationSession.objects.get(case=room.case)
    assert session.starts_at == second and session.online
    for user in (room.consumer_user, room.shop_staff, room.shop_official, room.home_official):
        shown = page(browser(user, "en").get(url))
        assert f'datetime="{timezone.localtime(second).isoformat()}"' in shown
        assert "in the online mediation room" in shown


def test_a_proposal_refused_shows_its_errors_beside_the_fields(room):
    lead = browser(room.shop_official, "en")
    refused = lead.post(
        f"/cases/{room.number}/sessions/propose/",
        {"session-time_1": _field(_at(3, 10)), "session-time_2": _field(_at(4, 10)), "session-where": "on_site"},
    )
    assert refused.status_code == 400
    assert "Give the place of the on-site session." in page(refused) and 'aria-invalid="true"' in page(refused)
    one = lead.post(f"/cases/{room.number}/sessions/propose/", {"session-time_1": _field(_at(3, 10))})
    assert one.status_code == 400
    not_lead = browser(room.home_official, "en").post(
        f"/cases/{room.number}/sessions/propose/",
        {"session-time_1": _field(_at(3, 10)), "session-time_2": _field(_at(4, 10)), "session-where": "online"},
    )
    assert not_lead.status_code == 403 and "Only the lead mediator" in page(not_lead)
    assert not SessionProposal.objects.exists()


def test_no_time_in_common_is_shown_to_the_lead_mediator(room):
    from mediation.services.scheduling import session_answer, session_propose

    proposal = session_propose(case=room.case, actor=room.shop_official, times=[_at(3, 10), _at(4, 10)], online=True)
    first, second = proposal.times.all()
    session_answer(proposal=proposal, actor=room.consumer_user, suits=[first])
    session_answer(proposal=proposal, actor=room.shop_staff, suits=[second])
    session_answer(proposal=proposal, actor=room.home_official, suits=[first, second])
    shown = page(browser(room.shop_official, "en").get(f"/cases/{room.number}/"))
    assert "No time suits everyone." in shown and "Propose other times" in shown


def test_a_party_recorded_absent_preselects_the_ground_in_the_room(room):
    session = MediationSession.objects.create(
        case=room.case,
        starts_at=timezone.now() - datetime.timedelta(minutes=20),
        online=True,
        scheduled_by=room.shop_official,
    )
    lead = browser(room.shop_official, "en")
    case_page = page(lead.get(f"/cases/{room.number}/"))
    assert f'action="/cases/{room.number}/sessions/{session.pk}/attendance/"' in case_page
    assert "attendance/" not in page(browser(room.home_official, "en").get(f"/cases/{room.number}/"))
    posted = lead.post(
        f"/cases/{room.number}/sessions/{session.pk}/attendance/",
        {f"attendance-{session.pk}-party": "business", f"attendance-{session.pk}-attended": "no"},
    )
    assert posted.status_code == 302
    assert SessionAttendance.objects.get(session=session).attended is False
    room_page = page(lead.get(f"/cases/{room.number}/room/"))
    assert '<option value="party_refused_or_absent" selected>' in room_page
    note = re.search(r'<input id="terminate-note"[^>]*value="([^"]*)"', room_page).group(1)
    assert "The business did not attend" in note and str(timezone.localtime(session.starts_at).year) in note
    # Only the lead mediator's form offers it; the co-mediator has no termination form.
    assert 'party_refused_or_absent" selected' not in page(
        browser(room.home_official, "en").get(f"/cases/{room.number}/room/")
    )


def test_an_absence_before_the_room_opens_preselects_the_ground_on_the_case_page(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = factories.consent_both(case_transition(case=case, action="accept", actor=world.shop_official))
    session = MediationSession.objects.create(
        case=case,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="调解室",
        scheduled_by=world.shop_official,
    )
    lead = browser(world.shop_official, "en")
    lead.post(
        f"/cases/{case.number}/sessions/{session.pk}/attendance/",
        {f"attendance-{session.pk}-party": "consumer", f"attendance-{session.pk}-attended": "no"},
    )
    shown = page(lead.get(f"/cases/{case.number}/"))
    assert re.search(r'<option value="party_refused_or_absent" selected>', shown)
    assert "The complainant did not attend" in shown


def _closed(world, consumer=None):
    consumer = consumer or world.consumer
    case = factories.complaint(consumer=consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    case = factories.with_status(case, "terminated")
    return case_transition(case=case, action="close", actor=world.shop_official)


def test_the_complainant_rates_a_closed_complaint_and_the_bureau_reads_it(world):
    case = _closed(world)
    url = f"/cases/{case.number}/"
    consumer = browser(world.consumer_user, "en")
    assert "How was your complaint handled?" in page(consumer.get(url))
    for other in (world.shop_staff, world.shop_official):
        assert "follow-up/" not in page(browser(other, "en").get(url))
    refused = consumer.post(f"/cases/{case.number}/follow-up/", {"follow-up-comment": "没选分"})
    assert refused.status_code == 400 and not FollowUp.objects.exists()
    done = consumer.post(
        f"/cases/{case.number}/follow-up/", {"follow-up-rating": "4", "follow-up-comment": "王科员很耐心"}
    )
    assert done.status_code == 302
    mine = page(consumer.get(url))
    assert "Your rating" in mine and "4 of 5" in mine and "How was your complaint handled?" not in mine
    again = consumer.post(f"/cases/{case.number}/follow-up/", {"follow-up-rating": "1"})
    assert again.status_code == 409 and FollowUp.objects.get().rating == 4
    official = page(browser(world.shop_official, "en").get(url))
    assert "The complainant's rating" in official and "王科员很耐心" in official
    assert "王科员很耐心" not in page(browser(world.shop_staff, "en").get(url))


def test_the_bureau_s_ratings_page(world):
    follow_up_rate(case=_closed(world), actor=world.consumer_user, rating=2, comment="太慢")
    assert 'href="/follow-ups/"' in page(browser(world.shop_official, "en").get("/queue/"))
    shown = page(browser(world.shop_official, "en").get("/follow-ups/"))
    assert "太慢" in shown and "2.0 of 5" in shown
    assert "太慢" not in page(browser(world.home_official, "en").get("/follow-ups/"))  # another bureau's
    assert browser(world.consumer_user).get("/follow-ups/").status_code == 403
    assert browser(world.shop_staff).get("/follow-ups/").status_code == 403
    assert browser().get("/follow-ups/").status_code == 302  # to log in
    assert browser(world.shop_official).get("/follow-ups/?since=2026-13-01").status_code == 400
    later = timezone.localdate() + datetime.timedelta(days=1)
    assert "太慢" not in page(browser(world.shop_official).get(f"/follow-ups/?since={later}&until={later}"))


def test_the_public_disclosure_shows_the_average_from_enough_ratings_in_both_languages(world, settings):
    settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED = 2
    url = f"/disclosure/{world.shop.pk}/"
    consumer = factories.consumer(real_name="王五")
    follow_up_rate(case=_closed(world, consumer), actor=consumer.user, rating=5, comment="很好")
    assert "Not enough ratings" in page(browser(None, "en").get(url))
    follow_up_rate(case=_closed(world), actor=world.consumer_user, rating=4, comment="还行")
    for language in ("en", "zh-hans"):
        shown = page(browser(None, language).get(url))
        assert "4.5" in shown and "很好" not in shown and "还行" not in shown
