"""What each reader gets. The consumer's real-name data appears only in the official view; a
business gets a masked name and no identity number or phone; a reporter never reaches a business."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from mediation import rules
from mediation.models import (
    Authority,
    Case,
    CaseCategory,
    CaseEvent,
    CaseStatus,
    Demand,
    EvidenceFile,
    HelpRequest,
    IdDocumentType,
    MarketEntity,
    NoticeDeliveryChannel,
    Region,
    RoomRole,
    ViolationType,
    mask_name,
)
from mediation.selectors.cases import Viewer, acceptance_signs, hides_the_reporter
from mediation.selectors.joint import joint_seen_by
from mediation.selectors.notices import notices_seen_by
from mediation.selectors.penalties import (
    event_seen_by_reporter,
    penalty_summary,
    published_penalties,
    reads_as_reporter,
    status_for_user,
    status_seen_by,
)
from mediation.services.associations import Handler
from mediation.services.cases import CURRENCIES, MAX_AMOUNT, MAX_FACTS_LENGTH
from mediation.services.transitions import Role

# Input -----------------------------------------------------------------------------------------

current_regions = Region.objects.filter(is_current=True)


class CallerSerializer(serializers.Serializer):
    """A hotline, letter or visit caller whose case an official enters."""

    real_name = serializers.CharField(max_length=64)
    id_document_type = serializers.ChoiceField(choices=IdDocumentType.choices, default=IdDocumentType.RESIDENT_ID)
    # Order 121 Art. 10 asks a complainant for name, phone and mailing address, not an identity number.
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32)
    mailing_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    home_region = serializers.SlugRelatedField(
        slug_field="code", queryset=current_regions, required=False, allow_null=True
    )


class AgentSerializer(serializers.Serializer):
    """Someone complaining on the consumer's behalf (Order 121 Art. 11), entered by an official."""

    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=32)
    scope = serializers.CharField(max_length=2000, help_text="The matters and powers the power of attorney entrusts.")
    valid_until = serializers.DateField(help_text="The end of the power of attorney's term.")
    original_seen = serializers.BooleanField(help_text="The official saw the original, signed by the consumer.")


class _FilingSerializer(serializers.Serializer):
    entity = serializers.PrimaryKeyRelatedField(
        queryset=MarketEntity.objects.all(), help_text=_("Registry id of the business.")
    )
    facts = serializers.CharField(max_length=MAX_FACTS_LENGTH)
    place_of_purchase = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    # Filing on someone's behalf: the bot names the consumer; an official entering a hotline case
    # names the consumer or gives the caller's data.
    consumer = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Only when filing on a consumer's behalf.")
    )
    caller = CallerSerializer(required=False)
    intake_channel = serializers.ChoiceField(
        choices=["hotline", "letter", "visit"], required=False, help_text=_("Only for officials entering a case.")
    )


class ComplaintInputSerializer(_FilingSerializer):
    agent = AgentSerializer(required=False, help_text=_("Only for officials entering a case an agent brought."))
    category = serializers.ChoiceField(choices=CaseCategory.choices)
    demand = serializers.ChoiceField(choices=Demand.choices)
    demand_detail = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    purchase_date = serializers.DateField(required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
        required=False,
        allow_null=True,
        default=None,
    )
    currency = serializers.ChoiceField(choices=CURRENCIES, default="CNY")
    send_to_business = serializers.BooleanField(default=False)
    handler = serializers.ChoiceField(
        choices=Handler.choices,
        default=Handler.BUREAU,
        help_text=_(
            "Who handles the complaint: the bureau, or the consumer association of the county or of the city "
            "(CRPL Art. 39(2))."
        ),
    )


class OperatorSerializer(serializers.Serializer):
    """An operator without a licence (无照经营), not in the registry, as the reporter knows it. The
    filing service checks what is required (services.unlicensed.operator_described)."""

    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Its name, or its shop sign.")
    )
    address = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Where it trades; its county's bureau handles the report. An address or a shop link is needed."),
    )
    shop_link = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text=_("The online shop's link.")
    )
    goods = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("What it sells.")
    )


class ReportInputSerializer(_FilingSerializer):
    # Accepted so that a report sent to a consumer association is refused with its reason, not ignored.
    handler = serializers.ChoiceField(
        choices=Handler.choices, default=Handler.BUREAU, help_text=_("A report always goes to the bureau.")
    )
    entity = serializers.PrimaryKeyRelatedField(
        queryset=MarketEntity.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Registry id of the business; or `operator` for one without a licence."),
    )
    operator = OperatorSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Instead of `entity`: an operator without a licence, not in the registry. Give `conduct_region` "
            "(a county) when its address does not name its county."
        ),
    )
    violation_type = serializers.ChoiceField(
        choices=ViolationType.choices, required=False, default="", help_text=_("`unlicensed` when `operator` is given.")
    )
    is_anonymous = serializers.BooleanField(default=False)
    conduct_region = serializers.SlugRelatedField(
        slug_field="code", queryset=current_regions, required=False, allow_null=True
    )
    category = serializers.ChoiceField(choices=CaseCategory.choices, required=False, allow_blank=True, default="")


class MixedInputSerializer(serializers.Serializer):
    complaint = ComplaintInputSerializer()
    report = ReportInputSerializer()

    def validate(self, attrs):
        # Both halves are about one business from the registry; an operator without a licence is
        # reported alone (/api/reports/).
        if attrs["report"].get("operator") is not None:
            message = _("An operator without a licence is reported on its own, not with a complaint.")
            raise serializers.ValidationError({"report": {"operator": [message]}})
        return attrs


class CaseCorrectionSerializer(serializers.Serializer):
    """Fields a consumer may correct after the case was returned; send only those that change."""

    facts = serializers.CharField(max_length=MAX_FACTS_LENGTH, required=False)
    category = serializers.ChoiceField(choices=CaseCategory.choices, required=False)
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, required=False, allow_null=True
    )
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    demand = serializers.ChoiceField(choices=Demand.choices, required=False)
    demand_detail = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    place_of_purchase = serializers.CharField(max_length=300, required=False, allow_blank=True)
    violation_type = serializers.ChoiceField(choices=ViolationType.choices, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send at least one field to correct."))
        return attrs


class CaseActionInputSerializer(serializers.Serializer):
    ground = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    co_mediator = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(official__isnull=False),
        required=False,
        allow_null=True,
        default=None,
        help_text="start_mediation only: the username of an official of the co-mediating authority.",
    )
    mediator = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(official__isnull=False),
        required=False,
        allow_null=True,
        default=None,
        help_text="decide_recusal only, when granted in an open room: the username of the official of the "
        "handling bureau who leads the mediation from now on.",
    )
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="schedule_onsite_session only: when it starts."
    )
    place = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="schedule_onsite_session only."
    )
    mediators = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(official__isnull=False),
        many=True,
        required=False,
        default=list,
        help_text="schedule_onsite_session only: the usernames of the officials who mediate.",
    )
    authority = serializers.PrimaryKeyRelatedField(
        queryset=Authority.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="forward and dispute_jurisdiction only: the id of the other market-regulation bureau.",
    )
    into = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="merge only: the number of the earlier report of the same reporter about the same business.",
    )


class SignUpSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150)
    password = serializers.CharField(min_length=8, max_length=128, write_only=True, style={"input_type": "password"})
    real_name = serializers.CharField(max_length=64)
    id_document_type = serializers.ChoiceField(choices=IdDocumentType.choices, default=IdDocumentType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=32)
    mailing_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    home_region = serializers.SlugRelatedField(
        slug_field="code", queryset=current_regions, required=False, allow_null=True
    )
    country_code = serializers.RegexField(r"^[A-Z]{2}$", default="CN")
    # Defaults to the language the sign-up request was made in.
    preferred_language = serializers.ChoiceField(choices=["zh-hans", "en"], required=False)


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


# Output ----------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class AuthoritySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)

    class Meta:
        model = Authority
        fields = ["id", "name", "name_en", "kind", "region", "country_code"]


class PlatformSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketEntity
        fields = ["id", "name", "uscc"]


class EntitySerializer(serializers.ModelSerializer):
    platform = PlatformSerializer(allow_null=True)
    registered_region = RegionSerializer(allow_null=True)
    business_region = RegionSerializer(allow_null=True)

    class Meta:
        model = MarketEntity
        fields = [
            "id",
            "name",
            "uscc",
            "kind",
            "platform",
            "registered_region",
            "business_region",
            "business_address",
            "country_code",
            "is_odr",
            # An operator without a licence, as a report's reporter described it (never in the registry).
            "is_registered",
            "shop_link",
            "goods",
        ]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["at", "actor_role", "action", "from_status", "to_status", "ground", "reason"]


class OfficialEventSerializer(EventSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "actor"]


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file and where to fetch it; who uploaded it is not shown (the uploader of an
    anonymous report's evidence is its reporter)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, evidence) -> str:
        return reverse("case-evidence-file", kwargs={"number": evidence.case.number, "evidence_id": evidence.pk})


_CASE_CORE = [
    "number",
    "kind",
    "status",
    "status_display",
    "entity",
    "place_of_purchase",
    "category",
    "brand",
    "purchase_date",
    "amount",
    "currency",
    "facts",
    "demand",
    "demand_detail",
    "received_at",
    "odr_due",
    "mediation_due",
    "settled_directly",
    "settlement_terms",
    "perform_by",
    "performance_confirmed_at",
]
_CASE_FOR_PARTIES = [
    *_CASE_CORE,
    "intake_channel",
    "conduct_region",
    "violation_type",
    "is_anonymous",
    "handling_authority",
    "co_mediating_authority",
    "entrusted_to",
    "is_cross_region",
    "is_cross_border",
    "linked_case",
    "acceptance_due",
    "termination_notice_due",
    "verification_due",
    "penalty_decision_due",
    "jurisdiction_dispute_due",
    "next_due",
    "closed_at",
    "non_acceptance_ground",
    "termination_reason",
    "events",
    "evidence",
    "notices",
]


class _CaseSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    entity = EntitySerializer()


class ConsumerCaseSerializer(_CaseSerializer):
    # A reporter reads whether a case was opened, not what it was decided (Order 121 Art. 36):
    # selectors.penalties.status_seen_by.
    status = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    handling_authority = AuthoritySerializer()
    co_mediating_authority = AuthoritySerializer(allow_null=True)
    entrusted_to = AuthoritySerializer(allow_null=True)
    conduct_region = RegionSerializer(allow_null=True)
    linked_case = serializers.CharField(source="linked_case.number", allow_null=True, default=None)
    events = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    notices = serializers.SerializerMethodField(
        help_text=_("The notices the rules require, in the reader's language, with their legal source and due day.")
    )
    joint_complaint = serializers.SerializerMethodField(
        help_text=_("The joint complaint this complaint belongs to (Order 121 Art. 12), as the reader may see it.")
    )

    class Meta:
        model = Case
        fields = [*_CASE_FOR_PARTIES, "joint_complaint"]

    def get_status(self, case: Case) -> str:
        return status_seen_by(case, Viewer.CONSUMER)

    def get_status_display(self, case: Case) -> str:
        return str(CaseStatus(status_seen_by(case, Viewer.CONSUMER)).label)

    def get_events(self, case: Case) -> list[dict]:
        rows = list(case.events.all())
        events = EventSerializer(rows, many=True).data
        if not reads_as_reporter(case, Viewer.CONSUMER):
            return events
        shown = []
        for event, data in zip(rows, events, strict=True):
            seen = event_seen_by_reporter(event)
            if seen is not None:
                shown.append({**data, **seen})
        return shown

    def get_notices(self, case: Case) -> list[dict]:
        return notices_seen_by(case, Viewer.CONSUMER)

    def get_joint_complaint(self, case: Case) -> dict | None:
        return joint_seen_by(case, Viewer.CONSUMER)


class ConsumerIdentityOutSerializer(serializers.Serializer):
    consumer_id = serializers.IntegerField(source="id")
    real_name = serializers.CharField(source="identity.real_name")
    id_document_type = serializers.CharField(source="identity.id_document_type")
    id_number = serializers.CharField(source="identity.id_number")
    phone = serializers.CharField(source="identity.phone")
    mailing_address = serializers.CharField(source="identity.mailing_address")
    home_region = RegionSerializer(allow_null=True)


def masked_consumer(consumer) -> dict:
    """A consumer as seen from outside the mainland: masked name and home region."""
    return {
        "consumer_id": consumer.pk,
        "masked_name": consumer.masked_name,
        "home_region": RegionSerializer(consumer.home_region).data if consumer.home_region else None,
    }


class OfficialCaseSerializer(ConsumerCaseSerializer):
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    consumer = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    linked_case = serializers.SerializerMethodField()
    possibly_time_barred = serializers.SerializerMethodField(
        help_text=_("The purchase lies more than three years before receipt: check the ground “time barred”.")
    )

    deadlines = serializers.SerializerMethodField()
    agent = serializers.SerializerMethodField(help_text=_("Someone complaining on the consumer's behalf (Art. 11)."))
    acceptance_signs = serializers.SerializerMethodField(
        help_text=_(
            "What Order 121 Art. 17 lets an official weigh before accepting: counts over the days given; "
            "the materials of Art. 10 the complaint lacks; the same complainant's complaints against the same "
            "business that another bureau received first (Art. 14). "
            "Decision support only; the service never refuses on them."
        )
    )

    class Meta(ConsumerCaseSerializer.Meta):
        fields = [
            *_CASE_FOR_PARTIES,
            "joint_complaint",
            "consumer",
            "possibly_time_barred",
            "acceptance_signs",
            "report_decision",
            "deadlines",
            "agent",
        ]

    def get_acceptance_signs(self, case: Case) -> dict:
        return acceptance_signs(case)

    def get_notices(self, case: Case) -> list[dict]:
        return notices_seen_by(case, Viewer.OFFICIAL)

    def get_joint_complaint(self, case: Case) -> dict | None:
        return joint_seen_by(case, Viewer.OFFICIAL)

    def get_agent(self, case: Case) -> dict | None:
        agent = getattr(case, "agent", None) if case.is_complaint else None
        if agent is None:
            return None
        return {
            "name": agent.name,
            "id_number": agent.id_number,
            "phone": agent.phone,
            "scope": agent.scope,
            "valid_until": agent.valid_until,
            "original_seen": agent.original_seen,
        }

    def get_deadlines(self, case: Case) -> list[dict]:
        """The running legal periods, each with its rule; a provisional one was counted over a year
        whose official holiday schedule is not loaded yet."""
        return [
            {
                "period": deadline.period,
                "starts_on": deadline.starts_on,
                "due_on": deadline.due_on,
                "legal_source": deadline.citation,
                "provisional": deadline.provisional,
            }
            for deadline in case.deadlines.filter(is_open=True)
        ]

    def get_possibly_time_barred(self, case: Case) -> bool:
        if case.purchase_date is None:
            return False
        received = timezone.localdate(case.received_at)
        years = rules.rule_for(rules.Period.COMPLAINT_LIMITATION, received).number
        try:
            limit = received.replace(year=received.year - years)
        except ValueError:  # 29 February
            limit = received.replace(year=received.year - years, day=28)
        return case.purchase_date < limit

    def get_linked_case(self, case: Case) -> str | None:
        # The complaint filed with an anonymous report names the reporter.
        if case.linked_case_id is None or hides_the_reporter(case):
            return None
        return case.linked_case.number

    def get_consumer(self, case: Case) -> dict | None:
        # An anonymous reporter stays anonymous to officials as well.
        if case.consumer is None or case.is_anonymous or not hasattr(case.consumer, "identity"):
            return None
        return ConsumerIdentityOutSerializer(case.consumer).data

    def get_events(self, case: Case) -> list[dict]:
        # Who acted is shown to officials, except the anonymous reporter's own account.
        serializer = EventSerializer if case.is_anonymous else OfficialEventSerializer
        return serializer(case.events.all(), many=True).data


class PartnerAgencyCaseSerializer(OfficialCaseSerializer):
    """The case as a co-mediating agency outside the mainland sees it: the consumer's identity
    document and phone do not leave the mainland; a masked name and home region are enough to
    co-mediate."""

    def get_consumer(self, case: Case) -> dict | None:
        if case.consumer is None or case.is_anonymous:
            return None
        return masked_consumer(case.consumer)

    def get_events(self, case: Case) -> list[dict]:
        return EventSerializer(case.events.all(), many=True).data

    def get_notices(self, case: Case) -> list[dict]:
        return notices_seen_by(case, Viewer.PARTNER_AGENCY)

    def get_joint_complaint(self, case: Case) -> dict | None:
        return joint_seen_by(case, Viewer.PARTNER_AGENCY)  # the complainants' names stay in the mainland

    def get_agent(self, case: Case) -> dict | None:
        agent = getattr(case, "agent", None) if case.is_complaint else None
        return {"name": mask_name(agent.name)} if agent is not None else None  # identity stays in the mainland


class MerchantCaseSerializer(_CaseSerializer):
    """A complaint as its business sees it: the consumer by masked name and home city, nothing more."""

    consumer_masked_name = serializers.CharField(source="consumer.masked_name")
    consumer_city = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    # The evidence of the purchase is what a mediation needs from the consumer's side.
    evidence = EvidenceSerializer(many=True)
    notices = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [*_CASE_CORE, "consumer_masked_name", "consumer_city", "events", "evidence", "notices"]

    def get_notices(self, case: Case) -> list[dict]:
        return notices_seen_by(case, Viewer.MERCHANT)

    def get_consumer_city(self, case: Case) -> str | None:
        region = case.consumer_region
        if region is None:
            return None
        chain = region.ancestors_and_self()
        city = next((r for r in chain if r.level == "prefecture" and r.name != "市辖区"), chain[-1])
        return city.name

    def get_events(self, case: Case) -> list[dict]:
        # Status changes only: reasons written by officials may quote the consumer. The business's
        # own replies are its words.
        return [
            {"at": e.at, "action": e.action, "to_status": e.to_status}
            | ({"reason": e.reason} if e.actor_role == Role.BUSINESS else {})
            for e in case.events.all()
        ]


class PublicCaseSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.name")
    handling_authority = serializers.CharField(source="handling_authority.name")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Case
        fields = [
            "number",
            "entity",
            "category",
            "status",
            "status_display",
            "received_at",
            "closed_at",
            "settled_directly",
            "handling_authority",
        ]


class CaseListItemSerializer(serializers.ModelSerializer):
    """A case in a list; with `user` in the context, a reporter's own report reads as its reporter
    may read it (selectors.penalties.status_for_user)."""

    entity = serializers.CharField(source="entity.name")
    status = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()

    def get_status(self, case: Case) -> str:
        return status_for_user(case, self.context.get("user"))

    def get_status_display(self, case: Case) -> str:
        return str(CaseStatus(status_for_user(case, self.context.get("user"))).label)

    class Meta:
        model = Case
        fields = [
            "number",
            "kind",
            "status",
            "status_display",
            "entity",
            "received_at",
            "next_due",
            "is_cross_region",
            "is_cross_border",
        ]


# Requests for an official (转人工) -------------------------------------------------------------


class SummaryItemSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=40)
    value = serializers.CharField(max_length=2000, allow_blank=True)


class HelpRequestInputSerializer(serializers.Serializer):
    consumer = serializers.IntegerField(
        required=False, help_text="Only for the triage bot: the registered consumer who asked it for a person."
    )
    summary = SummaryItemSerializer(many=True, required=False, max_length=20)


class DutyInputSerializer(serializers.Serializer):
    on_duty = serializers.BooleanField()


class HelpRequestSerializer(serializers.ModelSerializer):
    """A consumer's own request for an official, and where to talk."""

    authority = AuthoritySerializer()
    status = serializers.SerializerMethodField()
    room_url = serializers.CharField(read_only=True)
    officials = serializers.SerializerMethodField()

    class Meta:
        model = HelpRequest
        fields = ["id", "status", "authority", "officials", "opened_at", "released_at", "room_url"]

    def get_status(self, help_request) -> str:
        return "open" if help_request.is_open else "released"

    def get_officials(self, help_request) -> int:
        """How many officials sit in the chat. Counted over all() so that a list whose selector
        prefetched the room's seats costs no query per request."""
        return sum(1 for seat in help_request.room.participants.all() if seat.role == RoomRole.DUTY_OFFICIAL)


class OfficialHelpRequestSerializer(HelpRequestSerializer):
    """The officials' view: who is asking (real-name data, as on the officials' case view) and what
    the bot had gathered."""

    consumer = ConsumerIdentityOutSerializer()

    class Meta(HelpRequestSerializer.Meta):
        fields = [*HelpRequestSerializer.Meta.fields, "consumer", "summary"]


class PartnerHelpRequestSerializer(HelpRequestSerializer):
    """A partner agency's view of a request for a person: as on its case view, the identity
    document and phone stay in the mainland; a masked name and home region are enough to answer."""

    consumer = serializers.SerializerMethodField()

    class Meta(HelpRequestSerializer.Meta):
        fields = [*HelpRequestSerializer.Meta.fields, "consumer", "summary"]

    def get_consumer(self, help_request) -> dict:
        return masked_consumer(help_request.consumer)


class JointProposeSerializer(serializers.Serializer):
    cases = serializers.ListField(child=serializers.CharField(max_length=20), min_length=2, max_length=200)
    dispute = serializers.CharField(max_length=2000)


class JointElectSerializer(serializers.Serializer):
    representatives = serializers.ListField(child=serializers.CharField(max_length=20), min_length=1, max_length=2)
    election_record = serializers.CharField(max_length=2000)


class JointMemberSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    complainant = serializers.CharField()
    consented = serializers.BooleanField()
    representative = serializers.BooleanField()


class JointComplaintSerializer(serializers.Serializer):
    """A joint complaint as its handling bureau reads it."""

    id = serializers.IntegerField()
    dispute = serializers.CharField()
    elected_at = serializers.DateTimeField(allow_null=True)
    election_record = serializers.CharField()
    members = JointMemberSerializer(many=True)


class NoticeGivenSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=NoticeDeliveryChannel.choices)
    given_at = serializers.DateTimeField(read_only=True)


class PublicConsumerWarningSerializer(serializers.Serializer):
    """A published consumer warning, as the public and the triage bot read it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    category = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    authority = serializers.CharField(source="authority.name")
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, warning) -> str:
        return f"/alerts/{warning.pk}/"


class EntityRegistrySerializer(EntitySerializer):
    """A registry entry as the public reads it: with the summaries of its penalty decisions public now
    (市场监督管理行政处罚信息公示规定 Art. 2, 4), nothing withdrawn, ended or removed early."""

    penalties = serializers.SerializerMethodField(
        help_text=_("The summaries of the business's published penalty decisions (publication rules Art. 4).")
    )

    class Meta(EntitySerializer.Meta):
        fields = [*EntitySerializer.Meta.fields, "penalties"]

    def get_penalties(self, entity) -> list[dict]:
        return [penalty_summary(decision) for decision in published_penalties(entity=entity)[:100]]
