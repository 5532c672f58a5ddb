"""Analysis of complaints (大数据分析): what went wrong in each complaint, and the counts that hot
spots and early warnings are read from.

The counts are rollups kept up to date as complaints are filed and corrected
(`mediation.services.complaint_counts`), so that the analysis never scans the cases themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.cases import AppendOnlyModel


class ProblemType(models.TextChoices):
    """What went wrong, read from the complaint's own words. After the problem classes of the 12315
    platform's annual complaint analysis; a complaint may have several."""

    QUALITY = "quality", _("Quality")  # 质量问题
    FALSE_ADVERTISING = "false_advertising", _("False advertising")  # 虚假宣传
    PRICE = "price", _("Price")  # 价格问题
    CONTRACT = "contract", _("Contract")  # 合同问题
    PREPAID_CARD = "prepaid_card", _("Prepaid card")  # 预付式消费
    AFTER_SALES = "after_sales", _("After-sales service")  # 售后服务
    SAFETY = "safety", _("Safety")  # 安全问题
    PERSONAL_INFORMATION = "personal_information", _("Personal information")  # 个人信息
    DELIVERY = "delivery", _("Delivery")  # 物流配送
    COUNTERFEIT = "counterfeit", _("Counterfeit goods")  # 假冒伪劣
    OTHER = "other", _("Other")


# In the rollups, the row that counts every category, or every problem type, of its region and day.
ALL = ""


class ComplaintCount(models.Model):
    """Complaints received on a day in a region (at each of its levels: county, prefecture and
    province), by category of goods or services and by problem type. `category` and `problem_type`
    hold ALL in the rows that count every value, so that a total never adds up a complaint with two
    problem types twice. The region is the business's: where the bureau that answers for it sits."""

    day = models.DateField()
    region_code = models.CharField(max_length=6)
    region_level = models.CharField(max_length=16)
    # The region one level up ("" for a province): the rankings of a bureau's sub-regions read these.
    parent_code = models.CharField(max_length=6)
    category = models.CharField(max_length=3)
    problem_type = models.CharField(max_length=24)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "category", "problem_type", "day"], name="complaint_count_key"
            ),
        ]
        indexes = [
            models.Index(fields=["parent_code", "category", "problem_type", "day"], name="complaint_count_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.category or '*'} {self.problem_type or '*'} {self.day}: {self.count}"


class EntityComplaintCount(models.Model):
    """Complaints received on a day against a business, by category; the business's region at its
    three levels, for the rankings of an area."""

    day = models.DateField()
    entity = models.ForeignKey("mediation.MarketEntity", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=3)
    county_code = models.CharField(max_length=6)
    prefecture_code = models.CharField(max_length=6)
    province_code = models.CharField(max_length=6)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "category", "day"], name="entity_complaint_count_key"),
        ]
        # Covering: the ranking of an area's businesses reads only the index (a province over two
        # years: 311,000 rows in 70 ms instead of 180 ms on the benchmark's 5,000,000 complaints).
        indexes = [
            models.Index(
                fields=["province_code", "day"], include=["entity", "category", "count"], name="entity_count_province"
            ),
            models.Index(
                fields=["prefecture_code", "day"],
                include=["entity", "category", "count"],
                name="entity_count_prefecture",
            ),
            models.Index(
                fields=["county_code", "day"], include=["entity", "category", "count"], name="entity_count_county"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.category} {self.day}: {self.count}"


class TermCount(models.Model):
    """How many complaints of a week (starting Monday) in a region carry a keyword, for the rising
    terms: words that are new or growing against their own weeks before."""

    week = models.DateField()
    region_code = models.CharField(max_length=6)
    term = models.CharField(max_length=32)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "week", "term"], name="term_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.week} {self.term}: {self.count}"


class WarningKind(models.TextChoices):
    """What an early warning (预警) found."""

    # More complaints of a region (by category or problem type) than its own weeks before explain.
    SPIKE = "spike", _("Rise in complaints")
    # One business complained about by consumers of several prefectures within 30 days.
    CROSS_REGION_CLUSTER = "cross_region_cluster", _("One business, complaints from several prefectures")
    # Many prepaid-card complaints against one business within days: a shop that may have run away.
    PREPAID_RUNAWAY = "prepaid_runaway", _("Prepaid-card complaints piling up against one business")


class EarlyWarning(models.Model):
    """An early warning to the officials of the authorities concerned: what rose, by how much, since
    when, and the complaints behind it. While it is current, detection updates it instead of raising
    another for the same thing."""

    kind = models.CharField(_("kind"), max_length=32, choices=WarningKind.choices)
    # What it is about: a region, narrowed by category or problem type ("" for any); or a business.
    region = models.ForeignKey(
        "mediation.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=3, blank=True)
    problem_type = models.CharField(_("problem type"), max_length=24, choices=ProblemType.choices, blank=True)
    entity = models.ForeignKey(
        "mediation.MarketEntity",
        verbose_name=_("business"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The window the complaints were counted in, and the day the rise began.
    window_start = models.DateField(_("counted from"))
    window_end = models.DateField(_("counted to"))
    rising_since = models.DateField(_("rising since"))
    observed = models.IntegerField(_("complaints in the window"))
    # What the weeks before would lead one to expect in a window of the same length.
    expected = models.FloatField(_("expected"))
    # The chance of at least `observed` complaints if the rate of the weeks before held (Poisson).
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    # For a cluster: how many prefectures the consumers came from.
    prefectures = models.IntegerField(_("prefectures"), null=True, blank=True)
    cases = models.ManyToManyField("mediation.Case", related_name="+", verbose_name=_("complaints"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "region", "category", "problem_type", "entity", "window_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.region_id or self.entity_id} {self.window_end}"


class WarningRecipient(models.Model):
    """An authority a warning went to, and what its officials did about it."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="recipients")
    authority = models.ForeignKey("mediation.Authority", on_delete=models.PROTECT, related_name="warnings")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the authority did about it, as its official recorded it (the latest; the history is in
    # the warning's events).
    action_taken = models.TextField(_("action taken"), blank=True)
    action_recorded_at = models.DateTimeField(_("action recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("warning recipient")
        verbose_name_plural = _("warning recipients")
        constraints = [
            models.UniqueConstraint(fields=["warning", "authority"], name="one_recipient_row_per_authority"),
        ]
        indexes = [models.Index(fields=["authority", "action_recorded_at"])]

    def __str__(self) -> str:
        return f"{self.warning_id} -> {self.authority_id}"


class WarningEvent(AppendOnlyModel):
    """The audited history of a warning: raised, updated by detection, acknowledged, action recorded."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    authority = models.ForeignKey(
        "mediation.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id}: {self.action}"

    change_refused = _("Warning events cannot be changed.")
    delete_refused = _("Warning events cannot be deleted.")


class ConsumerWarningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsumerWarning(models.Model):
    """A consumer warning (消费预警和风险提示, Order 121 Art. 38): what a bureau tells
    the public about a hot spot, often drafted from an early warning. Public once published, until
    withdrawn; nothing in it may identify a consumer (the officials write it)."""

    authority = models.ForeignKey(
        "mediation.Authority", verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=3, blank=True)
    region = models.ForeignKey("mediation.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    # The early warning it was drafted from, if any (seen by officials only).
    early_warning = models.ForeignKey(
        EarlyWarning, null=True, blank=True, on_delete=models.PROTECT, related_name="consumer_warnings"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ConsumerWarningStatus.choices, default=ConsumerWarningStatus.DRAFT
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("consumer warning")
        verbose_name_plural = _("consumer warnings")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title


class ConsumerWarningEvent(AppendOnlyModel):
    """The audited history of a consumer warning: drafted, edited, published, withdrawn."""

    consumer_warning = models.ForeignKey(ConsumerWarning, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=16)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("consumer warning event")
        verbose_name_plural = _("consumer warning events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consumer_warning_id}: {self.action}"

    change_refused = _("Consumer warning events cannot be changed.")
    delete_refused = _("Consumer warning events cannot be deleted.")
