from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.people import Consumer
from mediation.models.regions import Authority, Region
from mediation.models.registry import MarketEntity
from mediation.sensitive import EncryptedTextField


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")  # 投诉: own purchase, wants a remedy
    REPORT = "report", _("Report")  # 举报: clues of illegal conduct


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ODR = "odr", _("Settling directly with the business")  # ODR green channel
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    RETURNED = "returned", _("Returned for correction")
    MEDIATING = "mediating", _("In mediation")
    SETTLED = "settled", _("Settled")
    TERMINATED = "terminated", _("Mediation terminated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VERIFYING = "verifying", _("Being verified")
    CASE_OPENED = "case_opened", _("Case opened")  # 立案
    DECIDED = "decided", _("Decided")  # 作出处理决定 (penalty procedure Art. 60)
    NOT_OPENED = "not_opened", _("Case not opened")
    CLOSED = "closed", _("Closed")


# The statuses in which the handling of a case has ended: nothing is left but filing it away (closing).
ENDED_STATUSES = frozenset(
    {
        CaseStatus.SETTLED,
        CaseStatus.TERMINATED,
        CaseStatus.WITHDRAWN,
        CaseStatus.NOT_ACCEPTED,
        CaseStatus.DECIDED,
        CaseStatus.NOT_OPENED,
        CaseStatus.CLOSED,
    }
)


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web")
    BOT = "bot", _("Assistant chat")
    HOTLINE = "hotline", _("12315 hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    SMS = "sms", _("Text message")
    # A clue of a violation the bureau found itself, in mediating a complaint (Order 121 Art. 27).
    FOUND_IN_MEDIATION = "mediation_clue", _("Found in mediation")


class CaseCategory(models.TextChoices):
    """Category of goods or service, after the 12315 classification of consumer disputes."""

    FOOD = "G01", _("Food")
    HOUSEHOLD_APPLIANCES = "G02", _("Household appliances and electronics")
    CLOTHING = "G03", _("Clothing, shoes and hats")
    DAILY_GOODS = "G04", _("Daily necessities")
    VEHICLES = "G05", _("Cars and other vehicles")
    MEDICINE = "G06", _("Medicine and medical devices")
    COSMETICS = "G07", _("Cosmetics")
    TOBACCO_ALCOHOL_DRINKS = "G08", _("Tobacco, alcohol and drinks")
    JEWELLERY = "G09", _("Jewellery")
    BUILDING_MATERIALS = "G10", _("Housing and building materials")
    COMMUNICATION_DEVICES = "G11", _("Phones and communication devices")
    OTHER_GOODS = "G99", _("Other goods")
    LIFE_SERVICES = "S01", _("Everyday services (catering, beauty, laundry)")
    EDUCATION = "S02", _("Education and training")
    CULTURE_SPORTS = "S03", _("Culture, entertainment and sports")
    INTERNET_SERVICES = "S04", _("Internet services and live streaming")
    TELECOM = "S05", _("Telecommunications")
    FINANCE_INSURANCE = "S06", _("Finance and insurance")
    HOME_DECORATION = "S07", _("Home decoration and property services")
    TRAVEL = "S08", _("Travel")
    TRANSPORT = "S09", _("Transport and delivery")
    MEDICAL_SERVICES = "S10", _("Medical services")
    REPAIR = "S11", _("Repair and maintenance")
    OTHER_SERVICES = "S99", _("Other services")


class Demand(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    COMPENSATION = "compensation", _("Compensation")
    OTHER = "other", _("Other")


class ViolationType(models.TextChoices):
    COUNTERFEIT = "counterfeit", _("Fake or substandard goods")
    FALSE_ADVERTISING = "false_advertising", _("False advertising")
    UNLICENSED = "unlicensed", _("Operating without a licence")
    FOOD_SAFETY = "food_safety", _("Food safety (expired or unsafe food)")
    MEASUREMENT_FRAUD = "measurement_fraud", _("Rigged scales or measures")
    PRICE_FRAUD = "price_fraud", _("Price fraud")
    CONSUMER_RIGHTS = "consumer_rights", _("Infringing consumer rights (forced sales, unfair terms)")
    UNFAIR_COMPETITION = "unfair_competition", _("Unfair competition")
    OTHER = "other", _("Other")


class NonAcceptanceGround(models.TextChoices):
    """The grounds for not accepting a complaint, as Order 121 Art. 16 lists them (items 1 to 7)."""

    NO_JURISDICTION = "no_jurisdiction", _("Not a market-regulation matter, or this bureau has no jurisdiction")
    HANDLED_ELSEWHERE = (
        "handled_elsewhere",
        _(
            "Already accepted or handled by a court, an arbitration body, a market-regulation or other "
            "administrative body, or a consumer association"
        ),
    )
    NOT_DAILY_CONSUMPTION = (
        "not_daily_consumption",
        _("Not bought or used for daily living, or no provable dispute with the business"),
    )
    TIME_BARRED = (
        "time_barred",
        _("More than three years since the complainant knew or should have known of the harm"),
    )
    # Stored values kept from earlier versions; their meaning is the article's.
    INFORMATION_MISSING = "information_missing", _("The materials of Art. 10 and 11 are missing, or false")
    FALSE_IDENTITY = "false_identity", _("Complaining in another person's name, or refusing the identity check")
    OTHER_LEGAL_GROUND = "other_legal_ground", _("Another ground set by law, regulation or rule")


class ReturnReason(models.TextChoices):
    INFORMATION_MISSING = "information_missing", _("Information missing")
    UNCLEAR = "unclear", _("Unclear")
    WRONG_TYPE = "wrong_type", _("Wrong type (complaint or report)")


class MediationTerminationReason(models.TextChoices):
    """The grounds that end mediation, as Order 121 Art. 23 lists them (items 1 to 8). Withdrawal and
    settling by the parties themselves (item 1) end it through their own moves."""

    WITHDRAWN = "withdrawn", _("The complainant withdrew the complaint")
    PARTY_REFUSED_OR_ABSENT = (
        "party_refused_or_absent",
        _("A party did not attend without good reason, or expressly refused mediation"),
    )
    AGREEMENT_IMPOSSIBLE = "agreement_impossible", _("A party declared that no agreement can be reached")
    TESTING_FEE_DISPUTE = "testing_fee_dispute", _("The parties cannot agree who pays for testing or appraisal")
    TIME_LIMIT_PASSED = "time_limit_passed", _("No agreement within the mediation period")
    NON_ACCEPTANCE_GROUND = "non_acceptance_ground", _("A ground for not accepting the complaint was found")
    EXTORTION_OR_FAKE_CLAIM = (
        "extortion_or_fake_claim",
        _("Suspected fraud or extortion of the business (Art. 42), referred to the police"),
    )
    PARTY_CEASED = "party_ceased", _("A party died or ceased to exist")
    OTHER_LEGAL_GROUND = "other_legal_ground", _("Another ground set by law, regulation or rule")


# Grounds that name no fact by themselves, or that send the case on (fraud or extortion goes to the
# police, Art. 42): the official writes the reason, or the referral, down.
GROUNDS_NEEDING_A_REASON = frozenset({"other_legal_ground", "extortion_or_fake_claim"})


class MediationParty(models.TextChoices):
    """A party to a complaint, for what an official records on a party's behalf."""

    CONSUMER = "consumer", _("the complainant")
    BUSINESS = "business", _("the business")


class SuspensionGround(models.TextChoices):
    """Why the mediation period stops running for a while."""

    TESTING = "testing", _("Testing or appraisal: its time is not counted (Art. 22)")
    RECUSAL = "recusal", _("A party asked for a mediator's recusal: suspended until it is decided (Art. 21)")


class RecusalDecision(models.TextChoices):
    """The bureau's decision on a party's request that a mediator step aside (Order 121 Art. 21)."""

    GRANTED = "granted", _("Granted: the mediator steps aside")
    REFUSED = "refused", _("Refused: the mediator goes on")


class ReportDecision(models.TextChoices):
    """What a report's opened case ends in: the decisions of the penalty procedure Art. 60."""

    PENALTY = "penalty", _("Administrative penalty imposed")
    NO_PENALTY_EXEMPT = "no_penalty_exempt", _("Violation found, but no penalty by law")
    NO_PENALTY_NOT_ESTABLISHED = "no_penalty_not_established", _("Violation not established")
    TRANSFERRED_TO_OTHER_AUTHORITY = (
        "transferred_to_other_authority",
        _("Not a market-regulation matter: transferred to the competent authority"),
    )
    TRANSFERRED_TO_JUDICIAL = "transferred_to_judicial", _("Suspected crime: transferred to the judicial authorities")


class Case(models.Model):
    """A complaint or a report: one work order with its legal life cycle.

    Status and due dates change only through mediation.services.transitions.
    """

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    intake_channel = models.CharField(_("intake channel"), max_length=16, choices=IntakeChannel.choices)
    # The official who entered a hotline, letter or visit case on the caller's behalf.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    consumer = models.ForeignKey(
        Consumer, verbose_name=_("consumer"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    consumer_region = models.ForeignKey(
        Region, verbose_name=_("consumer's region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consumer_country_code = models.CharField(_("consumer's country or territory"), max_length=2, default="CN")
    entity = models.ForeignKey(MarketEntity, verbose_name=_("business"), on_delete=models.PROTECT, related_name="cases")
    place_of_purchase = models.CharField(_("place of purchase"), max_length=300, blank=True)
    # Where the reported conduct happened, when it is not the business's own place.
    conduct_region = models.ForeignKey(
        Region,
        verbose_name=_("region of the conduct"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=3, choices=CaseCategory.choices, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    facts = models.TextField(_("facts"))
    demand = models.CharField(_("demand"), max_length=16, choices=Demand.choices, blank=True)
    demand_detail = models.TextField(_("demand in detail"), blank=True)
    violation_type = models.CharField(_("violation type"), max_length=32, choices=ViolationType.choices, blank=True)
    is_anonymous = models.BooleanField(_("anonymous report"), default=False)
    # What went wrong (mediation.models.analysis.ProblemType), read from the facts when the case is
    # filed or corrected, unless an official has set them: an official's correction is kept.
    problem_types = ArrayField(models.CharField(max_length=24), verbose_name=_("problem types"), default=list)
    problem_types_set_by_official = models.BooleanField(default=False)
    # The facts' keywords (jieba), which the rising terms of the analysis count.
    keywords = ArrayField(models.CharField(max_length=32), default=list, editable=False)

    handling_authority = models.ForeignKey(
        Authority, verbose_name=_("handling authority"), on_delete=models.PROTECT, related_name="handled_cases"
    )
    co_mediating_authority = models.ForeignKey(
        Authority,
        verbose_name=_("co-mediating authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_mediated_cases",
    )
    # The consumer association or mediation organisation the bureau entrusted the mediation to, with
    # both parties' consent (Order 121 Art. 19); it mediates in the bureau's name.
    entrusted_to = models.ForeignKey(
        Authority,
        verbose_name=_("mediation entrusted to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrusted_cases",
    )
    is_cross_region = models.BooleanField(_("cross-region"), default=False)
    is_cross_border = models.BooleanField(_("cross-border"), default=False)
    # A report the bureau opened on a clue found in mediating this complaint (Order 121 Art. 27).
    found_in = models.ForeignKey(
        "self",
        verbose_name=_("found in mediating"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation_clues",
    )
    # A mixed submission becomes a complaint and a report, each pointing at the other.
    linked_case = models.OneToOneField(
        "self", verbose_name=_("linked case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    received_at = models.DateTimeField(_("received at"))
    # When the business was first told of the complaint (ODR stage or acceptance); before that,
    # it cannot see the case at all.
    business_notified_at = models.DateTimeField(null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance decision due"), null=True, blank=True)
    odr_due = models.DateField(_("direct settlement due"), null=True, blank=True)
    mediation_due = models.DateField(_("mediation due"), null=True, blank=True)
    termination_notice_due = models.DateField(_("termination notice due"), null=True, blank=True)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    # Two bureaus disputing which is competent settle it by this day, or go to their common superior
    # (Order 121 Art. 33).
    jurisdiction_dispute_due = models.DateField(_("jurisdiction dispute to be settled by"), null=True, blank=True)
    # A report's case, once opened (立案), is decided within this date (penalty procedure Art. 64).
    penalty_decision_due = models.DateField(_("penalty decision due"), null=True, blank=True)
    # The deadline that matters in the current status; empty when nothing is pending.
    next_due = models.DateField(_("next due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Outcome records.
    non_acceptance_ground = models.CharField(max_length=32, choices=NonAcceptanceGround.choices, blank=True)
    termination_reason = models.CharField(max_length=32, choices=MediationTerminationReason.choices, blank=True)
    report_decision = models.CharField(_("decision"), max_length=32, choices=ReportDecision.choices, blank=True)
    decision_extended = models.BooleanField(default=False)
    # Set while mediation is suspended (testing, or a recusal request awaiting its decision).
    mediation_suspended_since = models.DateField(_("mediation suspended since"), null=True, blank=True)
    suspension_ground = models.CharField(
        _("suspension ground"), max_length=16, choices=SuspensionGround.choices, blank=True
    )
    settled_directly = models.BooleanField(_("settled directly with the business"), default=False)
    settlement_terms = models.TextField(_("settlement terms"), blank=True)
    # The day the mediation agreement is to be performed by, and when its performance was confirmed.
    perform_by = models.DateField(_("to be performed by"), null=True, blank=True)
    performance_confirmed_at = models.DateTimeField(_("performance confirmed"), null=True, blank=True)
    verification_extended = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        permissions = [
            # Held by the triage bot's service account, and by nothing else it does not need.
            ("file_on_behalf_of_consumer", "Can file cases on behalf of a consumer"),
        ]
        indexes = [
            models.Index(fields=["handling_authority", "status"], name="case_queue_idx"),
            models.Index(fields=["co_mediating_authority", "status"], name="case_co_queue_idx"),
            models.Index(fields=["entity", "kind"], name="case_entity_kind_idx"),
            # The analysis reads the complaints of recent days (clusters, prepaid-card runaways).
            models.Index(fields=["kind", "received_at"], name="case_kind_received_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_complaint(self) -> bool:
        return self.kind == CaseKind.COMPLAINT


class ComplaintAgent(models.Model):
    """Someone complaining on the consumer's behalf (Order 121 Art. 11): besides the consumer's own
    materials, the original power of attorney, stating the matters, powers and term and signed by the
    consumer, and the agent's identity document. Seen by the handling officials only."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agent")
    name = models.CharField(_("agent's name"), max_length=64)
    id_number = EncryptedTextField(_("agent's identity document number"))
    phone = EncryptedTextField(_("agent's phone"))
    scope = models.TextField(_("matters and powers entrusted"))
    valid_until = models.DateField(_("power of attorney valid until"))
    # The official saw the original, signed by the consumer (a copy is not enough: Art. 11).
    original_seen = models.BooleanField(_("original power of attorney seen"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"agent of {self.case_id}"


class JointComplaint(models.Model):
    """Complaints of two or more consumers against the same business over the same dispute, handled
    together with each complainant's consent (Order 121 Art. 12). The complainants may elect in
    writing two representatives, whose moves bind the represented complainants, except changing or
    giving up the demands and agreeing a settlement, which need each represented complainant's
    consent."""

    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    handling_authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    dispute = models.TextField(_("the common dispute"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    # The written election of the representatives, as the official recorded it (书面推选).
    election_record = models.TextField(_("written election of the representatives"), blank=True)
    elected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("joint complaint")
        verbose_name_plural = _("joint complaints")

    def __str__(self) -> str:
        return f"joint complaint {self.pk}"


class JointComplaintMember(models.Model):
    """One complaint of a joint complaint: handled jointly once its complainant consents."""

    joint = models.ForeignKey(JointComplaint, on_delete=models.CASCADE, related_name="members")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="joint_membership")
    consented_at = models.DateTimeField(null=True, blank=True)
    is_representative = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("complaint of a joint complaint")
        verbose_name_plural = _("complaints of joint complaints")

    def __str__(self) -> str:
        return f"{self.case_id} in {self.joint_id}"


class CaseNumberCounter(models.Model):
    """Per-day counter behind readable case numbers such as TS20261130000042."""

    prefix = models.CharField(max_length=2)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="one_counter_per_prefix_and_day")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}: {self.last_value}"


class AppendOnlyModel(models.Model):
    """A record that is written once: saving an existing row or deleting one is refused.
    PostgreSQL enforces the same with a trigger (migrations 0002 and 0003)."""

    change_refused = _("This record cannot be changed.")
    delete_refused = _("This record cannot be deleted.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(self.change_refused)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.delete_refused)


class CaseDeadline(models.Model):
    """One legal period of a case: when it started, the rule it runs under, and its last day.

    The rule's number and unit are copied in, so a case keeps the rule in force when its period
    started. The due date is the case's field of the same period (`Case.acceptance_due`...), which
    the service keeps equal to the open row's `due_on`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    period = models.CharField(_("period"), max_length=40)
    starts_on = models.DateField(_("starts on"))
    number = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=16)
    extension = models.PositiveSmallIntegerField(default=0)
    extension_unit = models.CharField(max_length=16, blank=True)
    # Days (in the period's unit) that do not count: testing, or suspension for a recusal request.
    not_counted = models.PositiveSmallIntegerField(default=0)
    citation = models.CharField(_("legal source"), max_length=120)
    due_on = models.DateField(_("due on"))
    # Counted over a year whose official holiday schedule was not yet loaded: recomputed when it is.
    provisional = models.BooleanField(_("provisional"), default=False)
    # False once the period no longer runs (met, or replaced by a new period of the same kind).
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["case", "created_at", "id"]
        indexes = [models.Index(fields=["provisional", "is_open"], name="deadline_provisional_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.period} {self.due_on}"


class NoticeKind(models.TextChoices):
    ACCEPTED = "accepted", _("Complaint accepted")
    NOT_ACCEPTED = "not_accepted", _("Complaint not accepted")
    MEDIATION_ENDED = "mediation_ended", _("Mediation ended")
    FORWARDED = "forwarded", _("Forwarded to the competent bureau")
    NOT_PERFORMED = "not_performed", _("Agreement not performed")
    REPORT_CASE_DECISION = "report_case_decision", _("Whether a case was opened on the report")
    ONSITE_SESSION = "onsite_session", _("On-site mediation session")


class NoticeDeliveryChannel(models.TextChoices):
    """How an official told a recipient without an account (a hotline, letter or visit case)."""

    PHONE = "phone", _("by phone")
    POST = "post", _("by post")
    IN_PERSON = "in_person", _("in person")


class NoticeRecipient(models.TextChoices):
    CONSUMER = "consumer", _("the complainant or reporter")
    BUSINESS = "business", _("the business")


class MediationSession(models.Model):
    """An on-site mediation session (现场调解): both parties are told its time, place and mediators
    in advance (Order 121 Art. 20). Sessions online are held in the mediation room and need no
    notice of their own."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Held in the case's online room; then it has no place.
    online = models.BooleanField(_("in the online room"), default=False)
    mediators = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("mediators"), related_name="+")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("on-site mediation session")
        verbose_name_plural = _("on-site mediation sessions")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.starts_at:%Y-%m-%d %H:%M}"


class CaseNotice(models.Model):
    """A notice a rule requires the bureau to give, with the rule and the day it is due. Its text is
    written when it is read, in the reader's language (selectors.notices). `delivered_online_at` is
    when it appeared on the recipient's case page; a recipient without an account (a hotline or
    letter case) is told by phone, post or in person, which the official records
    (`delivered_offline_at`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("notice"), max_length=32, choices=NoticeKind.choices)
    recipient = models.CharField(_("to"), max_length=16, choices=NoticeRecipient.choices)
    legal_source = models.CharField(_("legal source"), max_length=120)
    due_on = models.DateField(_("due on"))
    # The decision told: a ground's code, the official's reason, the case number of a linked move.
    ground = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_online_at = models.DateTimeField(_("shown on the case page"), null=True, blank=True)
    session = models.ForeignKey(MediationSession, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # A recipient without an account is told by the official, who records how and when.
    delivered_offline_at = models.DateTimeField(_("told"), null=True, blank=True)
    delivery_channel = models.CharField(_("told how"), max_length=16, choices=NoticeDeliveryChannel.choices, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} → {self.recipient}"


class CaseEvent(AppendOnlyModel):
    """Audit trail of a case: who moved it, when, from where to where, and why. Append-only:
    the model refuses updates and deletes, and PostgreSQL enforces the same with a trigger."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("role"), max_length=32)
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    ground = models.CharField(_("ground"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # For a forwarded case: the bureau it went to.
    authority = models.ForeignKey(
        Authority, verbose_name=_("to authority"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"

    change_refused = _("Case events cannot be changed.")
    delete_refused = _("Case events cannot be deleted.")


def evidence_upload_path(evidence: "EvidenceFile", filename: str) -> str:
    # The evidence service names the file by its content hash; the uploader's name is kept apart.
    return f"evidence/{evidence.case.number}/{filename}"


class EvidenceFile(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name
