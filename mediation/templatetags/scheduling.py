"""The case page's parts for scheduling a mediation session and for the follow-up rating. Each part
reads the case and the person from the page's context; a form refused on submission comes back
through the request (mediation.web.scheduling_views)."""

from django import template

from mediation.models import CaseKind, CaseStatus
from mediation.selectors.cases import Viewer
from mediation.selectors.follow_up import case_follow_up
from mediation.selectors.scheduling import (
    is_lead_mediator,
    may_record_attendance,
    open_proposal,
    parties_without_account,
    party_of,
    proposal_view,
    sessions_of,
    termination_suggestion,
)
from mediation.web.scheduling_forms import AttendanceForm, FollowUpForm, SessionAnswerForm, SessionProposeForm

register = template.Library()


def _refused(request, name: str):
    return getattr(request, "refused_forms", {}).get(name)


@register.inclusion_tag("web/case_scheduling.html", takes_context=True)
def case_scheduling(context):
    """The sessions of a complaint being mediated: the lead mediator's proposal form, each party's
    answer, the sessions agreed, and, once a session has started, who came."""
    request, case = context["request"], context["case"]
    viewer = context.get("viewer")
    part = {"case": case, "csrf_token": context.get("csrf_token"), "shown": False}
    if case.kind != CaseKind.COMPLAINT or viewer == Viewer.PUBLIC:
        return part
    user = request.user
    mediating = case.status == CaseStatus.MEDIATING and case.mediation_suspended_since is None
    lead = is_lead_mediator(user, case)
    proposal = open_proposal(case) if case.status == CaseStatus.MEDIATING else None
    view = proposal_view(proposal, user=user) if proposal is not None else None
    answer_form = None
    if view is not None and mediating:
        if view.my_party is not None:
            answer_form = _refused(request, "answer") or SessionAnswerForm(
                proposal=proposal, initial={"suits": sorted(view.my_choice)}
            )
        elif lead and parties_without_account(case):
            answer_form = _refused(request, "answer") or SessionAnswerForm(
                proposal=proposal, parties=parties_without_account(case)
            )
    sessions = sessions_of(case)
    records = case.status in (CaseStatus.ACCEPTED, CaseStatus.MEDIATING) and may_record_attendance(user, case)
    attendance_forms = {}
    if records:
        for item in sessions:
            if item.started:
                attendance_forms[item.session.pk] = _refused(
                    request, f"attendance-{item.session.pk}"
                ) or AttendanceForm(session=item.session)
    part.update(
        {
            "shown": bool(sessions or view or (lead and mediating)),
            "is_official": viewer == Viewer.OFFICIAL,
            "lead": lead,
            "propose_form": (_refused(request, "propose") or SessionProposeForm()) if lead and mediating else None,
            "proposal": view,
            "answer_form": answer_form,
            "my_party": party_of(user, case),
            "sessions": [(item, attendance_forms.get(item.session.pk)) for item in sessions],
            "suggestion": termination_suggestion(case) if records else None,
        }
    )
    return part


@register.inclusion_tag("web/case_follow_up.html", takes_context=True)
def case_follow_up_part(context):
    """回访: the rating form for the complainant of a closed complaint, their rating once given; the
    rating and comment for the handling bureau's officials."""
    request, case = context["request"], context["case"]
    follow_up = case_follow_up(case, user=request.user)
    form = None
    if follow_up is not None and follow_up.may_rate:
        form = _refused(request, "follow-up") or FollowUpForm()
    return {"case": case, "part": follow_up, "form": form, "csrf_token": context.get("csrf_token")}
