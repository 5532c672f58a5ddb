"""Businesses joining the platform: a business claims its registry entry (认领), an official of its
bureau approves or refuses the claim, and the business's first account then keeps its own staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mediation.models.registry import MarketEntity


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the bureau")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ApplicantRole(models.TextChoices):
    """Who may speak for a business: its legal representative or principal (营业执照上的法定代表人 or
    负责人), or someone they authorised in writing (授权委托书)."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    PRINCIPAL = "principal", _("Person in charge (of a branch or an individual business)")
    AUTHORISED = "authorised", _("Authorised by the legal representative in writing")


def claim_document_path(claim: "BusinessClaim", filename: str) -> str:
    # Named by its content hash by the claims service; the applicant's file name is kept apart.
    return f"claims/{claim.entity_id}/{filename}"


class BusinessClaim(models.Model):
    """A request to take a registry entry's seat on the platform: the applicant's real name and role,
    and a document that shows it (the business licence, or the letter of authorisation)."""

    entity = models.ForeignKey(
        MarketEntity, verbose_name=_("business"), on_delete=models.PROTECT, related_name="claims"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="business_claims"
    )
    applicant_name = models.CharField(_("applicant's real name"), max_length=64)
    applicant_role = models.CharField(_("applicant's role"), max_length=32, choices=ApplicantRole.choices)
    document = models.FileField(_("document"), upload_to=claim_document_path)
    document_name = models.CharField(max_length=200)
    document_type = models.CharField(max_length=100)
    document_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("business claim")
        verbose_name_plural = _("business claims")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One claim waits per business at a time, and one approved claim holds it.
            models.UniqueConstraint(
                fields=["entity"], condition=Q(status="pending"), name="one_pending_claim_per_business"
            ),
            models.UniqueConstraint(
                fields=["entity"], condition=Q(status="approved"), name="one_approved_claim_per_business"
            ),
        ]

    def __str__(self) -> str:
        return f"claim of {self.entity_id} by {self.applicant_id} ({self.status})"
