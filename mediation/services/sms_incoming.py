"""Texts received on the platform's number (短消息 intake): each becomes a draft in the queue of the
officials who take hotline calls, who complete it into a case on the hotline intake form or dismiss
it with a reason.

The provider posts each text to the webhook (mediation/api/sms_views.py); the same text delivered
twice (the provider's reference) is kept once."""

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import Case, IncomingSms, IncomingSmsStatus
from mediation.names import display_name_of_official
from mediation.sensitive import phone_digest
from mediation.services.errors import DomainError

# A text as the provider reassembles it from its parts: longer ones are not a text message.
INCOMING_TEXT_MAX_CHARS = 1000
REFERENCE_MAX_CHARS = 120
DISMISSAL_REASON_MAX_CHARS = 500
# A provider's clock a little ahead of ours is accepted; a text from further in the future is not.
CLOCK_SKEW = datetime.timedelta(minutes=10)


class IncomingSmsRefused(DomainError):
    MESSAGES = {
        "reference_reused": gettext_lazy(
            "A different text was already received with this provider reference; a reference names one text."
        ),
        "already_handled": gettext_lazy("This text was already filed or dismissed, by %(official)s."),
    }


def validate_e164(phone: str) -> str:
    """A phone number in E.164 form (+ and the country code), as a provider gives the sender's."""
    phone = (phone or "").strip()
    try:
        parsed = phonenumbers.parse(phone, None) if phone.startswith("+") else None
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("The sender's phone must be a valid number in E.164 form, for example +8613812345678."),
            code="phone_not_e164",
        )
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if formatted != phone:
        raise ValidationError(
            _("The sender's phone must be in E.164 form, without spaces: %(phone)s.") % {"phone": formatted},
            code="phone_not_e164",
        )
    return formatted


def _checked(*, phone: str, text: str, provider_reference: str, received_at) -> dict:
    errors: dict[str, list[str]] = {}
    try:
        phone = validate_e164(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("The text is empty.")]
    elif len(text) > INCOMING_TEXT_MAX_CHARS:
        errors["text"] = [
            _("A text received may have at most %(limit)d characters; this one has %(length)d.")
            % {"limit": INCOMING_TEXT_MAX_CHARS, "length": len(text)}
        ]
    elif any(ord(char) < 32 and char not in "\r\n\t" for char in text):
        errors["text"] = [_("The text holds control characters.")]
    provider_reference = (provider_reference or "").strip()
    if not provider_reference or len(provider_reference) > REFERENCE_MAX_CHARS or not provider_reference.isprintable():
        errors["reference"] = [
            _("The provider's reference of the text is required: at most %(limit)d printable characters.")
            % {"limit": REFERENCE_MAX_CHARS}
        ]
    now = timezone.now()
    if received_at is None:
        received_at = now
    elif timezone.is_naive(received_at):
        errors["received_at"] = [_("The time received needs its time zone, for example 2026-12-04T21:50:00+08:00.")]
    elif received_at > now + CLOCK_SKEW:
        errors["received_at"] = [_("The time received is in the future.")]
    if errors:
        raise ValidationError(errors)
    return {"phone": phone, "body": text, "provider_reference": provider_reference, "received_at": received_at}


def incoming_sms_receive(
    *, phone: str, text: str, provider_reference: str, received_at: datetime.datetime | None = None
) -> tuple[IncomingSms, bool]:
    """Keep a text received as a draft to complete. Returns it and whether it is new: the same text
    delivered again is kept once; another text under a reference already used is refused."""
    fields = _checked(phone=phone, text=text, provider_reference=provider_reference, received_at=received_at)
    try:
        with transaction.atomic():
            return IncomingSms.objects.create(**fields), True
    except IntegrityError:  # delivered before (perhaps at this very moment)
        existing = IncomingSms.objects.get(provider_reference=fields["provider_reference"])
    if existing.phone_digest != phone_digest(fields["phone"]) or existing.body != fields["body"]:
        raise IncomingSmsRefused("reference_reused")
    return existing, False


def incoming_sms_lock(*, incoming_id: int) -> IncomingSms:
    """The text still to handle, locked for the caller's transaction: two officials never both file
    or dismiss it."""
    incoming = IncomingSms.objects.select_for_update(of=("self",)).select_related("handled_by").get(pk=incoming_id)
    if incoming.status != IncomingSmsStatus.NEW:
        official = getattr(incoming.handled_by, "official", None)
        name = display_name_of_official(official) if official is not None else incoming.handled_by.get_username()
        raise IncomingSmsRefused("already_handled", official=name)
    return incoming


def incoming_sms_file(*, incoming: IncomingSms, case: Case, official_user) -> IncomingSms:
    """The locked text (incoming_sms_lock) became `case`, in the same transaction. A text filed as an
    anonymous report forgets its sender's phone: kept beside the case, it would name the reporter."""
    incoming.case = case
    incoming.status = IncomingSmsStatus.FILED
    incoming.handled_by = official_user
    incoming.handled_at = timezone.now()
    fields = ["case", "status", "handled_by", "handled_at"]
    if case.is_anonymous:
        incoming.phone = ""
        fields += ["phone", "phone_digest"]
    incoming.save(update_fields=fields)
    return incoming


@transaction.atomic
def incoming_sms_dismiss(*, incoming_id: int, official_user, reason: str) -> IncomingSms:
    """Dismiss a text that is no case (a wrong number, advertising, a question answered), with why."""
    reason = (reason or "").strip()
    if not reason or len(reason) > DISMISSAL_REASON_MAX_CHARS:
        raise ValidationError(
            {
                "reason": [
                    _("Say why the text is dismissed, in at most %(limit)d characters.")
                    % {"limit": DISMISSAL_REASON_MAX_CHARS}
                ]
            }
        )
    incoming = incoming_sms_lock(incoming_id=incoming_id)
    incoming.status = IncomingSmsStatus.DISMISSED
    incoming.dismissal_reason = reason
    incoming.handled_by = official_user
    incoming.handled_at = timezone.now()
    incoming.save(update_fields=["status", "dismissal_reason", "handled_by", "handled_at"])
    return incoming
