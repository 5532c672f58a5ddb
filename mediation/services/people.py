"""Registering consumers with their real-name data, merchant staff and officials."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediation.models import (
    Authority,
    AuthorityKind,
    Consumer,
    ConsumerIdentity,
    IdDocumentType,
    MarketEntity,
    MerchantStaff,
    Official,
    Region,
)
from mediation.models.regions import MAINLAND_COUNTRY
from mediation.sensitive import identity_digest
from mediation.services.identifiers import validate_phone, validate_resident_id

User = get_user_model()


def _check_identity(
    *,
    real_name: str,
    id_document_type: str,
    id_number: str,
    phone: str,
    country_code: str,
    mailing_address: str,
    id_required: bool,
) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned = {
        "real_name": real_name.strip(),
        "id_document_type": id_document_type,
        "mailing_address": mailing_address.strip(),
    }
    if not cleaned["real_name"]:
        errors["real_name"] = [_("Your real name is required.")]
    if len(cleaned["mailing_address"]) > 300:
        errors["mailing_address"] = [_("The mailing address is too long (at most 300 characters).")]
    if id_document_type not in IdDocumentType.values:
        errors["id_document_type"] = [_("Unknown identity document type.")]
    elif not id_required and not id_number.strip():
        # Order 121 Art. 10 asks a complainant for name, phone and mailing address: a caller by phone,
        # letter or visit is not asked for an identity number (the bureau may check identity, Art. 10).
        cleaned["id_number"] = ""
    elif id_document_type not in IdDocumentType.values:
        errors["id_document_type"] = [_("Unknown identity document type.")]
    elif id_document_type == IdDocumentType.RESIDENT_ID:
        try:
            cleaned["id_number"] = validate_resident_id(id_number)
        except ValidationError as error:
            errors["id_number"] = error.messages
    elif not id_number.strip() or len(id_number.strip()) > 32:
        errors["id_number"] = [_("The identity document number is required (at most 32 characters).")]
    else:
        cleaned["id_number"] = id_number.strip().upper()
    try:
        cleaned["phone"] = validate_phone(phone, default_region=country_code)
    except ValidationError as error:
        errors["phone"] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


ACCOUNT_EXISTS = gettext_lazy(
    "An account already exists for this identity document: one person has one account. Log in to it instead."
)


def _check_registration(
    *,
    has_account: bool,
    real_name: str,
    phone: str,
    id_number: str = "",
    id_document_type: str = IdDocumentType.RESIDENT_ID,
    home_region: Region | None = None,
    country_code: str = MAINLAND_COUNTRY,
    mailing_address: str = "",
) -> tuple[dict[str, str], str]:
    """The identity to store and the consumer's country; every problem at once, in one ValidationError."""
    errors: dict[str, list[str]] = {}
    identity = {}
    try:
        identity = _check_identity(
            real_name=real_name,
            id_document_type=id_document_type,
            id_number=id_number or "",
            phone=phone,
            country_code=country_code if country_code != MAINLAND_COUNTRY else "CN",
            mailing_address=mailing_address,
            id_required=has_account,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if home_region is not None and not home_region.is_current:
        errors["home_region"] = [_("This region code is no longer in use.")]
    if home_region is not None and home_region.is_cross_border:
        country_code = home_region.country_code
    if has_account and identity:
        digest = identity_digest(identity["id_document_type"], identity["id_number"])
        if ConsumerIdentity.objects.filter(id_digest=digest, has_account=True).exists():
            errors["id_number"] = [ACCOUNT_EXISTS]
    if errors:
        raise ValidationError(errors)
    return identity, country_code


@transaction.atomic
def consumer_register(
    *,
    user=None,
    home_region: Region | None = None,
    preferred_language: str = "zh-hans",
    **identity_fields,
) -> Consumer:
    """Create a consumer with their real-name data (`_check_registration`'s fields). `user` is empty
    for a hotline, letter or visit caller, who need not give an identity number; an account holder
    must (real-name registration)."""
    has_account = user is not None
    identity, country_code = _check_registration(has_account=has_account, home_region=home_region, **identity_fields)
    consumer = Consumer.objects.create(
        user=user, home_region=home_region, country_code=country_code, preferred_language=preferred_language
    )
    try:
        with transaction.atomic():  # two sign-ups with one identity at the same moment
            ConsumerIdentity.objects.create(consumer=consumer, has_account=has_account, **identity)
    except IntegrityError:
        raise ValidationError({"id_number": [ACCOUNT_EXISTS]}) from None
    return consumer


def password_problems(password: str, *, username: str, email: str = "") -> list[str]:
    """What is wrong with a new password (Django's validators in settings), judged against the
    account it is for: a password like the user name is refused."""
    try:
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as error:
        return error.messages
    return []


@transaction.atomic
def sign_up_problems(*, username: str, password: str, email: str = "", **consumer_fields) -> dict[str, list[str]]:
    """Everything wrong with a sign-up, field by field, found in one round: a taken user name, a weak
    password, the real-name data."""
    errors: dict[str, list[str]] = {}
    if username and User.objects.filter(username=username).exists():
        errors["username"] = [_("This user name is taken.")]
    if password:
        problems = password_problems(password, username=username, email=email)
        if problems:
            errors["password"] = problems
    consumer_fields.pop("preferred_language", None)
    try:
        _check_registration(has_account=True, **consumer_fields)
    except ValidationError as error:
        errors.update(error.message_dict)
    return errors


def consumer_sign_up(*, username: str, password: str, email: str = "", **consumer_fields) -> Consumer:
    """A new user account with its consumer record, in one step."""
    errors = sign_up_problems(username=username, password=password, email=email, **consumer_fields)
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(username=username, password=password, email=email)
    return consumer_register(user=user, **consumer_fields)


def merchant_staff_add(*, user, entity: MarketEntity) -> MerchantStaff:
    return MerchantStaff.objects.create(user=user, entity=entity)


OFFICIALS_GROUP = "officials"
# What an official may open in the admin; the admin further limits cases to their authority's.
OFFICIAL_ADMIN_PERMISSIONS = [
    ("view_case", "case"),
    ("view_marketentity", "marketentity"),
    ("view_region", "region"),
    ("view_authority", "authority"),
]


def officials_group() -> Group:
    group, created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    if created or not group.permissions.exists():
        group.permissions.set(
            [
                Permission.objects.get(
                    codename=codename, content_type__app_label="mediation", content_type__model=model
                )
                for codename, model in OFFICIAL_ADMIN_PERMISSIONS
            ]
        )
    return group


@transaction.atomic
def official_add(*, user, authority: Authority) -> Official:
    """Make `user` an official of `authority`, with access to the admin for their queue."""
    official = Official.objects.create(user=user, authority=authority)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(officials_group())
    return official


def require_intake_official(user) -> Official:
    """An official of a market-regulation bureau, who enters cases that came by the 12315 hotline,
    a letter or a visit. Partner agencies outside the mainland co-mediate; they do not take in
    12315 cases or register the mainland's callers."""
    official = getattr(user, "official", None)
    if official is None or official.authority.kind != AuthorityKind.BUREAU:
        raise PermissionDenied(_("Only officials of a market-regulation bureau enter cases for callers."))
    return official


def consumer_language_set(*, consumer: Consumer, language: str) -> Consumer:
    """The language a consumer reads the product in: the pages, the room's system messages and the
    bot's hand-offs follow it wherever they log in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Unknown language: %(language)s.") % {"language": language}]})
    consumer.preferred_language = language
    consumer.save(update_fields=["preferred_language"])
    return consumer
