"""Telling people what concerns them, without their having to look: a notification in the site's
notification centre and, where the person wants it and has an address, an e-mail (Django's e-mail
framework: the console in `make run`, SMTP from the settings in production).

Notifications are written inside the transaction of the change they tell of, so a change that rolls
back tells nobody; the e-mail is queued for the task worker once the change commits. A notice a rule
requires (mediation.services.notices) always reaches the site; the person chooses only whether it is
e-mailed too. The day a notice went out is its notification's `created_at` (and `emailed_at`).

What each move of a case tells whom is registered here with the life-cycle hooks, like the notices."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from mediation.models import (
    Case,
    CaseKind,
    CaseNotice,
    CaseStatus,
    MediationRoom,
    NoticeKind,
    NoticeRecipient,
    Notification,
    NotificationKind,
    NotificationPreference,
    RoomEvent,
    RoomEventKind,
    RoomParticipant,
    RoomRole,
    RoomStatus,
    channels_visible_to,
)
from mediation.selectors.cases import authority_users, business_users, complainant_users
from mediation.services.transitions import on_action, on_entering

# The notification that carries each notice a rule requires.
KIND_OF_NOTICE = {
    NoticeKind.ACCEPTED: NotificationKind.ACCEPTED,
    NoticeKind.NOT_ACCEPTED: NotificationKind.NOT_ACCEPTED,
    NoticeKind.MEDIATION_ENDED: NotificationKind.MEDIATION_ENDED,
    NoticeKind.FORWARDED: NotificationKind.FORWARDED,
    NoticeKind.NOT_PERFORMED: NotificationKind.NOT_PERFORMED,
    NoticeKind.REPORT_CASE_DECISION: NotificationKind.REPORT_DECISION,
    NoticeKind.ONSITE_SESSION: NotificationKind.SESSION_SCHEDULED,
}


def _users(users: Iterable) -> list:
    seen, unique = set(), []
    for user in users:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            unique.append(user)
    return unique


def notify(
    *,
    users: Iterable,
    kind: str,
    case: Case | None = None,
    params: dict | None = None,
    link: str = "",
    dedupe_key: str = "",
    notice: CaseNotice | None = None,
    renew: bool = False,
) -> list[Notification]:
    """Tell `users` of something of `kind`. With `dedupe_key`, a person is told of it once; with
    `renew` too, telling again brings that notification back as unread with the new `params` (unread
    room messages, say) instead of adding another. Call inside the transaction of the change; e-mail
    goes after commit. Returns the notifications written or renewed."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    users = _users(users)
    if not users:
        return []
    if not link and case is not None:
        link = reverse("web:case", args=[case.number])
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(user__in=users, kind=kind)
    }
    sent = []
    for user in users:
        preference = preferences.get(user.pk)
        # A notice the law requires reaches the site whatever the person chose.
        in_app = notice is not None or preference is None or preference.in_app
        by_email = bool(user.email) and (preference is None or preference.by_email)
        if not in_app and not by_email:
            continue
        fields = {"case": case, "params": params or {}, "link": link, "notice": notice, "in_app": in_app}
        if dedupe_key:
            notification, created = Notification.objects.select_for_update().get_or_create(
                user=user, kind=kind, dedupe_key=dedupe_key, defaults=fields
            )
            if not created and not renew:
                continue
            if not created:
                was_unread = notification.read_at is None
                for name, value in fields.items():
                    setattr(notification, name, value)
                notification.read_at = None
                notification.save(update_fields=[*fields, "read_at", "updated_at"])
                if was_unread:  # already waiting for them: no second e-mail
                    sent.append(notification)
                    continue
        else:
            notification = Notification.objects.create(user=user, kind=kind, dedupe_key="", **fields)
        if by_email:
            _email_after_commit(notification.pk)
        sent.append(notification)
    return sent


def _email_after_commit(notification_id: int) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task("mediation.tasks.notification_email_send", notification_id, group="notifications")
    )


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification in its reader's language, once. Returns whether it was sent now."""
    from mediation.selectors.notifications import notification_language, notification_text

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "case", "notice")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        # The person's choice when the e-mail goes, which may have changed since it was queued.
        preference = NotificationPreference.objects.filter(user=notification.user, kind=notification.kind).first()
        if preference is not None and not preference.by_email:
            return False
        from django.utils import translation

        with translation.override(notification_language(notification.user)):
            title, body = notification_text(notification)
            link = settings.SITE_URL.rstrip("/") + reverse("web:notification", args=[notification.pk])
            message = f"{body}\n\n{link}\n"
        send_mail(
            subject=f"[12315] {title}",
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: those given, or all. Returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(*, user, choices: dict[str, tuple[bool, bool]], email: str | None = None) -> None:
    """Keep how `user` wants each kind: `choices` maps a kind to (on the site, by e-mail). With
    `email`, the address e-mails go to (empty: none)."""
    unknown = set(choices) - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    if email is not None and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    for kind, (in_app, by_email) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "by_email": by_email}
        )


def notice_sent(notice: CaseNotice) -> None:
    """A notice a rule requires goes out to its recipients who have an account."""
    case = notice.case
    users = complainant_users(case) if notice.recipient == NoticeRecipient.CONSUMER else business_users(case)
    notify(
        users=users,
        kind=KIND_OF_NOTICE[notice.kind],
        case=case,
        notice=notice,
        dedupe_key=f"notice:{notice.pk}",
    )


@on_action("return")
def returned_tell(*, case: Case, ground: str, reason: str, **_move) -> None:
    notify(users=complainant_users(case), kind=NotificationKind.RETURNED, case=case, params={"ground": ground})


@on_action("send_to_business")
@on_entering(CaseStatus.ACCEPTED)
def business_tell(*, case: Case, **_move) -> None:
    """The business hears of a complaint once, when it is sent to it (ODR) or accepted."""
    notify(
        users=business_users(case),
        kind=NotificationKind.PASSED_TO_BUSINESS,
        case=case,
        params={"status": case.status},
        dedupe_key=f"told:{case.pk}",
    )


@on_action("respond")
def business_reply_tell(*, case: Case, **_move) -> None:
    notify(users=complainant_users(case), kind=NotificationKind.BUSINESS_REPLIED, case=case)


@on_entering(CaseStatus.MEDIATING)
def mediation_started_tell(*, case: Case, co_mediator=None, **_move) -> None:
    link = reverse("web:room", args=[case.number])
    notify(
        users=[*complainant_users(case), *business_users(case), co_mediator],
        kind=NotificationKind.MEDIATION_STARTED,
        case=case,
        link=link,
        dedupe_key=f"mediation:{case.pk}",
    )


@on_entering(CaseStatus.CLOSED)
def closed_tell(*, case: Case, **_move) -> None:
    # The complainant of a complaint is told by the request to rate its handling, which says it is
    # closed (mediation.services.follow_up.rating_ask); a reporter is told here.
    told = complainant_users(case) if case.kind == CaseKind.REPORT else []
    notify(users=[*told, *business_users(case)], kind=NotificationKind.CASE_CLOSED, case=case)


def proposal_tell(*, room: MediationRoom, proposer_role: str, number: int) -> None:
    """A settlement proposal waits for the answer of the party who did not make it."""
    case = room.case
    parties = {RoomRole.CONSUMER: complainant_users(case), RoomRole.MERCHANT: business_users(case)}
    for role, users in parties.items():
        if role != proposer_role:
            notify(
                users=users,
                kind=NotificationKind.PROPOSAL_TO_ANSWER,
                case=case,
                params={"proposal": number},
                link=reverse("web:room", args=[case.number]),
                dedupe_key=f"proposal:{room.pk}:{number}",
            )


def document_to_sign_tell(*, room: MediationRoom) -> None:
    case = room.case
    notify(
        users=[*complainant_users(case), *business_users(case)],
        kind=NotificationKind.DOCUMENT_TO_SIGN,
        case=case,
        link=reverse("web:room", args=[case.number]),
        dedupe_key=f"document:{room.pk}",
    )


# Messages count as missed once they have waited this long unread: someone reading the room now
# reads them within it.
ROOM_AWAY_AFTER = datetime.timedelta(minutes=2)


def room_messages_missed_tell(*, now: datetime.datetime | None = None) -> int:
    """Tell each seated person of the messages they have not read in an open mediation room, when
    the oldest has waited ROOM_AWAY_AFTER: one notification per person and room, brought back as
    unread with the new count. Only the channels the person reads count, never their own messages."""
    now = now or timezone.now()
    told = 0
    seats = RoomParticipant.objects.filter(
        room__kind="mediation", room__status=RoomStatus.OPEN, room__last_seq__gt=0
    ).select_related("room__case", "user")
    for seat in seats.filter(last_read_seq__lt=F("room__last_seq")):
        unread = RoomEvent.objects.filter(
            room_id=seat.room_id,
            seq__gt=seat.last_read_seq,
            kind=RoomEventKind.MESSAGE,
            channel__in=channels_visible_to(seat.role),
        ).exclude(author__user_id=seat.user_id)
        first = unread.order_by("seq").values_list("created_at", flat=True).first()
        if first is None or now - first < ROOM_AWAY_AFTER:
            continue
        count = unread.count()
        existing = Notification.objects.filter(
            user_id=seat.user_id, kind=NotificationKind.ROOM_MESSAGE, dedupe_key=f"room:{seat.room_id}"
        ).first()
        if existing is not None and existing.read_at is None and existing.params.get("count") == count:
            continue
        with transaction.atomic():
            notify(
                users=[seat.user],
                kind=NotificationKind.ROOM_MESSAGE,
                case=seat.room.case,
                params={"count": count},
                link=reverse("web:room", args=[seat.room.case.number]),
                dedupe_key=f"room:{seat.room_id}",
                renew=True,
            )
        told += 1
    return told


# Officials hear of a time limit this many days before it runs out, and once it has passed.
DEADLINE_WARNING_DAYS = 2


def deadlines_tell(*, today: datetime.date | None = None) -> int:
    """Tell the handling bureau's officials of each open case whose next time limit falls within
    DEADLINE_WARNING_DAYS, or has passed: once per case, time limit and kind."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DEADLINE_WARNING_DAYS)
    cases = (
        Case.objects.filter(next_due__isnull=False, next_due__lte=soon)
        .exclude(status__in=[CaseStatus.CLOSED])
        .select_related("handling_authority")
    )
    officials_of: dict[int, list] = {}
    told = 0
    for case in cases.iterator():
        if case.handling_authority_id not in officials_of:
            officials_of[case.handling_authority_id] = authority_users(case.handling_authority_id)
        kind = NotificationKind.DEADLINE_PASSED if case.next_due < today else NotificationKind.DEADLINE_NEAR
        with transaction.atomic():
            told += len(
                notify(
                    users=officials_of[case.handling_authority_id],
                    kind=kind,
                    case=case,
                    params={"due": case.next_due.isoformat()},
                    dedupe_key=f"due:{case.pk}:{case.next_due.isoformat()}",
                )
            )
    return told
