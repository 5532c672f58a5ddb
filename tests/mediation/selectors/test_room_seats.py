"""The seat read on every arrival in plain SQL (mediation.selectors.room_seats) holds what Django's
own reading of the same rows holds, and the job check then reads nothing more from the database."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation.models import RoomParticipant
from mediation.selectors.cases import case_relations
from mediation.selectors.room_seats import JOB_PARTS, SEAT_PARTS, seat_with_job
from mediation.services.reference_data import reference_data_load
from tests import factories
from tests.channels_app.conftest import ROOM_TEST_REGIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    reference_data_load(only=ROOM_TEST_REGIONS)
    world = factories.RoomWorld()
    world.case.entrusted_to = factories.bureau("110105")  # every column of the case read is set
    world.case.save(update_fields=["entrusted_to"])
    return world


def values_of(seat: RoomParticipant, user) -> dict:
    """Every attribute the plain-SQL read fills, read from `seat` and `user` and what they link."""
    official = getattr(user, "official", None)
    objects = {
        "p": seat,
        "r": seat.room,
        "c": seat.room.case,
        "cc": seat.room.case.consumer,
        "uc": getattr(user, "consumer", None),
        "o": official,
        "a": getattr(official, "authority", None),
        "ms": getattr(user, "merchant_staff", None),
    }
    return {
        (alias, name): None if objects[alias] is None else getattr(objects[alias], name)
        for alias, _model, names in (*SEAT_PARTS, *JOB_PARTS)
        for name in names
    }


@pytest.mark.parametrize("role", ["consumer", "merchant", "lead_mediator", "co_mediator"])
def test_each_seat_reads_as_django_reads_it(world, role):
    user = world.seats[role].user
    as_django_reads_it = RoomParticipant.objects.select_related("room__case__consumer").get(pk=world.seats[role].pk)
    expected = values_of(as_django_reads_it, get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        seat = seat_with_job(user=get_user_model().objects.get(pk=user.pk), number=world.number)
        read = values_of(seat, seat.user)
        relations = case_relations(seat.user, seat.room.case)
    assert read == expected
    # Three statements (the user, then the seat and the job), and nothing more for the job check;
    # the seat and the job are prepared on their connection's first use.
    run = [query["sql"] for query in queries if not query["sql"].startswith("PREPARE ")]
    assert len(run) == 3, run
    assert relations == case_relations(user, world.case)


def test_no_seat_in_another_case_or_none_at_all(world):
    stranger = factories.consumer(real_name="王五").user
    assert seat_with_job(user=stranger, number=world.number) is None
    assert seat_with_job(user=world.seats["merchant"].user, number="TS20991231999999") is None
