"""A person's notifications, and their text in the reader's language, written when read or sent."""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from mediation.models import Notification, NotificationKind, NotificationPreference, ReturnReason
from mediation.selectors.notices import notice_text


def notifications_of(*, user, limit: int = 100) -> QuerySet[Notification]:
    """What the notification centre lists: the newest first."""
    return (
        Notification.objects.filter(user=user, in_app=True)
        .select_related("case", "notice__case")
        .order_by("-updated_at", "-id")[:limit]
    )


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()


def notification_language(user) -> str:
    """A consumer's chosen language; everyone else reads the site's default."""
    consumer = getattr(user, "consumer", None)
    return consumer.preferred_language if consumer is not None else settings.LANGUAGE_CODE


def preferences_of(*, user) -> list[tuple[str, str, bool, bool, bool]]:
    """Each kind a person may be told of: (kind, label, on the site, by e-mail, a notice the law
    requires, which always reaches the site)."""
    from mediation.services.notifications import KIND_OF_NOTICE

    legal = {str(kind) for kind in KIND_OF_NOTICE.values()}
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, label in NotificationKind.choices:
        preference = chosen.get(kind)
        rows.append(
            (
                kind,
                str(label),
                True if preference is None else preference.in_app,
                True if preference is None else preference.by_email,
                kind in legal,
            )
        )
    return rows


def _date(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return value or "—"


K = NotificationKind
# The body of each kind of notification, by the values `notification_text` fills in. A claim decided
# reads by its outcome.
CLAIM_REFUSED = "claim_refused"
BODIES = {
    K.RETURNED: gettext_lazy(
        "Case %(number)s was returned to you for correction: %(ground)s. Correct it on its page and send it again."
    ),
    K.PASSED_TO_BUSINESS: gettext_lazy(
        "A consumer's complaint %(number)s about your business has been passed to you. Please reply on its page."
    ),
    K.BUSINESS_REPLIED: gettext_lazy(
        "The business has replied to your complaint %(number)s. Read the reply on the case page."
    ),
    K.MEDIATION_STARTED: gettext_lazy(
        "Mediation of complaint %(number)s has started. Take your seat in the mediation room."
    ),
    K.SESSION_PROPOSED: gettext_lazy(
        "The mediator proposes times for a mediation session of case %(number)s. Say which suit you."
    ),
    K.SESSION_SCHEDULED: gettext_lazy("A mediation session of case %(number)s is scheduled: %(when)s."),
    K.SESSION_REMINDER: gettext_lazy("Reminder: the mediation session of case %(number)s is at %(when)s."),
    K.ROOM_MESSAGE: gettext_lazy(
        "%(count)s new messages in the mediation room of case %(number)s while you were away."
    ),
    K.PROPOSAL_TO_ANSWER: gettext_lazy(
        "Settlement proposal %(proposal)s of case %(number)s waits for your answer in the mediation room."
    ),
    K.DOCUMENT_TO_SIGN: gettext_lazy(
        "Both parties agreed in case %(number)s. The mediation document waits for your signature in the room."
    ),
    K.CASE_CLOSED: gettext_lazy("Case %(number)s is closed."),
    K.RATE_HANDLING: gettext_lazy(
        "Complaint %(number)s is closed. Please tell us how it was handled: rate it on its page."
    ),
    K.DEADLINE_NEAR: gettext_lazy("The next time limit of case %(number)s runs out on %(due)s."),
    K.DEADLINE_PASSED: gettext_lazy("The time limit of case %(number)s ran out on %(due)s."),
    K.CLAIM_TO_DECIDE: gettext_lazy("%(business)s claims its registry entry. Check the document and decide."),
    K.CLAIM_DECIDED: gettext_lazy("Your claim of %(business)s was approved. You can now act for it and add its staff."),
    CLAIM_REFUSED: gettext_lazy("Your claim of %(business)s was refused. Reason: %(reason)s"),
}


def notification_text(notification: Notification) -> tuple[str, str]:
    """The title (the kind) and the body, in the active language."""
    kind = notification.kind
    title = str(NotificationKind(kind).label) if kind in NotificationKind.values else kind
    if notification.notice is not None:
        return title, notice_text(notification.notice)
    params = notification.params or {}
    ground = params.get("ground", "")
    values = {
        "number": notification.case.number if notification.case is not None else "",
        "ground": str(ReturnReason(ground).label) if ground in ReturnReason.values else ground,
        "when": params.get("when", ""),
        "count": params.get("count", 1),
        "proposal": params.get("proposal", ""),
        "due": _date(params.get("due", "")),
        "business": params.get("business", ""),
        "reason": params.get("reason", ""),
    }
    if kind == K.CLAIM_DECIDED and params.get("status") != "approved":
        kind = CLAIM_REFUSED
    body = BODIES.get(kind)
    return title, str(body) % values if body is not None else title
