import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from mediation.models import (
    Case,
    CaseKind,
    CaseNotice,
    CaseStatus,
    HelpRequest,
    MarketEntity,
    MediationParty,
    MediationTerminationReason,
    NoticeDeliveryChannel,
    ProblemType,
    Region,
    WarningRecipient,
)
from mediation.rules import Period
from mediation.selectors.assistance import desk_waiting
from mediation.selectors.cases import (
    QueueBucket,
    Relation,
    Viewer,
    acceptance_signs,
    authority_queue,
    case_for_viewer,
    case_relations,
    cases_of_user,
    mediation_consents,
    viewer_role,
)
from mediation.selectors.disclosure import complaint_counts, complaint_disclosure, most_complained_about
from mediation.selectors.joint import joint_membership, joint_seen_by
from mediation.selectors.notices import notices_seen_by
from mediation.selectors.penalties import REPORTER_UNSEEN_ACTIONS, reads_as_reporter, status_seen_by
from mediation.selectors.registry import registry_search
from mediation.selectors.rooms import (
    assistance_seat_for,
    co_mediation_invitations,
    mediation_document_for_viewer,
    room_seat_for,
)
from mediation.selectors.scheduling import termination_suggestion
from mediation.selectors.stages import case_stages
from mediation.services.assistance import help_request_join, help_request_leave, official_duty_set
from mediation.services.associations import association_refusal
from mediation.services.cases import AGENT_FIELDS, complaint_submit, report_submit
from mediation.services.errors import DomainError
from mediation.services.joint import JOINABLE_STATUSES, joint_complaint_propose, joint_representatives_elect
from mediation.services.notices import notice_delivery_record
from mediation.services.people import (
    consumer_language_set,
    consumer_register,
    consumer_sign_up,
    require_intake_official,
)
from mediation.services.periods import DUE_FIELD
from mediation.services.problem_types import CORRECTING_RELATIONS, problem_types_correct
from mediation.services.rooms import mediation_start
from mediation.services.sms import consumer_sms_consent_set
from mediation.services.transitions import (
    ACTION_LABELS,
    Transition,
    case_transition,
    move_arguments,
    transitions_open_to,
)
from mediation.web.context import DISPLAY_COOKIE, LARGE
from mediation.web.figures_views import business_handling_context
from mediation.web.forms import (
    OPERATOR_ERROR_FIELDS,
    CaseActionForm,
    HotlineIntakeForm,
    JointElectForm,
    JointProposeForm,
    SignUpForm,
    UnlicensedOperatorFields,
    current_regions_under,
)
from mediation.web.room_texts import desk_texts, room_texts


def add_service_errors(form, error: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: each message on the field it names (through `fields`
    where the service's name differs from the form's), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        name = (fields or {}).get(name, name)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def add_refusal(form, refusal: DomainError) -> None:
    """A service's refusal (a DomainError) above the form, in the reader's language."""
    form.add_error(None, refusal.render())


def home(request):
    return render(request, "web/home.html")


def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # consumer_sign_up is atomic: a refused sign-up leaves no user behind.
            consumer = consumer_sign_up(**form.cleaned_data, preferred_language=translation.get_language())
        except ValidationError as error:
            # The service's checks (identity number, phone, taken user name) name their fields.
            add_service_errors(form, error)
        else:
            login(request, consumer.user, backend="channels_app.auth_backends.PreparedModelBackend")
            return redirect("web:cases")
    return render(request, "web/sign_up.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def region_children(request, code: str):
    """The current regions directly under `code`, for the region picker's next level (forms.js)."""
    if not code.isascii() or not code.isdigit() or len(code) != 6:
        return JsonResponse({"error": _("A region code has six digits.")}, status=400)
    if not Region.objects.filter(code=code).exists():
        return JsonResponse({"error": _("No region has the code %(code)s.") % {"code": code}}, status=404)
    regions = [{"code": value, "name": name} for value, name in current_regions_under(code)]
    response = JsonResponse({"regions": regions})
    response["Cache-Control"] = "public, max-age=86400"  # reference data: changes once a year
    return response


def _remember_language(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@require_POST
def display_switch(request):
    """Switch the large-text, high-contrast mode on or off; the choice lasts a year on this device."""
    large = request.POST.get("mode") == LARGE
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe:
        target = resolve_url("web:home")
    response = redirect(target)
    if large:
        response.set_cookie(
            DISPLAY_COOKIE, LARGE, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax", secure=request.is_secure()
        )
    else:
        response.delete_cookie(DISPLAY_COOKIE, samesite="Lax")
    return response


@require_POST
def language_switch(request):
    """Switch the pages' language (Django's set_language) and, for a consumer, keep it on their
    account: it then follows them to other devices and into the room's system messages."""
    response = set_language(request)
    language = request.POST.get("language", "")
    consumer = getattr(request.user, "consumer", None)
    if consumer is not None and language in dict(settings.LANGUAGES):
        consumer_language_set(consumer=consumer, language=language)
    return response


class LogInView(auth_views.LoginView):
    template_name = "web/log_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        consumer = getattr(form.get_user(), "consumer", None)
        if consumer is not None:  # their own language, on whichever device they log in
            _remember_language(response, consumer.preferred_language)
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_default_redirect_url(self):
        """Officials start at their work queue; everyone else at their cases."""
        if getattr(self.request.user, "official", None) is not None:
            return resolve_url("web:queue")
        return super().get_default_redirect_url()


class LogOutView(auth_views.LogoutView):
    next_page = "web:home"


@login_required
def chat(request):
    """The chat with the triage bot; the page's script speaks docs/bot-chat-protocol.md."""
    return render(request, "web/chat.html")


@login_required
def my_cases(request):
    """The user's cases: a consumer's own, a business's notified complaints, an authority's."""
    cases = cases_of_user(user=request.user)[:200]
    return render(request, "web/cases.html", {"cases": cases, "today": timezone.localdate()})


QUEUE_TABS = [
    (QueueBucket.NEW, _("New")),
    (QueueBucket.DUE_SOON, _("Due soon")),
    (QueueBucket.OVERDUE, _("Overdue")),
    (QueueBucket.OPEN, _("All open")),
    (QueueBucket.ENDED, _("Ended, to close")),
]


@login_required
def queue(request):
    """An official's work: their authority's cases, new, due soon, overdue or all open."""
    official = getattr(request.user, "official", None)
    if official is None:
        raise PermissionDenied(_("Only officials have a work queue."))
    authority = official.authority
    current = request.GET.get("bucket", QueueBucket.NEW)
    today = timezone.localdate()
    buckets = [
        (bucket, label, authority_queue(authority=authority, bucket=bucket, today=today).count())
        for bucket, label in QUEUE_TABS
    ]
    context = {
        "authority": authority,
        "buckets": buckets,
        "current": current,
        "today": today,
        "cases": [],
        "invitations": co_mediation_invitations(user=request.user)[:50],
        # Early warnings that went to this bureau and that nobody here has acknowledged yet.
        "warnings_to_acknowledge": WarningRecipient.objects.filter(authority=authority, acknowledged_at__isnull=True)
        .select_related("warning__region", "warning__entity")
        .order_by("-warning__window_end")[:20],
    }
    if current not in QueueBucket.__members__.values():
        choices = ", ".join(str(label) for _bucket, label in QUEUE_TABS)
        context["error"] = _("There is no such list. Choose one of: %(choices)s.") % {"choices": choices}
        return render(request, "web/queue.html", context, status=400)
    context["cases"] = authority_queue(authority=authority, bucket=current, today=today)[:500]
    return render(request, "web/queue.html", context)


# The moves that cannot be undone, and what each does: the case page shows this and acts only when
# the person confirms.
CONSEQUENCES = {
    "withdraw": _(
        "Your complaint is withdrawn: the bureau stops handling it and any mediation ends. You cannot take "
        "it back; to pursue the dispute again you would file a new complaint."
    ),
    "not_accept": _(
        "The complaint is not accepted: the complainant is told the ground, your reason and the other ways "
        "to settle the dispute. This decision cannot be undone on this case."
    ),
    "close": _("The case is closed: it leaves the queue and nothing more can be done on it."),
    "terminate": _(
        "Mediation ends without an agreement: both parties are told the ground within 7 working days. It "
        "cannot be resumed."
    ),
    "settle_directly": _(
        "You confirm that you and the business settled the dispute yourselves: the complaint ends as settled."
    ),
    "accept_joint_agreement": _(
        "You accept the agreement your representatives reached: your complaint ends as settled on those terms."
    ),
    "decide": _("The decision on the opened case is recorded; it cannot be changed on this case."),
    "not_open_case": _("No case is opened on the report; the decision is recorded and cannot be changed."),
    "merge": _("This report is merged into the earlier one and closed; the earlier report carries both."),
}


def _official_or_403(request):
    official = getattr(request.user, "official", None)
    if official is None:
        raise PermissionDenied(_("Only officials keep the duty desk."))
    return official


@login_required
def desk(request):
    """The duty desk (转人工): the requests for a person waiting at the official's authority, who
    waits, since when and what the bot had gathered; the duty switch; joining in one click. The list
    stays current over /ws/desk/ (desk.js)."""
    official = _official_or_403(request)
    context = {
        "authority": official.authority,
        "waiting": desk_waiting(authority_id=official.authority_id),
        "desk_texts": desk_texts(),
    }
    return render(request, "web/desk.html", context)


@login_required
@require_POST
def desk_duty(request):
    """Come on or go off duty."""
    official = _official_or_403(request)
    on_duty = request.POST.get("on_duty") == "1"
    official_duty_set(official=official, on_duty=on_duty)
    messages.success(request, _("You are on duty.") if on_duty else _("You are off duty."))
    return redirect("web:desk")


@login_required
@require_POST
def desk_join(request, help_request_id: int):
    """Answer a waiting request: a seat in its chat, and the chat page."""
    official = _official_or_403(request)
    help_request = get_object_or_404(HelpRequest, pk=help_request_id, authority_id=official.authority_id)
    try:
        help_request_join(help_request=help_request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("web:desk")
    return redirect("web:help-chat", help_request_id=help_request.pk)


@login_required
@require_POST
def help_leave(request, help_request_id: int):
    """The consumer leaves the queue and goes back to the assistant."""
    help_request = get_object_or_404(HelpRequest, pk=help_request_id, consumer__user=request.user)
    try:
        help_request_leave(help_request=help_request, user=request.user)
    except DomainError:
        pass  # already closed: back to the assistant all the same
    return redirect("web:chat")


# The case's time limits, in the order a case meets them; each is shown once it is set.
DEADLINE_FIELDS = [
    "odr_due",
    "acceptance_due",
    "mediation_due",
    "termination_notice_due",
    "verification_due",
    "penalty_decision_due",
    "jurisdiction_dispute_due",
    "perform_by",
]


# The grounds a mediator terminates on; withdrawal is the complainant's own move.
TERMINATION_GROUNDS = [
    (value, label)
    for value, label in MediationTerminationReason.choices
    if value != MediationTerminationReason.WITHDRAWN
]


# The move each person is expected to take next, by the case's kind and status: the first of these
# open to the viewer is the page's primary button (受理 for a new complaint, say).
EXPECTED_NEXT = {
    (CaseKind.COMPLAINT, CaseStatus.SUBMITTED): ("accept",),
    (CaseKind.COMPLAINT, CaseStatus.ODR): ("settle_directly", "respond"),
    (CaseKind.COMPLAINT, CaseStatus.ACCEPTED): ("start_mediation", "consent_to_mediation", "respond"),
    (CaseKind.COMPLAINT, CaseStatus.RETURNED): ("resubmit",),
    (CaseKind.COMPLAINT, CaseStatus.SETTLED): ("close",),
    (CaseKind.COMPLAINT, CaseStatus.TERMINATED): ("close",),
    (CaseKind.COMPLAINT, CaseStatus.WITHDRAWN): ("close",),
    (CaseKind.COMPLAINT, CaseStatus.NOT_ACCEPTED): ("close",),
    (CaseKind.REPORT, CaseStatus.SUBMITTED): ("start_verification",),
    (CaseKind.REPORT, CaseStatus.VERIFYING): ("open_case",),
    (CaseKind.REPORT, CaseStatus.CASE_OPENED): ("decide",),
    (CaseKind.REPORT, CaseStatus.DECIDED): ("close",),
    (CaseKind.REPORT, CaseStatus.NOT_OPENED): ("close",),
}


def _primary_action(case: Case, open_actions: list[str]) -> str | None:
    return next((a for a in EXPECTED_NEXT.get((case.kind, case.status), ()) if a in open_actions), None)


def _complainant_contact(case: Case, viewer: str, relations: frozenset) -> dict | None:
    """The complainant's name, phone and mailing address (Order 121 Art. 10), for the officials of
    the bureaus that handle or co-mediate the case (docs/security.md): not the identity number, not
    outside the mainland, never an anonymous reporter's."""
    if viewer != Viewer.OFFICIAL or not {Relation.HANDLING, Relation.CO_MEDIATING} & relations:
        return None
    identity = getattr(case.consumer, "identity", None) if case.consumer_id else None
    if identity is None or case.is_anonymous:
        return None
    return {"name": identity.real_name, "phone": identity.phone, "mailing_address": identity.mailing_address}


def _consents_shown(case: Case, viewer: str) -> list[tuple[str, bool]]:
    """Who has agreed to mediation, while an accepted complaint waits for it (Order 121 Art. 18)."""
    if case.status != CaseStatus.ACCEPTED or viewer == Viewer.PARTNER_AGENCY:
        return []
    given = mediation_consents(case)
    return [(label, party in given) for party, label in MediationParty.choices]


def _case_page(
    request,
    case: Case,
    viewer: str,
    *,
    failed_form: CaseActionForm | None = None,
    joint_form: forms.Form | None = None,
    confirming: Transition | None = None,
    problem_type_errors: list[str] | None = None,
    status: int = 200,
):
    running = {DUE_FIELD[Period(row.period)]: row for row in case.deadlines.filter(is_open=True)}
    deadlines = [
        (
            Case._meta.get_field(name).verbose_name,
            getattr(case, name),
            running[name].citation if name in running else "",
            name in running and running[name].provisional,
        )
        for name in DEADLINE_FIELDS
        if getattr(case, name) is not None
    ]
    reporter = reads_as_reporter(case, viewer)  # told whether a case was opened, not the decision
    timeline = [
        (event, ACTION_LABELS.get(event.action, ""))
        for event in case.events.order_by("at", "pk")
        if not (reporter and event.action in REPORTER_UNSEEN_ACTIONS)
    ]
    open_transitions = transitions_open_to(user=request.user, case=case)
    primary = _primary_action(case, [transition.action for transition in open_transitions])
    actions = [
        (
            ACTION_LABELS[transition.action],
            failed_form
            if failed_form is not None and failed_form.transition == transition
            else CaseActionForm(
                transition=transition,
                case=case,
                # A party recorded absent from a session: the ground of Art. 23(2), with its day.
                initial=termination_suggestion(case) if transition.action == "terminate" else None,
            ),
        )
        # The expected move first; the others keep their order.
        for transition in sorted(open_transitions, key=lambda transition: transition.action != primary)
    ]
    relations = case_relations(request.user, case)
    joint = joint_seen_by(case, viewer)
    joint_forms = {}
    if viewer == Viewer.OFFICIAL and Relation.HANDLING in relations:
        if joint is None and case.is_complaint and case.status in JOINABLE_STATUSES:
            joint_forms["propose"] = joint_form if isinstance(joint_form, JointProposeForm) else JointProposeForm()
        elif joint is not None and all(member["consented"] for member in joint["members"]):
            numbers = [member["number"] for member in joint["members"]]
            joint_forms["elect"] = (
                joint_form if isinstance(joint_form, JointElectForm) else JointElectForm(numbers=numbers)
            )
    if confirming is not None:
        transition = confirming
        confirming = {
            "label": ACTION_LABELS[transition.action],
            "action": transition.action,
            "consequence": CONSEQUENCES[transition.action],
            # What was entered goes again with the confirmation, unchanged.
            "fields": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in ("csrfmiddlewaretoken", "confirmed")
                for value in values
            ],
        }
    context = {
        "case": case,
        "viewer": viewer,
        "stages": case_stages(case, for_reporter=reporter),
        "status_seen": status_seen_by(case, viewer),
        "contact": _complainant_contact(case, viewer, relations),
        "primary": primary,
        "confirming": confirming,
        "delivery_channels": NoticeDeliveryChannel.choices,
        "records_notices": Relation.HANDLING in relations,
        "joint": joint,
        "joint_forms": joint_forms,
        "notices": notices_seen_by(case, viewer),
        "signs": acceptance_signs(case) if viewer == Viewer.OFFICIAL and case.status == "submitted" else {},
        "consents": _consents_shown(case, viewer),
        "deadlines": deadlines,
        "timeline": timeline,
        "actions": actions,
        "seat": room_seat_for(user=request.user, number=case.number),
        "document": mediation_document_for_viewer(case=case, viewer=viewer),
        "problem_types": _problem_types_shown(case, relations, problem_type_errors),
    }
    return render(request, "web/case.html", context, status=status)


def case_page_with_refused_form(request, case: Case, viewer: str, name: str, form, *, status: int):
    """The case page again, with the refused form `name` (its errors beside its fields) where it was:
    the page's own partials (evidence, correction, scheduling, rating) read `request.refused_forms`."""
    request.refused_forms = {name: form}
    return _case_page(request, case, viewer, status=status)


def _problem_types_shown(case: Case, relations: frozenset, errors: list[str] | None) -> dict | None:
    """What went wrong, for the officials who may correct it (mediation.services.problem_types)."""
    if not case.is_complaint or not relations & CORRECTING_RELATIONS.keys():
        return None
    chosen = set(case.problem_types)
    return {
        "choices": [(code, label, code in chosen) for code, label in ProblemType.choices],
        "errors": errors or [],
    }


@login_required
@require_POST
def case_problem_types(request, number: str):
    """An official corrects what a complaint's words were read to say went wrong."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    try:
        problem_types_correct(
            case=case,
            actor=request.user,
            problem_types=request.POST.getlist("problem_types"),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        errors = [message for messages in error.message_dict.values() for message in messages]
        return _case_page(request, case, viewer, problem_type_errors=errors, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS["correct_problem_types"]})
    return redirect("web:case", number=number)


@login_required
def case_page(request, number: str):
    """The case as the viewer's role may see it (the same roles as the API's case view): a business
    sees the consumer by masked name and the timeline without the officials' reasons. It offers the
    moves the viewer may take now, the way into the mediation room and the mediation document."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    return _case_page(request, case, viewer)


@login_required
@require_POST
def case_action(request, number: str, action: str):
    """Take one move of the case's life cycle from its page; a refusal is shown on the page, with
    what was typed kept in the form."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    transition = next((t for t in transitions_open_to(user=request.user, case=case) if t.action == action), None)
    if transition is None:
        # A consumer association's staff read why: it has no administrative powers.
        refused = association_refusal(case=case, action=action, actor=request.user)
        messages.error(request, str(refused) if refused else _("This action is not open to you on this case now."))
        return _case_page(request, case, viewer, status=409)
    form = CaseActionForm(request.POST, transition=transition, case=case)
    status = 400  # what was typed is wrong; 409 when the move is refused in the case's present state
    if form.is_valid() and action in CONSEQUENCES and request.POST.get("confirmed") != "1":
        # A decision that cannot be undone: say what it does, and act only on the second step.
        return _case_page(request, case, viewer, confirming=transition)
    if form.is_valid():
        try:
            if action == "start_mediation":
                mediation_start(case=case, actor=request.user, co_mediator=form.cleaned_data["co_mediator"])
            else:
                case_transition(case=case, action=action, actor=request.user, **move_arguments(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as refusal:
            add_refusal(form, refusal)
            status = 409
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
            if action == "start_mediation":
                return redirect("web:room", number=number)
            if action == "forward":  # the case has left this bureau's queue
                return redirect("web:queue")
            return redirect("web:case", number=number)
    # Read again: a move refused because someone else moved the case first shows where it stands now.
    case, viewer = case_for_viewer(user=request.user, number=number)
    return _case_page(request, case, viewer, failed_form=form, status=status)


@login_required
@require_POST
def notice_given(request, number: str, notice_id: int):
    """The handling official records telling a recipient without an account by phone, post or in
    person."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    notice = get_object_or_404(CaseNotice, pk=notice_id, case=case)
    try:
        notice_delivery_record(notice=notice, official_user=request.user, channel=request.POST.get("channel", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _case_page(request, case, viewer, status=400)
    except DomainError as refusal:
        messages.error(request, refusal.render())
        return _case_page(request, case, viewer, status=409)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return _case_page(request, case, viewer, status=403)
    messages.success(request, _("The notice is recorded as given."))
    return redirect("web:case", number=number)


@login_required
@require_POST
def joint_propose(request, number: str):
    """The handling official proposes handling this complaint jointly with others (Order 121 Art. 12)."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    form = JointProposeForm(request.POST)
    if form.is_valid():
        try:
            joint_complaint_propose(
                official_user=request.user,
                numbers=[number, *form.cleaned_data["others"].replace(",", " ").replace("，", " ").split()],
                dispute=form.cleaned_data["dispute"],
            )
        except ValidationError as error:
            add_service_errors(form, error, fields={"cases": "others"})
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Each complainant is asked to agree to joint handling."))
            return redirect("web:case", number=number)
    return _case_page(request, case, viewer, joint_form=form, status=400)


@login_required
@require_POST
def joint_elect(request, number: str):
    """The handling official records the complainants' written election of their representatives."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    membership = joint_membership(case)
    if membership is None:
        raise Http404
    numbers = list(membership.joint.members.values_list("case__number", flat=True))
    form = JointElectForm(request.POST, numbers=numbers)
    status = 400
    if form.is_valid():
        try:
            joint_representatives_elect(
                official_user=request.user,
                joint=membership.joint,
                numbers=form.cleaned_data["representatives"],
                election_record=form.cleaned_data["election_record"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as refusal:
            add_refusal(form, refusal)
            status = 409
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The representatives are recorded."))
            return redirect("web:case", number=number)
    return _case_page(request, case, viewer, joint_form=form, status=status)


@login_required
def room_page(request, number: str):
    """The mediation room of a case for whoever has a seat in it; the page's script speaks
    docs/room-protocol.md. Anyone else gets 404, as for a case they may not see."""
    seat = room_seat_for(user=request.user, number=number)
    if seat is None:
        raise Http404
    case, viewer = case_for_viewer(user=request.user, number=number)
    context = {
        "case": case,
        "viewer": viewer,
        "seat": seat,
        "socket_path": f"/ws/rooms/{number}/",
        "room_texts": room_texts(),
        "termination_reasons": TERMINATION_GROUNDS,
        # A party recorded absent from a session: the form offers the ground of Art. 23(2) with its day.
        "termination_suggestion": termination_suggestion(case) if seat.role == "lead_mediator" else None,
    }
    return render(request, "web/room.html", context)


@login_required
def help_chat_page(request, help_request_id: int):
    """The live chat of a consumer with the officials on duty (转人工), for the people seated in it."""
    seat = assistance_seat_for(user=request.user, help_request_id=help_request_id)
    if seat is None:
        raise Http404
    help_request = HelpRequest.objects.get(pk=help_request_id)
    context = {
        "help_request_id": help_request_id,
        "help_request": help_request,
        # When the waiting consumer is offered other ways on, if no official has answered by then.
        "offer_ways_on_at": (
            help_request.opened_at + datetime.timedelta(seconds=settings.HELP_REQUEST_WAIT_SECONDS)
        ).isoformat(),
        "seat": seat,
        "socket_path": f"/ws/help/{help_request_id}/",
        "room_texts": room_texts(),
    }
    return render(request, "web/help_chat.html", context)


def disclosure_index(request):
    """消费投诉信息公示: find a business by name or credit code; without a search, the businesses
    with the most handled complaints. Public, no log-in."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"query": query}
    if not query:
        context["leaders"] = most_complained_about()
        return render(request, "web/disclosure_index.html", context)
    try:
        found = registry_search(query=query, limit=20)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "web/disclosure_index.html", context, status=400)
    counts = complaint_counts(entities=found)
    context["results"] = [(entity, counts.get(entity.pk, 0)) for entity in found]
    return render(request, "web/disclosure_index.html", context)


def disclosure_page(request, entity_id: int):
    """One business's published complaint figures; counts and categories only."""
    entity = get_object_or_404(MarketEntity, pk=entity_id)
    # How it handles complaints over a period (the handling figures); a year refused answers 400.
    handling, errors = business_handling_context(request, entity)
    context = {"disclosure": complaint_disclosure(entity=entity), **handling, "errors": errors}
    return render(request, "web/disclosure.html", context, status=400 if errors else 200)


HOTLINE_FIELD_GROUPS = [
    (
        _("The case"),
        ["intake_channel", "kind", "handler", "business", "not_registered", "facts", "place_of_purchase", "category"],
    ),
    (_("The operator without a licence"), list(UnlicensedOperatorFields.OPERATOR_FIELDS)),
    (
        _("The caller"),
        ["real_name", "id_document_type", "id_number", "phone", "sms_consent", "mailing_address", "home_region"],
    ),
    (_("For a complaint"), ["brand", "purchase_date", "amount", "demand", "demand_detail"]),
    (
        _("An agent complaining for the consumer (Order 121 Art. 11)"),
        ["agent_name", "agent_id_number", "agent_phone", "agent_scope", "agent_valid_until", "agent_original_seen"],
    ),
    (_("For a report"), ["violation_type", "is_anonymous"]),
]
# Where the services' own refusals belong on the form.
HOTLINE_ERROR_FIELDS = {
    "consumer": "real_name",
    "reporter": "real_name",
    "entity": "business",
    "agent": "agent_name",
    **{f"agent.{name}": f"agent_{name}" for name in AGENT_FIELDS},
    **OPERATOR_ERROR_FIELDS,
    "conduct_region": "operator_county",  # only an operator without a licence has one here
}


@login_required
def hotline_intake(request):
    """An official enters a complaint or report that came by the hotline, a letter or a visit."""
    require_intake_official(request.user)
    form = HotlineIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = hotline_case_file(request, form)
        if case is not None:
            if viewer_role(request.user, case) is not None:
                return redirect("web:case", number=case.number)
            return redirect("web:hotline")
    context = {"form": form, "field_groups": HOTLINE_FIELD_GROUPS}
    return render(request, "web/hotline.html", context, status=400 if form.errors else 200)


def hotline_case_file(request, form: HotlineIntakeForm, *, also=None) -> Case | None:
    """File the case of a valid hotline form, entered by the official of `request`, with the caller's
    record and their consent to texts; `also(case)` runs in the same transaction (a text received,
    marked filed). Returns the case, or None with the services' refusals on the form."""
    try:
        with transaction.atomic():  # a caller's record is kept only with their case
            caller_data = form.caller_data()
            caller = consumer_register(**caller_data) if caller_data else None
            if caller is not None and form.cleaned_data.get("sms_consent"):
                consumer_sms_consent_set(consumer=caller, agreed=True)
            if form.cleaned_data["kind"] == CaseKind.COMPLAINT:
                case = complaint_submit(
                    consumer=caller, entered_by=request.user, agent=form.agent_data(), **form.case_data()
                )
            else:
                case = report_submit(reporter=caller, entered_by=request.user, **form.case_data())
            if also is not None:
                also(case)
    except ValidationError as error:
        add_service_errors(form, error, fields=HOTLINE_ERROR_FIELDS)
        return None
    messages.success(
        request,
        _("Case %(number)s is filed; %(authority)s handles it.")
        % {"number": case.number, "authority": case.handling_authority.name},
    )
    return case
