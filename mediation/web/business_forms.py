"""The forms of businesses joining the platform: claiming a registry entry, the bureau's decision on
a claim, and the administrator's adding of staff. Every problem is found in one round, the
services' own checks included (mediation.services.business_accounts)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.models import ApplicantRole
from mediation.services.business_accounts import claim_problems, staff_add_problems


def _username_field():
    return forms.RegexField(
        label=_("User name"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        error_messages={"invalid": _("3 to 150 letters, digits or . @ + - _")},
    )


def _add_problems(form: forms.Form, problems: dict[str, list[str]], values: dict) -> None:
    """Put a service's problems on the form; a field the form already found wrong (or empty) keeps
    the form's own message."""
    for name, messages in problems.items():
        if name in form.fields and (name in form.errors or not values.get(name, True)):
            continue
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class BusinessClaimForm(forms.Form):
    """认领: a business claims its registry entry. Someone not logged in makes the business's
    account in the same step (`with_account`)."""

    username = _username_field()
    password = forms.CharField(label=_("Password"), min_length=8, max_length=128, widget=forms.PasswordInput)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("The bureau's decision on the claim is sent here.")
    )
    uscc = forms.CharField(
        label=_("Unified Social Credit Code"),
        max_length=30,
        help_text=_("The 18 characters on the business licence (统一社会信用代码)."),
    )
    applicant_name = forms.CharField(label=_("Your real name"), max_length=64)
    applicant_role = forms.ChoiceField(
        label=_("You act for the business as"), choices=ApplicantRole.choices, widget=forms.RadioSelect
    )
    document = forms.FileField(
        label=_("Business licence or letter of authorisation"),
        help_text=_(
            "A PDF, or a photo or scan (JPEG, PNG, WebP), of at most 10 MB. The legal representative or the "
            "person in charge sends the business licence; someone they authorised sends the signed letter of "
            "authorisation."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.with_account = user is None or not user.is_authenticated
        if not self.with_account:
            for name in ("username", "password", "email"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("document")
        content = document.read() if document is not None else b""
        cleaned["document_content"] = content
        cleaned["document_name"] = document.name if document is not None else ""
        values = {name: cleaned.get(name) or "" for name in ("username", "password", "email", "uscc")}
        values.update(applicant_name=cleaned.get("applicant_name") or "", applicant_role=cleaned.get("applicant_role"))
        problems = claim_problems(
            user=None if self.with_account else self.user,
            username=values["username"],
            password=values["password"],
            email=values["email"],
            uscc=values["uscc"],
            applicant_name=values["applicant_name"],
            applicant_role=values["applicant_role"] or "",
            document_content=content,
        )
        _add_problems(self, problems, {**values, "document": content})
        return cleaned

    def claim_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in ("uscc", "applicant_name", "applicant_role", "document_name", "document_content")
        }
        if self.with_account:
            data.update({name: self.cleaned_data[name] for name in ("username", "password", "email")})
        return data


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse; the applicant is told it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Please give the reason for refusing; the applicant is told it."))
        return cleaned


class StaffAddForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=150, help_text=_("Shown beside the business's name in the mediation room.")
    )
    username = _username_field()
    password = forms.CharField(
        label=_("Initial password"),
        min_length=8,
        max_length=128,
        widget=forms.PasswordInput,
        help_text=_("Give it to the person yourself; they log in with it."),
    )
    is_administrator = forms.BooleanField(label=_("Also an administrator (may add and remove staff)"), required=False)

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) or "" for name in ("name", "username", "password")}
        _add_problems(self, staff_add_problems(**values), values)
        return cleaned
