from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mediation.models import Case
from mediation.selectors.cases import QueueBucket, authority_queue, case_for_viewer, cases_of_user
from mediation.services.people import consumer_sign_up
from mediation.services.transitions import ACTION_LABELS
from mediation.web.forms import SignUpForm


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
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            login(request, consumer.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("web:cases")
    return render(request, "web/sign_up.html", {"form": form}, status=400 if form.errors else 200)


class LogInView(auth_views.LoginView):
    template_name = "web/log_in.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


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
    context = {"authority": authority, "buckets": buckets, "current": current, "today": today, "cases": []}
    if current not in QueueBucket.__members__.values():
        choices = ", ".join(str(label) for _bucket, label in QUEUE_TABS)
        context["error"] = _("There is no such list. Choose one of: %(choices)s.") % {"choices": choices}
        return render(request, "web/queue.html", context, status=400)
    context["cases"] = authority_queue(authority=authority, bucket=current, today=today)[:500]
    return render(request, "web/queue.html", context)


# The case's time limits, in the order a case meets them; each is shown once it is set.
DEADLINE_FIELDS = [
    "odr_due",
    "acceptance_due",
    "mediation_due",
    "termination_notice_due",
    "verification_due",
    "case_opening_due",
]


@login_required
def case_page(request, number: str):
    """The case as the viewer's role may see it (the same roles as the API's case view): a business
    sees the consumer by masked name and the timeline without the officials' reasons."""
    case, viewer = case_for_viewer(user=request.user, number=number)
    deadlines = [
        (Case._meta.get_field(name).verbose_name, getattr(case, name))
        for name in DEADLINE_FIELDS
        if getattr(case, name) is not None
    ]
    timeline = [(event, ACTION_LABELS.get(event.action, "")) for event in case.events.order_by("at", "pk")]
    context = {"case": case, "viewer": viewer, "deadlines": deadlines, "timeline": timeline}
    return render(request, "web/case.html", context)
