"""The pages of businesses joining the platform: claiming a registry entry (认领), the bureau's list
of claims and its decision on one, the claim's document, and the administrator's staff page. And
the consent by which a hotline caller takes their cases to their account. Each view is one service
call; the rules are in mediation.services.business_accounts and mediation.services.hotline_link."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mediation.models import ApplicantRole, ClaimStatus, MerchantStaff
from mediation.selectors.business_accounts import (
    claim_document_reader,
    claim_for_decider,
    claims_of_applicant,
    claims_to_decide,
    deciding_bureau,
    staff_of_business,
)
from mediation.selectors.evidence import attachment_response
from mediation.services.business_accounts import (
    ClaimNotPending,
    business_claim_submit,
    check_may_claim,
    claim_approve,
    claim_refuse,
    require_business_administrator,
    staff_add,
    staff_remove,
)
from mediation.services.hotline_link import hotline_cases_link
from mediation.web.business_forms import BusinessClaimForm, ClaimDecisionForm, StaffAddForm
from mediation.web.views import add_refusal, add_service_errors

LOG_IN_BACKEND = "channels_app.auth_backends.PreparedModelBackend"


# --- Claiming ---------------------------------------------------------------------------------------


def business_claim(request):
    """For businesses: claim the business's registry entry, with a new account or (signed in,
    without a role) one's own; and the state of one's claims."""
    user = request.user
    context = {"claims": claims_of_applicant(user=user)[:10], "form": None, "refusal": ""}
    try:
        check_may_claim(user=user)
    except PermissionDenied as refusal:
        context["refusal"] = str(refusal)
        status = 403 if request.method == "POST" else 200
        return render(request, "web/business_claim.html", context, status=status)
    form = BusinessClaimForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            claim = business_claim_submit(applicant=None if form.with_account else user, **form.claim_data())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        else:
            if form.with_account:
                login(request, claim.applicant, backend=LOG_IN_BACKEND)
            messages.success(
                request,
                _(
                    "Your claim of %(business)s is sent to %(bureau)s. You are told here and by e-mail "
                    "when it is decided."
                )
                % {"business": claim.entity.name, "bureau": deciding_bureau(claim.entity).name},
            )
            return redirect("web:business-claim")
    context["form"] = form
    return render(request, "web/business_claim.html", context, status=400 if form.errors else 200)


@login_required
def business_claims(request):
    """The pending claims the official's bureau decides."""
    if getattr(request.user, "official", None) is None:
        raise PermissionDenied(_("Only officials of market-regulation bureaus decide claims."))
    return render(
        request,
        "web/business_claims.html",
        {"claims": claims_to_decide(user=request.user), "authority": request.user.official.authority},
    )


def _decision_page(request, claim, *, form, confirming=None, status=200):
    context = {
        "claim": claim,
        "form": form,
        "confirming": confirming,
        "role_label": ApplicantRole(claim.applicant_role).label if claim.applicant_role in ApplicantRole.values else "",
        "pending": claim.status == ClaimStatus.PENDING,
    }
    return render(request, "web/business_claim_decide.html", context, status=status)


@login_required
def business_claim_decide(request, claim_id: int):
    """One claim, its document, and the bureau's decision: approve, or refuse with a reason. The
    decision cannot be undone, so it is taken on a second, explicit step."""
    claim = claim_for_decider(user=request.user, claim_id=claim_id)
    if request.method != "POST":
        return _decision_page(request, claim, form=ClaimDecisionForm())
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, claim, form=form, status=400)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    if request.POST.get("confirmed") != "1":
        return _decision_page(request, claim, form=form, confirming={"decision": decision, "reason": reason})
    try:
        if decision == "approve":
            claim_approve(claim=claim, actor=request.user, reason=reason)
        else:
            claim_refuse(claim=claim, actor=request.user, reason=reason)
    except ValidationError as error:
        add_service_errors(form, error)
        return _decision_page(request, claim, form=form, status=400)
    except ClaimNotPending as refusal:
        add_refusal(form, refusal)
        claim.refresh_from_db()
        return _decision_page(request, claim, form=form, status=409)
    if decision == "approve":
        messages.success(
            request,
            _("The claim is approved: %(name)s now keeps the accounts of %(business)s.")
            % {"name": claim.applicant_name, "business": claim.entity.name},
        )
    else:
        messages.success(request, _("The claim is refused; the applicant is told your reason."))
    return redirect("web:business-claims")


@login_required
def business_claim_document(request, claim_id: int):
    """The claim's document, as an attachment, for the bureau's officials and the applicant."""
    claim = claim_document_reader(user=request.user, claim_id=claim_id)
    return attachment_response(claim.document, content_type=claim.document_type, filename=claim.document_name)


# --- The business's staff ------------------------------------------------------------------------


def _staff_page(request, administrator_staff, *, form=None, removing=None, errors=(), status=200):
    context = {
        "entity": administrator_staff.entity,
        "staff": staff_of_business(entity=administrator_staff.entity),
        "form": form or StaffAddForm(),
        "removing": removing,
        "errors": list(errors),
    }
    return render(request, "web/business_staff.html", context, status=status)


@login_required
def business_staff(request):
    """The administrator's page: the business's staff, adding one."""
    administrator_staff = require_business_administrator(request.user)
    if request.method != "POST":
        return _staff_page(request, administrator_staff)
    form = StaffAddForm(request.POST)
    if form.is_valid():
        try:
            added = staff_add(
                administrator=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                name=form.cleaned_data["name"],
                is_administrator=form.cleaned_data["is_administrator"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is added. They log in as %(username)s with the password you set.")
                % {"name": added.user.last_name, "username": added.user.username},
            )
            return redirect("web:business-staff")
    return _staff_page(request, administrator_staff, form=form, status=400)


@login_required
@require_POST
def business_staff_remove(request, staff_id: int):
    """Remove one of the business's staff, on a second, explicit step."""
    administrator_staff = require_business_administrator(request.user)
    staff = get_object_or_404(
        MerchantStaff.objects.select_related("user"), pk=staff_id, entity_id=administrator_staff.entity_id
    )
    if request.POST.get("confirmed") != "1":
        return _staff_page(request, administrator_staff, removing=staff)
    try:
        staff_remove(administrator=request.user, staff=staff)
    except ValidationError as error:
        return _staff_page(request, administrator_staff, errors=error.messages, status=400)
    messages.success(
        request,
        _("%(name)s is removed and can no longer log in.") % {"name": str(staff.user.last_name or staff.user.username)},
    )
    return redirect("web:business-staff")


# --- Hotline callers online ------------------------------------------------------------------------


@login_required
@require_POST
def hotline_cases_take(request):
    """The consumer consents to take the cases entered for them from the hotline, a letter or a
    visit to their account."""
    consumer = getattr(request.user, "consumer", None)
    if consumer is None:
        raise PermissionDenied(_("Only consumers link cases to their account."))
    if request.POST.get("consent") != "1":
        messages.error(request, _("Tick the box to say you agree, then link the cases."))
        return redirect("web:cases")
    linked = hotline_cases_link(consumer=consumer, consented=True)
    if linked:
        text = ngettext(
            "%(count)d case is now in your account.", "%(count)d cases are now in your account.", len(linked)
        )
        messages.success(request, text % {"count": len(linked)})
    else:
        messages.info(request, _("There were no cases to link."))
    return redirect("web:cases")
