"""Reading requests for an official (转人工): an authority's waiting requests, a consumer's own, and
what the bot chat bridge needs to know before it passes a message to the bot."""

from django.db.models import QuerySet

from mediation.models import Authority, Consumer, HelpRequest


def help_requests_waiting(*, authority: Authority) -> QuerySet[HelpRequest]:
    """The authority's open requests, oldest first: who waits longest is answered first."""
    return (
        HelpRequest.objects.filter(authority=authority, released_at__isnull=True)
        .select_related("authority", "room", "consumer__identity", "consumer__home_region")
        .prefetch_related("room__participants")
        .order_by("opened_at")
    )


def help_requests_of(*, consumer: Consumer) -> QuerySet[HelpRequest]:
    return (
        HelpRequest.objects.filter(consumer=consumer)
        .select_related("authority", "room")
        .prefetch_related("room__participants")
        .order_by("-opened_at")[:50]
    )


def latest_help_request_of(*, user) -> HelpRequest | None:
    """The user's newest request for an official, or None (also for users who are not consumers)."""
    return HelpRequest.objects.filter(consumer__user=user).order_by("-opened_at").first()
