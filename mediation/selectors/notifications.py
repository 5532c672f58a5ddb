"""A person's notifications, and their text in the reader's language, written when read or sent."""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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


def notification_text(notification: Notification) -> tuple[str, str]:
    """The title (the kind) and the body, in the active language."""
    kind = notification.kind
    title = str(NotificationKind(kind).label) if kind in NotificationKind.values else kind
    if notification.notice is not None:
        return title, notice_text(notification.notice)
    params = notification.params or {}
    number = notification.case.number if notification.case is not None else ""
    values = {"number": number}
    if kind == NotificationKind.RETURNED:
        ground = params.get("ground", "")
        values["ground"] = str(ReturnReason(ground).label) if ground in ReturnReason.values else ground
        body = _(
            "Case %(number)s was returned to you for correction: %(ground)s. Correct it on its page and send it again."
        )
    elif kind == NotificationKind.PASSED_TO_BUSINESS:
        body = _(
            "A consumer's complaint %(number)s about your business has been passed to you. Please reply on its page."
        )
    elif kind == NotificationKind.BUSINESS_REPLIED:
        body = _("The business has replied to your complaint %(number)s. Read the reply on the case page.")
    elif kind == NotificationKind.MEDIATION_STARTED:
        body = _("Mediation of complaint %(number)s has started. Take your seat in the mediation room.")
    elif kind == NotificationKind.SESSION_PROPOSED:
        body = _("The mediator proposes times for a mediation session of case %(number)s. Say which suit you.")
    elif kind == NotificationKind.SESSION_SCHEDULED:
        values["when"] = params.get("when", "")
        body = _("A mediation session of case %(number)s is scheduled: %(when)s.")
    elif kind == NotificationKind.SESSION_REMINDER:
        values["when"] = params.get("when", "")
        body = _("Reminder: the mediation session of case %(number)s is at %(when)s.")
    elif kind == NotificationKind.ROOM_MESSAGE:
        values["count"] = params.get("count", 1)
        body = _("%(count)s new messages in the mediation room of case %(number)s while you were away.")
    elif kind == NotificationKind.PROPOSAL_TO_ANSWER:
        values["proposal"] = params.get("proposal", "")
        body = _("Settlement proposal %(proposal)s of case %(number)s waits for your answer in the mediation room.")
    elif kind == NotificationKind.DOCUMENT_TO_SIGN:
        body = _("Both parties agreed in case %(number)s. The mediation document waits for your signature in the room.")
    elif kind == NotificationKind.CASE_CLOSED:
        body = _("Case %(number)s is closed.")
    elif kind == NotificationKind.RATE_HANDLING:
        body = _("Complaint %(number)s is closed. Please tell us how it was handled: rate it on its page.")
    elif kind == NotificationKind.DEADLINE_NEAR:
        values["due"] = _date(params.get("due", ""))
        body = _("The next time limit of case %(number)s runs out on %(due)s.")
    elif kind == NotificationKind.DEADLINE_PASSED:
        values["due"] = _date(params.get("due", ""))
        body = _("The time limit of case %(number)s ran out on %(due)s.")
    elif kind == NotificationKind.CLAIM_TO_DECIDE:
        values["business"] = params.get("business", "")
        body = _("%(business)s claims its registry entry. Check the document and decide.")
    elif kind == NotificationKind.CLAIM_DECIDED:
        values["business"] = params.get("business", "")
        values["reason"] = params.get("reason", "")
        if params.get("status") == "approved":
            body = _("Your claim of %(business)s was approved. You can now act for it and add its staff.")
        else:
            body = _("Your claim of %(business)s was refused. Reason: %(reason)s")
    else:
        body = title
    return title, body % values
