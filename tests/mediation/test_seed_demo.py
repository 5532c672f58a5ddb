from django.core.management import call_command

from mediation.models import CaseStatus, MediationRoom, RoomRole


def test_the_demo_opens_a_live_room_for_its_cross_region_complaint(places, capsys):
    call_command("seed_demo")
    room = MediationRoom.objects.select_related("case").get()
    assert room.case.status == CaseStatus.MEDIATING and room.case.is_cross_region
    roles = sorted(room.participants.values_list("role", flat=True))
    assert roles == sorted([RoomRole.CONSUMER, RoomRole.MERCHANT, RoomRole.LEAD_MEDIATOR, RoomRole.CO_MEDIATOR])
    assert f"ws://127.0.0.1:8000/ws/rooms/{room.case.number}/" in capsys.readouterr().out
