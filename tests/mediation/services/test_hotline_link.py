"""A hotline, letter or visit caller who has an account under the same real-name identity (same
identity document and number, same real name) takes their cases online with their consent; an
anonymous report never (docs/security.md: an anonymous reporter must not be identifiable)."""

import pytest
from django.core.exceptions import PermissionDenied

from mediation.models import CaseEvent, CaseStatus, IdDocumentType
from mediation.selectors.cases import cases_of_user
from mediation.selectors.hotline_link import hotline_cases_count
from mediation.selectors.rooms import room_seat_for
from mediation.services.cases import mixed_submit, report_submit
from mediation.services.hotline_link import hotline_cases_link
from mediation.services.people import consumer_register
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories

ID_NUMBER = factories.resident_id("110105", "19650412", "217")


def caller(*, real_name="赵桂兰", id_number=ID_NUMBER, **extra):
    """A caller of the 12315 hotline, registered by the official who took the call."""
    return consumer_register(
        user=None,
        real_name=real_name,
        id_number=id_number,
        phone="13700001234",
        mailing_address="杭州市西湖区文三路1号",
        home_region=factories.Places().xihu,
        **extra,
    )


def hotline_complaint(world, consumer):
    return factories.complaint(
        consumer=consumer, entity=world.shop, intake_channel="hotline", entered_by=world.shop_official
    )


def account(*, real_name="赵桂兰", id_number=ID_NUMBER, **extra):
    """The caller (or someone else) signed up online."""
    return consumer_register(
        user=factories.UserFactory(), real_name=real_name, id_number=id_number, phone="13700001234", **extra
    )


def test_a_caller_who_signs_up_with_the_same_identity_links_their_hotline_case_with_consent(world):
    case = hotline_complaint(world, caller())
    online = account()
    assert hotline_cases_count(consumer=online) == 1
    assert not cases_of_user(user=online.user).exists()  # nothing shown before consent
    with pytest.raises(PermissionDenied):
        hotline_cases_link(consumer=online, consented=False)
    assert hotline_cases_link(consumer=online, consented=True) == [case]
    assert list(cases_of_user(user=online.user)) == [case]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.consumer == online
    event = CaseEvent.objects.get(case=case, action="link_account")
    assert (event.actor, event.from_status, event.to_status) == (online.user, "submitted", "submitted")
    assert hotline_cases_count(consumer=online) == 0
    assert hotline_cases_link(consumer=online, consented=True) == []  # nothing twice


def test_the_linked_consumer_takes_their_seat_in_the_room_of_a_case_in_mediation(world):
    case = hotline_complaint(world, caller())
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    case = factories.consent_both(case, official=world.shop_official)  # the caller agreed by phone
    room = mediation_start(case=case, actor=world.shop_official)
    assert not room.participants.filter(role="consumer").exists()
    online = account()
    hotline_cases_link(consumer=online, consented=True)
    seat = room_seat_for(user=online.user, number=case.number)
    assert seat is not None and seat.role == "consumer" and seat.display_name == "赵**"
    assert room.events.filter(payload__event="participant_added", payload__role="consumer").count() == 1


@pytest.mark.parametrize(
    "someone_else",
    [
        {"real_name": "赵桂英"},  # another name, the same number
        {"id_number": factories.resident_id("110105", "19650412", "218")},  # the same name, another number
        {"id_document_type": IdDocumentType.PASSPORT, "id_number": "E12345678"},
    ],
    ids=["other-name", "other-number", "other-document"],
)
def test_a_different_name_or_number_links_nothing(world, someone_else):
    hotline_complaint(world, caller())
    other = account(**someone_else)
    assert hotline_cases_count(consumer=other) == 0
    assert hotline_cases_link(consumer=other, consented=True) == []
    assert not cases_of_user(user=other.user).exists()


def test_a_caller_who_gave_no_identity_number_is_never_matched(world):
    hotline_complaint(world, caller(id_number=""))
    assert hotline_cases_count(consumer=account()) == 0


def test_an_anonymous_report_and_the_complaint_filed_with_it_are_never_linked(world):
    reporter = caller()
    report_submit(
        reporter=reporter,
        entity=world.shop,
        facts="店里在卖没有3C标志的电热水壶。",
        violation_type="counterfeit",
        is_anonymous=True,
        intake_channel="hotline",
        entered_by=world.shop_official,
    )
    complaint, report = mixed_submit(
        complaint={
            "consumer": reporter,
            "entity": world.shop,
            "facts": "买的电热水壶漏电，要求退货。",
            "category": "G02",
            "demand": "refund",
            "intake_channel": "hotline",
            "entered_by": world.shop_official,
        },
        report={
            "reporter": reporter,
            "entity": world.shop,
            "facts": "他们还在卖同一批漏电的热水壶。",
            "violation_type": "counterfeit",
            "is_anonymous": True,
            "intake_channel": "hotline",
            "entered_by": world.shop_official,
        },
    )
    named = hotline_complaint(world, reporter)
    online = account()
    assert hotline_cases_count(consumer=online) == 1
    assert hotline_cases_link(consumer=online, consented=True) == [named]
    assert list(cases_of_user(user=online.user)) == [named]
    for hidden in (complaint, report):
        hidden.refresh_from_db()
        assert hidden.consumer == reporter
