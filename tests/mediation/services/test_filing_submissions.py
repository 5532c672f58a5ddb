"""Filing once per draft (services.submissions) on real PostgreSQL: a second sending of the same draft
that arrives while the first is still filing waits for it and files nothing; one that arrives after
the first was refused files."""

import threading
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mediation.models import Case
from mediation.models.submissions import FilingSubmission
from mediation.services.submissions import filing_submit_once
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections to PostgreSQL"),
]


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def until(condition, what: str) -> None:
    """Polls `condition` (the order of events is what is checked, not how long they take)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.02)


def in_thread(job, outcomes: dict, name: str) -> threading.Thread:
    def run():
        try:
            outcomes[name] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_sending_during_the_first_waits_for_it_and_files_nothing(places):
    world = factories.World(places)
    key = uuid.uuid4()
    first_is_filing, first_may_finish = threading.Event(), threading.Event()
    second_filed = threading.Event()
    outcomes: dict = {}

    def first_files():
        first_is_filing.set()
        first_may_finish.wait(30)
        return [factories.complaint(consumer=world.consumer, entity=world.shop)]

    def second_files():
        second_filed.set()
        return [factories.complaint(consumer=world.consumer, entity=world.shop)]

    first = in_thread(
        lambda: filing_submit_once(user=world.consumer_user, key=key, file=first_files), outcomes, "first"
    )
    until(first_is_filing.is_set, "the first sending files")
    second = in_thread(
        lambda: filing_submit_once(user=world.consumer_user, key=key, file=second_files), outcomes, "second"
    )
    until(waiting_on_a_lock, "the second sending waits for the first")
    first_may_finish.set()
    first.join(30)
    second.join(30)

    case = Case.objects.get()
    assert outcomes["first"].cases == [case] and not outcomes["first"].already_filed
    assert outcomes["second"].cases == [case] and outcomes["second"].already_filed
    assert not second_filed.is_set()
    assert FilingSubmission.objects.get(key=key).complaint == case


def test_a_second_sending_during_a_refused_first_files(places):
    world = factories.World(places)
    key = uuid.uuid4()
    first_is_filing, first_may_finish = threading.Event(), threading.Event()
    outcomes: dict = {}

    def first_refused():
        first_is_filing.set()
        first_may_finish.wait(30)
        raise ValidationError({"facts": ["Please describe what happened."]})

    first = in_thread(
        lambda: filing_submit_once(user=world.consumer_user, key=key, file=first_refused), outcomes, "first"
    )
    until(first_is_filing.is_set, "the first sending files")
    second = in_thread(
        lambda: filing_submit_once(
            user=world.consumer_user,
            key=key,
            file=lambda: [factories.complaint(consumer=world.consumer, entity=world.shop)],
        ),
        outcomes,
        "second",
    )
    until(waiting_on_a_lock, "the second sending waits for the first")
    first_may_finish.set()
    first.join(30)
    second.join(30)

    assert isinstance(outcomes["first"], ValidationError)
    case = Case.objects.get()
    assert outcomes["second"].cases == [case] and not outcomes["second"].already_filed
    assert FilingSubmission.objects.get(key=key).complaint == case
