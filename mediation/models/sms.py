"""Text messages (短消息), one of the platform's intake and notice channels. Messages go out through
an SMS backend (mediation.sms), in the manner of Django's e-mail backends; incoming texts become
drafts that a hotline official completes into a case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.cases import Case, CaseNotice
from mediation.models.people import Consumer
from mediation.sensitive import EncryptedTextField, phone_digest


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingSms(models.Model):
    """A notice sent by text, split into the parts the carrier limit allows."""

    consumer = models.ForeignKey(Consumer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The notice the text carries: one text per notice and recipient.
    notice = models.OneToOneField(CaseNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="sms")
    phone = EncryptedTextField(_("phone"))
    body = models.TextField(_("text"))
    parts = models.JSONField(_("parts as sent"), default=list)
    status = models.CharField(max_length=16, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    # The provider's reference for each part, or the file it was written to.
    provider_reference = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("text message sent")
        verbose_name_plural = _("text messages sent")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"SMS {self.pk} ({self.status})"


class IncomingSmsStatus(models.TextChoices):
    NEW = "new", _("To be completed")
    FILED = "filed", _("Filed as a case")
    DISMISSED = "dismissed", _("Dismissed")


class IncomingSms(models.Model):
    """A text received on the platform's number: a draft for a hotline official to complete and file."""

    phone = EncryptedTextField(_("sender's phone"))
    phone_digest = models.CharField(max_length=64, db_index=True, editable=False)
    body = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received at"))
    # The provider's message id: the same text delivered twice is kept once.
    provider_reference = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=16, choices=IncomingSmsStatus.choices, default=IncomingSmsStatus.NEW)
    # Filled in by the hotline official who completes the draft.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dismissal_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("text message received")
        verbose_name_plural = _("text messages received")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "received_at"], name="incoming_sms_queue_idx")]

    def __str__(self) -> str:
        return f"incoming SMS {self.pk}"

    def save(self, *args, **kwargs):
        self.phone_digest = phone_digest(self.phone)
        super().save(*args, **kwargs)
