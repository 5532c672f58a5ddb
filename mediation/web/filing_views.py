"""Filing on a form, without the bot (for when it is down, still starting, or not wanted): the same
cases with the same checks and messages as the bot's and the API's, through the same services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mediation.services.filing import web_filing_submit
from mediation.services.submissions import FiledOnce, filing_submission_find, filing_submit_once
from mediation.web.filing_forms import FILING_FIELD_GROUPS, FilingForm, filing_error_fields, uploads_of
from mediation.web.views import add_service_errors


@login_required
def file_case(request):
    """A consumer files a complaint, a report or both, with evidence, and lands on the case."""
    consumer = getattr(request.user, "consumer", None)
    if consumer is None:
        raise PermissionDenied(_("Only a registered consumer can file a case. Please complete real-name registration."))
    # A draft sent again (kept offline, or sent twice) files nothing: its first sending's cases are shown.
    key = submission_key_of(request)
    if key is not None and (filed := filing_submission_find(user=request.user, key=key)) is not None:
        return _already_filed(request, filed)
    form = FilingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = filing_submit_once(
                user=request.user,
                key=form.cleaned_data.get("submission_key"),
                file=lambda: web_filing_submit(
                    consumer=consumer,
                    complaint=form.complaint_data(),
                    report=form.report_data(),
                    evidence=uploads_of(form.cleaned_data["evidence"]),
                    report_evidence=uploads_of(form.cleaned_data["report_evidence"]),
                ),
            )
        except ValidationError as error:
            add_service_errors(form, filing_error_fields(error))
        else:
            if filed.already_filed:  # sent at the same moment as its first sending
                return _already_filed(request, filed)
            cases = filed.cases
            for case in cases:
                messages.success(
                    request,
                    _("Case %(number)s is filed; %(authority)s handles it.")
                    % {"number": case.number, "authority": case.handling_authority.name},
                )
            return redirect("web:case", number=cases[0].number)
    context = {
        "form": form,
        "field_groups": FILING_FIELD_GROUPS,
        # The browser forgets the files chosen when the page comes back with a problem.
        "choose_files_again": bool(request.FILES),
    }
    return render(request, "web/filing.html", context, status=400 if form.errors else 200)


def submission_key_of(request) -> uuid.UUID | None:
    """The draft's key a POST carries (FilingForm.submission_key), if it is one."""
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


def _already_filed(request, filed: FiledOnce):
    """The cases an earlier sending of the same draft filed, and nothing filed again."""
    messages.info(
        request,
        _("This form was already sent and filed as %(numbers)s. Nothing was filed again.")
        % {"numbers": ", ".join(case.number for case in filed.cases)},
    )
    return redirect("web:case", number=filed.cases[0].number)
