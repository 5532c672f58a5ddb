"""Text messages (短消息) out of the product, in the manner of Django's e-mail framework: a message,
a connection to the backend that `SMS_BACKEND` names, and `send_texts`. How to write a provider's
adapter: mediation/sms/backends/base.py."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from mediation.sms.parts import split_text, units, without_marker

__all__ = ["TextMessage", "get_connection", "mask_phone", "send_texts", "split_text", "units", "without_marker"]


def mask_phone(phone: str) -> str:
    """+8613812345678 -> +86 138****5678: enough for its owner to recognise, not to call."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:-8]}****{phone[-4:]}"


@dataclass
class TextMessage:
    """One text to one phone (E.164). `parts` are what goes on the air, split by the backend when
    empty; the backend sets `provider_reference`."""

    to: str
    body: str
    parts: list[str] = field(default_factory=list)
    provider_reference: str = ""

    def __repr__(self) -> str:  # never the phone or the text in a log or a traceback
        return f"<TextMessage of {len(self.parts) or '?'} parts>"


def get_connection(backend: str | None = None, fail_silently: bool = False, **kwargs):
    """The backend `backend` names (by default settings.SMS_BACKEND), made with `kwargs`."""
    klass = import_string(backend or settings.SMS_BACKEND)
    return klass(fail_silently=fail_silently, **kwargs)


def send_texts(messages, *, fail_silently: bool = False, connection=None) -> int:
    """Split each message into its parts and send them all through one connection; return how many
    messages were sent."""
    messages = list(messages)
    connection = connection or get_connection(fail_silently=fail_silently)
    for message in messages:
        if not message.parts:
            message.parts = connection.split(message.body)
    with connection:
        return connection.send_messages(messages)
