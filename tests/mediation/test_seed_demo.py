from django.core.management import call_command

from mediation.models import CaseStatus, MediationRoom, RoomRole


def test_the_demo_opens_a_live_room_for_its_cross_region_complaint(places, capsys):
    call_command("seed_demo")
    room = MediationRoom.objects.select_related("case").get()
    assert room.case.status == CaseStatus.MEDIATING and room.case.is_cross_region
    roles = sorted(room.participants.values_list("role", flat=True))
    assert roles == sorted([RoomRole.CONSUMER, RoomRole.MERCHANT, RoomRole.LEAD_MEDIATOR, RoomRole.CO_MEDIATOR])
    assert f"ws://127.0.0.1:8000/ws/rooms/{room.case.number}/" in capsys.readouterr().out


def test_the_demo_consumer_who_asks_the_bot_for_a_person_is_answered_by_their_home_bureau(places):
    from mediation.models import Consumer
    from mediation.services.assistance import help_request_open

    call_command("seed_demo")
    help_request, created = help_request_open(consumer=Consumer.objects.get(user__username="consumer"))
    assert created and help_request.authority.region_id == "110105"
    officials = help_request.room.participants.filter(role=RoomRole.DUTY_OFFICIAL)
    assert list(officials.values_list("user__username", flat=True)) == ["official-chaoyang"]
