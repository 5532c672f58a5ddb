"""Text messages (短消息) to complainants and reporters: their consent, and the notices texted to
those who gave it.

A person is texted only if they agreed (`Consumer.sms_consent_at`): on their notification settings,
or a hotline official records a caller's consent on the intake form. Opt-in, withdrawn at any time
(PIPL Art. 14, 15). The text goes to the phone of their real-name record (encrypted; never logged).

The notices texted are the decisions on a case the person is waiting for: the complaint accepted or
not accepted (Order 121 Art. 15), the end of mediation, settled or terminated (Art. 23, 24), and for
a real-name report whether a case was opened, nothing more (Order 20 Art. 31). An anonymous reporter
left no way to be told and is never texted. Each text is written in the person's language with the
case number and the gist, split at the carrier's limit (mediation.sms.parts), and queued after
commit for the task worker, once per notice (`OutgoingSms.notice` is one-to-one); the worker hands it
to the SMS backend once, and records it sent or failed."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mediation.models import (
    Case,
    CaseKind,
    CaseNotice,
    CaseStatus,
    Consumer,
    ConsumerIdentity,
    MediationTerminationReason,
    NonAcceptanceGround,
    NoticeKind,
    NoticeRecipient,
    OutgoingSms,
    SmsStatus,
)
from mediation.services.transitions import on_entering
from mediation.sms import TextMessage, send_texts

logger = logging.getLogger(__name__)

# The notices that go out by text (the rest stay on the site and by e-mail).
TEXTED_NOTICES = frozenset(
    {NoticeKind.ACCEPTED, NoticeKind.NOT_ACCEPTED, NoticeKind.MEDIATION_ENDED, NoticeKind.REPORT_CASE_DECISION}
)


@transaction.atomic
def consumer_sms_consent_set(*, consumer: Consumer, agreed: bool) -> Consumer:
    """Record that the person agrees to be told by text (the time they first agreed is kept), or
    withdraws it; texts queued and not yet sent are then not sent."""
    consumer = Consumer.objects.select_for_update().get(pk=consumer.pk)
    if agreed and consumer.sms_consent_at is None:
        consumer.sms_consent_at = timezone.now()
    elif not agreed:
        consumer.sms_consent_at = None
    consumer.save(update_fields=["sms_consent_at"])
    return consumer


def _phone_of(consumer: Consumer | None) -> str:
    """The phone of a person who agreed to texts, or "" when they are not to be texted."""
    if consumer is None or consumer.sms_consent_at is None:
        return ""
    identity = ConsumerIdentity.objects.filter(consumer=consumer).only("phone").first()
    return identity.phone if identity is not None else ""


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""


def _gist(case: Case, kind: str, ground: str) -> str:
    """What happened, in a sentence or two of the active language, with the case number."""
    values = {"number": case.number}
    if kind == NoticeKind.ACCEPTED:
        values["authority"] = case.handling_authority.name
        return _("Your complaint %(number)s has been accepted by %(authority)s.") % values
    if kind == NoticeKind.NOT_ACCEPTED:
        values["ground"] = _label(NonAcceptanceGround, ground)
        return " ".join(
            [
                _("Your complaint %(number)s was not accepted. Reason: %(ground)s.") % values,
                _("You may still go to a consumer association, arbitration or a court (CRPL Art. 39)."),
            ]
        )
    if kind == NoticeKind.MEDIATION_ENDED:
        values["ground"] = _label(MediationTerminationReason, ground) or _("The complainant withdrew the complaint")
        return _("Mediation of complaint %(number)s has ended: %(ground)s.") % values
    if kind == CaseStatus.SETTLED:
        return _("Your complaint %(number)s is settled: you and the business reached an agreement.") % values
    if ground == "opened":
        return _("A case has been opened on your report %(number)s.") % values
    return _("No case was opened on your report %(number)s.") % values


def _text(case: Case, consumer: Consumer, *, kind: str, ground: str = "") -> str:
    """The whole text, in the person's language: the sender, the gist and where to learn more."""
    with translation.override(consumer.preferred_language):
        if consumer.user_id is not None:
            link = settings.SITE_URL.rstrip("/") + reverse("web:case", args=[case.number])
            more = _("Details: %(link)s") % {"link": link}
        else:
            more = _("Questions: call 12315.")
        return _("[12315] %(gist)s %(more)s") % {"gist": _gist(case, kind, ground), "more": more}


def _queue(*, case: Case, notice: CaseNotice | None, kind: str, ground: str) -> OutgoingSms | None:
    consumer = case.consumer
    if case.is_anonymous:
        return None  # an anonymous reporter is never texted, whatever their record says
    phone = _phone_of(consumer)
    if not phone:
        return None
    outgoing = OutgoingSms.objects.create(
        consumer=consumer, case=case, notice=notice, phone=phone, body=_text(case, consumer, kind=kind, ground=ground)
    )
    _send_after_commit(outgoing.pk)
    return outgoing


def notice_text_queue(notice: CaseNotice) -> OutgoingSms | None:
    """Text a notice to the complainant or real-name reporter who agreed to texts: once per notice.
    Called with the notice in the transaction that records it (services.notices.record_notice)."""
    if notice.kind not in TEXTED_NOTICES or notice.recipient != NoticeRecipient.CONSUMER:
        return None
    if OutgoingSms.objects.filter(notice=notice).exists():
        return None
    return _queue(case=notice.case, notice=notice, kind=notice.kind, ground=notice.ground)


@on_entering(CaseStatus.SETTLED)
def settlement_text_queue(*, case: Case, **_move) -> None:
    """A settled complaint is the other end of mediation; no notice is recorded for it (the parties
    sign the agreement themselves), so its text is the case's one text without a notice. A case
    enters SETTLED once (nothing leads out of it but closing)."""
    if case.kind != CaseKind.COMPLAINT:
        return
    if OutgoingSms.objects.filter(case=case, notice__isnull=True).exists():
        return
    _queue(case=case, notice=None, kind=CaseStatus.SETTLED, ground="")


def _send_after_commit(outgoing_id: int) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task("mediation.tasks.sms_send", outgoing_id, group="texts"))


# Recorded when a text was handed to the backend and its outcome never recorded (the worker stopped
# in between): it is not sent again, since it may have gone out.
OUTCOME_UNKNOWN = "The worker stopped while handing the text to the SMS backend; it is not sent again."
CONSENT_WITHDRAWN = "Not sent: the person withdrew their consent to texts before it went out."


def sms_send(*, outgoing_id: int) -> bool:
    """Hand one queued text to the SMS backend, once: a task run again never sends it twice.
    Returns whether it was sent now."""
    with transaction.atomic():
        outgoing = (
            OutgoingSms.objects.select_for_update(of=("self",))
            .select_related("consumer")
            .filter(pk=outgoing_id, status=SmsStatus.QUEUED)
            .first()
        )
        if outgoing is None:
            return False
        if outgoing.sent_at is not None or (outgoing.consumer and outgoing.consumer.sms_consent_at is None):
            outgoing.status = SmsStatus.FAILED
            outgoing.error = OUTCOME_UNKNOWN if outgoing.sent_at is not None else CONSENT_WITHDRAWN
            outgoing.save(update_fields=["status", "error"])
            return False
        # Claimed before sending, and committed: from here on it is never handed over again.
        outgoing.sent_at = timezone.now()
        outgoing.save(update_fields=["sent_at"])
    message = TextMessage(to=outgoing.phone, body=outgoing.body)
    try:
        send_texts([message])
    except Exception as error:  # the backend's failure, recorded; never the phone or the text
        outgoing.status, outgoing.error = SmsStatus.FAILED, f"{type(error).__name__}: {error}"[:1000]
        outgoing.parts = message.parts
        outgoing.save(update_fields=["status", "error", "parts"])
        logger.warning("text message %s failed: %s", outgoing.pk, type(error).__name__)
        return False
    outgoing.status, outgoing.parts = SmsStatus.SENT, message.parts
    outgoing.provider_reference = message.provider_reference[:200]
    outgoing.save(update_fields=["status", "parts", "provider_reference"])
    return True
