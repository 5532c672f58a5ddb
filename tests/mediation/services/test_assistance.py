"""转人工 without sockets: who answers a consumer who asks the bot for a person, what they are told,
and how the chat ends."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mediation.models import HelpRequest, MediationRoom, RoomEvent, RoomKind, RoomRole, RoomStatus
from mediation.selectors.rooms import render_event_text
from mediation.services.assistance import (
    clean_summary,
    help_request_join,
    help_request_open,
    help_request_release,
    help_request_release_by_seat,
    official_duty_set,
)
from mediation.services.errors import NobodyOnDuty
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_tools import room_adjourn, room_caucus_set
from mediation.services.settlement import document_sign, proposal_make
from tests import factories

SUMMARY = [{"label": "类型", "value": "投诉"}, {"label": "商家", "value": "星辰电器"}]


def on_duty(user):
    official_duty_set(official=user.official, on_duty=True)
    return user


def test_the_officials_on_duty_at_the_home_bureau_answer_and_no_one_else_sits_in(world):
    on_duty(world.home_official)
    off_duty_colleague = factories.official(world.home_bureau)
    on_duty(world.shop_official)  # on duty, but at the business's bureau, not the consumer's
    help_request, created = help_request_open(consumer=world.consumer, summary=SUMMARY)
    assert created and help_request.authority == world.home_bureau
    room = help_request.room
    assert room.kind == RoomKind.ASSISTANCE and room.case is None and room.status == RoomStatus.OPEN
    seats = {seat.user: seat for seat in room.participants.all()}
    assert set(seats) == {world.consumer_user, world.home_official}
    assert off_duty_colleague not in seats and world.shop_staff not in seats
    assert seats[world.consumer_user].role == RoomRole.CONSUMER
    assert seats[world.consumer_user].display_name == "张*"
    assert seats[world.home_official].role == RoomRole.DUTY_OFFICIAL
    first = RoomEvent.objects.get(room=room, seq=1)
    assert first.payload["event"] == "help_requested" and first.payload["summary"] == SUMMARY
    text = render_event_text(first.payload)
    assert "张*" in text and world.home_bureau.name in text and "商家: 星辰电器" in text


def test_with_nobody_on_duty_at_the_county_the_city_or_province_bureau_answers(world):
    from mediation.models import Authority

    higher_bureaus = Authority.objects.filter(kind="bureau", region__in=["110100", "110000"]).order_by("-region")
    assert higher_bureaus.exists()
    answering = factories.official(higher_bureaus.first())
    on_duty(answering)
    help_request, _ = help_request_open(consumer=world.consumer)
    assert help_request.authority == higher_bureaus.first()


def test_with_nobody_on_duty_the_consumer_is_told_and_nothing_is_opened(world):
    with pytest.raises(NobodyOnDuty) as refused:
        help_request_open(consumer=world.consumer)
    assert "12315" in refused.value.message
    assert not HelpRequest.objects.exists() and not MediationRoom.objects.filter(kind=RoomKind.ASSISTANCE).exists()


def test_asking_again_while_waiting_keeps_the_one_request_and_after_release_a_new_one_opens(world):
    on_duty(world.home_official)
    first, created = help_request_open(consumer=world.consumer)
    again, created_again = help_request_open(consumer=world.consumer, summary=SUMMARY)
    assert created and not created_again and again.pk == first.pk
    help_request_release(help_request=first, user=world.home_official)
    later, created_later = help_request_open(consumer=world.consumer)
    assert created_later and later.pk != first.pk


def test_an_official_of_the_desk_releases_the_consumer_and_the_room_is_closed_but_kept(world):
    on_duty(world.home_official)
    help_request, _ = help_request_open(consumer=world.consumer)
    with pytest.raises(PermissionDenied):
        help_request_release(help_request=help_request, user=world.outsider_official)
    with pytest.raises(PermissionDenied):
        help_request_release(help_request=help_request, user=world.consumer_user)
    released = help_request_release(help_request=help_request, user=world.home_official)
    assert released.released_by == world.home_official and released.released_at is not None
    room = MediationRoom.objects.get(pk=help_request.room_id)
    assert room.status == RoomStatus.CLOSED and room.closed_at is not None
    last = RoomEvent.objects.filter(room=room).order_by("-seq").first()
    assert last.payload == {"event": "released"} and last.author.user == world.home_official
    with pytest.raises(RoomActionRefused) as twice:
        help_request_release(help_request=released, user=world.home_official)
    assert twice.value.code == "room_closed"


def test_only_an_official_on_duty_releases_from_inside_the_chat(world):
    on_duty(world.home_official)
    help_request, _ = help_request_open(consumer=world.consumer)
    consumer_seat = help_request.room.participants.get(role=RoomRole.CONSUMER)
    with pytest.raises(RoomActionRefused) as refused:
        help_request_release_by_seat(seat=consumer_seat)
    assert refused.value.code == "role_not_allowed"
    official_seat = help_request.room.participants.get(role=RoomRole.DUTY_OFFICIAL)
    assert help_request_release_by_seat(seat=official_seat).released_at is not None


def test_a_colleague_of_the_desk_may_join_later_but_no_one_else(world):
    on_duty(world.home_official)
    help_request, _ = help_request_open(consumer=world.consumer)
    colleague = factories.official(world.home_bureau)
    seat = help_request_join(help_request=help_request, user=colleague)
    assert seat.role == RoomRole.DUTY_OFFICIAL and help_request_join(help_request=help_request, user=colleague) == seat
    with pytest.raises(PermissionDenied):
        help_request_join(help_request=help_request, user=world.shop_official)
    help_request_release(help_request=help_request, user=colleague)
    with pytest.raises(ValidationError):
        help_request_join(help_request=help_request, user=factories.official(world.home_bureau))


def test_the_chat_has_no_settlement_and_no_mediators_tools(world):
    on_duty(world.home_official)
    help_request, _ = help_request_open(consumer=world.consumer)
    consumer_seat = help_request.room.participants.get(role=RoomRole.CONSUMER)
    official_seat = help_request.room.participants.get(role=RoomRole.DUTY_OFFICIAL)
    for attempt in (
        lambda: proposal_make(seat=consumer_seat, terms={"refund_amount": "100"}),
        lambda: document_sign(seat=consumer_seat),
    ):
        with pytest.raises(RoomActionRefused) as refused:
            attempt()
        assert refused.value.code == "not_a_mediation"
    for attempt in (
        lambda: room_adjourn(actor=official_seat),
        lambda: room_caucus_set(actor=official_seat, party="consumer", open_=True),
    ):
        with pytest.raises(RoomActionRefused) as refused:
            attempt()
        assert refused.value.code == "role_not_allowed"


@pytest.mark.parametrize(
    "summary",
    [
        "投诉",
        [{"label": "类型"}],
        [{"label": "", "value": "x"}],
        [{"label": "类型", "value": 3}],
        [{"label": "类型", "value": "x\x00"}],
        [{"label": "类型", "value": "x" * 2001}],
        [{"label": "x", "value": "y"}] * 21,
    ],
)
def test_a_summary_that_is_not_label_and_value_text_is_refused(summary):
    with pytest.raises(ValidationError) as refused:
        clean_summary(summary)
    assert "summary" in refused.value.message_dict


def test_an_empty_summary_is_no_summary():
    assert clean_summary(None) == clean_summary([]) == []
    assert clean_summary(SUMMARY) == SUMMARY
