"""Scheduling a mediation session: the lead mediator proposes times, the complainant, the business and
the co-mediating bureau say which suit them, the earliest time that suits all becomes the session;
reminders before it; who came. Expected results from Order 121 Art. 20 (an on-site session's time,
place and mediators told to both parties in advance) and Art. 23(2) (a party who does not attend
without good reason is a ground to end mediation), and from the issue's rules (2 to 5 future times,
each party answers for itself, proposing again withdraws the old proposal)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_q.models import Schedule

from mediation.models import (
    CaseNotice,
    MediationSession,
    Notification,
    SessionAttendance,
    SessionProposalStatus,
)
from mediation.selectors.scheduling import termination_suggestion
from mediation.services.errors import DomainError
from mediation.services.scheduling import (
    session_answer,
    session_attendance_record,
    session_propose,
    session_reminders_send,
)
from mediation.services.transitions import case_transition
from mediation.tasks import SCHEDULES
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _days(days: int, hour: int = 14, minute: int = 30) -> datetime.datetime:
    day = timezone.now().astimezone(SHANGHAI) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


@pytest.fixture
def room(places):
    """A cross-region complaint in mediation: the shop's bureau leads, the consumer's home bureau
    co-mediates."""
    return factories.RoomWorld()


def _propose(room, *times, online=True, place=""):
    return session_propose(
        case=room.case,
        actor=room.shop_official,
        times=times or (_days(3), _days(4)),
        online=online,
        place=place,
    )


def _all_answer(room, proposal, consumer, business, co_mediator):
    times = list(proposal.times.all())
    for user, picks in ((room.consumer_user, consumer), (room.shop_staff, business), (room.home_official, co_mediator)):
        session_answer(proposal=proposal, actor=user, suits=[times[index] for index in picks])
    proposal.refresh_from_db()
    return proposal


# Who may propose, answer and record.


@pytest.mark.parametrize("who", ["consumer_user", "shop_staff", "home_official", "outsider_official"])
def test_only_the_lead_mediator_proposes(room, who):
    with pytest.raises(PermissionDenied):
        session_propose(case=room.case, actor=getattr(room, who), times=[_days(2), _days(3)], online=True, place="")
    assert not room.case.session_proposals.exists()


def test_the_lead_mediator_proposes_and_the_parties_and_co_mediator_are_asked(room):
    proposal = _propose(room)
    assert proposal.status == SessionProposalStatus.OPEN and proposal.times.count() == 2
    asked = set(Notification.objects.filter(kind="session_proposed", case=room.case).values_list("user", flat=True))
    assert asked == {room.consumer_user.pk, room.shop_staff.pk, room.home_official.pk}


@pytest.mark.parametrize(
    "times",
    [
        [_days(2)],  # one time
        [_days(day) for day in range(1, 7)],  # six
        [_days(2), _days(2)],  # the same time twice is one
        [_days(2), timezone.now() - datetime.timedelta(hours=1)],  # one already past
    ],
)
def test_two_to_five_times_all_later_than_now(room, times):
    with pytest.raises(ValidationError) as refused:
        session_propose(case=room.case, actor=room.shop_official, times=times, online=True, place="")
    assert "times" in refused.value.message_dict


def test_an_on_site_session_needs_a_place(room):
    with pytest.raises(ValidationError) as refused:
        _propose(room, online=False, place="  ")
    assert "place" in refused.value.message_dict


def test_no_proposal_outside_mediation(places):
    world = factories.World(places)
    case = factories.consent_both(
        case_transition(
            case=factories.complaint(consumer=world.consumer, entity=world.shop),
            action="accept",
            actor=world.shop_official,
        )
    )
    with pytest.raises(PermissionDenied):  # no room yet: nobody leads
        session_propose(case=case, actor=world.shop_official, times=[_days(2), _days(3)], online=True)


@pytest.mark.parametrize("who", ["shop_official", "outsider_official", "superior_official"])
def test_only_the_parties_and_the_co_mediator_answer(room, who):
    proposal = _propose(room)
    with pytest.raises(PermissionDenied):
        session_answer(proposal=proposal, actor=getattr(room, who), suits=list(proposal.times.all()))


def test_a_party_may_change_its_answer_and_choose_only_proposed_times(room):
    proposal = _propose(room)
    first, second = proposal.times.all()
    session_answer(proposal=proposal, actor=room.consumer_user, suits=[first])
    answer = session_answer(proposal=proposal, actor=room.consumer_user, suits=[second])
    assert list(answer.suits.all()) == [second]
    assert proposal.answers.count() == 1
    other = _propose(room, _days(8), _days(9))  # withdraws the first proposal
    with pytest.raises(ValidationError):
        session_answer(proposal=other, actor=room.consumer_user, suits=[first])


# The common time becomes the session.


def test_the_earliest_time_that_suits_everyone_becomes_an_online_session(room):
    proposal = _propose(room, _days(2), _days(3), _days(4))
    proposal = _all_answer(room, proposal, consumer=[1, 2], business=[0, 1, 2], co_mediator=[1, 2])
    assert proposal.status == SessionProposalStatus.AGREED
    session = proposal.session
    assert (session.starts_at, session.online, session.place) == (_days(3), True, "")
    assert set(session.mediators.all()) == {room.shop_official, room.home_official}
    told = set(Notification.objects.filter(kind="session_scheduled", case=room.case).values_list("user", flat=True))
    assert told == {room.consumer_user.pk, room.shop_staff.pk, room.shop_official.pk, room.home_official.pk}
    assert not CaseNotice.objects.filter(case=room.case, kind="onsite_session").exists()  # Art. 20: on site only


def test_no_session_until_every_party_has_answered(room):
    proposal = _propose(room)
    times = list(proposal.times.all())
    session_answer(proposal=proposal, actor=room.consumer_user, suits=times)
    session_answer(proposal=proposal, actor=room.shop_staff, suits=times)
    proposal.refresh_from_db()
    assert proposal.status == SessionProposalStatus.OPEN  # the co-mediating bureau has not answered
    assert not MediationSession.objects.filter(case=room.case).exists()


def test_without_a_co_mediating_bureau_the_two_parties_agree(places):
    world = factories.World(places)
    local = factories.consumer(home_region="330106", real_name="王五")
    case = factories.complaint(consumer=local, entity=world.shop)
    case = factories.consent_both(case_transition(case=case, action="accept", actor=world.shop_official))
    from mediation.services.rooms import mediation_start

    mediation_start(case=case, actor=world.shop_official)
    proposal = session_propose(case=case, actor=world.shop_official, times=[_days(2), _days(3)], online=True)
    (first, second) = proposal.times.all()
    session_answer(proposal=proposal, actor=local.user, suits=[second])
    session_answer(proposal=proposal, actor=world.shop_staff, suits=[first, second])
    proposal.refresh_from_db()
    assert proposal.session.starts_at == second.starts_at


def test_no_common_time_leaves_the_proposal_open_and_proposing_again_withdraws_it(room):
    proposal = _all_answer(room, _propose(room), consumer=[0], business=[1], co_mediator=[0, 1])
    assert proposal.status == SessionProposalStatus.OPEN and proposal.session is None
    again = _propose(room, _days(5), _days(6))
    proposal.refresh_from_db()
    assert proposal.status == SessionProposalStatus.WITHDRAWN
    with pytest.raises(DomainError):
        session_answer(proposal=proposal, actor=room.consumer_user, suits=[])
    assert _all_answer(room, again, consumer=[1], business=[1], co_mediator=[0, 1]).session.starts_at == _days(6)


def test_none_is_an_answer(room):
    proposal = _all_answer(room, _propose(room), consumer=[], business=[0, 1], co_mediator=[0, 1])
    assert proposal.status == SessionProposalStatus.OPEN
    assert proposal.answers.get(party="consumer").suits.count() == 0


def test_an_on_site_session_is_set_through_the_life_cycle_with_its_notices_once(room):
    place = "杭州市西湖区文三路100号西湖区市场监管局三楼调解室"
    proposal = _propose(room, _days(2), _days(3), online=False, place=place)
    proposal = _all_answer(room, proposal, consumer=[0], business=[0], co_mediator=[0])
    session = proposal.session
    assert (session.starts_at, session.place, session.online) == (_days(2), place, False)
    # Order 121 Art. 20: both parties told the time, the place and the mediators, once each.
    notices = CaseNotice.objects.filter(case=room.case, kind="onsite_session")
    assert sorted(notices.values_list("recipient", flat=True)) == ["business", "consumer"]
    assert {notice.session_id for notice in notices} == {session.pk}
    assert room.case.events.filter(action="schedule_onsite_session").count() == 1
    # A party answering again after the agreement changes nothing.
    with pytest.raises(DomainError):
        session_answer(proposal=proposal, actor=room.consumer_user, suits=[])
    assert CaseNotice.objects.filter(case=room.case, kind="onsite_session").count() == 2
    assert MediationSession.objects.filter(case=room.case).count() == 1


def test_the_lead_mediator_records_the_answer_of_a_business_without_an_account(places):
    world = factories.World(places)
    shop = factories.shop(name="杭州无账号电器有限公司")
    case = factories.complaint(consumer=world.consumer, entity=shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    case = factories.consent_both(case, official=world.shop_official)
    from mediation.services.rooms import mediation_start

    mediation_start(case=case, actor=world.shop_official, co_mediator=world.home_official)
    proposal = session_propose(case=case, actor=world.shop_official, times=[_days(2), _days(3)], online=True)
    times = list(proposal.times.all())
    with pytest.raises(PermissionDenied):  # the consumer has an account: they answer themself
        session_answer(proposal=proposal, actor=world.shop_official, suits=times, party="consumer")
    session_answer(proposal=proposal, actor=world.shop_official, suits=times[:1], party="business")
    session_answer(proposal=proposal, actor=world.consumer_user, suits=times)
    session_answer(proposal=proposal, actor=world.home_official, suits=times)
    proposal.refresh_from_db()
    assert proposal.session.starts_at == times[0].starts_at


def test_ending_mediation_withdraws_the_open_proposal(room):
    proposal = _propose(room)
    factories.terminate_in_room(room.case)
    proposal.refresh_from_db()
    assert proposal.status == SessionProposalStatus.WITHDRAWN


# Attendance feeds the termination ground (Art. 23(2)).


def _session_started(room, *, minutes_ago=10):
    session = MediationSession.objects.create(
        case=room.case,
        starts_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        online=True,
        scheduled_by=room.shop_official,
    )
    session.mediators.set([room.shop_official, room.home_official])
    return session


@pytest.mark.parametrize("who", ["home_official", "consumer_user", "shop_staff", "outsider_official"])
def test_only_the_lead_mediator_records_attendance(room, who):
    session = _session_started(room)
    with pytest.raises(PermissionDenied):
        session_attendance_record(session=session, actor=getattr(room, who), party="business", attended=False)


def test_attendance_is_recorded_after_the_start_only(room):
    session = _session_started(room, minutes_ago=-60)
    with pytest.raises(DomainError):
        session_attendance_record(session=session, actor=room.shop_official, party="business", attended=False)
    assert not SessionAttendance.objects.exists()


def test_a_party_recorded_absent_is_offered_as_the_ground_with_the_session_s_day(room, english):
    assert termination_suggestion(room.case) is None
    session = _session_started(room)
    session_attendance_record(session=session, actor=room.shop_official, party="consumer", attended=True)
    assert termination_suggestion(room.case) is None
    session_attendance_record(
        session=session, actor=room.shop_official, party="business", attended=False, note="电话未接"
    )
    suggestion = termination_suggestion(room.case)
    assert suggestion["ground"] == "party_refused_or_absent"  # Art. 23(2)
    day = timezone.localtime(session.starts_at)
    assert "The business did not attend" in suggestion["reason"]
    assert str(day.year) in suggestion["reason"] and "电话未接" in suggestion["reason"]
    # Recorded again, it is corrected: the business came after all.
    session_attendance_record(session=session, actor=room.shop_official, party="business", attended=True)
    assert termination_suggestion(room.case) is None
    assert SessionAttendance.objects.filter(session=session).count() == 2


def test_the_co_mediator_is_no_party_to_attend(room):
    with pytest.raises(ValidationError):
        session_attendance_record(
            session=_session_started(room), actor=room.shop_official, party="co_mediator", attended=False
        )


# Reminders.


def _agreed_session(room, starts_at):
    proposal = _propose(room, starts_at, starts_at + datetime.timedelta(days=1))
    return _all_answer(room, proposal, consumer=[0], business=[0], co_mediator=[0]).session


def _reminded(room):
    return sorted(
        Notification.objects.filter(kind="session_reminder", case=room.case).values_list("dedupe_key", "user")
    )


def test_reminders_a_day_and_an_hour_before_once_each(room):
    starts_at = _days(3)
    session = _agreed_session(room, starts_at)
    everyone = {room.consumer_user.pk, room.shop_staff.pk, room.shop_official.pk, room.home_official.pk}

    assert session_reminders_send(now=starts_at - datetime.timedelta(days=1, minutes=5)) == 0  # too early
    assert session_reminders_send(now=starts_at - datetime.timedelta(hours=23)) == 4
    assert {user for key, user in _reminded(room) if key == f"session:{session.pk}:day"} == everyone
    assert session_reminders_send(now=starts_at - datetime.timedelta(hours=22)) == 0  # once
    assert session_reminders_send(now=starts_at - datetime.timedelta(minutes=50)) == 4
    assert session_reminders_send(now=starts_at - datetime.timedelta(minutes=10)) == 0
    assert session_reminders_send(now=starts_at + datetime.timedelta(minutes=1)) == 0  # it has begun
    assert len(_reminded(room)) == 8


def test_a_session_set_within_the_day_gets_the_hour_reminder_only(room):
    starts_at = timezone.now() + datetime.timedelta(hours=5)
    session = _agreed_session(room, starts_at.replace(second=0, microsecond=0))
    assert session_reminders_send(now=timezone.now()) == 0  # the day's window opened before it was set
    session_reminders_send(now=session.starts_at - datetime.timedelta(minutes=30))
    assert {key for key, _user in _reminded(room)} == {f"session:{session.pk}:hour"}


def test_no_reminder_once_mediation_has_ended(room):
    session = _agreed_session(room, _days(3))
    factories.terminate_in_room(room.case)
    assert session_reminders_send(now=session.starts_at - datetime.timedelta(hours=2)) == 0


def test_the_reminders_run_on_a_schedule(db):
    function, kind, minutes, _at = SCHEDULES["mediation session reminders"]
    assert function == "mediation.tasks.session_reminders_send" and kind == "I" and minutes <= 15
    assert Schedule.objects.filter(name="mediation session reminders", func=function).exists()
