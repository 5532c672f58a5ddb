"""Who handles cases well, in public: the handling figures of each business and of each authority
that handles cases (bureaus, consumer associations), over a stated period (Order 121 Art. 38).

Every figure counts decided cases only, each in the period of the move that decided it, so a past
period's figures do not change; a figure with fewer than settings.HANDLING_FIGURES_MIN_CASES cases
behind it is not published, and then neither are its counts. docs/analysis.md ("Who handles cases
well") defines each figure. Only counts, shares and durations leave this module: no consumer, no
text, no case number.

Cost: one aggregate query (grouped by business or by authority) for a page of any number of them,
plus one grouped query for the working days to close; each case is read once, with its events
looked up by index. The indexes that serve them: `case_entity_kind_idx` (entity, kind) for a
business's complaints, `case_queue_idx` (handling_authority, status) for an authority's cases, the
foreign-key index of `CaseEvent.case` for each case's moves, and `case_kind_received_idx` (kind,
received_at) for the feed's list of businesses."""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import (
    Authority,
    AuthorityKind,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    MarketEntity,
    Region,
)
from mediation.services.working_days import WorkingCalendar

# Authorities that handle cases and whose figures are published: the bureaus, and the consumer
# associations that handle complaints sent to them (CRPL Art. 37, 39).
HANDLING_KINDS = (AuthorityKind.BUREAU, AuthorityKind.CONSUMER_ASSOCIATION)

# The first year a choice of year may name: Order 20 took effect on 2020-01-01.
FIRST_YEAR = 2020

# The statuses a complaint's handling ends in (closing comes after one of them).
HANDLING_ENDED = (CaseStatus.SETTLED, CaseStatus.TERMINATED, CaseStatus.WITHDRAWN, CaseStatus.NOT_ACCEPTED)
# The moves that end a mediation: an agreement (in the room, or a joint complaint's agreement the
# complainant accepted, Order 121 Art. 12) or a termination on a ground of Art. 23. A complainant's
# withdrawal is neither success nor failure and is not counted.
MEDIATION_AGREEMENTS = ("settle", "accept_joint_agreement", "record_joint_agreement")
MEDIATION_ENDINGS = (*MEDIATION_AGREEMENTS, "terminate")
ACCEPTANCE_DECISIONS = ("accept", "not_accept")


class Unit:
    SHARE = "share"  # a fraction of `cases`, `part` of them
    COUNT = "count"
    DURATION = "duration"  # a datetime.timedelta
    WORKING_DAYS = "working_days"


# Each figure's name on the page, and what it means: the numerator, the denominator and what
# counts as decided. The same sentences go with the open feed.
FIGURES = {
    "response_rate": (
        gettext_lazy("Response rate"),
        gettext_lazy(
            "Of the complaints passed to the business (sent to it directly, or accepted by an authority) whose "
            "handling ended in the period (settled, mediation ended, withdrawn or not accepted), the share it "
            "replied to on the record from its case page. Complaints still being handled are not counted."
        ),
    ),
    "reply_median": (
        gettext_lazy("Median time to reply"),
        gettext_lazy(
            "Among those complaints it replied to, the time from being told of the complaint to its first reply: "
            "half replied sooner, half later."
        ),
    ),
    "mediation_success": (
        gettext_lazy("Mediations ended in agreement"),
        gettext_lazy(
            "Of the mediations of its complaints that ended in the period, the share that ended in an agreement; "
            "the others were terminated, a party's refusal to mediate included. A withdrawn complaint is not "
            "counted, nor a mediation still going on."
        ),
    ),
    "odr_kept": (
        gettext_lazy("Online dispute resolution commitments kept"),
        gettext_lazy(
            "Of the complaints sent to it directly as an online dispute resolution business whose direct "
            "settlement ended in the period, the share it settled within the direct-settlement period "
            "(10 working days); the others went on to the authority. A complaint withdrawn at that stage is "
            "not counted, nor one still waiting."
        ),
    ),
    "received": (
        gettext_lazy("Cases received"),
        gettext_lazy(
            "The complaints and reports received in the period that this authority handles (a case forwarded "
            "to it counts here, not at the authority that forwarded it)."
        ),
    ),
    "accepted_in_time": (
        gettext_lazy("Acceptance decided within 7 working days"),
        gettext_lazy(
            "Of the complaints whose acceptance it decided in the period (accepted or not accepted), the share "
            "decided within 7 working days of receipt (Order 121 Art. 15). The days start again when a complaint "
            "comes back corrected, from the business's direct settlement or from another bureau. Complaints "
            "waiting for the decision are not counted."
        ),
    ),
    "mediated_in_time": (
        gettext_lazy("Mediations ended within the mediation period"),
        gettext_lazy(
            "Of the mediations that ended in the period, in an agreement or a termination, the share that ended "
            "within the mediation period: 60 days from acceptance (Order 121 Art. 23(5); 45 working days for "
            "complaints accepted before 15 April 2026), the time of testing or appraisal not counted."
        ),
    ),
    "days_to_close": (
        gettext_lazy("Average working days from receipt to close"),
        gettext_lazy(
            "Of the cases it closed in the period, the average number of working days from receipt to closing "
            "(the day of receipt not counted)."
        ),
    ),
}


def minimum_cases() -> int:
    return settings.HANDLING_FIGURES_MIN_CASES


@dataclasses.dataclass(frozen=True)
class Figure:
    """One figure: its value over `cases` decided cases (`part` of them, for a share). Hidden when
    fewer than the minimum cases are behind it: then it carries no number at all."""

    name: str
    unit: str
    value: float | int | datetime.timedelta | None = None
    cases: int | None = None
    part: int | None = None

    @property
    def hidden(self) -> bool:
        return self.cases is None

    @property
    def label(self) -> str:
        return str(FIGURES[self.name][0])

    @property
    def meaning(self) -> str:
        return str(FIGURES[self.name][1])


def _figure(name: str, unit: str, *, cases: int, value=None, part: int | None = None) -> Figure:
    if cases < minimum_cases():
        return Figure(name=name, unit=unit)
    return Figure(name=name, unit=unit, value=value, cases=cases, part=part)


def _share(name: str, *, part: int, cases: int) -> Figure:
    return _figure(name, Unit.SHARE, cases=cases, part=part, value=part / cases if cases else None)


@dataclasses.dataclass(frozen=True)
class FiguresPeriod:
    """The local days a set of figures covers, both included: the last 12 full months, or a year
    (until today while the year runs)."""

    since: datetime.date
    until: datetime.date
    year: int | None = None

    def has(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lte": self.until})


def figures_period(*, year: int | None = None, today: datetime.date | None = None) -> FiguresPeriod:
    today = today or timezone.localdate()
    if year is None:
        this_month = today.replace(day=1)
        return FiguresPeriod(
            since=this_month.replace(year=this_month.year - 1), until=this_month - datetime.timedelta(days=1)
        )
    return FiguresPeriod(since=datetime.date(year, 1, 1), until=min(datetime.date(year, 12, 31), today), year=year)


def figures_period_from(value: str, *, today: datetime.date | None = None) -> FiguresPeriod:
    """The period a request names by `year` ("" for the last 12 full months); raises ValidationError
    in the reader's language for anything but a year from FIRST_YEAR to this year."""
    today = today or timezone.localdate()
    value = (value or "").strip()
    if not value:
        return figures_period(today=today)
    if not (value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= today.year):
        raise ValidationError(
            {
                "year": [
                    _("Choose the last 12 months or a year from %(first)s to %(last)s.")
                    % {"first": FIRST_YEAR, "last": today.year}
                ]
            }
        )
    return figures_period(year=int(value), today=today)


def figures_years(*, today: datetime.date | None = None) -> list[int]:
    """The years to offer, newest first: from the first case received (not before FIRST_YEAR) to
    this year. Two index reads (`case_kind_received_idx`)."""
    today = today or timezone.localdate()
    firsts = [
        Case.objects.filter(kind=kind).order_by("received_at").values_list("received_at", flat=True).first()
        for kind in CaseKind.values
    ]
    first = min((timezone.localdate(at).year for at in firsts if at is not None), default=today.year)
    return list(range(today.year, max(first, FIRST_YEAR) - 1, -1))


class Median(Aggregate):
    """The median (PostgreSQL's percentile_cont) of a number or a duration."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _moves(**filters) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=OuterRef("pk"), **filters)


def _first_day(moves: QuerySet[CaseEvent]) -> Subquery:
    """The local day of the first of a case's `moves`."""
    return Subquery(moves.order_by("at", "pk").annotate(day=TruncDate("at")).values("day")[:1])


def _last_day(moves: QuerySet[CaseEvent]) -> Subquery:
    return Subquery(moves.order_by("-at", "-pk").annotate(day=TruncDate("at")).values("day")[:1])


def _decided_by(period: FiguresPeriod, cases: QuerySet[Case]) -> QuerySet[Case]:
    """Leave out, before any of their moves is read, the cases that cannot count in `period`: those
    received after it, and those not saved since it began. Every move saves its case (`updated_at`),
    so a case received, decided or closed in the period was saved in it (a day's margin: the case is
    saved a moment before its move is recorded). Years of older cases are then not read at all."""
    return cases.filter(
        received_at__date__lte=period.until,
        updated_at__date__gte=period.since - datetime.timedelta(days=1),
    )


# ---- Businesses ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BusinessFigures:
    entity: MarketEntity
    period: FiguresPeriod
    minimum: int
    response_rate: Figure
    reply_median: Figure
    mediation_success: Figure
    # Only for a business taking part in online dispute resolution (MarketEntity.is_odr).
    odr_kept: Figure | None

    @property
    def figures(self) -> list[Figure]:
        return [
            figure
            for figure in (self.response_rate, self.reply_median, self.mediation_success, self.odr_kept)
            if figure is not None
        ]


def _business_rows(*, entity_ids: Sequence[int], period: FiguresPeriod) -> dict[int, dict]:
    """The counts behind the figures of each business, in one query grouped by business."""
    complaints = _decided_by(period, Case.objects.filter(kind=CaseKind.COMPLAINT, entity_id__in=entity_ids)).annotate(
        ended_on=_first_day(_moves(to_status__in=HANDLING_ENDED)),
        first_reply_at=Subquery(_moves(action="respond").order_by("at", "pk").values("at")[:1]),
        mediation_ended_on=_first_day(_moves(action__in=MEDIATION_ENDINGS)),
        mediation_agreed=Exists(_moves(action__in=MEDIATION_AGREEMENTS)),
        sent_directly=Exists(_moves(action="send_to_business")),
        settled_directly_on=_first_day(_moves(action="settle_directly")),
        escalated_on=_last_day(_moves(action="escalate")),
    )
    told_and_ended = Q(business_notified_at__isnull=False) & period.has("ended_on")
    replied = told_and_ended & Q(first_reply_at__isnull=False)
    mediation_ended = period.has("mediation_ended_on")
    settled_directly = Q(sent_directly=True) & period.has("settled_directly_on")
    direct_ended = settled_directly | (
        Q(sent_directly=True, settled_directly_on__isnull=True) & period.has("escalated_on")
    )
    rows = (
        complaints.values("entity_id")
        .annotate(
            response_cases=Count("pk", filter=told_and_ended),
            replied=Count("pk", filter=replied),
            reply_median=Median(
                F("first_reply_at") - F("business_notified_at"), filter=replied, output_field=DurationField()
            ),
            mediations_ended=Count("pk", filter=mediation_ended),
            mediations_agreed=Count("pk", filter=mediation_ended & Q(mediation_agreed=True)),
            direct_cases=Count("pk", filter=direct_ended),
            direct_kept=Count("pk", filter=settled_directly & Q(settled_directly_on__lte=F("odr_due"))),
        )
        .order_by()
    )
    return {row.pop("entity_id"): row for row in rows}


_NO_COMPLAINTS = {
    "response_cases": 0,
    "replied": 0,
    "reply_median": None,
    "mediations_ended": 0,
    "mediations_agreed": 0,
    "direct_cases": 0,
    "direct_kept": 0,
}


def _business_figures(entity: MarketEntity, row: dict, period: FiguresPeriod) -> BusinessFigures:
    return BusinessFigures(
        entity=entity,
        period=period,
        minimum=minimum_cases(),
        response_rate=_share("response_rate", part=row["replied"], cases=row["response_cases"]),
        reply_median=_figure("reply_median", Unit.DURATION, cases=row["replied"], value=row["reply_median"]),
        mediation_success=_share("mediation_success", part=row["mediations_agreed"], cases=row["mediations_ended"]),
        odr_kept=_share("odr_kept", part=row["direct_kept"], cases=row["direct_cases"]) if entity.is_odr else None,
    )


def businesses_figures(*, entities: Iterable[MarketEntity], period: FiguresPeriod) -> list[BusinessFigures]:
    """The handling figures of each of `entities` (a page of them), in their order."""
    entities = list(entities)
    rows = _business_rows(entity_ids=[entity.pk for entity in entities], period=period) if entities else {}
    return [_business_figures(entity, rows.get(entity.pk, _NO_COMPLAINTS), period) for entity in entities]


def business_figures(*, entity: MarketEntity, period: FiguresPeriod) -> BusinessFigures:
    """How one business handled the complaints about it in `period` (its public page)."""
    (figures,) = businesses_figures(entities=[entity], period=period)
    return figures


def businesses_with_figures(
    *, period: FiguresPeriod, region: Region | None = None, entity_id: int | None = None
) -> QuerySet[MarketEntity]:
    """The registered businesses with a complaint whose handling, mediation or direct settlement
    ended in `period`, by id; with `region`, those whose place of business (else registered region)
    lies in it."""
    moved = CaseEvent.objects.filter(case=OuterRef("pk"), at__date__gte=period.since, at__date__lte=period.until)
    decided = moved.filter((Q(to_status__in=HANDLING_ENDED) & ~Q(from_status=F("to_status"))) | Q(action="escalate"))
    complaints = Case.objects.filter(
        kind=CaseKind.COMPLAINT, received_at__date__lte=period.until, business_notified_at__isnull=False
    ).filter(Exists(decided))
    entities = MarketEntity.objects.filter(pk__in=complaints.values("entity_id"))
    if entity_id is not None:
        entities = entities.filter(pk=entity_id)
    if region is not None:
        entities = entities.filter(
            _in_region("business_region", region)
            | (Q(business_region__isnull=True) & _in_region("registered_region", region))
        )
    return entities.order_by("pk")


def _in_region(field: str, region: Region) -> Q:
    """`field` is `region` or a region under it (counties under prefectures under provinces)."""
    return Q(**{field: region}) | Q(**{f"{field}__parent": region}) | Q(**{f"{field}__parent__parent": region})


# ---- Authorities --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AuthorityFigures:
    authority: Authority
    period: FiguresPeriod
    minimum: int
    received: Figure
    accepted_in_time: Figure
    mediated_in_time: Figure
    days_to_close: Figure

    @property
    def figures(self) -> list[Figure]:
        return [self.received, self.accepted_in_time, self.mediated_in_time, self.days_to_close]


def _authority_rows(*, authority_ids: Sequence[int], period: FiguresPeriod) -> dict[int, dict]:
    """The counts behind the figures of each authority, in one query grouped by authority."""
    cases = _decided_by(period, Case.objects.filter(handling_authority_id__in=authority_ids)).annotate(
        acceptance_decided_on=_first_day(_moves(action__in=ACCEPTANCE_DECISIONS)),
        mediation_ended_on=_first_day(_moves(action__in=MEDIATION_ENDINGS)),
    )
    complaint = Q(kind=CaseKind.COMPLAINT)
    decided = complaint & period.has("acceptance_decided_on")
    mediation_ended = complaint & period.has("mediation_ended_on")
    # Ended on or before its last day; or ended while suspended (testing, a recusal request) when the
    # suspension began by then: the days suspended do not count (Art. 21, 22), so its clock had
    # stopped before the period ran out.
    in_time = Q(mediation_ended_on__lte=F("mediation_due")) | Q(mediation_suspended_since__lte=F("mediation_due"))
    rows = (
        cases.values("handling_authority_id")
        .annotate(
            received=Count("pk", filter=period.has("received_at__date")),
            acceptance_decided=Count("pk", filter=decided),
            accepted_in_time=Count("pk", filter=decided & Q(acceptance_decided_on__lte=F("acceptance_due"))),
            mediations_ended=Count("pk", filter=mediation_ended),
            mediations_in_time=Count("pk", filter=mediation_ended & in_time),
        )
        .order_by()
    )
    return {row.pop("handling_authority_id"): row for row in rows}


def _closing_days(*, authority_ids: Sequence[int], period: FiguresPeriod) -> dict[int, tuple[int, int]]:
    """(cases closed in `period`, their working days from receipt to close in all) of each
    authority: one query of the cases closed, counted by day of receipt and day of closing, and the
    official calendar read once."""
    rows = list(
        Case.objects.filter(handling_authority_id__in=authority_ids)
        .filter(period.has("closed_at__date"))
        .values("handling_authority_id", received_on=TruncDate("received_at"), closed_on=TruncDate("closed_at"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    if not rows:
        return {}
    calendar = WorkingCalendar.current()
    first = min(row["received_on"] for row in rows)
    # working[day] = working days after `first` up to `day`, both ends as Art. 45 counts them.
    working, total, day = {first: 0}, 0, first
    while day < period.until:
        day += datetime.timedelta(days=1)
        total += calendar.is_working_day(day)
        working[day] = total
    closing: dict[int, tuple[int, int]] = {}
    for row in rows:
        cases, days = closing.get(row["handling_authority_id"], (0, 0))
        days_between = max(working[row["closed_on"]] - working[row["received_on"]], 0)
        closing[row["handling_authority_id"]] = (cases + row["count"], days + days_between * row["count"])
    return closing


_NO_CASES = {
    "received": 0,
    "acceptance_decided": 0,
    "accepted_in_time": 0,
    "mediations_ended": 0,
    "mediations_in_time": 0,
}


def authorities_figures(*, authorities: Iterable[Authority], period: FiguresPeriod) -> list[AuthorityFigures]:
    """The handling figures of each of `authorities` (a page of them), in their order."""
    authorities = list(authorities)
    ids = [authority.pk for authority in authorities]
    rows = _authority_rows(authority_ids=ids, period=period) if ids else {}
    closing = _closing_days(authority_ids=ids, period=period) if ids else {}
    figures = []
    for authority in authorities:
        row = rows.get(authority.pk, _NO_CASES)
        closed, days = closing.get(authority.pk, (0, 0))
        figures.append(
            AuthorityFigures(
                authority=authority,
                period=period,
                minimum=minimum_cases(),
                received=_figure("received", Unit.COUNT, cases=row["received"], value=row["received"]),
                accepted_in_time=_share(
                    "accepted_in_time", part=row["accepted_in_time"], cases=row["acceptance_decided"]
                ),
                mediated_in_time=_share(
                    "mediated_in_time", part=row["mediations_in_time"], cases=row["mediations_ended"]
                ),
                days_to_close=_figure(
                    "days_to_close", Unit.WORKING_DAYS, cases=closed, value=days / closed if closed else None
                ),
            )
        )
    return figures


def authority_figures(*, authority: Authority, period: FiguresPeriod) -> AuthorityFigures:
    (figures,) = authorities_figures(authorities=[authority], period=period)
    return figures


SEARCH_MAX_LENGTH = 50


def authorities_handling(*, query: str = "", kind: str = "", region: Region | None = None) -> QuerySet[Authority]:
    """The authorities whose figures are published, in the order of their regions' codes: with
    `query`, those whose name or region (or a region above it) has it in its name; with `kind`,
    bureaus or consumer associations; with `region`, those of it and the regions under it.
    Raises ValidationError for a query too long or an unknown kind."""
    query = (query or "").strip()
    errors = {}
    if len(query) > SEARCH_MAX_LENGTH:
        errors["q"] = [_("The search text is too long (at most %(count)d characters).") % {"count": SEARCH_MAX_LENGTH}]
    if kind and kind not in HANDLING_KINDS:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(HANDLING_KINDS)}]
    if errors:
        raise ValidationError(errors)
    authorities = Authority.objects.filter(kind__in=[kind] if kind else HANDLING_KINDS).select_related(
        "region__parent__parent"
    )
    if query:
        authorities = authorities.filter(
            Q(name__contains=query)
            | Q(region__name__contains=query)
            | Q(region__parent__name__contains=query)
            | Q(region__parent__parent__name__contains=query)
        )
    if region is not None:
        authorities = authorities.filter(_in_region("region", region))
    return authorities.order_by("region_id", "kind", "pk")
