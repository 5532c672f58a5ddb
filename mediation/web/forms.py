from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mediation.models import (
    Authority,
    Case,
    CaseCategory,
    CaseKind,
    CaseStatus,
    Demand,
    IdDocumentType,
    IntakeChannel,
    MarketEntity,
    Region,
    ViolationType,
)
from mediation.names import display_name_of_official
from mediation.selectors.registry import registry_search
from mediation.selectors.rooms import (
    co_mediator_candidates,
    lead_mediator_candidates,
    preferred_co_mediator,
    session_mediator_candidates,
)
from mediation.services.associations import Handler, entrustable_bodies
from mediation.services.cases import MAX_FACTS_LENGTH
from mediation.services.jurisdiction import forwarding_candidates
from mediation.services.people import sign_up_problems
from mediation.services.transitions import Transition


def current_regions_under(code: str | None) -> list[tuple[str, str]]:
    """The current regions directly under `code` (the provinces when None), as (code, name). A
    municipality's "市辖区" level is named after its municipality: it is the city a person picks."""
    regions = Region.objects.filter(is_current=True, parent_id=code).select_related("parent").order_by("code")
    return [(r.code, r.parent.name if r.name == "市辖区" and r.parent else r.name) for r in regions]


class RegionPicker(forms.MultiWidget):
    """Province → city → county, from the region reference data. The value is the most specific
    region chosen. With script (forms.js), choosing a level fills the next from /regions/<code>/;
    without it, each submission offers the next level."""

    template_name = "web/region_picker.html"
    LEVELS = ("province", "city", "county")

    def __init__(self, attrs=None):
        super().__init__([forms.Select(attrs={"data-level": level}) for level in self.LEVELS], attrs)

    def decompress(self, value) -> list[str | None]:
        if not value:
            return [None, None, None]
        region = Region.objects.filter(code=str(value)).first()
        chain = [r.code for r in reversed(region.ancestors_and_self())] if region else []
        return (chain + [None, None, None])[:3]

    def value_from_datadict(self, data, files, name) -> str:
        if not any(f"{name}_{index}" in data for index in range(3)):
            return str(data.get(name) or "").strip()  # a code sent as such, by a script or an older page
        chosen = [str(data.get(f"{name}_{index}") or "").strip() for index in range(3)]
        # The deepest level chosen whose code lies under the level above it (GB/T 2260: a city shares
        # its province's first two digits, a county its city's first four); a city left from another
        # province, when the province was changed without script, is not taken.
        deepest = ""
        for index, code in enumerate(chosen):
            if not code or (index and code[: 2 * index] != deepest[: 2 * index]):
                break
            deepest = code
        return deepest

    def get_context(self, name, value, attrs):
        chain = value if isinstance(value, list) else self.decompress(value)
        parents = [None, chain[0], chain[1]]
        for index, widget in enumerate(self.widgets):
            options = current_regions_under(parents[index]) if index == 0 or parents[index] else []
            widget.choices = [("", "—"), *options]
        context = super().get_context(name, chain, attrs)
        context["widget"]["levels"] = [
            (subwidget, label)
            for subwidget, label in zip(
                context["widget"]["subwidgets"], (_("Province"), _("City"), _("County or district")), strict=True
            )
        ]
        return context


def region_from_code(code: str) -> Region | None:
    """The region a region picker's value names, None when nothing was chosen."""
    code = code.strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(_("No region has the code %(code)s."), params={"code": code})
    return region


class RealNameForm(forms.Form):
    """实名信息: the real-name data a complaint needs, of a consumer signing up or of a caller."""

    real_name = forms.CharField(label=_("Real name"), max_length=64)
    id_document_type = forms.ChoiceField(
        label=_("Identity document"), choices=IdDocumentType.choices, initial=IdDocumentType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("Document number"), max_length=32)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32)
    mailing_address = forms.CharField(
        label=_("Mailing address"),
        max_length=300,
        required=False,
        help_text=_("Where the bureau can send you its letters (Order 121 Art. 10)."),
    )
    home_region = forms.CharField(
        label=_("Where you live"),
        max_length=12,
        required=False,
        widget=RegionPicker,
        help_text=_("Choose your province, then your city, then your county or district."),
    )

    def clean_home_region(self) -> Region | None:
        return region_from_code(self.cleaned_data["home_region"])


class SignUpForm(RealNameForm):
    """实名注册: a consumer's account with their real-name data, as the complaint rules require."""

    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        error_messages={"invalid": _("3 to 150 letters, digits or . @ + - _")},
    )
    password = forms.CharField(label=_("Password"), min_length=8, max_length=128, widget=forms.PasswordInput)
    field_order = ["username", "password"]

    def clean(self):
        # The service's own checks (user name taken, password, identity number, phone) run in the same
        # round as the form's, so the person sees every problem at once.
        cleaned = super().clean()
        values = {name: cleaned.get(name) or "" for name in ("username", "password", "real_name", "id_number", "phone")}
        problems = sign_up_problems(
            **values,
            id_document_type=cleaned.get("id_document_type") or IdDocumentType.RESIDENT_ID,
            mailing_address=cleaned.get("mailing_address") or "",
            home_region=cleaned.get("home_region"),
        )
        for name, messages in problems.items():
            # A field the form already found wrong (or empty) keeps the form's own message.
            if name in self.fields and name not in self.errors and values.get(name, True):
                for message in messages:
                    self.add_error(name, message)
        return cleaned


def business_matching(text: str) -> MarketEntity:
    """The one registered business `text` names (its credit code or its name); a ValidationError
    that lists the candidates when it is not clear which one."""
    try:
        found = registry_search(query=text, limit=6)
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    exact = [entity for entity in found if entity.name == text or entity.uscc == text.upper()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise ValidationError(_("No registered business matches “%(text)s”."), params={"text": text})
    names = "; ".join(f"{entity.name} ({entity.uscc})" for entity in found[:5])
    raise ValidationError(
        _("Several businesses match: %(names)s. Enter the full name or the credit code."), params={"names": names}
    )


INTAKE_CHANNELS = [
    (channel, label)
    for channel, label in IntakeChannel.choices
    if channel not in (IntakeChannel.WEB, IntakeChannel.BOT, IntakeChannel.FOUND_IN_MEDIATION)
]


class CaseDetailsForm(forms.Form):
    """The work order's own fields (Order 121 Art. 10; the seed's step 3), as every form that files
    or corrects a case asks them: the facts, the place, the goods, the purchase and the demand for
    a complaint, the violation for a report. The filing services check them."""

    facts = forms.CharField(label=_("Facts"), max_length=MAX_FACTS_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    place_of_purchase = forms.CharField(label=_("Place of purchase"), max_length=300, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *CaseCategory.choices], required=False)
    brand = forms.CharField(label=_("Brand"), max_length=100, required=False)
    purchase_date = forms.DateField(
        label=_("Purchase date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=12, decimal_places=2, min_value=0, required=False)
    demand = forms.ChoiceField(label=_("Demand"), choices=[("", "—"), *Demand.choices], required=False)
    demand_detail = forms.CharField(label=_("Demand in detail"), max_length=2000, required=False)
    violation_type = forms.ChoiceField(
        label=_("Violation"), choices=[("", "—"), *ViolationType.choices], required=False
    )


class UnlicensedOperatorFields(forms.Form):
    """无照经营: a report about an operator that is not in the registry (services.unlicensed), as the
    reporter knows it, with the county of its conduct. A form that files reports takes these fields;
    its `business` field is then not asked (clean_business returns None)."""

    OPERATOR_FIELDS = ("operator_name", "operator_address", "operator_shop_link", "operator_goods", "operator_county")

    not_registered = forms.BooleanField(
        label=_("The business is not in the registry (no licence)"),
        required=False,
        help_text=_("A street stall or an online seller without a business licence: describe it below and report it."),
    )
    operator_name = forms.CharField(label=_("Its name or shop sign"), max_length=200, required=False)
    operator_address = forms.CharField(
        label=_("Its address"),
        max_length=300,
        required=False,
        help_text=_(
            "With the province, city and county or district (for example 浙江省杭州市西湖区文三路90号): the bureau "
            "of that county handles the report."
        ),
    )
    operator_shop_link = forms.CharField(
        label=_("Its online shop's link"),
        max_length=500,
        required=False,
        help_text=_("For an online seller; give the address, the link, or both."),
    )
    operator_goods = forms.CharField(label=_("What it sells"), max_length=200, required=False)
    operator_county = forms.CharField(
        label=_("The county or district where it operates"),
        max_length=12,
        required=False,
        widget=RegionPicker,
        help_text=_(
            "Needed when the address does not name its county or district, or there is only a link. "
            "When chosen, it is the county whose bureau handles the report, whatever the address says."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].required = False  # not for an operator without a licence (clean_business)

    def names_unlicensed_operator(self) -> bool:
        """Whether the form reports an operator that is not in the registry (the box is ticked)."""
        field = self.fields["not_registered"]
        ticked = field.widget.value_from_datadict(self.data, self.files, self.add_prefix("not_registered"))
        return bool(field.clean(ticked))

    def business_required(self) -> None:
        """The business's name is needed unless the box is ticked."""
        if not self.cleaned_data["business"].strip():
            raise ValidationError(self.fields["business"].error_messages["required"], code="required")

    def clean_operator_county(self):
        return region_from_code(self.cleaned_data["operator_county"])

    def add_error(self, field, error):
        # The service names the place of an unlicensed operator's conduct "conduct_region"; on the
        # form it is chosen beside the operator.
        if field == "conduct_region" and self.names_unlicensed_operator():
            field = "operator_county"
        super().add_error(field, error)

    def operator_refused_for(self, kind_is_report: bool) -> None:
        """Only a report names an operator without a licence."""
        if self.cleaned_data.get("not_registered") and not kind_is_report:
            self.add_error(
                "not_registered",
                _("An operator without a licence can only be reported: choose “A report” above."),
            )

    def operator_data(self) -> dict:
        """report_submit's `operator` and `conduct_region`."""
        cleaned = self.cleaned_data
        operator = {name: cleaned[f"operator_{name}"] for name in ("name", "address", "shop_link", "goods")}
        return {"operator": operator, "conduct_region": cleaned["operator_county"]}


# Where the filing services' refusals about an operator without a licence belong on these forms.
OPERATOR_ERROR_FIELDS = {f"operator.{name}": f"operator_{name}" for name in ("name", "address", "shop_link", "goods")}


def business_field() -> forms.CharField:
    return forms.CharField(
        label=_("Business"), max_length=200, help_text=_("Its registered name or Unified Social Credit Code.")
    )


class HotlineIntakeForm(UnlicensedOperatorFields, RealNameForm, CaseDetailsForm):
    """A case an official enters for a caller of the 12315 hotline (or a letter, or a visit): a
    complaint with the caller's real-name data, or a report, which may be anonymous."""

    intake_channel = forms.ChoiceField(label=_("Received by"), choices=INTAKE_CHANNELS, initial=IntakeChannel.HOTLINE)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, widget=forms.RadioSelect)
    # A caller may send a complaint to the consumer association of the county or city (CRPL Art. 39(2)).
    handler = forms.ChoiceField(
        label=_("Sent to"),
        choices=Handler.choices,
        initial=Handler.BUREAU,
        required=False,
        help_text=_("A complaint only: a report always goes to the bureau."),
    )
    business = business_field()
    is_anonymous = forms.BooleanField(label=_("The caller reports anonymously"), required=False)
    agent_name = forms.CharField(label=_("Agent's name"), max_length=64, required=False)
    agent_id_number = forms.CharField(label=_("Agent's identity card number"), max_length=32, required=False)
    agent_phone = forms.CharField(label=_("Agent's phone"), max_length=32, required=False)
    agent_scope = forms.CharField(
        label=_("Matters and powers entrusted"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agent_valid_until = forms.DateField(
        label=_("Power of attorney valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agent_original_seen = forms.BooleanField(
        label=_("I have seen the original power of attorney, signed by the consumer"), required=False
    )
    # Opt-in: never ticked unless the caller says so (PIPL Art. 14).
    sms_consent = forms.BooleanField(
        label=_("The caller agrees to be told the decisions on the case by text message at this phone"),
        required=False,
        help_text=_("Only if the caller says so. They can withdraw it at any time."),
    )
    # The order of the page's groups (views.HOTLINE_FIELD_GROUPS), which the error summary follows.
    field_order = [
        "intake_channel",
        "kind",
        "handler",
        "business",
        "not_registered",
        *UnlicensedOperatorFields.OPERATOR_FIELDS,
        "facts",
        "place_of_purchase",
        "category",
        *RealNameForm.base_fields,
        "sms_consent",
        *("brand", "purchase_date", "amount", "demand", "demand_detail"),
        *("agent_name", "agent_id_number", "agent_phone", "agent_scope", "agent_valid_until", "agent_original_seen"),
    ]

    # Order 121 Art. 10: a caller gives name and phone (and a mailing address); no identity number.
    REAL_NAME_FIELDS = ("real_name", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked in clean(): an anonymous report needs none of the caller's data.
        for name in (*self.REAL_NAME_FIELDS, "id_number"):
            self.fields[name].required = False
        self.fields["id_number"].help_text = _("Only if the caller gives it: Order 121 Art. 10 does not ask for it.")
        self.fields["home_region"].label = _("Where the caller lives")

    def clean_business(self) -> MarketEntity | None:
        if self.names_unlicensed_operator():
            return None
        self.business_required()
        return business_matching(self.cleaned_data["business"].strip())

    def _anonymous_report(self) -> bool:
        cleaned = self.cleaned_data
        return cleaned.get("kind") == CaseKind.REPORT and bool(cleaned.get("is_anonymous"))

    def clean(self):
        cleaned = super().clean()
        self.operator_refused_for(cleaned.get("kind") == CaseKind.REPORT)
        if not self._anonymous_report():
            for name in self.REAL_NAME_FIELDS:
                if not cleaned.get(name):
                    self.add_error(name, _("Needed unless the caller reports anonymously."))
        elif cleaned.get("sms_consent"):
            self.add_error("sms_consent", _("An anonymous reporter leaves no phone to text."))
        return cleaned

    def caller_data(self) -> dict | None:
        """The caller's real-name data for consumer_register, or None for an anonymous report."""
        if self._anonymous_report():
            return None
        cleaned = self.cleaned_data
        names = (*self.REAL_NAME_FIELDS, "id_number", "id_document_type", "home_region", "mailing_address")
        return {name: cleaned[name] for name in names}

    def agent_data(self) -> dict | None:
        """The agent's data for complaint_submit, or None when nobody complains for the consumer."""
        cleaned = self.cleaned_data
        if not any(cleaned.get(f"agent_{name}") for name in ("name", "id_number", "phone", "scope")):
            return None
        return {
            name: cleaned.get(f"agent_{name}") for name in ("name", "id_number", "phone", "scope", "valid_until")
        } | {"original_seen": bool(cleaned.get("agent_original_seen"))}

    def case_data(self) -> dict:
        """The service's arguments for the case, by its kind."""
        cleaned = self.cleaned_data
        common = {
            "entity": cleaned["business"],
            "facts": cleaned["facts"],
            "place_of_purchase": cleaned["place_of_purchase"],
            "category": cleaned["category"],
            "intake_channel": cleaned["intake_channel"],
            "handler": cleaned.get("handler") or Handler.BUREAU,
        }
        if cleaned["kind"] == CaseKind.REPORT and cleaned["not_registered"]:
            del common["entity"]
            return {**common, **self.operator_data(), "violation_type": cleaned["violation_type"]} | {
                "is_anonymous": cleaned["is_anonymous"]
            }
        if cleaned["kind"] == CaseKind.REPORT:
            return {**common, "violation_type": cleaned["violation_type"], "is_anonymous": cleaned["is_anonymous"]}
        return {
            **common,
            "brand": cleaned["brand"],
            "purchase_date": cleaned["purchase_date"],
            "amount": cleaned["amount"],
            "demand": cleaned["demand"],
            "demand_detail": cleaned["demand_detail"],
        }


class OfficialChoiceField(forms.ModelChoiceField):
    """An official by name and authority: 王明 (杭州市市场监督管理局)."""

    def label_from_instance(self, obj) -> str:
        return display_name_of_official(obj.official)


class OfficialMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name_of_official(obj.official)


class CaseActionForm(forms.Form):
    """One move of a case's life cycle as a form: the ground to choose when the move needs one, the
    reason (or, for a settlement, the terms), and for starting mediation the co-mediator."""

    def __init__(self, *args, transition: Transition, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.prefix = transition.action
        if transition.grounds is not None:
            self.fields["ground"] = forms.ChoiceField(label=_("Ground"), choices=transition.grounds.choices)
        if transition.action == "start_mediation":
            self.fields["co_mediator"] = OfficialChoiceField(
                label=_("Co-mediator"),
                queryset=co_mediator_candidates(case=case),
                required=False,
                initial=preferred_co_mediator(case=case),
                empty_label=_("No co-mediator"),
                help_text=_(
                    "An official of the consumer's home bureau or of the partner agency mediates with you; "
                    "they are told of the invitation at once."
                ),
            )
        if transition.action == "decide_recusal":
            self.fields["mediator"] = OfficialChoiceField(
                label=_("New lead mediator"),
                queryset=lead_mediator_candidates(case=case),
                required=False,
                empty_label=_("Nobody new"),
                help_text=_("When the recusal is granted in an open room: who leads the mediation from now on."),
            )
        if transition.action == "schedule_onsite_session":
            self.fields["starts_at"] = forms.DateTimeField(
                label=_("Day and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
            )
            self.fields["place"] = forms.CharField(label=_("Place"), max_length=200)
            self.fields["mediators"] = OfficialMultipleChoiceField(
                label=_("Mediators"),
                queryset=session_mediator_candidates(case=case),
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Both parties are told the time, the place and the mediators (Order 121 Art. 20)."),
            )
        if transition.action == "entrust_mediation":
            self.fields["authority"] = forms.ModelChoiceField(
                label=_("Consumer association or mediation organisation"),
                queryset=entrustable_bodies(case),
                help_text=_("It mediates in the bureau's name and cannot pass the case on (Order 121 Art. 19)."),
            )
        if transition.action in ("forward", "dispute_jurisdiction"):
            self.fields["authority"] = forms.ModelChoiceField(
                label=_("Competent bureau"),
                queryset=Authority.objects.filter(pk__in=[bureau.pk for bureau in forwarding_candidates(case)]),
                help_text=_(
                    "The bureaus of the business's places, of its platform and of the conduct, and those above them."
                ),
            )
        if transition.action == "merge":
            self.fields["into"] = forms.CharField(
                label=_("Earlier report"),
                max_length=20,
                help_text=_("The number of the same reporter's earlier report about this business."),
            )
        if transition.action != "start_mediation" and (transition.reason_required or transition.grounds is not None):
            label = (
                _("Terms agreed")
                if transition.target == CaseStatus.SETTLED
                else _("Your reply")
                if transition.action == "respond"
                else _("Reason")
            )
            self.fields["reason"] = forms.CharField(
                label=label,
                max_length=2000,
                required=transition.reason_required,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class JointProposeForm(forms.Form):
    """Handle this complaint jointly with others (Order 121 Art. 12)."""

    prefix = "joint"
    others = forms.CharField(
        label=_("Other complaints"),
        max_length=400,
        help_text=_(
            "The numbers of the other complainants' complaints against the same business, separated by spaces."
        ),
    )
    dispute = forms.CharField(label=_("The common dispute"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class JointElectForm(forms.Form):
    """The complainants' written election of their representatives (Order 121 Art. 12)."""

    prefix = "elect"
    election_record = forms.CharField(
        label=_("Written election"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who signed it, and when it was received."),
    )

    def __init__(self, *args, numbers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"] = forms.MultipleChoiceField(
            label=_("Representatives (one or two)"),
            choices=[(number, number) for number in numbers],
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["representatives", "election_record"])
