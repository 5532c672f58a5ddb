"""Texts received, for the officials who take hotline calls: the queue of texts waiting, and each text
completed into a case on the hotline intake form (prefilled with the sender's phone and the text as
the facts, received by text message) or dismissed with a reason. The same officials as the hotline
intake (services.people.require_intake_official); a consumer gives or withdraws consent to be texted
on their notification settings."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mediation.models import IncomingSms, IncomingSmsStatus, IntakeChannel
from mediation.selectors.cases import viewer_role
from mediation.selectors.sms import incoming_handled, incoming_waiting, sms_consent_of
from mediation.services.errors import DomainError
from mediation.services.people import require_intake_official
from mediation.services.sms import consumer_sms_consent_set
from mediation.services.sms_incoming import (
    DISMISSAL_REASON_MAX_CHARS,
    incoming_sms_dismiss,
    incoming_sms_file,
    incoming_sms_lock,
)
from mediation.sms import mask_phone
from mediation.web.forms import HotlineIntakeForm
from mediation.web.views import HOTLINE_FIELD_GROUPS, add_refusal, hotline_case_file


class DismissForm(forms.Form):
    prefix = "dismiss"
    reason = forms.CharField(
        label=gettext_lazy("Why it is no case"),
        max_length=DISMISSAL_REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: a wrong number, advertising, or a question answered by phone."),
    )


@login_required
def texts_queue(request):
    require_intake_official(request.user)
    waiting = [(text, mask_phone(text.phone)) for text in incoming_waiting()]
    return render(request, "web/sms_texts.html", {"waiting": waiting, "handled": incoming_handled()})


def _intake_form(request, incoming: IncomingSms) -> HotlineIntakeForm:
    form = HotlineIntakeForm(
        request.POST if request.method == "POST" else None,
        initial={"intake_channel": IntakeChannel.SMS, "phone": incoming.phone, "facts": incoming.body},
    )
    # The case came by text message, whatever is posted.
    form.fields["intake_channel"].disabled = True
    return form


def _text_page(request, incoming, form, dismiss_form, status=200):
    context = {
        "incoming": incoming,
        "form": form,
        "dismiss_form": dismiss_form,
        "field_groups": HOTLINE_FIELD_GROUPS,
    }
    return render(request, "web/sms_text.html", context, status=status)


@login_required
def text_complete(request, incoming_id: int):
    """One text: read it, complete and file it as a case, or dismiss it."""
    require_intake_official(request.user)
    incoming = get_object_or_404(IncomingSms.objects.select_related("case", "handled_by"), pk=incoming_id)
    if incoming.status != IncomingSmsStatus.NEW:
        if request.method == "POST":
            messages.error(request, _("This text was already filed or dismissed."))
            return redirect("web:sms-text", incoming_id=incoming.pk)
        return _text_page(request, incoming, None, None)
    form = _intake_form(request, incoming)
    if request.method == "POST" and form.is_valid():

        def mark_filed(case):
            incoming_sms_file(
                incoming=incoming_sms_lock(incoming_id=incoming.pk), case=case, official_user=request.user
            )

        try:
            case = hotline_case_file(request, form, also=mark_filed)
        except DomainError as refusal:  # another official handled it meanwhile: nothing was filed
            add_refusal(form, refusal)
        else:
            if case is not None:
                if viewer_role(request.user, case) is not None:
                    return redirect("web:case", number=case.number)
                return redirect("web:sms-texts")
    return _text_page(request, incoming, form, DismissForm(), status=400 if form.errors else 200)


@login_required
@require_POST
def text_dismiss(request, incoming_id: int):
    require_intake_official(request.user)
    incoming = get_object_or_404(IncomingSms, pk=incoming_id)
    dismiss_form = DismissForm(request.POST)
    if dismiss_form.is_valid():
        try:
            incoming_sms_dismiss(
                incoming_id=incoming.pk, official_user=request.user, reason=dismiss_form.cleaned_data["reason"]
            )
        except DomainError as refusal:
            add_refusal(dismiss_form, refusal)
        else:
            messages.success(request, _("The text is dismissed."))
            return redirect("web:sms-texts")
    if incoming.status != IncomingSmsStatus.NEW:
        return redirect("web:sms-text", incoming_id=incoming.pk)
    return _text_page(request, incoming, _intake_form(request, incoming), dismiss_form, status=400)


class SmsConsentForm(forms.Form):
    agreed = forms.BooleanField(
        label=gettext_lazy("Text me the decisions on my cases at this phone"),
        required=False,
        help_text=gettext_lazy(
            "Acceptance or refusal, and how mediation ended; for a report, whether a case was opened. "
            "Unticked, you are texted nothing."
        ),
    )


@login_required
@require_POST
def sms_consent(request):
    """A consumer gives or withdraws their consent to texts; shown on the notification settings."""
    consent = sms_consent_of(user=request.user)
    if consent is None:
        messages.error(request, _("Only a consumer's account can be sent texts."))
        return redirect("web:notification-settings")
    form = SmsConsentForm(request.POST)
    agreed = form.is_valid() and form.cleaned_data["agreed"]
    consumer_sms_consent_set(consumer=request.user.consumer, agreed=agreed)
    if agreed:
        messages.success(request, _("You will be texted the decisions on your cases."))
    else:
        messages.success(request, _("You will not be texted any more."))
    return redirect("web:notification-settings")
