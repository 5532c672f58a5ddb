"""Reading the scheduling of mediation sessions: who leads and who answers for which party, the
proposals and their answers as each person may see them, the sessions agreed and who came, and the
termination ground a recorded absence supports (Order 121 Art. 23(2))."""

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mediation.models import (
    Case,
    CaseStatus,
    MediationRoom,
    MediationSession,
    MediationTerminationReason,
    RoomParticipant,
    RoomRole,
    SessionAttendance,
    SessionParty,
    SessionProposal,
    SessionProposalStatus,
)
from mediation.names import display_name_of_official, person_name
from mediation.selectors.cases import Relation, authority_users, business_users, case_relations, complainant_users

# The parties whose absence is a ground to end mediation: the complainant and the business
# (投诉人、被投诉人, Art. 23(2)). The co-mediating bureau answers for a time, but is no party.
ATTENDING_PARTIES = (SessionParty.CONSUMER, SessionParty.BUSINESS)
# Who may lead a session's record before the room opens (an on-site session set on an accepted
# complaint): whoever conducts the mediation, the handling bureau or the body it is entrusted to.
CONDUCTING_RELATIONS = frozenset({Relation.HANDLING, Relation.ENTRUSTED})
# The case's states in which sessions are held, reminded of and their attendance recorded.
SESSION_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.MEDIATING)


def lead_mediator_seat(case: Case) -> RoomParticipant | None:
    """The lead mediator's seat in the case's room, while its holder still mediates the case."""
    seat = (
        RoomParticipant.objects.filter(room__case=case, room__kind="mediation", role=RoomRole.LEAD_MEDIATOR)
        .select_related("user__official__authority")
        .first()
    )
    if seat is None or not case_relations(seat.user, case) & CONDUCTING_RELATIONS:
        return None
    return seat


def is_lead_mediator(user, case: Case) -> bool:
    seat = lead_mediator_seat(case)
    return seat is not None and user is not None and seat.user_id == user.pk


def may_record_attendance(user, case: Case) -> bool:
    """The lead mediator; before the room opens, an official who conducts the mediation."""
    if not MediationRoom.objects.filter(case=case).exists():
        return bool(case_relations(user, case) & CONDUCTING_RELATIONS)
    return is_lead_mediator(user, case)


def parties_to_answer(case: Case) -> list[str]:
    """The parties a session time must suit: the complainant, the business and, when the case has
    a co-mediating bureau (or partner agency), its co-mediator."""
    parties = [SessionParty.CONSUMER, SessionParty.BUSINESS]
    if case.co_mediating_authority_id is not None:
        parties.append(SessionParty.CO_MEDIATOR)
    return parties


def party_of(user, case: Case) -> str | None:
    """The party `user` answers for on `case`, or None."""
    relations = case_relations(user, case)
    if Relation.OWN in relations:
        return SessionParty.CONSUMER
    if Relation.BUSINESS in relations:
        return SessionParty.BUSINESS
    if relations & {Relation.CO_MEDIATING, Relation.PARTNER} and case.co_mediating_authority_id is not None:
        return SessionParty.CO_MEDIATOR
    return None


def party_users(case: Case, party: str) -> list:
    """The accounts that answer for `party`: the complainant's, the business's active staff, the
    co-mediators seated in the room (or, with nobody seated, the co-mediating bureau's officials)."""
    if party == SessionParty.CONSUMER:
        return complainant_users(case)
    if party == SessionParty.BUSINESS:
        return business_users(case)
    User = get_user_model()
    if case.co_mediating_authority_id is None:
        return []
    seated = list(
        User.objects.filter(
            room_seats__room__case=case,
            room_seats__role=RoomRole.CO_MEDIATOR,
            is_active=True,
            official__authority_id=case.co_mediating_authority_id,
        )
    )
    return seated or authority_users(case.co_mediating_authority_id)


def parties_without_account(case: Case) -> list[str]:
    """The parties who cannot answer online; the lead mediator records what they said by phone."""
    return [party for party in parties_to_answer(case) if not party_users(case, party)]


def session_mediators(case: Case) -> list:
    """The mediators seated in the room who still mediate the case: lead first, then co-mediators."""
    seats = (
        RoomParticipant.objects.filter(room__case=case, role__in=[RoomRole.LEAD_MEDIATOR, RoomRole.CO_MEDIATOR])
        .select_related("user__official__authority")
        .order_by("role", "pk")  # "co_mediator" < "lead_mediator": put the lead first below
    )
    needed = {Relation.HANDLING, Relation.CO_MEDIATING, Relation.PARTNER, Relation.ENTRUSTED}
    users = [seat.user for seat in seats if case_relations(seat.user, case) & needed]
    leads = [seat.user for seat in seats if seat.role == RoomRole.LEAD_MEDIATOR]
    return sorted(users, key=lambda user: user not in leads)


def common_times(proposal: SessionProposal, *, now: datetime.datetime | None = None) -> list | None:
    """The proposal's times that suit every party that must answer and are still to come, earliest
    first; None while a party has not answered yet."""
    now = now or timezone.now()
    answers = {answer.party: answer for answer in proposal.answers.prefetch_related("suits")}
    required = parties_to_answer(proposal.case)
    if any(party not in answers for party in required):
        return None
    suiting = None
    for party in required:
        chosen = {time.pk for time in answers[party].suits.all()}
        suiting = chosen if suiting is None else suiting & chosen
    return [time for time in proposal.times.all() if time.pk in suiting and time.starts_at > now]


def when_text(moment: datetime.datetime) -> str:
    """A session's day and time in the bureau's time zone and the reader's language."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclasses.dataclass
class ProposalView:
    proposal: SessionProposal
    times: list  # [(time, [party labels it suits])]
    answers: dict  # party -> (label, answered_at, [times]) for the parties that answered
    waiting_for: list[str]  # labels of the parties not answered yet
    no_common_time: bool  # everyone answered and no time (still to come) suits all
    my_party: str | None
    my_choice: set[int]


def proposal_view(proposal: SessionProposal, *, user) -> ProposalView:
    case = proposal.case
    labels = dict(SessionParty.choices)
    answers = {answer.party: answer for answer in proposal.answers.prefetch_related("suits")}
    times = list(proposal.times.all())
    suits_of = {party: {time.pk for time in answer.suits.all()} for party, answer in answers.items()}
    required = parties_to_answer(case)
    common = common_times(proposal) if proposal.status == SessionProposalStatus.OPEN else None
    my_party = party_of(user, case)
    return ProposalView(
        proposal=proposal,
        times=[(time, [labels[party] for party in required if time.pk in suits_of.get(party, ())]) for time in times],
        answers={
            party: (labels[party], answers[party].answered_at, [t for t in times if t.pk in suits_of[party]])
            for party in required
            if party in answers
        },
        waiting_for=[str(labels[party]) for party in required if party not in answers],
        no_common_time=common == [],
        my_party=my_party,
        my_choice=suits_of.get(my_party, set()),
    )


@dataclasses.dataclass
class SessionView:
    session: MediationSession
    mediators: list[str]  # by name and authority
    attendance: dict  # party -> SessionAttendance
    started: bool


def sessions_of(case: Case) -> list[SessionView]:
    """The case's sessions, earliest first, with who came to each."""
    now = timezone.now()
    sessions = (
        MediationSession.objects.filter(case=case)
        .prefetch_related("mediators__official__authority", "attendance")
        .order_by("starts_at", "pk")
    )
    return [
        SessionView(
            session=session,
            mediators=[
                display_name_of_official(user.official) if hasattr(user, "official") else person_name(user)
                for user in session.mediators.all()
            ],
            attendance={row.party: row for row in session.attendance.all()},
            started=session.starts_at <= now,
        )
        for session in sessions
    ]


def open_proposal(case: Case) -> SessionProposal | None:
    return case.session_proposals.filter(status=SessionProposalStatus.OPEN).prefetch_related("times").first()


def latest_absence(case: Case) -> SessionAttendance | None:
    """The newest record of a party not attending a session of the case."""
    return (
        SessionAttendance.objects.filter(session__case=case, attended=False, party__in=ATTENDING_PARTIES)
        .select_related("session")
        .order_by("-session__starts_at", "-pk")
        .first()
    )


def absence_text(absence: SessionAttendance) -> str:
    """What the termination reason says of a recorded absence, in the reader's language."""
    text = _("%(party)s did not attend the mediation session of %(when)s (Order 121 Art. 23(2)).") % {
        "party": capfirst(str(SessionParty(absence.party).label)),
        "when": when_text(absence.session.starts_at),
    }
    if absence.note:
        text += " " + absence.note
    return text


def termination_suggestion(case: Case) -> dict | None:
    """When a party was recorded absent, the termination form offers the party-absent ground with
    the session's day in the reason: {"ground", "reason"}; None otherwise."""
    absence = latest_absence(case)
    if absence is None:
        return None
    return {"ground": MediationTerminationReason.PARTY_REFUSED_OR_ABSENT, "reason": absence_text(absence)}


def sessions_to_remind(*, since: datetime.datetime, until: datetime.datetime):
    """Sessions starting in (since, until] of cases still being mediated."""
    return (
        MediationSession.objects.filter(starts_at__gt=since, starts_at__lte=until, case__status__in=SESSION_STATUSES)
        .select_related("case__consumer__user", "case__entity")
        .prefetch_related("mediators")
    )
