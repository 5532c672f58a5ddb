"""Reading cases, each reader seeing only what their role allows."""

import datetime
import enum

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import rules
from mediation.models import ENDED_STATUSES, Authority, AuthorityKind, Case, CaseKind, CaseStatus
from mediation.services.working_days import add_working_days


class Viewer(enum.StrEnum):
    CONSUMER = "consumer"
    MERCHANT = "merchant"
    OFFICIAL = "official"
    PARTNER_AGENCY = "partner_agency"  # co-mediating agency outside the mainland
    PUBLIC = "public"


_CASE_RELATIONS = (
    "consumer__identity",
    "consumer_region",
    "entity__platform",
    "entity__business_region",
    "entity__registered_region",
    "handling_authority__region__parent__parent",
    "co_mediating_authority",
    "entrusted_to",
    "linked_case",
)

# A complaint is published once the authority has decided on it.
PUBLISHED_STATUSES = (
    CaseStatus.ACCEPTED,
    CaseStatus.MEDIATING,
    CaseStatus.SETTLED,
    CaseStatus.TERMINATED,
    CaseStatus.CLOSED,
)


class Relation(enum.StrEnum):
    """How a person stands to one case: the one question every access rule asks first
    (docs/security.md, "Relations")."""

    OWN = "own"  # the consumer or reporter who filed it
    HANDLING = "handling"  # an official of the handling bureau
    CO_MEDIATING = "co_mediating"  # an official of the co-mediating bureau
    PARTNER = "partner"  # staff of a partner agency outside the mainland, handling or co-mediating
    BUSINESS = "business"  # staff of the business a complaint is about, once it has been told
    # An official of a bureau above the handling bureau, which may take the case over (Order 121
    # Art. 13; penalty procedure Art. 15).
    SUPERIOR = "superior"
    # Staff of the consumer association or mediation organisation the mediation is entrusted to
    # (Order 121 Art. 19): they mediate in the bureau's name.
    ENTRUSTED = "entrusted"


def case_relations(user, case: Case) -> frozenset[Relation]:
    """Every relation `user` has to `case` (usually one; none for a stranger). The services,
    serializers, pages and room all decide from this."""
    if user is None or not user.is_authenticated:
        return frozenset()
    relations = set()
    if case.consumer_id is not None and case.consumer.user_id == user.id:
        relations.add(Relation.OWN)
    official = getattr(user, "official", None)
    if official is not None and official.authority_id in (case.handling_authority_id, case.co_mediating_authority_id):
        if official.authority.kind == AuthorityKind.PARTNER_AGENCY:
            relations.add(Relation.PARTNER)
        elif official.authority_id == case.handling_authority_id:
            relations.add(Relation.HANDLING)
        else:
            relations.add(Relation.CO_MEDIATING)
    elif official is not None and case.entrusted_to_id is not None and official.authority_id == case.entrusted_to_id:
        relations.add(Relation.ENTRUSTED)
    elif official is not None and _is_above(official.authority, case.handling_authority):
        relations.add(Relation.SUPERIOR)
    staff = getattr(user, "merchant_staff", None)
    if (
        staff is not None
        and case.kind == CaseKind.COMPLAINT
        and staff.entity_id == case.entity_id
        and case.business_notified_at is not None
    ):
        relations.add(Relation.BUSINESS)
    return frozenset(relations)


def _is_above(authority: Authority, handling: Authority) -> bool:
    """Whether `authority` is a market-regulation bureau of a region above the handling bureau's."""
    if authority.kind != AuthorityKind.BUREAU or handling.kind != AuthorityKind.BUREAU or handling.region is None:
        return False
    return authority.region_id in {region.code for region in handling.region.ancestors_and_self()[1:]}


# Which view of a case a relation gives, the first that applies: a person's own case is always
# seen as its consumer, even by an official who filed one of their own.
_VIEWS = (
    (Relation.OWN, Viewer.CONSUMER),
    (Relation.HANDLING, Viewer.OFFICIAL),
    (Relation.CO_MEDIATING, Viewer.OFFICIAL),
    (Relation.PARTNER, Viewer.PARTNER_AGENCY),
    (Relation.ENTRUSTED, Viewer.OFFICIAL),
    (Relation.SUPERIOR, Viewer.OFFICIAL),
    (Relation.BUSINESS, Viewer.MERCHANT),
)


def viewer_role(user, case: Case) -> Viewer | None:
    """How `user` may see `case`, or None if not at all. A business sees a complaint only once it
    has been told of it, and never sees a report."""
    relations = case_relations(user, case)
    return next((viewer for relation, viewer in _VIEWS if relation in relations), None)


def hides_the_reporter(case: Case) -> bool:
    """An anonymous report, or the complaint filed together with one: nothing that leads from the
    one to the other, or to the person, is shown to anyone but the person themself."""
    return case.is_anonymous or (case.linked_case_id is not None and case.linked_case.is_anonymous)


def case_for_viewer(*, user, number: str) -> tuple[Case, Viewer]:
    """The case and the role it is seen in. Raises Http404 both when it does not exist and when
    the user may not see it, so that case numbers cannot be probed."""
    case = Case.objects.select_related(*_CASE_RELATIONS).filter(number=number).first()
    role = viewer_role(user, case) if case is not None else None
    if role is None:
        raise Http404
    return case, role


def case_for_public(*, number: str) -> Case:
    case = (
        Case.objects.select_related("entity", "handling_authority")
        .filter(number=number, kind=CaseKind.COMPLAINT, status__in=PUBLISHED_STATUSES)
        .first()
    )
    if case is None:
        raise Http404
    return case


def complainant_users(case: Case) -> list:
    """The complainant or reporter, when they have an account."""
    if case.consumer_id is None or case.consumer.user_id is None:
        return []
    return [case.consumer.user]


def business_users(case: Case) -> list:
    """The business's active staff, for a complaint it has been told of; never for a report (the
    reporter is kept from the business: Order 121 Art. 37)."""
    if case.kind != CaseKind.COMPLAINT or case.business_notified_at is None:
        return []
    return list(get_user_model().objects.filter(merchant_staff__entity_id=case.entity_id, is_active=True))


def authority_users(authority_id: int) -> list:
    """The active accounts of an authority's officials."""
    return list(get_user_model().objects.filter(official__authority_id=authority_id, is_active=True))


def cases_of_user(*, user) -> QuerySet[Case]:
    """A consumer's own cases, a business's notified complaints, an authority's cases."""
    conditions = Q(consumer__user=user)
    if getattr(user, "merchant_staff", None) is not None:
        conditions |= Q(
            entity_id=user.merchant_staff.entity_id, kind=CaseKind.COMPLAINT, business_notified_at__isnull=False
        )
    if getattr(user, "official", None) is not None:
        authority = user.official.authority_id
        conditions |= (
            Q(handling_authority_id=authority) | Q(co_mediating_authority_id=authority) | Q(entrusted_to_id=authority)
        )
    return Case.objects.select_related(*_CASE_RELATIONS).filter(conditions).order_by("-received_at")


class QueueBucket(enum.StrEnum):
    NEW = "new"  # submitted, waiting for the acceptance decision or verification to start
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    OPEN = "open"  # everything still being handled
    ENDED = "ended"  # handled to its end (settled, withdrawn, not accepted...), to be closed


def authority_queue(
    *, authority: Authority, bucket: str = QueueBucket.OPEN, today: datetime.date | None = None
) -> QuerySet[Case]:
    """The work of one authority: cases it handles or co-mediates, most urgent first. A case whose
    handling has ended leaves the open list for the ended one, where it waits to be closed; while a
    time limit still runs on it (telling the parties that mediation ended) it stays due."""
    today = today or timezone.localdate()
    cases = (
        Case.objects.select_related(*_CASE_RELATIONS)
        .filter(Q(handling_authority=authority) | Q(co_mediating_authority=authority) | Q(entrusted_to=authority))
        .exclude(status=CaseStatus.CLOSED)
    )
    if bucket == QueueBucket.ENDED:
        return cases.filter(status__in=ENDED_STATUSES).order_by("-updated_at", "-received_at")
    if bucket == QueueBucket.OPEN:
        cases = cases.exclude(status__in=ENDED_STATUSES)
    elif bucket == QueueBucket.NEW:
        cases = cases.filter(status=CaseStatus.SUBMITTED)
    elif bucket == QueueBucket.OVERDUE:
        cases = cases.filter(next_due__lt=today)
    elif bucket == QueueBucket.DUE_SOON:
        soon = add_working_days(today, rules.DUE_SOON_WORKING_DAYS)
        cases = cases.filter(next_due__gte=today, next_due__lte=soon)
    return cases.order_by(F("next_due").asc(nulls_last=True), "received_at")


# How far back the Art. 17 signs look. Order 121 leaves "a short time" to the city-level bureaus
# (Art. 17, last paragraph); 30 days is this product's default, shown beside each count.
ACCEPTANCE_SIGNS_DAYS = 30


def acceptance_signs(case: Case) -> dict:
    """What Order 121 Art. 17 lets an official weigh when deciding whether a complaint shows a real
    consumer dispute (Art. 16(3)): shown beside the complaint as decision support, never acted on by
    the product. Counts cover the ACCEPTANCE_SIGNS_DAYS days before the complaint was received."""
    if not case.is_complaint or case.consumer_id is None:
        return {}
    since = case.received_at - datetime.timedelta(days=ACCEPTANCE_SIGNS_DAYS)
    recent = Case.objects.filter(kind=case.kind, received_at__gte=since, received_at__lte=case.received_at).exclude(
        pk=case.pk
    )
    own = recent.filter(consumer_id=case.consumer_id)
    identity = getattr(case.consumer, "identity", None)
    shared_phone = 0
    if identity is not None:
        shared_phone = (
            recent.filter(consumer__identity__phone_digest=identity.phone_digest)
            .exclude(consumer_id=case.consumer_id)
            .values("consumer_id")
            .distinct()
            .count()
        )
    return {
        # Art. 10: what a complaint must carry; missing materials are a ground of Art. 16(5).
        "materials_missing": materials_missing(case),
        # Art. 14: the same complainant's complaint against the same business already with another
        # bureau, which received it first and handles it.
        "with_other_bureaus": [
            {"number": other.number, "authority": other.handling_authority.name, "received_at": other.received_at}
            for other in Case.objects.select_related("handling_authority")
            .filter(
                kind=case.kind, consumer_id=case.consumer_id, entity_id=case.entity_id, received_at__lt=case.received_at
            )
            .exclude(handling_authority_id=case.handling_authority_id)
            .exclude(status__in=(CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.NOT_ACCEPTED))
            .order_by("received_at")
        ],
        "days": ACCEPTANCE_SIGNS_DAYS,
        # Art. 17(2): the same complainant, against the same business, goods or problem.
        "same_complainant_same_business": own.filter(entity_id=case.entity_id).count(),
        "same_complainant_same_category": own.filter(category=case.category).count() if case.category else 0,
        "same_complainant_all": own.count(),
        # Art. 17(4): other complainants using the same phone number.
        "other_complainants_same_phone": shared_phone,
    }


def materials_missing(case: Case) -> list[str]:
    """What Order 121 Art. 10 asks of a complaint and this one lacks, in the reader's language: the
    complainant's name, phone and mailing address; the business's name and address; the demand."""
    identity = getattr(case.consumer, "identity", None) if case.consumer_id else None
    missing = []
    if identity is None or not identity.real_name:
        missing.append(_("the complainant's name"))
    if identity is None or not identity.phone:
        missing.append(_("the complainant's phone number"))
    if identity is None or not identity.mailing_address:
        missing.append(_("the complainant's mailing address"))
    if not case.entity.business_address and case.entity.registered_region_id is None:
        missing.append(_("the business's address"))
    if not case.demand:
        missing.append(_("the demand"))
    return missing


def mediation_consents(case: Case) -> set[str]:
    """The parties ("consumer", "business") who consented to mediation (Order 121 Art. 18): by their
    own move, or recorded by an official on their behalf. Consent is given only while the complaint
    is accepted, which it is once at most."""
    return _consents(case, own="consent_to_mediation", recorded="record_consent")


def entrustment_consents(case: Case) -> set[str]:
    """The parties who consented to entrusting the mediation to a consumer association or another
    mediation organisation (Order 121 Art. 19)."""
    return _consents(case, own="consent_to_entrustment", recorded="record_entrustment_consent")


def _consents(case: Case, *, own: str, recorded: str) -> set[str]:
    """The parties who consented by their `own` move, or whose consent an official `recorded` (its
    ground names the party). A joint complaint's representative consents for the complainants they
    represent (Art. 12)."""
    by_role = {"representative": "consumer"}
    return {
        event.ground if event.action == recorded else by_role.get(event.actor_role, event.actor_role)
        for event in case.events.filter(action__in=(own, recorded))
    }


def report_by_number(number: str) -> Case | None:
    """A report named by its number in a move (the earlier report to merge into); the move itself
    checks that the official may use it, with one answer for a wrong number and a forbidden one."""
    number = (number or "").strip().upper()
    return Case.objects.filter(number=number, kind=CaseKind.REPORT).first() if number else None
