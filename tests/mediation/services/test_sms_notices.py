"""Notices by text (issue 22, part 5): the complainant or real-name reporter who agreed to texts is
texted the decisions they wait for (accepted, not accepted, the end of mediation, settled or
terminated; for a report whether a case was opened), once per notice, at the phone of their real-name
record and in their language; nobody else is, and an anonymous reporter never."""

import datetime
import logging
import zoneinfo

import pytest
import time_machine

from mediation import sms
from mediation.models import CaseStatus, OutgoingSms, SmsStatus
from mediation.services.people import consumer_language_set, consumer_register
from mediation.services.sms import consumer_sms_consent_set, sms_send
from mediation.services.transitions import case_transition
from mediation.sms.backends.base import BaseSmsBackend
from tests import factories

PHONE = "+8613812345678"  # the world's consumer's phone, 13812345678, in E.164
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def tasks_run_at_once(monkeypatch):
    """The task worker's part, done as each change commits: the queued texts are sent."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (queueing the text) as the test's changes 'commit'."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


def agreed(consumer):
    return consumer_sms_consent_set(consumer=consumer, agreed=True)


def test_no_text_without_consent(world, committed):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    committed(lambda: case_transition(case=case, action="accept", actor=world.shop_official))
    assert sms.outbox == [] and not OutgoingSms.objects.exists()


def test_an_accepted_complaint_is_texted_once_in_parts_in_the_persons_language(world, committed):
    agreed(world.consumer)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = committed(lambda: case_transition(case=case, action="accept", actor=world.shop_official))
    (message,) = sms.outbox
    assert message.to == PHONE
    # The case number and the gist: who accepted it (the wording is the catalogue's, checked in English below).
    assert case.number in message.body and case.handling_authority.name in message.body
    assert len(message.parts) > 1
    assert all(utf16_units(part) <= 70 for part in message.parts)
    assert "".join(sms.without_marker(part) for part in message.parts) == message.body
    outgoing = OutgoingSms.objects.get()
    assert (outgoing.status, outgoing.notice.kind, outgoing.consumer, outgoing.case) == (
        SmsStatus.SENT,
        "accepted",
        world.consumer,
        case,
    )
    assert outgoing.parts == message.parts and outgoing.provider_reference and outgoing.sent_at
    # The worker running the task again (a retry) sends nothing more.
    assert sms_send(outgoing_id=outgoing.pk) is False
    assert len(sms.outbox) == 1


def test_a_text_is_written_in_english_for_an_english_reader(world, committed):
    consumer_language_set(consumer=world.consumer, language="en")
    agreed(world.consumer)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    committed(
        lambda: case_transition(
            case=case, action="not_accept", actor=world.shop_official, ground="time_barred", reason="购买于2021年。"
        )
    )
    (message,) = sms.outbox
    assert f"Your complaint {case.number} was not accepted" in message.body
    assert "arbitration or a court" in message.body
    assert "购买于2021年" not in message.body  # the gist; the official's words are on the case page


def test_the_end_of_mediation_is_texted_to_the_complainant_not_the_business(world, committed):
    agreed(world.consumer)
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), "accepted")
    committed(
        lambda: case_transition(
            case=case, action="terminate", actor=world.shop_official, ground="agreement_impossible", reason="双方差距大"
        )
    )
    (message,) = sms.outbox
    assert message.to == PHONE and case.number in message.body
    (outgoing,) = OutgoingSms.objects.all()
    assert outgoing.notice.recipient == "consumer"


def test_a_settled_complaint_is_texted_once(world, committed):
    agreed(world.consumer)
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), "odr")
    case = committed(
        lambda: case_transition(case=case, action="settle_directly", actor=world.consumer_user, reason="已退款")
    )
    (message,) = sms.outbox
    assert case.status == CaseStatus.SETTLED and case.number in message.body
    assert OutgoingSms.objects.filter(case=case, notice__isnull=True).count() == 1


def test_an_anonymous_reporter_is_never_texted(world, committed):
    caller = consumer_register(real_name="匿名", phone="13900001111", home_region=world.places.xihu)
    agreed(caller)
    received = datetime.datetime(2026, 4, 10, 10, tzinfo=SHANGHAI)  # under Order 20, which told reporters
    case = factories.report(
        reporter=caller, entity=world.shop, is_anonymous=True, received_at=received, entered_by=world.shop_official
    )
    factories.with_status(case, CaseStatus.VERIFYING)
    with time_machine.travel(datetime.datetime(2026, 4, 28, 10, tzinfo=SHANGHAI), tick=False):
        committed(lambda: case_transition(case=case, action="open_case", actor=world.shop_official))
    assert sms.outbox == [] and not OutgoingSms.objects.exists()


def test_a_real_name_reporter_is_texted_whether_a_case_was_opened_and_nothing_more(world, committed):
    agreed(world.consumer)
    received = datetime.datetime(2026, 4, 10, 10, tzinfo=SHANGHAI)
    case = factories.report(reporter=world.consumer, entity=world.shop, received_at=received)
    factories.with_status(case, CaseStatus.VERIFYING)
    with time_machine.travel(datetime.datetime(2026, 4, 28, 10, tzinfo=SHANGHAI), tick=False):
        committed(lambda: case_transition(case=case, action="open_case", actor=world.shop_official))
    (message,) = sms.outbox
    assert case.number in message.body and "立案" in message.body
    assert world.shop.name not in message.body


def test_consent_withdrawn_before_the_worker_sends_stops_the_text(world):
    agreed(world.consumer)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case_transition(case=case, action="accept", actor=world.shop_official)  # queued, not yet sent
    outgoing = OutgoingSms.objects.get()
    assert outgoing.status == SmsStatus.QUEUED
    consumer_sms_consent_set(consumer=world.consumer, agreed=False)
    assert sms_send(outgoing_id=outgoing.pk) is False
    outgoing.refresh_from_db()
    assert outgoing.status == SmsStatus.FAILED and sms.outbox == []


def test_a_text_handed_over_whose_outcome_was_lost_is_not_sent_again(world):
    agreed(world.consumer)
    case_transition(
        case=factories.complaint(consumer=world.consumer, entity=world.shop), action="accept", actor=world.shop_official
    )
    outgoing = OutgoingSms.objects.get()
    # The worker stopped after handing it to the backend, before recording the outcome.
    OutgoingSms.objects.filter(pk=outgoing.pk).update(sent_at=outgoing.created_at)
    assert sms_send(outgoing_id=outgoing.pk) is False
    outgoing.refresh_from_db()
    assert outgoing.status == SmsStatus.FAILED and sms.outbox == []


def test_a_failure_of_the_backend_is_recorded_and_never_logs_the_phone(world, settings, caplog):
    settings.SMS_BACKEND = "tests.mediation.services.test_sms_notices.FailingBackend"
    agreed(world.consumer)
    case_transition(
        case=factories.complaint(consumer=world.consumer, entity=world.shop), action="accept", actor=world.shop_official
    )
    outgoing = OutgoingSms.objects.get()
    with caplog.at_level(logging.DEBUG):
        assert sms_send(outgoing_id=outgoing.pk) is False
    outgoing.refresh_from_db()
    assert outgoing.status == SmsStatus.FAILED and "gateway refused" in outgoing.error
    assert "13812345678" not in caplog.text and "受理" not in caplog.text
    assert sms_send(outgoing_id=outgoing.pk) is False  # a failed text is not retried by itself


class FailingBackend(BaseSmsBackend):
    def send_messages(self, messages) -> int:
        raise ConnectionError("gateway refused")
