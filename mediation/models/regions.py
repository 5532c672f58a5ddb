from django.db import models
from django.utils.translation import gettext_lazy as _

# Mainland China's ISO 3166-1 code; Hong Kong, Macao and Taiwan carry their own (HK, MO, TW).
MAINLAND_COUNTRY = "CN"


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


class Region(models.Model):
    """An administrative division of GB/T 2260, current or abolished.

    Abolished codes are kept because businesses registered under them still carry them in their
    Unified Social Credit Code; only current regions get an authority.
    """

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Hong Kong (810000), Macao (820000) and Taiwan (710000) and their subdivisions.
    is_cross_border = models.BooleanField(_("outside the mainland"), default=False)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def country_code(self) -> str:
        return {"81": "HK", "82": "MO", "71": "TW"}.get(self.code[:2], MAINLAND_COUNTRY)

    def ancestors_and_self(self) -> list["Region"]:
        chain: list[Region] = []
        region: Region | None = self
        while region is not None:
            chain.append(region)
            region = region.parent
        return chain

    @property
    def prefecture_code(self) -> str:
        return self.code[:4] + "00"


class AuthorityKind(models.TextChoices):
    BUREAU = "bureau", _("Market-regulation bureau")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    # Bodies a bureau may entrust a complaint's mediation to, with both parties' consent; they
    # mediate in the bureau's name (Order 121 Art. 19).
    CONSUMER_ASSOCIATION = "consumer_association", _("Consumer association")
    MEDIATION_ORGANISATION = "mediation_organisation", _("Mediation organisation")


MEDIATION_BODY_KINDS = (AuthorityKind.CONSUMER_ASSOCIATION, AuthorityKind.MEDIATION_ORGANISATION)


class Authority(models.Model):
    """A market-regulation bureau of a region, or a consumer agency outside the mainland that
    co-mediates cross-border cases (the Hong Kong and Macao consumer councils, foreign agencies)."""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=AuthorityKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="authorities"
    )
    # ISO 3166-1 alpha-2; partner agencies abroad are found by country.
    country_code = models.CharField(_("country or territory"), max_length=2, default=MAINLAND_COUNTRY)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.UniqueConstraint(fields=["region"], condition=models.Q(kind="bureau"), name="one_bureau_per_region"),
            models.UniqueConstraint(
                fields=["region"], condition=models.Q(kind="consumer_association"), name="one_association_per_region"
            ),
        ]

    def __str__(self) -> str:
        return self.name
