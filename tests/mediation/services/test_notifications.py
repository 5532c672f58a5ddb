"""Each person is told what concerns them (issue 19, part 5), on the site and by e-mail, through a
whole mediation: the complaint accepted (the notice Order 121 Art. 15 requires) and passed to the
business, the business's reply, mediation started, messages missed in the room, a settlement proposal
to answer, the mediation document to sign, the case closed; and, for officials, time limits near and
passed. A report never tells the business anything (Order 121 Art. 37)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from mediation.models import Case, CaseNotice, MediationRoom, NoticeKind, Notification, NotificationKind
from mediation.selectors.notifications import notification_text, notifications_of, unread_count
from mediation.services.notifications import (
    deadlines_tell,
    notification_email_send,
    notification_preferences_set,
    notifications_mark_read,
    room_messages_missed_tell,
)
from mediation.services.people import consumer_language_set
from mediation.services.room_writer import MessagePost, room_messages_post
from mediation.services.rooms import mediation_start, room_mark_read
from mediation.services.settlement import agreement_record, document_sign, proposal_make, proposal_respond
from mediation.services.transitions import case_transition
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

K = NotificationKind


def kinds(user) -> list[str]:
    """What the person has been told, oldest first."""
    return list(Notification.objects.filter(user=user).order_by("created_at", "id").values_list("kind", flat=True))


@pytest.fixture(autouse=True)
def tasks_run_at_once(monkeypatch):
    """The task worker's part, done as each change commits: the queued e-mails are sent."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


def email_all() -> None:
    """The queue again, as a worker that ran twice would: nothing is sent twice."""
    for notification_id in Notification.objects.values_list("pk", flat=True):
        notification_email_send(notification_id=notification_id)


def post(seat, text: str) -> None:
    (outcome,) = room_messages_post(
        posts=[
            MessagePost(
                participant_id=seat.pk, room_id=seat.room_id, client_msg_id=f"m{timezone.now().timestamp()}", text=text
            )
        ]
    )
    assert outcome.refusal is None


def test_each_party_is_told_of_a_whole_mediation(world):
    consumer, staff, lead, co = world.consumer_user, world.shop_staff, world.shop_official, world.home_official
    for user, address in ((consumer, "zhang@example.cn"), (staff, "shop@example.cn"), (co, "co@example.cn")):
        user.email = address
        user.save(update_fields=["email"])
    consumer_language_set(consumer=world.consumer, language="en")

    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    assert kinds(consumer) == [] and kinds(staff) == []

    case = case_transition(case=case, action="accept", actor=lead)
    assert kinds(consumer) == [K.ACCEPTED]
    assert kinds(staff) == [K.PASSED_TO_BUSINESS]
    accepted = Notification.objects.get(user=consumer, kind=K.ACCEPTED)
    # The notice the rule requires went out with it, and the day it went out is recorded.
    assert accepted.notice.kind == NoticeKind.ACCEPTED and accepted.notice.delivered_online_at is not None

    case = case_transition(case=case, action="respond", actor=staff, reason="同意上门检测")
    assert kinds(consumer) == [K.ACCEPTED, K.BUSINESS_REPLIED]

    case = factories.consent_both(case)
    room = mediation_start(case=case, actor=lead, co_mediator=co)
    for user in (consumer, staff, co):
        assert kinds(user)[-1] == K.MEDIATION_STARTED
    seats = {seat.role: seat for seat in room.participants.all()}

    # The consumer writes while the business is away; once it has waited, the business is told, once.
    post(seats["consumer"], "空调到现在还是不制冷")
    later = timezone.now() + datetime.timedelta(minutes=3)
    room_messages_missed_tell(now=later)
    assert kinds(staff).count(K.ROOM_MESSAGE) == 1
    assert K.ROOM_MESSAGE not in kinds(consumer)  # never of their own message
    room_messages_missed_tell(now=later)
    assert kinds(staff).count(K.ROOM_MESSAGE) == 1
    missed = Notification.objects.get(user=staff, kind=K.ROOM_MESSAGE)
    assert missed.params == {"count": 1}
    # Having read the room, nothing more until something new is missed.
    room_mark_read(seat=seats["merchant"], seq=MediationRoom.objects.get(pk=room.pk).last_seq)
    notifications_mark_read(user=staff)
    room_messages_missed_tell(now=later)
    assert Notification.objects.get(user=staff, kind=K.ROOM_MESSAGE).read_at is not None

    proposal = proposal_make(seat=seats["merchant"], terms={"refund_amount": "3000"})
    assert kinds(consumer)[-1] == K.PROPOSAL_TO_ANSWER
    assert K.PROPOSAL_TO_ANSWER not in kinds(staff)  # the business made it
    proposal_respond(seat=seats["consumer"], number=proposal.number, response="accept")
    assert kinds(consumer)[-1] == K.DOCUMENT_TO_SIGN and kinds(staff)[-1] == K.DOCUMENT_TO_SIGN
    document_sign(seat=seats["consumer"])
    document_sign(seat=seats["merchant"])
    agreement_record(seat=seats["lead_mediator"])
    case = Case.objects.get(pk=case.pk)
    case = case_transition(case=case, action="close", actor=lead)
    # The complainant's one notification of the closing asks them to rate the handling (Order 121 Art. 26).
    assert kinds(consumer)[-1] == K.RATE_HANDLING and K.CASE_CLOSED not in kinds(consumer)
    assert kinds(staff)[-1] == K.CASE_CLOSED

    # Every one of them is e-mailed once, in the reader's language.
    email_all()
    email_all()
    to_consumer = [message for message in mail.outbox if message.to == ["zhang@example.cn"]]
    assert len(to_consumer) == len(kinds(consumer))
    assert any(message.subject == "[12315] Your complaint was accepted" for message in to_consumer)
    assert any(case.number in message.body and "has been accepted" in message.body for message in to_consumer)
    to_business = [message for message in mail.outbox if message.to == ["shop@example.cn"]]
    assert len(to_business) == len(kinds(staff))
    # Staff of a business read the site's language, Chinese.
    assert any(message.subject == "[12315] 贵方收到一件投诉" for message in to_business)
    # The business's mail never gives the consumer's name or phone.
    assert not any("张三" in message.body or "13812345678" in message.body for message in to_business)


def test_texts_are_in_the_readers_language(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(
        case=case, action="return", actor=world.shop_official, ground="information_missing", reason="请补充发票"
    )
    (notification,) = notifications_of(user=world.consumer_user)
    with translation.override("zh-hans"):
        title, body = notification_text(notification)
    assert case.number in body
    with translation.override("en"):
        title_en, body_en = notification_text(notification)
    assert title_en == "Your case was returned for correction" and title != title_en
    assert "returned to you for correction" in body_en


def test_a_person_chooses_what_they_get_but_a_legal_notice_always_reaches_the_site(world):
    consumer = world.consumer_user
    consumer.email = "zhang@example.cn"
    consumer.save(update_fields=["email"])
    notification_preferences_set(
        user=consumer,
        choices={K.ACCEPTED: (False, False), K.BUSINESS_REPLIED: (False, False)},
    )
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    case_transition(case=case, action="respond", actor=world.shop_staff, reason="同意退款")
    listed = [n.kind for n in notifications_of(user=consumer)]
    assert listed == [K.ACCEPTED]  # the notice of acceptance is the law's; the reply was switched off
    email_all()
    assert mail.outbox == []  # e-mail switched off for both


def test_the_unread_count_and_marking_read(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case_transition(case=case, action="accept", actor=world.shop_official)
    assert unread_count(user=world.consumer_user) == 1
    assert notifications_mark_read(user=world.consumer_user) == 1
    assert unread_count(user=world.consumer_user) == 0


def test_a_report_tells_the_business_nothing(world):
    reporter = factories.consumer(real_name="王五", phone="13900002222")
    report = factories.report(reporter=reporter, entity=world.shop)
    case_transition(case=report, action="start_verification", actor=world.shop_official)
    report = Case.objects.get(pk=report.pk)
    case_transition(case=report, action="open_case", actor=world.shop_official)
    assert kinds(world.shop_staff) == []
    assert K.REPORT_DECISION in kinds(reporter.user) or CaseNotice.objects.filter(case=report).count() == 0


def test_officials_are_told_of_time_limits_near_and_passed_once(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    due = case.next_due
    other_bureau_official = world.outsider_official
    deadlines_tell(today=due - datetime.timedelta(days=5))
    assert kinds(world.shop_official) == []
    deadlines_tell(today=due - datetime.timedelta(days=1))
    deadlines_tell(today=due)
    assert kinds(world.shop_official) == [K.DEADLINE_NEAR]
    deadlines_tell(today=due + datetime.timedelta(days=1))
    deadlines_tell(today=due + datetime.timedelta(days=2))
    assert kinds(world.shop_official) == [K.DEADLINE_NEAR, K.DEADLINE_PASSED]
    assert kinds(other_bureau_official) == [] and kinds(world.consumer_user) == []
