"""Hot spots found in the counts, and the early warnings (预警) that take them to the officials of
every authority concerned.

Three patterns are looked for, each with its test stated here and in docs/analysis.md:

- **Spike.** For every region (county, prefecture, province), alone and by category or by problem
  type: the complaints of the last 7 days (the window) against the 8 windows of 7 days before it
  (the baseline). If the rate had not changed, each of the n complaints of window and baseline
  together would fall in the window with probability 1/9, so the window's count is binomial
  (n, 1/9): the conditional test of two Poisson rates (Przyborowski and Wilenski, 1940), which,
  unlike a Poisson test against the baseline's mean, allows for the baseline being a sample too.
  The window is a spike when it holds at least SPIKE_MIN_COUNT complaints and the chance of at
  least that many is under SPIKE_P_VALUE (one-sided). The strict level keeps false alarms rare
  although tens of thousands of series are tested every day: a series new this week needs 6.
- **Prepaid-card runaway.** The prepaid-card complaints against one business in the last 7 days,
  tested the same way against its own 8 weeks before, at RUNAWAY_MIN_COUNT and RUNAWAY_P_VALUE.
- **Cross-region cluster.** One business complained about by consumers of at least
  CLUSTER_MIN_PREFECTURES prefectures other than its own within 30 days, and by more consumers from
  other prefectures than its 90 days before explain: the same conditional test, each complaint of
  window and baseline together falling in the window with probability 1/4, at CLUSTER_P_VALUE. A
  business that always sells across the country is not a cluster; one that suddenly is, is.

A warning stays current while the pattern goes on: detection updates it (new figures and
complaints) instead of raising another, until a week passes without the pattern."""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy.stats import binom

from mediation.models import (
    Authority,
    Case,
    CaseKind,
    EarlyWarning,
    MarketEntity,
    Region,
    WarningEvent,
    WarningKind,
    WarningRecipient,
)
from mediation.models.analysis import ALL, ProblemType
from mediation.services.complaint_counts import complaint_place, received_between, start_of
from mediation.services.jurisdiction import bureau_for_region

WINDOW_DAYS = 7
BASELINE_WINDOWS = 8
SPIKE_MIN_COUNT = 5
SPIKE_P_VALUE = 1e-5
RUNAWAY_MIN_COUNT = 5
RUNAWAY_P_VALUE = 1e-4
CLUSTER_DAYS = 30
CLUSTER_BASELINE_WINDOWS = 3
CLUSTER_MIN_PREFECTURES = 3
CLUSTER_P_VALUE = 1e-3
# A warning is current, and updated rather than raised again, while detection found its pattern
# within this many days.
CURRENT_FOR_DAYS = 7
# The complaints a warning lists (the most recent first); its counts cover them all.
MOST_CASES = 500


def rise_p_value(observed: int, before: int, *, baseline_windows: int = BASELINE_WINDOWS) -> float:
    """The chance of at least `observed` complaints in the window, given `before` in the baseline of
    `baseline_windows` windows of the same length, if the rate had not changed:
    P(X >= observed) for X ~ Binomial(observed + before, 1 / (1 + baseline_windows))."""
    return float(binom.sf(observed - 1, observed + before, 1 / (1 + baseline_windows)))


@dataclasses.dataclass(frozen=True)
class Series:
    """A count the spikes are looked for in: a region, narrowed by category or problem type."""

    region_code: str
    category: str = ALL
    problem_type: str = ALL


@dataclasses.dataclass
class Finding:
    kind: str
    window_start: datetime.date
    window_end: datetime.date
    observed: int
    expected: float
    p_value: float | None
    rising_since: datetime.date
    series: Series | None = None
    entity_id: int | None = None
    prefectures: int | None = None

    def key(self) -> dict:
        series = self.series or Series(region_code="")
        return {
            "kind": self.kind,
            "region_id": series.region_code or None,
            "category": series.category,
            "problem_type": series.problem_type,
            "entity_id": self.entity_id,
        }


def _window(day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The window's first day, and the first day of the baseline before it."""
    start = day - datetime.timedelta(days=WINDOW_DAYS - 1)
    return start, day, start - datetime.timedelta(days=WINDOW_DAYS * BASELINE_WINDOWS)


def _rising_since(daily: dict[datetime.date, int], start: datetime.date, expected: float) -> datetime.date:
    """The first day of the window with more complaints than the expected daily rate."""
    rate = expected / WINDOW_DAYS
    for offset in range(WINDOW_DAYS):
        day = start + datetime.timedelta(days=offset)
        if daily.get(day, 0) > rate:
            return day
    return start


def spikes(*, day: datetime.date, series: Iterable[Series] | None = None) -> list[Finding]:
    """The spikes of the window ending on `day`, in every series (or in the given ones)."""
    start, end, baseline_start = _window(day)
    params: dict = {"start": start, "end": end, "baseline_start": baseline_start, "least": SPIKE_MIN_COUNT}
    only = ""
    if series is not None:
        keys = sorted({(s.region_code, s.category, s.problem_type) for s in series})
        if not keys:
            return []
        only = "AND (region_code, category, problem_type) IN %(keys)s"
        params["keys"] = tuple(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT region_code, category, problem_type,
                   sum(count) FILTER (WHERE day >= %(start)s) AS observed,
                   sum(count) FILTER (WHERE day < %(start)s) AS before
            FROM mediation_complaintcount
            WHERE day >= %(baseline_start)s AND day <= %(end)s
              AND (category = '' OR problem_type = '') {only}
            GROUP BY region_code, category, problem_type
            HAVING sum(count) FILTER (WHERE day >= %(start)s) >= %(least)s
            """,  # noqa: S608 (only placeholders are interpolated)
            params,
        )
        candidates = cursor.fetchall()
    findings = []
    for region_code, category, problem_type, observed, before in candidates:
        expected = (before or 0) / BASELINE_WINDOWS
        p_value = rise_p_value(observed, before or 0)
        if p_value < SPIKE_P_VALUE:
            findings.append(
                Finding(
                    kind=WarningKind.SPIKE,
                    series=Series(region_code, category, problem_type),
                    window_start=start,
                    window_end=end,
                    observed=observed,
                    expected=expected,
                    p_value=p_value,
                    rising_since=start,
                )
            )
    if findings:
        _set_rising_since(findings)
    return findings


def _set_rising_since(findings: list[Finding]) -> None:
    keys = tuple((f.series.region_code, f.series.category, f.series.problem_type) for f in findings)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT region_code, category, problem_type, day, count FROM mediation_complaintcount
            WHERE day >= %s AND day <= %s AND (region_code, category, problem_type) IN %s
            """,
            [findings[0].window_start, findings[0].window_end, keys],
        )
        daily: dict[tuple, dict] = {}
        for region_code, category, problem_type, day, count in cursor.fetchall():
            daily.setdefault((region_code, category, problem_type), {})[day] = count
    for finding in findings:
        key = (finding.series.region_code, finding.series.category, finding.series.problem_type)
        finding.rising_since = _rising_since(daily.get(key, {}), finding.window_start, finding.expected)


def prepaid_runaways(*, day: datetime.date, entity_ids: Iterable[int] | None = None) -> list[Finding]:
    """Businesses with prepaid-card complaints piling up in the window ending on `day`."""
    start, end, baseline_start = _window(day)
    complaints = Case.objects.filter(
        received_between(baseline_start, end), kind=CaseKind.COMPLAINT, problem_types__contains=["prepaid_card"]
    )
    if entity_ids is not None:
        complaints = complaints.filter(entity_id__in=list(entity_ids))
    per_entity: dict[int, Counter[datetime.date]] = defaultdict(Counter)
    for entity_id, received_at in complaints.values_list("entity_id", "received_at"):
        per_entity[entity_id][timezone.localdate(received_at)] += 1
    findings = []
    for entity_id, daily in per_entity.items():
        observed = sum(count for received, count in daily.items() if received >= start)
        if observed < RUNAWAY_MIN_COUNT:
            continue
        before = sum(count for received, count in daily.items() if received < start)
        expected = before / BASELINE_WINDOWS
        p_value = rise_p_value(observed, before)
        if p_value < RUNAWAY_P_VALUE:
            findings.append(
                Finding(
                    kind=WarningKind.PREPAID_RUNAWAY,
                    entity_id=entity_id,
                    window_start=start,
                    window_end=end,
                    observed=observed,
                    expected=expected,
                    p_value=p_value,
                    rising_since=_rising_since(daily, start, expected),
                )
            )
    return findings


def _own_prefecture_sql() -> str:
    return "left(coalesce(e.business_region_id, e.registered_region_id, ''), 4)"


def cross_region_clusters(*, day: datetime.date, entity_ids: Iterable[int] | None = None) -> list[Finding]:
    """Businesses that consumers of several other prefectures complained about in the 30 days ending
    on `day`, more than the 90 days before would explain."""
    start = day - datetime.timedelta(days=CLUSTER_DAYS - 1)
    baseline_start = start - datetime.timedelta(days=CLUSTER_DAYS * CLUSTER_BASELINE_WINDOWS)
    params: dict = {
        "baseline_since": start_of(baseline_start),
        "since": start_of(start),
        "until": start_of(day + datetime.timedelta(days=1)),
        "zone": str(timezone.get_current_timezone()),
        "least": CLUSTER_MIN_PREFECTURES,
    }
    only = ""
    if entity_ids is not None:
        params["entities"] = tuple(entity_ids) or (0,)
        only = "AND c.entity_id IN %(entities)s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.entity_id,
                   count(*) FILTER (WHERE c.received_at >= %(since)s),
                   count(*) FILTER (WHERE c.received_at < %(since)s),
                   count(DISTINCT left(c.consumer_region_id, 4)) FILTER (WHERE c.received_at >= %(since)s),
                   min((c.received_at AT TIME ZONE %(zone)s)::date) FILTER (WHERE c.received_at >= %(since)s)
            FROM mediation_case c JOIN mediation_marketentity e ON e.id = c.entity_id
            WHERE c.kind = 'complaint' AND c.received_at >= %(baseline_since)s AND c.received_at < %(until)s
              AND c.consumer_region_id IS NOT NULL
              AND left(c.consumer_region_id, 4) <> {_own_prefecture_sql()} {only}
            GROUP BY c.entity_id
            HAVING count(DISTINCT left(c.consumer_region_id, 4)) FILTER (WHERE c.received_at >= %(since)s)
                   >= %(least)s
            """,  # noqa: S608 (only placeholders and a fixed expression are interpolated)
            params,
        )
        rows = cursor.fetchall()
    findings = []
    for entity_id, observed, before, prefectures, first in rows:
        p_value = rise_p_value(observed, before, baseline_windows=CLUSTER_BASELINE_WINDOWS)
        if p_value < CLUSTER_P_VALUE:
            findings.append(
                Finding(
                    kind=WarningKind.CROSS_REGION_CLUSTER,
                    entity_id=entity_id,
                    window_start=start,
                    window_end=day,
                    observed=observed,
                    expected=before / CLUSTER_BASELINE_WINDOWS,
                    p_value=p_value,
                    prefectures=prefectures,
                    rising_since=first,
                )
            )
    return findings


def region_codes_under(region_code: str) -> list[str]:
    """The region's code and those of every region below it."""
    codes, frontier = [region_code], [region_code]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("code", flat=True))
        codes.extend(frontier)
    return codes


def _cases_behind(finding: Finding) -> list[int]:
    """The complaints a finding counted, most recent first."""
    complaints = Case.objects.all()
    if finding.kind == WarningKind.CROSS_REGION_CLUSTER:
        entity = MarketEntity.objects.get(pk=finding.entity_id)
        own = (entity.business_region_id or entity.registered_region_id or "")[:4]
        complaints = complaints.filter(consumer_region__isnull=False).exclude(
            consumer_region__code__startswith=own or "-"
        )
    complaints = complaints.filter(received_between(finding.window_start, finding.window_end), kind=CaseKind.COMPLAINT)
    if finding.entity_id is not None:
        complaints = complaints.filter(entity_id=finding.entity_id)
    if finding.kind == WarningKind.PREPAID_RUNAWAY:
        complaints = complaints.filter(problem_types__contains=[ProblemType.PREPAID_CARD.value])
    if finding.series is not None:
        codes = region_codes_under(finding.series.region_code)
        complaints = complaints.filter(
            Q(entity__business_region__in=codes)
            | Q(entity__business_region__isnull=True, entity__registered_region__in=codes)
        )
        if finding.series.category:
            complaints = complaints.filter(category=finding.series.category)
        if finding.series.problem_type:
            complaints = complaints.filter(problem_types__contains=[finding.series.problem_type])
    return list(complaints.order_by("-received_at").values_list("pk", flat=True)[:MOST_CASES])


def _bureau_of(region: Region | None) -> Authority | None:
    return bureau_for_region(region) if region is not None else None


def _recipients(finding: Finding, case_ids: list[int]) -> list[Authority]:
    """The business's bureau (the region's, for a spike) and the consumers' home bureaus."""
    authorities: dict[int, Authority] = {}
    if finding.series is not None:
        first = _bureau_of(Region.objects.filter(code=finding.series.region_code).first())
    else:
        entity = MarketEntity.objects.select_related("business_region", "registered_region").get(pk=finding.entity_id)
        first = _bureau_of(entity.business_region or entity.registered_region)
    if first is not None:
        authorities[first.pk] = first
    home_regions = (
        Case.objects.filter(pk__in=case_ids, consumer_region__isnull=False)
        .values_list("consumer_region", flat=True)
        .distinct()
    )
    for region in Region.objects.filter(code__in=list(home_regions)).select_related("parent__parent"):
        bureau = _bureau_of(region)
        if bureau is not None:
            authorities.setdefault(bureau.pk, bureau)
    return list(authorities.values())


def _describe(finding: Finding) -> str:
    if finding.prefectures is not None:
        return f"{finding.observed} complaints from {finding.prefectures} prefectures"
    return f"{finding.observed} complaints against {finding.expected:.1f} expected (p={finding.p_value:.2g})"


@transaction.atomic
def _warn(finding: Finding) -> EarlyWarning:
    """Raise a warning for a finding, or update the current one of the same pattern."""
    case_ids = _cases_behind(finding)
    current_since = finding.window_end - datetime.timedelta(days=CURRENT_FOR_DAYS)
    warning = (
        EarlyWarning.objects.select_for_update()
        .filter(**finding.key(), window_end__gte=current_since)
        .order_by("-window_end")
        .first()
    )
    figures = {
        "window_start": finding.window_start,
        "window_end": finding.window_end,
        "observed": finding.observed,
        "expected": finding.expected,
        "p_value": finding.p_value,
        "prefectures": finding.prefectures,
    }
    if warning is None:
        warning = EarlyWarning.objects.create(**finding.key(), rising_since=finding.rising_since, **figures)
        WarningEvent.objects.create(warning=warning, action="raised", note=_describe(finding))
    else:
        changed = any(getattr(warning, field) != value for field, value in figures.items())
        if not changed:
            return warning
        for field, value in figures.items():
            setattr(warning, field, value)
        warning.rising_since = min(warning.rising_since, finding.rising_since)
        warning.save()
        WarningEvent.objects.create(warning=warning, action="updated", note=_describe(finding))
    warning.cases.set(case_ids)
    for authority in _recipients(finding, case_ids):
        WarningRecipient.objects.get_or_create(warning=warning, authority=authority)
    return warning


def warnings_detect(*, day: datetime.date | None = None) -> list[EarlyWarning]:
    """Look for every pattern in the window ending on `day` (today by default), across the country."""
    day = day or timezone.localdate()
    findings = [*spikes(day=day), *prepaid_runaways(day=day), *cross_region_clusters(day=day)]
    return [_warn(finding) for finding in findings]


def warnings_detect_for_complaint(*, case_id: int) -> list[EarlyWarning]:
    """Look for the patterns a complaint just filed may have completed: the series it is counted
    in, and its business."""
    case = Case.objects.select_related(
        "entity__business_region__parent__parent", "entity__registered_region__parent__parent"
    ).get(pk=case_id)
    if case.kind != CaseKind.COMPLAINT:
        return []
    day = timezone.localdate(case.received_at)
    series = [
        Series(code, category, problem_type)
        for code, _level, _parent in complaint_place(case).levels()
        for category, problem_type in (
            (ALL, ALL),
            *(((case.category, ALL),) if case.category else ()),
            *((ALL, problem_type) for problem_type in case.problem_types),
        )
    ]
    findings = [
        *spikes(day=day, series=series),
        *prepaid_runaways(day=day, entity_ids=[case.entity_id]),
        *cross_region_clusters(day=day, entity_ids=[case.entity_id]),
    ]
    return [_warn(finding) for finding in findings]


def _recipient_row(warning: EarlyWarning, actor) -> WarningRecipient:
    official = getattr(actor, "official", None)
    recipient = (
        WarningRecipient.objects.select_for_update()
        .filter(warning=warning, authority_id=getattr(official, "authority_id", None))
        .first()
    )
    if recipient is None:
        raise PermissionDenied(_("Only the officials of an authority the warning went to can answer it."))
    return recipient


@transaction.atomic
def warning_acknowledge(*, warning: EarlyWarning, actor) -> WarningRecipient:
    """An official of a recipient authority acknowledges the warning for that authority."""
    recipient = _recipient_row(warning, actor)
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at, recipient.acknowledged_by = timezone.now(), actor
        recipient.save(update_fields=["acknowledged_at", "acknowledged_by"])
        WarningEvent.objects.create(warning=warning, authority=recipient.authority, actor=actor, action="acknowledged")
    return recipient


@transaction.atomic
def warning_record_action(*, warning: EarlyWarning, actor, action_taken: str) -> WarningRecipient:
    """Record what the official's authority did about the warning (acknowledging it if not yet)."""
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ValidationError({"action_taken": [_("Say what was done.")]})
    if len(action_taken) > 2000:
        raise ValidationError({"action_taken": [_("At most 2,000 characters.")]})
    recipient = _recipient_row(warning, actor)
    now = timezone.now()
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at, recipient.acknowledged_by = now, actor
        WarningEvent.objects.create(warning=warning, authority=recipient.authority, actor=actor, action="acknowledged")
    recipient.action_taken, recipient.action_recorded_at = action_taken, now
    recipient.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken", "action_recorded_at"])
    WarningEvent.objects.create(
        warning=warning, authority=recipient.authority, actor=actor, action="action", note=action_taken
    )
    return recipient
