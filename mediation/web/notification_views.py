"""The notification centre: what concerns the person, newest first; opening one marks it read and
leads to its case or room; and the page where each person chooses what they get, and how."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mediation.models import Notification
from mediation.selectors.notifications import notification_text, notifications_of, preferences_of
from mediation.services.notifications import notification_preferences_set, notifications_mark_read


@login_required
def notification_list(request):
    rows = [(notification, *notification_text(notification)) for notification in notifications_of(user=request.user)]
    return render(request, "web/notifications.html", {"rows": rows})


@login_required
def notification_open(request, notification_id: int):
    """Mark one read and go where it leads (only ever a path on this site)."""
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    notifications_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.link
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("web:notifications")
    return redirect(target)


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("web:notifications")


class NotificationEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_("Leave it empty to get no e-mail."),
    )


@login_required
def notification_settings(request):
    """Each kind on the site and by e-mail. A notice the law requires always reaches the site."""
    rows = preferences_of(user=request.user)
    form = NotificationEmailForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        choices = {
            kind: (legal or f"{kind}:site" in request.POST, f"{kind}:email" in request.POST)
            for kind, _label, _site, _email, legal in rows
        }
        notification_preferences_set(user=request.user, choices=choices, email=form.cleaned_data["email"])
        messages.success(request, _("Your choices are saved."))
        return redirect("web:notification-settings")
    context = {"form": form, "rows": rows}
    return render(request, "web/notification_settings.html", context, status=400 if form.errors else 200)
