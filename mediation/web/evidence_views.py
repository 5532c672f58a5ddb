"""Evidence on the pages: adding files to a case from its page, serving one to whoever may see the
case, and correcting a case returned for correction (with evidence). Who may do what is decided by
the services and selectors (evidence_attach, may_add_evidence, case_correct); a refusal is shown on
the case page beside the form that caused it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mediation.selectors.cases import case_for_viewer
from mediation.selectors.evidence import evidence_response
from mediation.services.errors import DomainError
from mediation.services.filing import evidence_add, returned_case_correct
from mediation.web import views
from mediation.web.filing_forms import CorrectionForm, EvidenceForm, uploads_of


@login_required
@require_GET
def evidence_file(request, number: str, evidence_id: int):
    """One evidence file, for whoever may see its case; served as the API serves it."""
    case, _viewer = case_for_viewer(user=request.user, number=number)
    return evidence_response(get_object_or_404(case.evidence, pk=evidence_id))


@login_required
@require_POST
def evidence_upload(request, number: str):
    """The filer, or the business told of a complaint, adds files to the case from its page."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    form = EvidenceForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            added = evidence_add(case=case, uploaded_by=request.user, uploads=uploads_of(form.cleaned_data["evidence"]))
        except ValidationError as error:
            views.add_service_errors(form, error)
        except DomainError as refusal:
            views.add_refusal(form, refusal)
            status = 409
        else:
            messages.success(
                request,
                ngettext("%(count)d evidence file is added.", "%(count)d evidence files are added.", len(added))
                % {"count": len(added)},
            )
            return redirect(f"{resolve_url('web:case', number=number)}#evidence")
    return views.case_page_with_refused_form(request, case, viewer, "evidence", form, status=status)


@login_required
@require_POST
def case_correct(request, number: str):
    """The person who filed a case returned for correction saves the corrected fields and new
    evidence, and with "save and resubmit" sends it back to the bureau."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    form = CorrectionForm(request.POST, request.FILES, case=case)
    resubmit = request.POST.get("resubmit") == "1"
    status = 400
    if form.is_valid():
        try:
            returned_case_correct(
                case=case,
                actor=request.user,
                changes=form.changes(),
                evidence=uploads_of(form.cleaned_data["evidence"]),
                resubmit=resubmit,
            )
        except ValidationError as error:
            views.add_service_errors(form, error)
        except DomainError as refusal:
            views.add_refusal(form, refusal)
            status = 409
        else:
            messages.success(
                request,
                _("Your corrections are saved and the complaint is sent back to the bureau.")
                if resubmit
                else _("Your corrections are saved. Resubmit the complaint when it is ready."),
            )
            return redirect("web:case", number=number)
    return views.case_page_with_refused_form(request, case, viewer, "correction", form, status=status)
