"""Grants for the triage bot: what lets its service account act for one person, and only while they
chat with it.

The web chat (channels_app/bot_chat.py) knows who is signed in. With every message it passes to the
bot it issues a grant for that person: a value signed with the product's secret key that names
the consumer and expires after CHAT_GRANT_SECONDS. The action server presents it with its service
token (header X-Chat-Grant). The API then acts for the consumer the grant names and no one else, so
a leaked or misused service token alone reads and files nothing."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from mediation.models import Consumer

GRANT_HEADER = "X-Chat-Grant"
_SALT = "mediation.chat-grant"


def chat_grant_issue(*, consumer_id: int) -> str:
    return signing.dumps({"consumer": consumer_id}, salt=_SALT, compress=False)


def chat_grant_consumer(grant: str | None) -> Consumer:
    """The registered consumer a valid, unexpired grant names; PermissionDenied otherwise."""
    if not grant:
        raise PermissionDenied(_("Acting for a consumer needs the grant of their chat (header X-Chat-Grant)."))
    try:
        claim = signing.loads(grant, salt=_SALT, max_age=settings.CHAT_GRANT_SECONDS)
    except signing.SignatureExpired:
        raise PermissionDenied(_("The chat's grant has expired; the person must write again.")) from None
    except signing.BadSignature:
        raise PermissionDenied(_("The chat's grant is not valid.")) from None
    consumer = Consumer.objects.filter(pk=claim.get("consumer"), user__isnull=False).select_related("user").first()
    if consumer is None:
        raise PermissionDenied(_("The chat's grant names no registered consumer."))
    return consumer
