"""The consumer's own forms: filing a complaint, a report or both without the bot, adding evidence,
and correcting a case returned for correction. They take what was typed into the filing services'
arguments; the services check it (mediation.services.cases, mediation.services.filing)."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mediation.models import Case, MarketEntity
from mediation.services.associations import Handler
from mediation.services.cases import CORRECTABLE_FIELDS, CURRENCIES
from mediation.services.filing import Upload
from mediation.web.forms import (
    OPERATOR_ERROR_FIELDS,
    CaseDetailsForm,
    RegionPicker,
    UnlicensedOperatorFields,
    business_field,
    business_matching,
    region_from_code,
)

# What the file chooser offers; the service reads each file's real type from its bytes.
EVIDENCE_ACCEPT = (
    "image/jpeg,image/png,image/webp,application/pdf,video/mp4,audio/mpeg,.jpg,.jpeg,.png,.webp,.pdf,.mp4,.mp3"
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files from one <input type=file multiple>; their checks are evidence_attach's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": EVIDENCE_ACCEPT}))
        # An empty file is refused by the service, with its own message.
        super().__init__(required=False, allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        chosen = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in (super(EvidenceField, self).clean(one, initial) for one in chosen) if upload]


def evidence_help() -> str:
    return _(
        "Photos (JPEG, PNG, WebP), PDF documents, MP4 videos or MP3 recordings, at most %(size)d MB each. "
        "You can choose several files at once."
    ) % {"size": settings.EVIDENCE_MAX_BYTES // 2**20}


def uploads_of(files) -> list[Upload]:
    """The chosen files as the services take them, each read to one byte over the limit: enough for
    evidence_attach to refuse a larger one with its message."""
    return [Upload(name=upload.name, content=upload.read(settings.EVIDENCE_MAX_BYTES + 1)) for upload in files]


COMPLAINT, REPORT, BOTH = "complaint", "report", "both"
# An operator without a licence (无照经营), as the reporter knows it; the county picker for its place.
OPERATOR_FORM_FIELDS = UnlicensedOperatorFields.OPERATOR_FIELDS
KINDS = [
    (COMPLAINT, _("A complaint: I bought goods or a service, and I want a refund, a repair or compensation")),
    (REPORT, _("A report: a business breaks the law (I need not have bought anything)")),
    (BOTH, _("Both: I want a remedy, and the business also breaks the law (two cases, handled separately)")),
]

COMPLAINT_FIELDS = (
    "place_of_purchase",
    "category",
    "brand",
    "purchase_date",
    "amount",
    "currency",
    "demand",
    "demand_detail",
    "send_to_business",
    "handler",
)
REPORT_FIELDS = ("place_of_purchase", "category", "violation_type", "conduct_region")


class FilingForm(UnlicensedOperatorFields, CaseDetailsForm):
    """A consumer's complaint (投诉), report (举报) or both, filed on the web as the bot files it."""

    kind = forms.ChoiceField(label=_("What do you want to do?"), choices=KINDS, widget=forms.RadioSelect)
    # Set by the suggestions' script (filing.js) to the business picked; without script, or when the
    # name was typed again, the text is looked up in the registry on submission.
    business_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    business = business_field()
    currency = forms.ChoiceField(label=_("Currency"), choices=[(code, code) for code in CURRENCIES], initial="CNY")
    send_to_business = forms.BooleanField(
        label=_("Send it to the business first (online dispute resolution)"),
        required=False,
        help_text=_(
            "Only for businesses that take part: they have 10 working days to settle with you before the "
            "bureau takes the complaint up."
        ),
    )
    conduct_region = forms.CharField(
        label=_("Where the conduct took place"),
        max_length=12,
        required=False,
        widget=RegionPicker,
        help_text=_("For a report: the bureau of that place handles it. Leave it empty if it is the business's own."),
    )
    evidence = EvidenceField(label=_("Evidence"))
    report_evidence = EvidenceField(label=_("Evidence for the report only"))
    # CRPL Art. 39(2): the consumer association of the county or city, instead of the bureau.
    handler = forms.ChoiceField(
        label=_("Who should handle your complaint?"),
        choices=Handler.choices,
        initial=Handler.BUREAU,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A consumer association mediates complaints (Consumer Rights Protection Law Art. 37, 39) but has no "
            "power to punish a violation: a report always goes to the bureau."
        ),
    )
    # The draft's key (services.submissions): the browser's draft script keeps one per draft, so a
    # draft sent again when the connection returns files once. Without script, one per page shown.
    submission_key = forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)

    # The page's order (FILING_FIELD_GROUPS), which the error summary follows.
    field_order = [
        *("kind", "business_id", "business", "not_registered", *OPERATOR_FORM_FIELDS),
        *("place_of_purchase", "facts", "category"),
        *("brand", "purchase_date", "amount", "currency", "demand", "demand_detail", "send_to_business"),
        *("violation_type", "conduct_region", "evidence", "report_evidence"),
        "handler",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The facts are checked by the filing services, with the bot's own messages.
        self.fields["facts"].required = False
        self.fields["facts"].label = _("What happened")
        self.fields["facts"].help_text = _("What you bought or saw, when, and what went wrong.")
        self.fields["amount"].label = _("Amount paid")
        self.fields["place_of_purchase"].help_text = _("The shop's address, or the website or app and the shop on it.")
        self.fields["evidence"].help_text = _(
            "%(kinds)s With a complaint, the business may read them once it is told of the complaint; "
            "a report's evidence never reaches the business. When you file both, these go with the complaint."
        ) % {"kinds": evidence_help()}
        self.fields["report_evidence"].help_text = _(
            "Only when you file both: these go with the report alone and never reach the business."
        )

    def clean_business(self) -> MarketEntity | None:
        """The business picked from the suggestions, if its name (or code) is still what the field
        says; otherwise the one the text names in the registry. None for an operator without a
        licence, which is described instead."""
        if self.names_unlicensed_operator():
            return None
        self.business_required()
        text = self.cleaned_data["business"].strip()
        picked = self.cleaned_data.get("business_id")
        if picked is not None:
            entity = MarketEntity.objects.filter(pk=picked).first()
            if entity is not None and text in (entity.name, entity.uscc):
                return entity
        return business_matching(text)

    def clean_conduct_region(self):
        return region_from_code(self.cleaned_data["conduct_region"])

    def clean(self):
        cleaned = super().clean()
        self.operator_refused_for(cleaned.get("kind") == REPORT)
        if cleaned.get("kind") in (COMPLAINT, REPORT) and cleaned.get("report_evidence"):
            self.add_error(
                "report_evidence",
                _("These files are used only when you file both; attach them under “Evidence”."),
            )
        return cleaned

    def complaint_data(self) -> dict | None:
        """complaint_submit's arguments (less the consumer), or None when no complaint is filed."""
        if self.cleaned_data["kind"] == REPORT:
            return None
        cleaned = self.cleaned_data
        return {"entity": cleaned["business"], "facts": cleaned["facts"]} | {
            name: cleaned[name] or Handler.BUREAU if name == "handler" else cleaned[name] for name in COMPLAINT_FIELDS
        }

    def report_data(self) -> dict | None:
        """report_submit's arguments (less the reporter), or None when no report is filed."""
        if self.cleaned_data["kind"] == COMPLAINT:
            return None
        cleaned = self.cleaned_data
        if cleaned["kind"] == REPORT and cleaned.get("handler"):
            # Refused by the service with its reason (a report goes to the bureau): only without script.
            return {**self._report_data(cleaned), "handler": cleaned["handler"]}
        return self._report_data(cleaned)

    def _report_data(self, cleaned: dict) -> dict:
        if cleaned["not_registered"]:
            others = {name: cleaned[name] for name in REPORT_FIELDS if name != "conduct_region"}
            return {"facts": cleaned["facts"], **others, **self.operator_data()}
        return {"entity": cleaned["business"], "facts": cleaned["facts"]} | {
            name: cleaned[name] for name in REPORT_FIELDS
        }


# (key, legend, fields): filing.js shows the groups of the kind chosen; without script, all of them.
FILING_FIELD_GROUPS = [
    ("kind", _("What you want"), ["kind"]),
    ("business", _("The business"), ["business_id", "business", "place_of_purchase", "not_registered"]),
    ("operator", _("The operator without a licence"), list(OPERATOR_FORM_FIELDS)),
    ("facts", _("What happened"), ["facts", "category"]),
    (
        "complaint",
        _("For a complaint"),
        ["brand", "purchase_date", "amount", "currency", "demand", "demand_detail", "send_to_business", "handler"],
    ),
    ("report", _("For a report"), ["violation_type", "conduct_region"]),
    ("evidence", _("Evidence"), ["evidence", "report_evidence"]),
]
# Where the services' refusals belong on the form: a mixed submission's halves share its fields.
FILING_ERROR_FIELDS = {
    "entity": "business",
    "consumer": None,
    "reporter": None,
    **OPERATOR_ERROR_FIELDS,
}


def filing_error_fields(error: ValidationError) -> ValidationError:
    """A filing service's refusal with the fields of the form: "complaint.facts" and "report.facts"
    of a mixed submission both become "facts", each message once."""
    if not hasattr(error, "error_dict"):
        return error
    fields: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        name = name.split(".", 1)[1] if name.startswith(("complaint.", "report.")) else name
        name = FILING_ERROR_FIELDS.get(name, name) or "__all__"
        kept = fields.setdefault(name, [])
        kept.extend(message for message in messages if message not in kept)
    return ValidationError(fields)


class EvidenceForm(forms.Form):
    """More evidence for a case, from its page."""

    prefix = "evidence"
    evidence = EvidenceField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help()


class CorrectionForm(CaseDetailsForm):
    """The fields a consumer corrects on a case returned for correction (退回补正), as it stands, and
    more evidence. Only the case's correctable fields (services.cases.CORRECTABLE_FIELDS)."""

    prefix = "correct"
    currency = forms.ChoiceField(label=_("Currency"), choices=[(code, code) for code in CURRENCIES])
    evidence = EvidenceField(label=_("Add evidence"))

    def __init__(self, *args, case: Case, **kwargs):
        correctable = CORRECTABLE_FIELDS[case.kind]
        kwargs.setdefault("initial", {name: getattr(case, name) for name in correctable})
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in (*correctable, "evidence")]:
            del self.fields[name]
        self.fields["evidence"].help_text = evidence_help()
        if "amount" in self.fields:
            self.fields["amount"].label = _("Amount paid")
        self.order_fields([*correctable, "evidence"])

    def changes(self) -> dict:
        """case_correct's changes: every correctable field as it now stands (unchanged ones are not
        recorded as changed)."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "evidence"}
