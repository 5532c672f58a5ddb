"""Concurrent writers on real PostgreSQL: the row lock serialises moves of one case, and case
numbers stay unique and gap-free under simultaneous filing."""

import threading

import pytest
from django.db import connection

from mediation.models import Case, CaseStatus
from mediation.services.errors import TransitionNotAllowed
from mediation.services.transitions import case_transition
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections to PostgreSQL"),
]


def _run_together(*jobs):
    """Start the jobs at the same instant, each on its own database connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_officials_deciding_at_once_make_exactly_one_decision(places):
    world = factories.World(places)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    outcomes = _run_together(
        lambda: case_transition(case=case, action="accept", actor=world.shop_official).status,
        lambda: case_transition(case=case, action="not_accept", actor=world.shop_official, ground="time_barred").status,
    )
    decided = [outcome for outcome in outcomes if isinstance(outcome, str)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, TransitionNotAllowed)]
    assert len(decided) == 1 and len(refused) == 1, outcomes
    case.refresh_from_db()
    assert case.status == decided[0] in (CaseStatus.ACCEPTED, CaseStatus.NOT_ACCEPTED)
    assert [event.action for event in case.events.all()] == [
        "submit",
        "accept" if decided[0] == "accepted" else "not_accept",
    ]


def test_simultaneous_filings_get_distinct_consecutive_numbers(places):
    world = factories.World(places)
    outcomes = _run_together(
        *[lambda: factories.complaint(consumer=world.consumer, entity=world.shop).number for _ in range(8)]
    )
    assert all(isinstance(number, str) for number in outcomes), outcomes
    serials = sorted(int(number[-6:]) for number in outcomes)
    assert serials == list(range(1, 9))
    assert Case.objects.count() == 8
