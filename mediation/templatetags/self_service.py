"""The case page's and the room page's parts for the consumer's self-service: the evidence (the list
for whoever may see the case, the upload for whoever may add to it) and the correction of a case
returned for correction. Each part reads the case and the person from the page's context; a form
refused on submission comes back through the request (mediation.web.evidence_views)."""

from django import template

from mediation.models import CaseStatus
from mediation.selectors.cases import Relation, case_relations
from mediation.selectors.correction import case_return
from mediation.selectors.evidence import evidence_seen_by, may_add_evidence
from mediation.services.cases import EVIDENCE_OPEN_STATUSES
from mediation.web.filing_forms import CorrectionForm, EvidenceForm

register = template.Library()


def refused_form(request, name: str):
    """The form of that name refused on submission, to show again with its errors."""
    return getattr(request, "refused_forms", {}).get(name)


@register.inclusion_tag("web/case_evidence.html", takes_context=True)
def case_evidence(context, *, uploads: bool = True):
    """The case's evidence files, each with its uploader's role; with `uploads`, the form to add more
    for those who may (the filer; the business of a complaint it was told of) while the case is open."""
    request, case = context["request"], context["case"]
    form = None
    # A returned case's owner adds evidence with the correction (case_correction), not twice.
    correcting = case.status == CaseStatus.RETURNED and Relation.OWN in case_relations(request.user, case)
    if uploads and not correcting and case.status in EVIDENCE_OPEN_STATUSES and may_add_evidence(request.user, case):
        form = refused_form(request, "evidence") or EvidenceForm()
    return {
        "case": case,
        "viewer": context.get("viewer"),
        "files": evidence_seen_by(user=request.user, case=case),
        "form": form,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("web/case_correction.html", takes_context=True)
def case_correction(context):
    """For the person who filed a case returned for correction: the official's ground and reason,
    and the correctable fields as they stand, with evidence to add."""
    request, case = context["request"], context["case"]
    returned = None
    form = None
    if case.status == CaseStatus.RETURNED and Relation.OWN in case_relations(request.user, case):
        returned = case_return(case)
        form = refused_form(request, "correction") or CorrectionForm(case=case)
    return {"case": case, "returned": returned, "form": form, "csrf_token": context.get("csrf_token")}
