from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from mediation.models.regions import MAINLAND_COUNTRY, Region


class EntityKind(models.TextChoices):
    SHOP = "shop", _("Shop or service provider")
    PLATFORM = "platform", _("E-commerce platform operator")
    PLATFORM_MERCHANT = "platform_merchant", _("Merchant on a platform")
    # 无照经营: an operator a reporter names that is not in the registry (a street stall, an
    # unregistered online seller). Known only by what the reporter knows of it.
    UNLICENSED = "unlicensed", _("Operator without a licence")


class RegisteredEntities(models.Manager):
    """The registry proper: every lookup, search and public page reads businesses through this
    manager, so an unlicensed operator a report named never appears as a registered business."""

    def get_queryset(self):
        return super().get_queryset().filter(is_registered=True)


class MarketEntity(models.Model):
    """A business in the registry of market entities (市场主体)."""

    name = models.CharField(_("name"), max_length=200)
    # 统一社会信用代码 (GB 32100-2015). Businesses outside the mainland have none.
    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=EntityKind.choices, default=EntityKind.SHOP)
    platform = models.ForeignKey(
        "self",
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merchants",
        limit_choices_to={"kind": EntityKind.PLATFORM},
    )
    # Domicile: where the business is registered (the region part of its code for mainland ones).
    registered_region = models.ForeignKey(
        Region, verbose_name=_("registered region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Actual place of business; empty when a platform merchant has not published an address.
    business_region = models.ForeignKey(
        Region, verbose_name=_("region of business"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    business_address = models.CharField(_("address of business"), max_length=300, blank=True)
    # False once officials find that the business cannot be reached at its published address.
    reachable_at_address = models.BooleanField(_("reachable at its address"), default=True)
    country_code = models.CharField(_("country or territory"), max_length=2, default=MAINLAND_COUNTRY)
    # 在线纠纷解决 (ODR) business: settles complaints sent to it directly before the authority steps in.
    is_odr = models.BooleanField(_("online dispute resolution business"), default=False)
    # Search index, written by the registry service: the name's character bigrams and its jieba
    # words (marked "w:"), space-delimited. PostgreSQL indexes it as an array (migration 0002).
    search_terms = models.TextField(editable=False, default="")
    # False for an unlicensed operator named by a report (kind UNLICENSED).
    is_registered = models.BooleanField(default=True, editable=False)
    # What the reporter knows of an unlicensed operator besides its name or sign and address.
    shop_link = models.URLField(_("online shop's link"), max_length=500, blank=True)
    goods = models.CharField(_("what it sells"), max_length=200, blank=True)
    # The registry entry an official found the unlicensed operator to be.
    identified_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("identified as")
    )

    # Registered businesses and unlicensed operators alike.
    with_unlicensed = models.Manager()
    objects = RegisteredEntities()

    class Meta:
        base_manager_name = "with_unlicensed"
        default_manager_name = "objects"
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="platform_merchant", platform__isnull=False)
                | (~models.Q(kind="platform_merchant") & models.Q(platform__isnull=True)),
                name="platform_set_exactly_for_platform_merchants",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="unlicensed", is_registered=False, uscc__isnull=True)
                | (~models.Q(kind="unlicensed") & models.Q(is_registered=True)),
                name="unlicensed_exactly_when_not_registered",
            ),
        ]
        indexes = [
            # Within a set of matches, shorter names first: an index scan in this order stops early
            # when a fragment matches many names.
            models.Index(Length("name"), "id", name="marketentity_name_length_idx"),
        ]

    def __str__(self) -> str:
        return self.name
