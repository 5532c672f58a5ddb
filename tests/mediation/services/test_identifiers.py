import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as uscc_codes

from mediation.services.identifiers import validate_phone, validate_resident_id, validate_uscc
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _with_check_character(body: str) -> str:
    return body + uscc_codes.calc_check_digit(body)


def _with_wrong_check_character(code: str) -> str:
    return code[:-1] + ("1" if code[-1] == "0" else "0")


def test_valid_codes_pass(db):
    code = factories.uscc("330106")
    assert validate_uscc(code.lower()) == code
    resident = factories.resident_id()
    assert validate_resident_id(resident.lower()) == resident
    assert validate_phone("138 1234 5678") == "+8613812345678"
    assert validate_phone("+852 9123 4567") == "+85291234567"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91330106", "18 characters"),
        ("91330106MA2GL8XX1I", "capital letters"),
        (lambda: _with_wrong_check_character(factories.uscc("330106")), "check character"),
        (lambda: _with_check_character("91999999Y00000001"), "not a known region"),
    ],
    ids=["length", "format", "checksum", "unknown-region"],
)
def test_invalid_uscc_is_refused_with_a_message(db, code, message):
    code = code() if callable(code) else code
    with pytest.raises(ValidationError) as raised:
        validate_uscc(code)
    assert message in raised.value.messages[0]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519900307", "18 characters"),
        ("1101051990030712A4", "17 digits"),
        (lambda: _with_wrong_check_character(factories.resident_id()), "does not match"),
        (lambda: factories.resident_id(birth="19901332"), "birth date"),
    ],
    ids=["length", "format", "checksum", "bad-birth-date"],
)
def test_invalid_resident_id_is_refused_with_a_message(number, message):
    number = number() if callable(number) else number
    with pytest.raises(ValidationError) as raised:
        validate_resident_id(number)
    assert message in raised.value.messages[0]


@pytest.mark.parametrize("phone", ["12345", "1381234567", "not a phone", ""])
def test_invalid_phone_is_refused(phone):
    with pytest.raises(ValidationError, match="11 digits"):
        validate_phone(phone)
