"""Reading the follow-up ratings (回访, Order 121 Art. 26): the complainant's own rating, the handling
bureau's list and figures, and, for the public disclosure, a business's average where enough
ratings exist (never a comment, never who rated)."""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mediation.models import Authority, Case, CaseKind, CaseStatus, FollowUp, MarketEntity
from mediation.selectors.cases import Relation, case_relations

# Who reads a case's rating and comment besides the complainant: the bureau that handled it,
# whose handling it rates.
READING_RELATIONS = frozenset({Relation.HANDLING})


@dataclasses.dataclass(frozen=True)
class CaseFollowUp:
    follow_up: FollowUp | None
    may_rate: bool  # the complainant, on their closed complaint not rated yet
    own: bool  # the complainant's own rating


def case_follow_up(case: Case, *, user) -> CaseFollowUp | None:
    """What the case page shows of the follow-up to `user`, or None (nothing to show)."""
    if case.kind != CaseKind.COMPLAINT:
        return None
    relations = case_relations(user, case)
    follow_up = FollowUp.objects.filter(case=case).first()
    if Relation.OWN in relations:
        if case.status != CaseStatus.CLOSED:
            return None
        return CaseFollowUp(follow_up=follow_up, may_rate=follow_up is None, own=True)
    if relations & READING_RELATIONS and follow_up is not None:
        return CaseFollowUp(follow_up=follow_up, may_rate=False, own=False)
    return None


@dataclasses.dataclass(frozen=True)
class BureauFollowUps:
    authority: Authority
    since: datetime.date
    until: datetime.date
    count: int
    average: float | None
    by_rating: list[tuple[int, int]]  # (rating, count), 5 down to 1
    by_month: list[tuple[datetime.date, int, float]]  # (first day of the month, count, average)
    ratings: list[FollowUp]


PAGE_SIZE = 200


def bureau_follow_ups(*, authority: Authority, since: datetime.date, until: datetime.date) -> BureauFollowUps:
    """The ratings of the complaints `authority` handled, given from `since` to `until` (local days,
    both included): count, average, how many of each rating, month by month, and the newest."""
    rows = FollowUp.objects.filter(
        case__handling_authority=authority,
        rated_at__date__gte=since,
        rated_at__date__lte=until,
    )
    figures = rows.aggregate(count=Count("pk"), average=Avg("rating"))
    counts = dict(rows.values_list("rating").annotate(n=Count("pk")).order_by())
    months = (
        rows.annotate(month=TruncMonth("rated_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("pk"), average=Avg("rating"))
        .order_by("month")
    )
    return BureauFollowUps(
        authority=authority,
        since=since,
        until=until,
        count=figures["count"],
        average=figures["average"],
        by_rating=[(rating, counts.get(rating, 0)) for rating in range(5, 0, -1)],
        by_month=[(row["month"].date(), row["n"], row["average"]) for row in months],
        ratings=list(rows.select_related("case__entity").order_by("-rated_at", "-pk")[:PAGE_SIZE]),
    )


@dataclasses.dataclass(frozen=True)
class PublicRating:
    count: int
    # None below the minimum: too few ratings to publish a figure (and a lone rating would tell
    # the business how one complainant rated).
    average: float | None
    minimum: int


def public_rating(*, entity: MarketEntity, complaints: QuerySet[Case]) -> PublicRating:
    """The average rating of `entity`'s handled complaints (`complaints`, the disclosure's own set),
    published only from settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED ratings on."""
    minimum = settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED
    figures = FollowUp.objects.filter(case__in=complaints.filter(entity=entity)).aggregate(
        count=Count("pk"), average=Avg("rating")
    )
    shown = figures["average"] if figures["count"] >= minimum else None
    return PublicRating(count=figures["count"], average=shown, minimum=minimum)
