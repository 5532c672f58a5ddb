"""Scheduling a mediation session (Order 121 Art. 20, 23(2)): the lead mediator proposes two to five
times, online in the room or on site at a place; the complainant, the business and, where the case
has one, the co-mediating bureau each say which times suit them; the earliest time (still to come)
that suits all becomes the session. An on-site session is set through the life cycle's
`schedule_onsite_session`, which records the Art. 20 notices to both parties. Reminders go out a day
and an hour before. The lead mediator records who came; a party's absence without good reason is a
ground to end mediation (Art. 23(2)), which the termination forms then offer.

Lock order: the case row, then the proposal row (as `case_transition` locks the case first)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import (
    Case,
    CaseStatus,
    MediationSession,
    NotificationKind,
    SessionAttendance,
    SessionParty,
    SessionProposal,
    SessionProposalAnswer,
    SessionProposalStatus,
    SessionProposalTime,
)
from mediation.selectors.scheduling import (
    ATTENDING_PARTIES,
    SESSION_STATUSES,
    common_times,
    is_lead_mediator,
    lead_mediator_seat,
    may_record_attendance,
    parties_to_answer,
    parties_without_account,
    party_of,
    party_users,
    session_mediators,
    sessions_to_remind,
)
from mediation.services.errors import DomainError
from mediation.services.notifications import notify
from mediation.services.sessions import MAX_PLACE_LENGTH
from mediation.services.transitions import case_transition, on_leaving

MIN_TIMES, MAX_TIMES = 2, 5
MAX_NOTE_LENGTH = 300
# Reminders: (name in the dedupe key, how long before the start). A reminder goes only when the
# session was set before its window opened (a session set for within the hour needs no day reminder).
REMINDERS = (("day", datetime.timedelta(days=1)), ("hour", datetime.timedelta(hours=1)))


class SchedulingRefused(DomainError):
    MESSAGES = {
        "not_in_mediation": gettext_lazy("Sessions are scheduled while the complaint is in mediation."),
        "suspended": gettext_lazy("Mediation is suspended; no session is scheduled until it resumes."),
        "proposal_closed": gettext_lazy("These times are no longer open: the session was agreed or proposed again."),
        "not_started": gettext_lazy("Attendance is recorded once the session has started."),
        "mediation_ended": gettext_lazy("Mediation of this complaint has ended."),
    }


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("consumer__user", "entity").get(pk=case.pk)


def _check_mediating(case: Case) -> None:
    if case.status != CaseStatus.MEDIATING:
        raise SchedulingRefused("not_in_mediation")
    if case.mediation_suspended_since is not None:  # Order 121 Art. 21, 22
        raise SchedulingRefused("suspended")


def _checked_times(times: Iterable[datetime.datetime | None], now: datetime.datetime) -> list[datetime.datetime]:
    chosen = sorted({moment.replace(second=0, microsecond=0) for moment in times if moment is not None})
    if not MIN_TIMES <= len(chosen) <= MAX_TIMES:
        raise ValidationError(
            {"times": [_("Propose from %(min)d to %(max)d different times.") % {"min": MIN_TIMES, "max": MAX_TIMES}]}
        )
    if any(moment <= now for moment in chosen):
        raise ValidationError({"times": [_("Every time proposed must be later than now.")]})
    return chosen


def session_propose(
    *, case: Case, actor, times: Iterable[datetime.datetime | None], online: bool, place: str = ""
) -> SessionProposal:
    """The lead mediator proposes times for a session; an open proposal of the case is withdrawn.
    The parties and the co-mediator are asked which times suit them."""
    now = timezone.now()
    with transaction.atomic():
        case = _lock_case(case)
        if not is_lead_mediator(actor, case):
            raise PermissionDenied(_("Only the lead mediator proposes the times of a session."))
        _check_mediating(case)
        chosen = _checked_times(times, now)
        place = "" if online else (place or "").strip()
        if not online and not place:
            raise ValidationError({"place": [_("Give the place of the on-site session.")]})
        if len(place) > MAX_PLACE_LENGTH:
            raise ValidationError({"place": [_("At most %(count)d characters.") % {"count": MAX_PLACE_LENGTH}]})
        SessionProposal.objects.select_for_update().filter(case=case, status=SessionProposalStatus.OPEN).update(
            status=SessionProposalStatus.WITHDRAWN
        )
        proposal = SessionProposal.objects.create(case=case, online=online, place=place, proposed_by=actor)
        SessionProposalTime.objects.bulk_create(
            [SessionProposalTime(proposal=proposal, starts_at=moment) for moment in chosen]
        )
        notify(
            users=[user for party in parties_to_answer(case) for user in party_users(case, party)],
            kind=NotificationKind.SESSION_PROPOSED,
            case=case,
            dedupe_key=f"session-proposal:{proposal.pk}",
        )
    return proposal


def session_answer(
    *, proposal: SessionProposal, actor, suits: Iterable, party: str | None = None
) -> SessionProposalAnswer:
    """A party says which of the proposed times suit them (none is an answer too); answering again
    changes it. The complainant and the business's staff answer for themselves, a co-mediating
    official for their bureau; the lead mediator records the answer of a party without an account
    (`party`), given by phone. When every party has answered and a time suits all, the earliest
    becomes the session."""
    with transaction.atomic():
        case = _lock_case(proposal.case)
        proposal = SessionProposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.case = case
        own_party = party_of(actor, case)
        if party is None or party == own_party:
            party = own_party
            if party is None:
                raise PermissionDenied(_("Only the parties and the co-mediator answer the proposed times."))
        elif not (is_lead_mediator(actor, case) and party in parties_without_account(case)):
            raise PermissionDenied(
                _("The lead mediator records the answer only of a party who has no account on the platform.")
            )
        if proposal.status != SessionProposalStatus.OPEN:
            raise SchedulingRefused("proposal_closed")
        _check_mediating(case)
        offered = {time.pk: time for time in proposal.times.all()}
        chosen = {getattr(time, "pk", time) for time in suits}
        if not chosen <= offered.keys():
            raise ValidationError({"suits": [_("Choose among the times proposed.")]})
        answer, _created = SessionProposalAnswer.objects.update_or_create(
            proposal=proposal, party=party, defaults={"answered_by": actor}
        )
        answer.suits.set([offered[pk] for pk in chosen])
        common = common_times(proposal)
        if common:
            _schedule(proposal, case=case, starts_at=common[0].starts_at)
    return answer


def _schedule(proposal: SessionProposal, *, case: Case, starts_at: datetime.datetime) -> MediationSession:
    """The agreed time becomes the session. On site, through the life cycle's own move, which
    records the Art. 20 notices to both parties (and tells them); online, a session in the room.
    Caller holds the case and proposal locks."""
    seat = lead_mediator_seat(case)
    lead = seat.user if seat is not None else proposal.proposed_by
    mediators = session_mediators(case) or [lead]
    parties = [*party_users(case, SessionParty.CONSUMER), *party_users(case, SessionParty.BUSINESS)]
    if proposal.online:
        session = MediationSession.objects.create(case=case, starts_at=starts_at, online=True, scheduled_by=lead)
        session.mediators.set(mediators)
        told = [*parties, *mediators]
        link = reverse("web:room", args=[case.number])
    else:
        case_transition(
            case=case,
            action="schedule_onsite_session",
            actor=lead,
            context={"starts_at": starts_at, "place": proposal.place, "mediators": mediators},
        )
        session = MediationSession.objects.filter(case=case).order_by("-pk").first()
        told = mediators  # the parties are told by the Art. 20 notices
        link = ""
    proposal.status = SessionProposalStatus.AGREED
    proposal.session = session
    proposal.save(update_fields=["status", "session"])
    notify(
        users=told,
        kind=NotificationKind.SESSION_SCHEDULED,
        case=case,
        params={"when": _when_param(session)},
        link=link,
        dedupe_key=f"session:{session.pk}:scheduled",
    )
    return session


def _when_param(session: MediationSession) -> str:
    """The session's time (Beijing time) and place as a notification names them, in any language."""
    when = timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
    return f"{when} · {session.place}" if session.place else when


@on_leaving(CaseStatus.MEDIATING)
def proposals_withdraw_with_mediation(*, case: Case, **_move) -> None:
    """Mediation has ended: nobody answers its open proposal any more."""
    SessionProposal.objects.filter(case=case, status=SessionProposalStatus.OPEN).update(
        status=SessionProposalStatus.WITHDRAWN
    )


def session_attendance_record(
    *, session: MediationSession, actor, party: str, attended: bool, note: str = ""
) -> SessionAttendance:
    """The lead mediator records, once the session has started, whether a party came; recording it
    again corrects it. A party absent without good reason is a ground to end mediation (Art. 23(2))."""
    with transaction.atomic():
        case = _lock_case(session.case)
        session = MediationSession.objects.select_for_update().get(pk=session.pk)
        if not may_record_attendance(actor, case):
            raise PermissionDenied(_("Only the lead mediator records who came to a session."))
        if party not in ATTENDING_PARTIES:
            raise ValidationError({"party": [_("Attendance is recorded for the complainant and the business.")]})
        note = (note or "").strip()
        if len(note) > MAX_NOTE_LENGTH:
            raise ValidationError({"note": [_("At most %(count)d characters.") % {"count": MAX_NOTE_LENGTH}]})
        if case.status not in SESSION_STATUSES:
            raise SchedulingRefused("mediation_ended")
        if session.starts_at > timezone.now():
            raise SchedulingRefused("not_started")
        record, _created = SessionAttendance.objects.update_or_create(
            session=session, party=party, defaults={"attended": bool(attended), "note": note, "recorded_by": actor}
        )
    return record


def session_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the parties and the mediators of each session a day and an hour before it: each
    reminder once per person (its dedupe key), only the nearest one due, and only when the session
    was set before that reminder's window opened. Returns how many notifications were written."""
    now = now or timezone.now()
    sent = 0
    longest = max(before for _name, before in REMINDERS)
    for session in sessions_to_remind(since=now, until=now + longest):
        case = session.case
        due = [
            (name, before)
            for name, before in REMINDERS
            if session.starts_at - before <= now and session.created_at < session.starts_at - before
        ]
        if not due:
            continue
        name, _before = min(due, key=lambda item: item[1])  # the nearest: an hour before beats a day
        users = [
            *party_users(case, SessionParty.CONSUMER),
            *party_users(case, SessionParty.BUSINESS),
            *session.mediators.all(),
            *session_mediators(case),
        ]
        with transaction.atomic():
            sent += len(
                notify(
                    users=users,
                    kind=NotificationKind.SESSION_REMINDER,
                    case=case,
                    params={"when": _when_param(session)},
                    link=reverse("web:room", args=[case.number]) if session.online else "",
                    dedupe_key=f"session:{session.pk}:{name}",
                )
            )
    return sent
