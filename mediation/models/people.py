from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.regions import MAINLAND_COUNTRY, Authority, Region
from mediation.models.registry import MarketEntity
from mediation.sensitive import EncryptedTextField, identity_digest, phone_digest


class Consumer(models.Model):
    """A consumer or reporter. Their real-name data lives apart, in ConsumerIdentity."""

    # Empty for a caller whose case an official entered from the hotline, a letter or a visit.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consumer",
    )
    home_region = models.ForeignKey(
        Region, verbose_name=_("home region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country_code = models.CharField(_("country or territory"), max_length=2, default=MAINLAND_COUNTRY)
    preferred_language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="zh-hans")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # When the person agreed to be sent notices by text message to their phone; empty: not agreed.
    sms_consent_at = models.DateTimeField(_("agreed to text messages"), null=True, blank=True)

    class Meta:
        verbose_name = _("consumer")
        verbose_name_plural = _("consumers")

    def __str__(self) -> str:
        return f"consumer #{self.pk}"

    @property
    def masked_name(self) -> str:
        identity = getattr(self, "identity", None)
        return mask_name(identity.real_name if identity else "")


def mask_name(real_name: str) -> str:
    """张三 -> 张*; the form a business sees during mediation."""
    real_name = real_name.strip()
    if not real_name:
        return "*"
    return real_name[0] + "*" * max(len(real_name) - 1, 1)


class IdDocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    PASSPORT = "passport", _("Passport")


class ConsumerIdentity(models.Model):
    """实名信息: real-name data. Confidential; never serialized to a business or the public. The
    identity document number and the phone are sensitive personal information (PIPL Art. 28):
    encrypted at rest, found only by their keyed digests (mediation/sensitive.py)."""

    consumer = models.OneToOneField(Consumer, on_delete=models.CASCADE, related_name="identity")
    real_name = models.CharField(_("real name"), max_length=64)
    id_document_type = models.CharField(
        _("identity document"), max_length=32, choices=IdDocumentType.choices, default=IdDocumentType.RESIDENT_ID
    )
    id_number = EncryptedTextField(_("identity document number"))
    # E.164, for example +8613812345678.
    phone = EncryptedTextField(_("phone"))
    # 通讯地址: a complaint carries the complainant's name, phone and mailing address (Order 121 Art. 10).
    mailing_address = EncryptedTextField(_("mailing address"), blank=True, default="")
    # The document's keyed digest (type and number): one real-name identity holds one account.
    id_digest = models.CharField(max_length=64, db_index=True, editable=False)
    phone_digest = models.CharField(max_length=64, db_index=True, editable=False)
    # The identity of an account holder (not of a hotline, letter or visit caller).
    has_account = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("consumer identity")
        verbose_name_plural = _("consumer identities")
        constraints = [
            models.UniqueConstraint(
                fields=["id_digest"], condition=models.Q(has_account=True), name="one_account_per_identity"
            )
        ]

    def __str__(self) -> str:
        return f"identity of consumer #{self.consumer_id}"

    def save(self, *args, **kwargs):
        self.id_digest = identity_digest(self.id_document_type, self.id_number)
        self.phone_digest = phone_digest(self.phone)
        super().save(*args, **kwargs)


class MerchantStaff(models.Model):
    """A person who acts for a business on the platform. The administrator is the account whose claim
    of the registry entry the bureau approved; it adds and removes the business's other staff."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merchant_staff")
    entity = models.ForeignKey(MarketEntity, verbose_name=_("business"), on_delete=models.PROTECT, related_name="staff")
    is_administrator = models.BooleanField(_("administrator of the business's accounts"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("merchant staff")
        verbose_name_plural = _("merchant staff")

    def __str__(self) -> str:
        return f"{self.user} @ {self.entity}"


class Official(models.Model):
    """An official of a market-regulation bureau, or staff of a partner agency."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="official")
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="officials"
    )
    # On duty: answers consumers who ask the triage bot for a person (转人工).
    on_duty = models.BooleanField(_("on duty"), default=False)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self) -> str:
        return f"{self.user} @ {self.authority}"
