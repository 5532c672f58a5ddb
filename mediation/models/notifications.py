"""What the platform tells people without their having to look: a notification centre on the site,
and e-mail where the person wants it. A notification's text is written when it is read or sent, in
the reader's language, from its kind and parameters (mediation.selectors.notifications)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mediation.models.cases import Case, CaseNotice


class NotificationKind(models.TextChoices):
    ACCEPTED = "accepted", _("Your complaint was accepted")
    NOT_ACCEPTED = "not_accepted", _("Your complaint was not accepted")
    RETURNED = "returned", _("Your case was returned for correction")
    PASSED_TO_BUSINESS = "passed_to_business", _("A complaint about your business")
    BUSINESS_REPLIED = "business_replied", _("The business replied")
    MEDIATION_STARTED = "mediation_started", _("Mediation started")
    SESSION_PROPOSED = "session_proposed", _("Times proposed for a mediation session")
    SESSION_SCHEDULED = "session_scheduled", _("A mediation session is scheduled")
    SESSION_REMINDER = "session_reminder", _("A mediation session is coming up")
    ROOM_MESSAGE = "room_message", _("New messages in the mediation room")
    PROPOSAL_TO_ANSWER = "proposal_to_answer", _("A settlement proposal awaits your answer")
    DOCUMENT_TO_SIGN = "document_to_sign", _("The mediation document awaits your signature")
    MEDIATION_ENDED = "mediation_ended", _("Mediation ended")
    NOT_PERFORMED = "not_performed", _("The agreement was reported not performed")
    CASE_CLOSED = "case_closed", _("The case is closed")
    REPORT_DECISION = "report_decision", _("A decision on your report")
    FORWARDED = "forwarded", _("The case went to another bureau")
    DEADLINE_NEAR = "deadline_near", _("A time limit is near")
    DEADLINE_PASSED = "deadline_passed", _("A time limit has passed")
    CLAIM_DECIDED = "claim_decided", _("Your claim of a business was decided")
    CLAIM_TO_DECIDE = "claim_to_decide", _("A business claims its registry entry")
    RATE_HANDLING = "rate_handling", _("Rate how your complaint was handled")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What the text names (a ground, a date, a count), kept as data so it is written in the reader's language.
    params = models.JSONField(default=dict, blank=True)
    # Where the notification leads: a path on this site.
    link = models.CharField(max_length=300, blank=True)
    # One notification per person for the same thing (a deadline reminder, unread room messages).
    dedupe_key = models.CharField(max_length=120, blank=True)
    # The notice a rule requires, when this notification carries one: the day it went out is this
    # notification's created_at (and emailed_at).
    notice = models.ForeignKey(
        CaseNotice, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # Shown in the notification centre: the person's choice, except for a notice the law requires.
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "dedupe_key"], condition=~Q(dedupe_key=""), name="one_notification_per_key"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class NotificationPreference(models.Model):
    """How a person wants one kind of notification. Without a row, both ways are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("on the site"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: site {self.in_app}, e-mail {self.by_email}"
