"""The cases officials entered from the 12315 hotline, a letter or a visit for a caller who now has
an account: found by the same real-name identity (the same identity document, by its keyed digest,
and the same real name), never an anonymous report or the complaint filed with one."""

from django.db.models import QuerySet

from mediation.models import Case, Consumer


def hotline_cases_matching(*, consumer: Consumer | None) -> QuerySet[Case]:
    """The cases of callers without an account whose identity is the account holder `consumer`'s.
    Before the person consents only their number may be shown, nothing of the cases themselves: a
    name and an identity number are not proof of being the person who called."""
    identity = getattr(consumer, "identity", None) if consumer is not None else None
    if identity is None or consumer.user_id is None or not identity.id_digest:
        return Case.objects.none()
    return (
        Case.objects.filter(
            consumer__user__isnull=True,
            consumer__identity__has_account=False,
            consumer__identity__id_digest=identity.id_digest,
            consumer__identity__real_name=identity.real_name.strip(),
        )
        # An anonymous reporter must not be identifiable (docs/security.md): the report stays with
        # the caller's record, and so does the complaint filed with it, which would lead to it.
        .exclude(is_anonymous=True)
        .exclude(linked_case__is_anonymous=True)
        .order_by("received_at", "pk")
    )


def hotline_cases_count(*, consumer: Consumer | None) -> int:
    return hotline_cases_matching(consumer=consumer).count()
