"""Reading requests for an official (转人工): an authority's waiting requests, a consumer's own, and
what the bot chat bridge needs to know before it passes a message to the bot."""

from django.db.models import QuerySet

from mediation.models import Authority, Consumer, HelpRequest, RoomEvent, RoomEventKind, RoomRole


def help_requests_waiting(*, authority: Authority | int) -> QuerySet[HelpRequest]:
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


# How much of a live chat the bot is given when it takes over again: the latest messages, each cut.
TRANSCRIPT_MESSAGES = 20
TRANSCRIPT_MESSAGE_CHARACTERS = 500


def help_chat_transcript(*, help_request: HelpRequest) -> list[dict]:
    """What the consumer and the officials said in a request's live chat, oldest first (the latest
    TRANSCRIPT_MESSAGES): who spoke (the consumer, or an official by name and authority) and the
    words. The bot is given it when it takes over, so that it knows what was said."""
    messages = (
        RoomEvent.objects.filter(room_id=help_request.room_id, kind=RoomEventKind.MESSAGE)
        .select_related("author")
        .order_by("-seq")[:TRANSCRIPT_MESSAGES]
    )
    return [
        {
            "from": "consumer" if message.author and message.author.role == RoomRole.CONSUMER else "official",
            "name": message.author.display_name if message.author else "",
            "text": message.text[:TRANSCRIPT_MESSAGE_CHARACTERS],
        }
        for message in reversed(list(messages))
    ]


def desk_waiting(*, authority_id: int) -> list[dict]:
    """The duty desk of an authority: each open request with who waits (masked name and home
    region; a partner agency sees no more of a mainland consumer), since when, what the bot had
    gathered, and which officials have answered it."""
    waiting = []
    for request in help_requests_waiting(authority=authority_id):
        answering = [
            seat.display_name
            for seat in request.room.participants.all()
            if seat.role == "duty_official" and seat.first_joined_at is not None
        ]
        waiting.append(
            {
                "id": request.pk,
                "name": request.consumer.masked_name,
                "home_region": request.consumer.home_region.name if request.consumer.home_region else "",
                "since": request.opened_at,
                "summary": request.summary if isinstance(request.summary, list) else [],
                "answering": answering,
            }
        )
    return waiting


def desk_count(*, authority_id: int) -> int:
    """How many requests wait at an authority's desk with nobody answering yet (for the pages'
    header; the desk's socket counts the list it reads)."""
    return (
        HelpRequest.objects.filter(authority_id=authority_id, released_at__isnull=True)
        .exclude(room__participants__role="duty_official", room__participants__first_joined_at__isnull=False)
        .count()
    )
