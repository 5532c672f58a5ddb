"""Validation of the identifiers a case carries, with messages a user can act on."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from mediation.models import Region


def validate_uscc(code: str) -> str:
    """Return the compact Unified Social Credit Code, or raise ValidationError saying what is wrong.

    Beyond its check character, the code's 3rd-8th characters must name a known GB/T 2260 region.
    """
    try:
        compact = uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("A Unified Social Credit Code has 18 characters."), code="uscc_length") from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("A Unified Social Credit Code holds digits and capital letters only (no I, O, S, V or Z)."),
            code="uscc_format",
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check character of this Unified Social Credit Code is wrong; please check the code."),
            code="uscc_checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("This is not a valid Unified Social Credit Code."), code="uscc_invalid") from None
    if not Region.objects.filter(code=compact[2:8]).exists():
        raise ValidationError(
            _("Characters 3 to 8 of this Unified Social Credit Code (%(region)s) are not a known region code."),
            code="uscc_region",
            params={"region": compact[2:8]},
        )
    return compact


def validate_resident_id(number: str) -> str:
    """Return the compact resident identity card number, or raise ValidationError."""
    try:
        return ric.validate(number.upper())
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("A resident identity card number has 18 characters."), code="ric_length") from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("A resident identity card number is 17 digits followed by a digit or X."), code="ric_format"
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The last character of this identity card number does not match; please check the number."),
            code="ric_checksum",
        ) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("The birth date or birthplace in this identity card number is not valid."), code="ric_component"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("This is not a valid resident identity card number."), code="ric_invalid") from None


def validate_phone(phone: str, *, default_region: str = "CN") -> str:
    """Return the phone number in E.164 form, or raise ValidationError."""
    try:
        parsed = phonenumbers.parse(phone, default_region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("This is not a valid phone number. Mainland mobile numbers have 11 digits, for example 13812345678."),
            code="phone_invalid",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
