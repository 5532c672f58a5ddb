"""The forms of the penalty decisions' pages (市场监督管理行政处罚信息公示规定)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.models import PenaltyKind, PenaltyProcedure, ViolationType
from mediation.services.penalties import EARLY_STOP_CONDITIONS, REASON_LIMIT, STATEMENT_LIMIT, TEXT_LIMITS

DATE = forms.DateInput(attrs={"type": "date"})


class PenaltyDecisionForm(forms.Form):
    """The decision as served on the party; what is published is previewed before it is recorded."""

    document_number = forms.CharField(label=_("Decision document number"), max_length=TEXT_LIMITS["document_number"])
    procedure = forms.ChoiceField(
        label=_("Procedure"), choices=PenaltyProcedure.choices, initial=PenaltyProcedure.ORDINARY
    )
    violation_type = forms.ChoiceField(label=_("Violation type"), choices=ViolationType.choices)
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=TEXT_LIMITS["legal_basis"], widget=forms.Textarea(attrs={"rows": 2})
    )
    penalty_kinds = forms.MultipleChoiceField(
        label=_("Penalties"), choices=PenaltyKind.choices, widget=forms.CheckboxSelectMultiple
    )
    fine_amount = forms.DecimalField(
        label=_("Fine (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    confiscated_amount = forms.DecimalField(
        label=_("Confiscated (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    penalty_text = forms.CharField(
        label=_("The penalty, as the decision states it"),
        max_length=TEXT_LIMITS["penalty_text"],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    restriction_until = forms.DateField(
        label=_("A restriction of business or practice lasts until"), required=False, widget=DATE
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    party_summary = forms.CharField(
        label=_("The party's basic details"),
        max_length=TEXT_LIMITS["party_summary"],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name, credit code, address, legal representative: as the decision gives them."),
    )
    document_text = forms.CharField(
        label=_("The decision document, as served on the party"),
        max_length=TEXT_LIMITS["document_text"],
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    secrets = forms.CharField(
        label=_("Passages to withhold as business secrets"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One passage per line, copied from the text. The reporter, and anyone's identity, phone and bank "
            "account numbers, are withheld by themselves (Art. 6)."
        ),
    )

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "secrets"}

    def secret_passages(self) -> list[str]:
        return [line for line in self.cleaned_data.get("secrets", "").splitlines() if line.strip()]


class PenaltyRecordForm(PenaltyDecisionForm):
    party_told_of_publication = forms.BooleanField(
        label=_("The party was told in writing, when the decision was served, that it will be published (Art. 8)"),
        required=False,
    )


class PenaltyCorrectForm(PenaltyDecisionForm):
    """A correction (Art. 12): the procedure stays as recorded."""

    reason = forms.CharField(
        label=_("What was inaccurate"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["procedure"]


class WithdrawForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("The decision was"),
        choices=[
            ("changed", _("changed")),
            ("revoked", _("revoked")),
            ("confirmed_illegal", _("confirmed illegal")),
            ("confirmed_void", _("confirmed void")),
        ],
    )
    changed_on = forms.DateField(label=_("On"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason for the withdrawal"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectionRequestForm(forms.Form):
    statement = forms.CharField(
        label=_("What is inaccurate, and what shows it"),
        max_length=STATEMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact = forms.CharField(label=_("Phone or e-mail for the bureau's answer"), max_length=200, required=False)

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["name"]
            del self.fields["contact"]


class EarlyStopForm(forms.Form):
    conditions = forms.MultipleChoiceField(
        label=_("The conditions of Art. 14(1) the business meets"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (1, _("(1) It has performed the obligations the decision set.")),
            (2, _("(2) It has remedied the harm and its bad effects.")),
            (3, _("(3) It was not penalised again for the same type of violation.")),
            (4, _("(4) It is not on the list of abnormal operations nor of serious violations.")),
        ],
        required=False,
    )
    statement = forms.CharField(
        label=_("How the business met them"), max_length=STATEMENT_LIMIT, widget=forms.Textarea(attrs={"rows": 4})
    )

    def declared(self) -> list[int]:
        return [int(item) for item in self.cleaned_data.get("conditions", []) if int(item) in EARLY_STOP_CONDITIONS]


class RequestDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))
