"""消费投诉信息公示: the complaint figures published per business. Only counts and categories
leave this module; no consumer, text or case number does."""

import dataclasses
import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from mediation.models import Case, CaseCategory, CaseEvent, CaseKind, CaseStatus, MarketEntity
from mediation.selectors.follow_up import PublicRating, public_rating

HOT_CATEGORIES = 5
LEADERBOARD_SIZE = 20


def handled_complaints() -> QuerySet[Case]:
    """The complaints that count for disclosure: those an authority accepted and that are decided
    (settled, mediation ended, withdrawn, closed), and those the business settled directly in the
    ODR window. Complaints not accepted, returned, withdrawn before acceptance, still waiting or
    still in mediation are not the business's record yet."""
    accepted = CaseEvent.objects.filter(case=OuterRef("pk"), action="accept")
    in_progress = Q(status__in=[CaseStatus.ACCEPTED, CaseStatus.MEDIATING])
    return Case.objects.filter(kind=CaseKind.COMPLAINT).filter(
        (Exists(accepted) & ~in_progress) | Q(settled_directly=True)
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclasses.dataclass(frozen=True)
class ComplaintDisclosure:
    entity: MarketEntity
    complaints: int
    last_12_months: int
    previous_12_months: int
    # Mediations that ended: with an agreement recorded, or terminated (a party's refusal to
    # mediate included, Order 121 Art. 23(2)).
    mediations_settled: int
    mediations_terminated: int
    settled_directly: int
    hot_categories: list[tuple[str, int]]
    # The complainants' follow-up ratings of the handled complaints (回访, Order 121 Art. 26): the
    # count, and the average only from settings.FOLLOW_UP_MIN_RATINGS_PUBLISHED ratings on.
    rating: PublicRating | None = None

    @property
    def growth(self) -> float | None:
        """The change of the last 12 months against the 12 before, as a fraction."""
        if not self.previous_12_months:
            return None
        return (self.last_12_months - self.previous_12_months) / self.previous_12_months

    @property
    def mediation_success_rate(self) -> float | None:
        return _share(self.mediations_settled, self.mediations_settled + self.mediations_terminated)

    @property
    def settled_directly_share(self) -> float | None:
        return _share(self.settled_directly, self.complaints)


def complaint_disclosure(*, entity: MarketEntity, today: datetime.date | None = None) -> ComplaintDisclosure:
    """The published complaint figures of one business."""
    today = today or timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    two_years_ago = today - datetime.timedelta(days=730)
    settled_in_mediation = CaseEvent.objects.filter(case=OuterRef("pk"), action="settle")
    terminated = CaseEvent.objects.filter(case=OuterRef("pk"), action="terminate")
    cases = handled_complaints().filter(entity=entity)
    figures = cases.aggregate(
        complaints=Count("pk"),
        last_12_months=Count("pk", filter=Q(received_at__date__gt=year_ago)),
        previous_12_months=Count("pk", filter=Q(received_at__date__gt=two_years_ago, received_at__date__lte=year_ago)),
        mediations_settled=Count("pk", filter=Exists(settled_in_mediation)),
        mediations_terminated=Count("pk", filter=Exists(terminated)),
        settled_directly=Count("pk", filter=Q(settled_directly=True)),
    )
    labels = dict(CaseCategory.choices)
    hot = (
        cases.exclude(category="")
        .values("category")
        .annotate(count=Count("pk"))
        .order_by("-count", "category")[:HOT_CATEGORIES]
    )
    return ComplaintDisclosure(
        entity=entity,
        hot_categories=[(str(labels.get(row["category"], row["category"])), row["count"]) for row in hot],
        rating=public_rating(entity=entity, complaints=handled_complaints()),
        **figures,
    )


def most_complained_about(*, limit: int = LEADERBOARD_SIZE) -> list[tuple[MarketEntity, int]]:
    """The businesses with the most handled complaints, most first."""
    rows = handled_complaints().values("entity").annotate(count=Count("pk")).order_by("-count", "entity")[:limit]
    entities = MarketEntity.objects.in_bulk([row["entity"] for row in rows])
    return [(entities[row["entity"]], row["count"]) for row in rows]


def complaint_counts(*, entities: list[MarketEntity]) -> dict[int, int]:
    """Handled complaints per business, for a list of businesses (a search result)."""
    rows = handled_complaints().filter(entity__in=entities).values("entity").annotate(count=Count("pk"))
    return {row["entity"]: row["count"] for row in rows}
