"""Scheduling a mediation session: the lead mediator proposes times, the parties and the co-mediating
official say which suit them, and the time that suits all becomes the session (MediationSession). Who
came to it is recorded: a party absent without good reason is a ground to end mediation (Order 121
Art. 23(2))."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.cases import Case, MediationSession


class SessionProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for answers")
    AGREED = "agreed", _("Agreed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SessionParty(models.TextChoices):
    CONSUMER = "consumer", _("the complainant")
    BUSINESS = "business", _("the business")
    CO_MEDIATOR = "co_mediator", _("the co-mediating bureau")


class SessionProposal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="session_proposals")
    online = models.BooleanField(_("in the online room"), default=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=SessionProposalStatus.choices, default=SessionProposalStatus.OPEN)
    session = models.OneToOneField(
        MediationSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} proposal {self.pk} ({self.status})"


class SessionProposalTime(models.Model):
    proposal = models.ForeignKey(SessionProposal, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField(_("starts at"))

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "starts_at"], name="one_time_once_per_proposal")]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.starts_at:%Y-%m-%d %H:%M}"


class SessionProposalAnswer(models.Model):
    """Which of the proposed times suit a party; none is an answer too."""

    proposal = models.ForeignKey(SessionProposal, on_delete=models.CASCADE, related_name="answers")
    party = models.CharField(max_length=16, choices=SessionParty.choices)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    suits = models.ManyToManyField(SessionProposalTime, blank=True, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "party"], name="one_answer_per_party")]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.party}"


class SessionAttendance(models.Model):
    """Whether a party came to a session, recorded by the lead mediator."""

    session = models.ForeignKey(MediationSession, on_delete=models.CASCADE, related_name="attendance")
    party = models.CharField(max_length=16, choices=SessionParty.choices)
    attended = models.BooleanField(_("attended"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "party"], name="one_attendance_per_party")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.party}: {self.attended}"


class FollowUp(models.Model):
    """回访: after a complaint closes, the consumer rates how it was handled (Order 121)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="rating_from_one_to_five")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.rating}"
