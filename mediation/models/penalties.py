"""Administrative penalties decided on reports, and their publication under the business's name
(市场监督管理行政处罚信息公示规定, SAMR Order 45, 2021: "the publication rules")."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.cases import AppendOnlyModel, Case, ViolationType
from mediation.models.regions import Authority
from mediation.models.registry import MarketEntity


class PenaltyKind(models.TextChoices):
    """The kinds of administrative penalty (行政处罚法 Art. 9) a market-regulation bureau imposes."""

    WARNING = "warning", _("Warning")
    CIRCULATED_CRITICISM = "circulated_criticism", _("Circulated criticism")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation of illegal gains or property")
    PERMIT_SUSPENDED = "permit_suspended", _("Permit suspended")
    QUALIFICATION_LOWERED = "qualification_lowered", _("Qualification lowered")
    PERMIT_REVOKED = "permit_revoked", _("Permit revoked")
    BUSINESS_RESTRICTED = "business_restricted", _("Production or business activities restricted")
    ORDERED_TO_SUSPEND = "ordered_to_suspend", _("Ordered to suspend production or business")
    ORDERED_TO_CLOSE = "ordered_to_close", _("Ordered to close")
    PRACTICE_RESTRICTED = "practice_restricted", _("Barred from practice")
    LICENCE_REVOKED = "licence_revoked", _("Business licence revoked")


class PenaltyProcedure(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary procedure")
    SIMPLIFIED = "simplified", _("Simplified procedure (on the spot)")


class PublicationStatus(models.TextChoices):
    NOT_PUBLISHED = "not_published", _("Not published (not required by the rules)")
    PENDING = "pending", _("To be published")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Publication period ended")
    STOPPED_EARLY = "stopped_early", _("Publication stopped early on application")


class PenaltyDecision(models.Model):
    """The penalty decision (行政处罚决定) an opened report case ended in, as the official recorded
    it, and its publication. The fields of the summary are those the publication rules list (Art. 4):
    the document number, the party's basic details, the violation type, the penalty, the authority
    and the date. `document_text` is the decision document as published: the text served on the
    party, with personal information and business secrets processed (Art. 6, 7)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="penalty_decision")
    # Recorded under the business's name (Art. 2): the party penalised.
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="penalty_decisions")
    authority = models.ForeignKey(
        Authority, verbose_name=_("deciding authority"), on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(_("decision document number"), max_length=80)
    procedure = models.CharField(_("procedure"), max_length=16, choices=PenaltyProcedure.choices)
    violation_type = models.CharField(_("violation type"), max_length=32, choices=ViolationType.choices)
    legal_basis = models.TextField(_("legal basis"))
    penalty_kinds = ArrayField(
        models.CharField(max_length=32, choices=PenaltyKind.choices), verbose_name=_("penalties")
    )
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    confiscated_amount = models.DecimalField(
        _("confiscated (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    penalty_text = models.TextField(_("the penalty, as the decision states it"))
    # A restriction of business or practice longer than three years keeps the decision published
    # until it ends (Art. 13(3)).
    restriction_until = models.DateField(_("restriction lasts until"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"))
    party_summary = models.TextField(_("the party's basic details, as published"))
    document_text = models.TextField(_("decision document, as published"))
    # The party was told in writing, when the decision was served, that it will be published (Art. 8).
    party_told_of_publication = models.BooleanField(_("party told in writing of the publication"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    publication_status = models.CharField(
        _("publication"), max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.PENDING
    )
    # The last day to publish (Art. 9, 10), and when it was published.
    publication_due = models.DateField(_("to be published by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The last day it stays public (Art. 13).
    publication_ends_on = models.DateField(_("public until"), null=True, blank=True)
    unpublished_at = models.DateTimeField(_("taken down at"), null=True, blank=True)
    unpublished_reason = models.TextField(_("why it was taken down"), blank=True)

    class Meta:
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "document_number"], name="one_decision_per_document_number")
        ]
        indexes = [models.Index(fields=["publication_status", "published_at"], name="penalty_publication_idx")]

    def __str__(self) -> str:
        return self.document_number


class PenaltyPublicationAction(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    PUBLISHED = "published", _("Published")
    CORRECTED = "corrected", _("Corrected")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    CORRECTION_REFUSED = "correction_refused", _("Correction request refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EARLY_STOP_APPLIED = "early_stop_applied", _("Early removal applied for")
    EARLY_STOP_GRANTED = "early_stop_granted", _("Early removal granted")
    EARLY_STOP_REFUSED = "early_stop_refused", _("Early removal refused")
    ENDED = "ended", _("Publication period ended")


class PenaltyPublicationEvent(AppendOnlyModel):
    """The audit trail of a decision's publication: every recording, publication, correction,
    withdrawal and early removal, with who did it and why. Append-only (database trigger)."""

    decision = models.ForeignKey(PenaltyDecision, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32, choices=PenaltyPublicationAction.choices)
    reason = models.TextField(blank=True)
    # For a correction: each changed field's value before and after.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.decision_id}"


class PenaltyRequestKind(models.TextChoices):
    # Anyone with evidence that the published information is inaccurate may ask for its correction (Art. 12).
    CORRECTION = "correction", _("Correction of inaccurate information")
    # The party may apply for early removal when the four conditions of Art. 14 are met.
    EARLY_STOP = "early_stop", _("Early removal from publication")


class PenaltyRequestStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the bureau's decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class PenaltyPublicationRequest(models.Model):
    decision = models.ForeignKey(PenaltyDecision, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=16, choices=PenaltyRequestKind.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A correction request from someone without an account: a name and a way to reply.
    applicant_name = models.CharField(max_length=100, blank=True)
    applicant_contact = models.CharField(max_length=200, blank=True)
    statement = models.TextField(_("what is inaccurate, or how the conditions are met"))
    # For early removal: the conditions of Art. 14(1) the applicant declares met, by item number.
    conditions_declared = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    evidence = models.FileField(upload_to="penalty-requests/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=PenaltyRequestStatus.choices, default=PenaltyRequestStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} request on {self.decision_id}"
