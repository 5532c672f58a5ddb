"""Reads of text messages: the texts received waiting for a hotline official, and a person's consent
to be texted, with the phone masked."""

from django.db.models import QuerySet

from mediation.models import ConsumerIdentity, IncomingSms, IncomingSmsStatus
from mediation.services.people import require_intake_official
from mediation.sms import mask_phone

HANDLED_SHOWN = 20


def may_handle_texts(user) -> bool:
    """The officials who take hotline calls (the hotline intake's own rule) handle texts received."""
    try:
        require_intake_official(user)
    except Exception:  # PermissionDenied, or an anonymous user
        return False
    return True


def incoming_waiting() -> QuerySet[IncomingSms]:
    """Texts to complete or dismiss, the oldest first."""
    return IncomingSms.objects.filter(status=IncomingSmsStatus.NEW).order_by("received_at", "pk")


def incoming_waiting_count() -> int:
    return incoming_waiting().count()


def incoming_handled() -> QuerySet[IncomingSms]:
    """The texts handled last, newest first, with their case or the reason they were dismissed."""
    return (
        IncomingSms.objects.exclude(status=IncomingSmsStatus.NEW)
        .select_related("case", "handled_by__official__authority")
        .order_by("-handled_at", "-pk")[:HANDLED_SHOWN]
    )


def sms_consent_of(*, user) -> dict | None:
    """A consumer's consent to texts and the masked phone texts go to; None for anyone else."""
    consumer = getattr(user, "consumer", None)
    if consumer is None:
        return None
    identity = ConsumerIdentity.objects.filter(consumer=consumer).only("phone").first()
    return {
        "agreed_at": consumer.sms_consent_at,
        "masked_phone": mask_phone(identity.phone) if identity is not None else "",
    }
