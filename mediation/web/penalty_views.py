"""Penalty decisions and their publication (市场监督管理行政处罚信息公示规定): the handling bureau records
the decision on a report's case with a preview of what is published; the deciding bureau publishes,
corrects and withdraws it and decides the requests; anyone reads a published decision and asks for a
correction; the business's staff apply for early removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediation.models import CaseKind, CaseStatus, PenaltyRequestKind, PublicationStatus, ReportDecision
from mediation.selectors.cases import Relation, case_for_viewer, case_relations
from mediation.selectors.penalties import (
    decision_for_bureau,
    decision_of_case,
    decisions_of_bureau,
    open_requests,
    penalty_summary,
    published_penalties,
    published_penalty,
)
from mediation.services.errors import DomainError
from mediation.services.penalties import (
    CORRECTABLE,
    early_stop_from,
    early_stop_refusal,
    penalty_correction_request,
    penalty_decision_correct,
    penalty_decision_publish,
    penalty_decision_record,
    penalty_decision_withdraw,
    penalty_early_stop_apply,
    penalty_request_decide,
    publication_dues,
    publication_preview,
    publication_refusal,
)
from mediation.web.penalty_forms import (
    CorrectionRequestForm,
    EarlyStopForm,
    PenaltyCorrectForm,
    PenaltyRecordForm,
    RequestDecideForm,
    WithdrawForm,
)
from mediation.web.views import add_refusal, add_service_errors

RECORDABLE = (CaseStatus.CASE_OPENED, CaseStatus.DECIDED)


def _report_of_handling_official(request, number: str):
    case, _viewer = case_for_viewer(user=request.user, number=number)
    if Relation.HANDLING not in case_relations(request.user, case):
        raise PermissionDenied(_("Only the officials of the bureau handling the report record its penalty decision."))
    if case.kind != CaseKind.REPORT:
        raise Http404
    return case


@login_required
def penalty_record(request, number: str):
    """Record a report's penalty decision: preview what will be published, then record it."""
    case = _report_of_handling_official(request, number)
    existing = decision_of_case(case)
    if existing is not None:
        return redirect("web:penalty-manage", decision_id=existing.pk)
    recordable = case.status == CaseStatus.CASE_OPENED or (
        case.status == CaseStatus.DECIDED and case.report_decision == ReportDecision.PENALTY
    )
    form = PenaltyRecordForm(request.POST or None, initial={"violation_type": case.violation_type})
    context = {"case": case, "form": form, "recordable": recordable, "preview": None}
    status = 200
    if request.method == "POST" and not recordable:
        form.add_error(None, _("A penalty decision is recorded on an opened case, or on one decided with a penalty."))
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("do") == "record":
                decision = penalty_decision_record(
                    case=case, actor=request.user, values=form.values(), secrets=form.secret_passages()
                )
                messages.success(request, _("The penalty decision is recorded."))
                return redirect("web:penalty-manage", decision_id=decision.pk)
            context["preview"] = publication_preview(
                case=case, actor=request.user, values=form.values(), secrets=form.secret_passages()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        except DomainError as refusal:
            add_refusal(form, refusal)
            status = 409
    elif request.method == "POST":
        status = 400
    return render(request, "web/penalty_record.html", context, status=status)


def _official_bureau(request):
    official = getattr(request.user, "official", None)
    if official is None:
        raise PermissionDenied(_("This page is for the officials of market-regulation bureaus."))
    return official.authority


@login_required
def penalty_list(request):
    """The bureau's recorded penalty decisions and their publication."""
    authority = _official_bureau(request)
    return render(request, "web/penalties_manage.html", {"decisions": decisions_of_bureau(authority.pk)[:200]})


def _manage_context(request, decision, **forms) -> dict:
    due, push_due = publication_dues(
        authority_region=decision.authority.region_id,
        entity=decision.entity,
        decided_on=decision.decided_on,
        recorded_on=timezone.localdate(decision.recorded_at),
    )
    initial = {name: getattr(decision, name) for name in CORRECTABLE}
    requests = [
        (item, forms.get(f"request-{item.pk}") or RequestDecideForm(prefix=f"request-{item.pk}"))
        for item in open_requests(decision)
    ]
    return {
        "decision": decision,
        "summary": penalty_summary(decision),
        "events": decision.events.select_related("actor"),
        "push_due": push_due if decision.publication_due else None,
        "early_stop_from": early_stop_from(decision),
        "correct_form": forms.get("correct") or PenaltyCorrectForm(initial=initial, prefix="correct"),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(prefix="withdraw"),
        "requests": requests,
        "decided_requests": decision.requests.exclude(status="open"),
        "due": due,
        "why_not_published": publication_refusal(procedure=decision.procedure, penalty_kinds=decision.penalty_kinds)
        if decision.publication_status == PublicationStatus.NOT_PUBLISHED
        else "",
    }


@login_required
def penalty_manage(request, decision_id: int):
    """One decision for its bureau: its publication, history and requests; publish (after the Art. 8
    notice), correct, withdraw."""
    decision = decision_for_bureau(user=request.user, decision_id=decision_id)
    if request.method != "POST":
        return render(request, "web/penalty_manage.html", _manage_context(request, decision))
    action = request.POST.get("do", "")
    form = None
    try:
        if action == "publish":
            penalty_decision_publish(decision=decision, actor=request.user)
        elif action == "correct":
            form = PenaltyCorrectForm(request.POST, prefix="correct")
            if not form.is_valid():
                raise ValidationError({})
            penalty_decision_correct(
                decision=decision,
                actor=request.user,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                secrets=form.secret_passages(),
            )
        elif action == "withdraw":
            form = WithdrawForm(request.POST, prefix="withdraw")
            if not form.is_valid():
                raise ValidationError({})
            penalty_decision_withdraw(decision=decision, actor=request.user, **form.cleaned_data)
        else:
            messages.error(request, _("Choose to publish, correct or withdraw the decision."))
            return render(request, "web/penalty_manage.html", _manage_context(request, decision), status=400)
    except ValidationError as error:
        if form is not None and error.message_dict:
            add_service_errors(form, error)
        elif error.message_dict:
            messages.error(request, " ".join(error.messages))
        context = _manage_context(request, decision, **({action: form} if form is not None else {}))
        return render(request, "web/penalty_manage.html", context, status=400)
    except DomainError as refusal:
        messages.error(request, refusal.render())
        decision = decision_for_bureau(user=request.user, decision_id=decision_id)
        return render(request, "web/penalty_manage.html", _manage_context(request, decision), status=409)
    messages.success(request, _("Done."))
    return redirect("web:penalty-manage", decision_id=decision.pk)


@login_required
@require_POST
def penalty_request_decide_view(request, decision_id: int, request_id: int):
    """The deciding bureau grants or refuses a request; a correction is granted once it was made
    (the correction form of the same page)."""
    decision = decision_for_bureau(user=request.user, decision_id=decision_id)
    item = get_object_or_404(decision.requests, pk=request_id)
    form = RequestDecideForm(request.POST, prefix=f"request-{item.pk}")
    status = 400
    if form.is_valid():
        try:
            penalty_request_decide(
                request=item,
                actor=request.user,
                grant=form.cleaned_data["decision"] == "grant",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as refusal:
            add_refusal(form, refusal)
            status = 409
        else:
            messages.success(request, _("The request is decided."))
            return redirect("web:penalty-manage", decision_id=decision.pk)
    context = _manage_context(request, decision, **{f"request-{item.pk}": form})
    return render(request, "web/penalty_manage.html", context, status=status)


# Public ----------------------------------------------------------------------------------------


def _public_context(request, decision, form=None) -> dict:
    staff = getattr(request.user, "merchant_staff", None) if request.user.is_authenticated else None
    return {
        "decision": decision,
        "summary": penalty_summary(decision),
        "form": form or CorrectionRequestForm(signed_in=request.user.is_authenticated),
        "own_business": staff is not None and staff.entity_id == decision.entity_id,
    }


def penalty_public(request, decision_id: int):
    """A published decision: its summary and the decision document as published (Art. 4, 7)."""
    decision = published_penalty(decision_id)
    return render(request, "web/penalty_public.html", _public_context(request, decision))


@require_POST
def penalty_correction_request_view(request, decision_id: int):
    """Anyone asks the deciding bureau to correct a published decision (Art. 12)."""
    decision = published_penalty(decision_id)
    form = CorrectionRequestForm(request.POST, signed_in=request.user.is_authenticated)
    if form.is_valid():
        try:
            penalty_correction_request(
                decision=decision,
                applicant=request.user if request.user.is_authenticated else None,
                name=form.cleaned_data.get("name", ""),
                contact=form.cleaned_data.get("contact", ""),
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("Your request was sent to the bureau that made the decision."))
            return redirect("web:penalty-public", decision_id=decision.pk)
    return render(request, "web/penalty_public.html", _public_context(request, decision, form), status=400)


# The business ----------------------------------------------------------------------------------


def _staff(request):
    staff = getattr(request.user, "merchant_staff", None)
    if staff is None:
        raise PermissionDenied(_("This page is for the staff of a business."))
    return staff


def _business_context(staff, forms=None) -> dict:
    today = timezone.localdate()
    rows = []
    for decision in published_penalties(entity=staff.entity):
        rows.append(
            {
                "decision": decision,
                "summary": penalty_summary(decision),
                "from": early_stop_from(decision),
                "refusal": early_stop_refusal(decision, today=today),
                "requests": decision.requests.filter(kind=PenaltyRequestKind.EARLY_STOP).order_by("-id"),
                "form": (forms or {}).get(decision.pk) or EarlyStopForm(prefix=f"early-{decision.pk}"),
            }
        )
    return {"entity": staff.entity, "rows": rows}


@login_required
def business_penalties(request):
    """The business's published decisions, and its applications for early removal (Art. 14)."""
    staff = _staff(request)
    return render(request, "web/business_penalties.html", _business_context(staff))


@login_required
@require_POST
def penalty_early_stop_view(request, decision_id: int):
    staff = _staff(request)
    decision = published_penalty(decision_id)
    if decision.entity_id != staff.entity_id:
        raise Http404
    form = EarlyStopForm(request.POST, prefix=f"early-{decision.pk}")
    if form.is_valid():
        try:
            application = penalty_early_stop_apply(
                decision=decision,
                actor=request.user,
                statement=form.cleaned_data["statement"],
                conditions=form.declared(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as refusal:
            add_refusal(form, refusal)
        else:
            if application.status == "refused":
                messages.error(request, application.decision_reason)
            else:
                messages.success(request, _("Your application was sent to the bureau that made the decision."))
            return redirect("web:business-penalties")
    return render(request, "web/business_penalties.html", _business_context(staff, {decision.pk: form}), status=400)
