from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mediation.models import Case, CaseStatus, IdDocumentType, Region
from mediation.selectors.rooms import co_mediator_candidates
from mediation.services.transitions import Transition


class SignUpForm(forms.Form):
    """实名注册: a consumer's account with their real-name data, as the complaint rules require."""

    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        error_messages={"invalid": _("3 to 150 letters, digits or . @ + - _")},
    )
    password = forms.CharField(label=_("Password"), min_length=8, max_length=128, widget=forms.PasswordInput)
    real_name = forms.CharField(label=_("Real name"), max_length=64)
    id_document_type = forms.ChoiceField(
        label=_("Identity document"), choices=IdDocumentType.choices, initial=IdDocumentType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("Document number"), max_length=32)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32)
    home_region = forms.CharField(
        label=_("Home region code"),
        max_length=12,
        required=False,
        help_text=_("The six-digit administrative code of the county or district you live in, e.g. 110105."),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password

    def clean_home_region(self) -> Region | None:
        code = self.cleaned_data["home_region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("No region has the code %(code)s."), params={"code": code})
        return region


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


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
                empty_label=_("No co-mediator"),
                help_text=_("An official of the consumer's home bureau or of the partner agency mediates with you."),
            )
        elif transition.reason_required or transition.grounds is not None:
            label = _("Terms agreed") if transition.target == CaseStatus.SETTLED else _("Reason")
            self.fields["reason"] = forms.CharField(
                label=label,
                max_length=2000,
                required=transition.reason_required,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
