"""Scheduling mediation sessions and the follow-up ratings on the pages. Each view is one call of a
service (mediation.services.scheduling, .follow_up); a refusal is shown on the case page beside the
form that caused it. The bureau's ratings page reads mediation.selectors.follow_up."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mediation.models import MediationSession, SessionProposal
from mediation.selectors.cases import case_for_viewer
from mediation.selectors.follow_up import bureau_follow_ups
from mediation.selectors.scheduling import parties_without_account
from mediation.services.errors import DomainError
from mediation.services.follow_up import follow_up_rate
from mediation.services.scheduling import session_answer, session_attendance_record, session_propose
from mediation.web import views
from mediation.web.scheduling_forms import AttendanceForm, FollowUpForm, SessionAnswerForm, SessionProposeForm


def _run(request, form, call) -> tuple[bool, int]:
    """Call the service; put its refusal on the form (on the page's messages when it is not the
    person's to take: the page shows them no such form). Returns (done, the status to answer with)."""
    try:
        call()
    except ValidationError as error:
        views.add_service_errors(form, error, fields={"times": "time_1", "suits": "suits"})
        return False, 400
    except DomainError as refusal:
        views.add_refusal(form, refusal)
        return False, 409
    except PermissionDenied as error:
        messages.error(request, str(error))
        return False, 403
    return True, 200


def _back(number: str, anchor: str):
    return redirect(f"{resolve_url('web:case', number=number)}#{anchor}")


@login_required
@require_POST
def session_propose_view(request, number: str):
    """The lead mediator proposes times for a session."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    form = SessionProposeForm(request.POST)
    status = 400
    if form.is_valid():
        done, status = _run(
            request,
            form,
            lambda: session_propose(
                case=case,
                actor=request.user,
                times=form.times(),
                online=form.cleaned_data["where"] == "online",
                place=form.cleaned_data["place"],
            ),
        )
        if done:
            messages.success(request, _("The times are proposed; the parties are asked which suit them."))
            return _back(number, "sessions")
    return views.case_page_with_refused_form(request, case, viewer, "propose", form, status=status)


@login_required
@require_POST
def session_answer_view(request, number: str, proposal_id: int):
    """A party (or the co-mediator) says which times suit them; the lead mediator records the answer
    of a party without an account."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    proposal = get_object_or_404(SessionProposal, pk=proposal_id, case=case)
    parties = parties_without_account(case) if "answer-party" in request.POST else []
    form = SessionAnswerForm(request.POST, proposal=proposal, parties=parties)
    status = 400
    if form.is_valid():
        done, status = _run(
            request,
            form,
            lambda: session_answer(
                proposal=proposal,
                actor=request.user,
                suits=list(form.cleaned_data["suits"]),
                party=form.cleaned_data.get("party"),
            ),
        )
        if done:
            proposal.refresh_from_db()
            if proposal.session_id is not None:
                messages.success(request, _("A time suits everyone: the session is scheduled."))
            else:
                messages.success(request, _("Your answer is recorded."))
            return _back(number, "sessions")
    return views.case_page_with_refused_form(request, case, viewer, "answer", form, status=status)


@login_required
@require_POST
def session_attendance_view(request, number: str, session_id: int):
    """The lead mediator records whether a party came to a session."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    session = get_object_or_404(MediationSession, pk=session_id, case=case)
    form = AttendanceForm(request.POST, session=session)
    status = 400
    if form.is_valid():
        done, status = _run(
            request,
            form,
            lambda: session_attendance_record(
                session=session,
                actor=request.user,
                party=form.cleaned_data["party"],
                attended=form.cleaned_data["attended"] == "yes",
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, _("The attendance is recorded."))
            return _back(number, f"session-{session.pk}")
    return views.case_page_with_refused_form(request, case, viewer, f"attendance-{session.pk}", form, status=status)


@login_required
@require_POST
def follow_up_rate_view(request, number: str):
    """The complainant rates how their closed complaint was handled."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    form = FollowUpForm(request.POST)
    status = 400
    if form.is_valid():
        done, status = _run(
            request,
            form,
            lambda: follow_up_rate(
                case=case, actor=request.user, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            ),
        )
        if done:
            messages.success(request, _("Thank you: your rating is recorded."))
            return _back(number, "follow-up")
    return views.case_page_with_refused_form(request, case, viewer, "follow-up", form, status=status)


def _day(value: str, default: datetime.date) -> tuple[datetime.date, bool]:
    try:
        return (datetime.date.fromisoformat(value) if value else default), True
    except ValueError:
        return default, False


# The period the ratings page shows when none is chosen.
DEFAULT_PERIOD_DAYS = 365


@login_required
@require_GET
def follow_ups_page(request):
    """The ratings of the complaints the official's bureau handled (回访, Order 121 Art. 26), over a
    period: the count, the average, how many of each rating, month by month, and each rating with
    its comment."""
    official = getattr(request.user, "official", None)
    if official is None:
        raise PermissionDenied(_("Only officials read the bureau's follow-up ratings."))
    today = timezone.localdate()
    until, until_ok = _day(request.GET.get("until", ""), today)
    since, since_ok = _day(request.GET.get("since", ""), until - datetime.timedelta(days=DEFAULT_PERIOD_DAYS))
    context = {"since": since, "until": until}
    if not (since_ok and until_ok) or since > until:
        context["error"] = _("Give the period as two days, the first not after the last.")
        return render(request, "web/follow_ups.html", context, status=400)
    context["figures"] = bureau_follow_ups(authority=official.authority, since=since, until=until)
    return render(request, "web/follow_ups.html", context)
