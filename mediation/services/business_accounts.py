"""Businesses joining the platform by themselves (认领).

A business claims its registry entry: its Unified Social Credit Code, the applicant's real name and
role, and a document showing it (the business licence, or a letter of authorisation), checked like
evidence. An official of the bureau competent for the business approves or refuses the claim, with a
reason to refuse. The approved applicant becomes the business's administrator, who adds and removes
its own staff; a business's staff are seated in the rooms of its complaints, and lose every seat
with the job (seats and case access follow MerchantStaff: selectors.cases.case_relations).

`check_*` functions say what is wrong and change nothing; the others act, atomically, on locked rows.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    ApplicantRole,
    BusinessClaim,
    CaseKind,
    ClaimStatus,
    MarketEntity,
    MediationRoom,
    MerchantStaff,
    NotificationKind,
    Official,
    RoomRole,
    RoomStatus,
)
from mediation.names import person_name
from mediation.selectors.business_accounts import deciding_bureau, is_held, may_decide, pending_claim_of
from mediation.selectors.cases import authority_users
from mediation.services.errors import DomainError
from mediation.services.identifiers import validate_uscc
from mediation.services.notifications import notify
from mediation.services.people import password_problems
from mediation.services.rooms import party_seat_add
from mediation.services.uploads import upload_checked

User = get_user_model()

# The business licence or the letter of authorisation: a scan or a photo.
CLAIM_DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})
MAX_REASON_LENGTH = 2000


class ClaimNotPending(DomainError):
    """The claim was decided already (by someone else, a moment ago)."""

    def __init__(self, claim: BusinessClaim):
        super().__init__(
            "claim_not_pending",
            _("This claim was already decided: %(status)s.") % {"status": claim.get_status_display()},
        )


# --- Who may claim, and what --------------------------------------------------------------------


def check_may_claim(*, user) -> None:
    """A claim comes from someone without a role on the platform: a new business account, or an
    account that is no consumer, official or business staff, with no claim waiting. A consumer's
    account is the person's own (real-name), not their employer's."""
    if user is None or not user.is_authenticated:
        return
    if getattr(user, "merchant_staff", None) is not None:
        raise PermissionDenied(_("Your account already acts for a business."))
    if getattr(user, "official", None) is not None:
        raise PermissionDenied(_("Officials do not claim businesses."))
    if getattr(user, "consumer", None) is not None:
        raise PermissionDenied(
            _(
                "This is a consumer's account. A business claims its entry with an account of its own: "
                "log out and create one on this page."
            )
        )
    waiting = pending_claim_of(user)
    if waiting is not None:
        raise PermissionDenied(
            _("Your claim of %(business)s is waiting for the bureau; you can make another once it is decided.")
            % {"business": waiting.entity.name}
        )


def claimable_entity(*, uscc: str) -> MarketEntity:
    """The registry entry with this credit code, if it can be claimed; a ValidationError on `uscc`
    otherwise: an invalid code, no such entry, a business already on the platform, a claim already
    waiting, or no mainland bureau to decide."""
    try:
        compact = validate_uscc(uscc)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from None
    entity = MarketEntity.objects.select_related("platform").filter(uscc=compact).first()
    if entity is None:
        raise ValidationError(
            {
                "uscc": [
                    _(
                        "No business in the registry has this credit code. Check it against your business "
                        "licence; a business registered only recently may not be in the registry yet."
                    )
                ]
            }
        )
    bureau = deciding_bureau(entity)
    if bureau is None:
        raise ValidationError(
            {
                "uscc": [
                    _("No mainland market-regulation bureau is competent for this business; it cannot be claimed here.")
                ]
            }
        )
    if is_held(entity):
        raise ValidationError(
            {
                "uscc": [
                    _(
                        "%(business)s is already on the platform and its accounts are kept by its administrator. "
                        "If you should act for it, ask that administrator, or contact %(bureau)s."
                    )
                    % {"business": entity.name, "bureau": bureau.name}
                ]
            }
        )
    if BusinessClaim.objects.filter(entity=entity, status=ClaimStatus.PENDING).exists():
        raise ValidationError(
            {
                "uscc": [
                    _(
                        "A claim of %(business)s is already waiting for %(bureau)s. If it was not made by your "
                        "business, contact %(bureau)s."
                    )
                    % {"business": entity.name, "bureau": bureau.name}
                ]
            }
        )
    return entity


def _check_applicant(errors: dict, *, applicant_name: str, applicant_role: str) -> None:
    if not applicant_name.strip():
        errors["applicant_name"] = [_("Your real name is required.")]
    elif len(applicant_name.strip()) > 64:
        errors["applicant_name"] = [_("The name is too long (at most 64 characters).")]
    if applicant_role not in ApplicantRole.values:
        errors["applicant_role"] = [_("Please say how you may act for the business.")]


def _check_document(errors: dict, *, document_content: bytes):
    try:
        return upload_checked(
            content=document_content,
            allowed_types=CLAIM_DOCUMENT_TYPES,
            max_bytes=settings.EVIDENCE_MAX_BYTES,
            kinds_allowed=_("The document may be a PDF or a photo or scan (JPEG, PNG, WebP)."),
            field="document",
        )
    except ValidationError as error:
        errors.update(error.message_dict)
        return None


def _check_user_name_and_password(errors: dict, *, username: str, password: str, email: str, no_password: str) -> None:
    """A new account's user name (free) and password (the site's password rules)."""
    if not username:
        errors["username"] = [_("Please choose a user name.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_("This user name is taken.")]
    if not password:
        errors["password"] = [no_password]
    else:
        problems = password_problems(password, username=username, email=email)
        if problems:
            errors["password"] = problems


def _check_new_account(errors: dict, *, username: str, password: str, email: str) -> None:
    _check_user_name_and_password(
        errors, username=username, password=password, email=email, no_password=_("Please choose a password.")
    )
    if not email:
        errors["email"] = [_("An e-mail address is required: the bureau's decision is sent there.")]


def claim_problems(
    *,
    user=None,
    username: str = "",
    password: str = "",
    email: str = "",
    uscc: str,
    applicant_name: str,
    applicant_role: str,
    document_content: bytes,
) -> dict[str, list[str]]:
    """Everything wrong with a claim, field by field, in one round; for someone not logged in
    (`user` None) the new account's too."""
    errors: dict[str, list[str]] = {}
    check_may_claim(user=user)
    if user is None or not user.is_authenticated:
        _check_new_account(errors, username=username, password=password, email=email)
    try:
        claimable_entity(uscc=uscc)
    except ValidationError as error:
        errors.update(error.message_dict)
    _check_applicant(errors, applicant_name=applicant_name, applicant_role=applicant_role)
    _check_document(errors, document_content=document_content)
    return errors


# --- Claiming -------------------------------------------------------------------------------------


@transaction.atomic
def business_claim_submit(
    *,
    applicant=None,
    username: str = "",
    password: str = "",
    email: str = "",
    uscc: str,
    applicant_name: str,
    applicant_role: str,
    document_name: str,
    document_content: bytes,
) -> BusinessClaim:
    """A claim of the registry entry with credit code `uscc`. With `applicant` None, a new account
    (user name, password, e-mail) is made for it in the same step; it has no role until the bureau
    approves. The bureau's officials are told."""
    errors = claim_problems(
        user=applicant,
        username=username,
        password=password,
        email=email,
        uscc=uscc,
        applicant_name=applicant_name,
        applicant_role=applicant_role,
        document_content=document_content,
    )
    if errors:
        raise ValidationError(errors)
    # Two claims of one business at the same moment: the second waits here, then finds the first.
    entity = MarketEntity.objects.select_for_update().get(pk=claimable_entity(uscc=uscc).pk)
    claimable_entity(uscc=uscc)
    if applicant is None:
        try:
            with transaction.atomic():
                applicant = User.objects.create_user(username=username, password=password, email=email)
        except IntegrityError:
            raise ValidationError({"username": [_("This user name is taken.")]}) from None
    kind = upload_checked(
        content=document_content,
        allowed_types=CLAIM_DOCUMENT_TYPES,
        max_bytes=settings.EVIDENCE_MAX_BYTES,
        kinds_allowed="",
        field="document",
    )
    digest = hashlib.sha256(document_content).hexdigest()
    claim = BusinessClaim(
        entity=entity,
        applicant=applicant,
        applicant_name=applicant_name.strip(),
        applicant_role=applicant_role,
        document_name=(document_name or f"document.{kind.extension}")[:200],
        document_type=kind.mime,
        document_sha256=digest,
    )
    claim.document.save(f"{digest}.{kind.extension}", ContentFile(document_content), save=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:  # one pending claim per business (the constraint), should the lock be bypassed
        raise ValidationError({"uscc": [_("A claim of this business is already waiting for the bureau.")]}) from None
    notify(
        users=_bureau_officials(entity),
        kind=NotificationKind.CLAIM_TO_DECIDE,
        params={"business": entity.name},
        link=reverse("web:business-claim-decide", args=[claim.pk]),
        dedupe_key=f"claim-{claim.pk}",
    )
    return claim


def _bureau_officials(entity: MarketEntity) -> list:
    bureau = deciding_bureau(entity)
    if bureau is None:
        return []
    return authority_users(bureau.pk)


# --- Deciding -------------------------------------------------------------------------------------


def check_claim_decider(*, user, claim: BusinessClaim) -> None:
    """Only an official of the bureau competent for the business decides its claim."""
    if not may_decide(user, claim):
        raise PermissionDenied(_("Only the officials of the business's market-regulation bureau decide its claim."))


def _locked_pending(claim: BusinessClaim, actor) -> BusinessClaim:
    claim = BusinessClaim.objects.select_for_update(of=("self",)).select_related("entity__platform").get(pk=claim.pk)
    check_claim_decider(user=actor, claim=claim)
    if claim.status != ClaimStatus.PENDING:
        raise ClaimNotPending(claim)
    return claim


def _decided(claim: BusinessClaim, *, actor, status: str, reason: str) -> BusinessClaim:
    claim.status = status
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.reason = reason
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    notify(
        users=[claim.applicant],
        kind=NotificationKind.CLAIM_DECIDED,
        params={"business": claim.entity.name, "status": status, "reason": reason},
        link=reverse("web:business-claim"),
        dedupe_key=f"claim-{claim.pk}",
    )
    return claim


def _check_reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise ValidationError({"reason": [_("Please give the reason for refusing; the applicant is told it.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": [_("Please keep the reason under %(limit)d characters.") % {"limit": MAX_REASON_LENGTH}]}
        )
    return reason


@transaction.atomic
def claim_approve(*, claim: BusinessClaim, actor, reason: str = "") -> BusinessClaim:
    """Approve a pending claim: its applicant becomes the business's staff and administrator, seated
    in the open rooms of the business's complaints. Refused when the business came to be held in
    the meantime, or the applicant took another role."""
    reason = _check_reason(reason, required=False)
    claim = _locked_pending(claim, actor)
    entity = MarketEntity.objects.select_for_update().get(pk=claim.entity_id)
    if MerchantStaff.objects.filter(entity=entity).exists():
        raise ValidationError(
            {
                "reason": [
                    _("%(business)s already has staff on the platform; refuse this claim.") % {"business": entity.name}
                ]
            }
        )
    applicant = User.objects.select_for_update().get(pk=claim.applicant_id)
    if (
        MerchantStaff.objects.filter(user=applicant).exists()
        or Official.objects.filter(user=applicant).exists()
        or hasattr(applicant, "consumer")
    ):
        raise ValidationError({"reason": [_("The applicant's account has taken another role; refuse this claim.")]})
    if not applicant.is_active:
        raise ValidationError({"reason": [_("The applicant's account is closed; refuse this claim.")]})
    if not (applicant.first_name or applicant.last_name):
        # The name the business's seat in a room shows: the applicant's real name, as claimed.
        applicant.last_name = claim.applicant_name
        applicant.save(update_fields=["last_name"])
    staff = MerchantStaff.objects.create(user=applicant, entity=entity, is_administrator=True, added_by=actor)
    _seat_in_open_rooms(staff)
    return _decided(claim, actor=actor, status=ClaimStatus.APPROVED, reason=reason)


@transaction.atomic
def claim_refuse(*, claim: BusinessClaim, actor, reason: str) -> BusinessClaim:
    """Refuse a pending claim, with the reason the applicant is told. They may claim again."""
    reason = _check_reason(reason, required=True)
    claim = _locked_pending(claim, actor)
    return _decided(claim, actor=actor, status=ClaimStatus.REFUSED, reason=reason)


def _seat_in_open_rooms(staff: MerchantStaff) -> None:
    """The business's new staff take their seats in the rooms of its complaints in mediation, as
    the staff it had when each room opened did (rooms.room_open_with_case)."""
    rooms = (
        MediationRoom.objects.filter(case__entity_id=staff.entity_id, case__kind=CaseKind.COMPLAINT)
        .exclude(status=RoomStatus.CLOSED)
        .values_list("pk", flat=True)
    )
    name = f"{person_name(staff.user)} ({staff.entity.name})"
    for room_id in rooms:
        party_seat_add(room_id=room_id, user=staff.user, role=RoomRole.MERCHANT, display_name=name)


# --- The business's own staff ----------------------------------------------------------------------


def require_business_administrator(user) -> MerchantStaff:
    """The user's staff record, if they administer their business's accounts."""
    staff = getattr(user, "merchant_staff", None) if user is not None and user.is_authenticated else None
    if staff is None or not staff.is_administrator:
        raise PermissionDenied(_("Only the administrator of a business's accounts keeps its staff."))
    return staff


def staff_add_problems(*, username: str, password: str, name: str, email: str = "") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Please give the person's name; it is shown in the mediation room.")]
    elif len(name.strip()) > 150:
        errors["name"] = [_("The name is too long (at most 150 characters).")]
    _check_user_name_and_password(
        errors, username=username, password=password, email=email, no_password=_("Please set an initial password.")
    )
    return errors


@transaction.atomic
def staff_add(
    *,
    administrator,
    username: str,
    password: str,
    name: str,
    email: str = "",
    is_administrator: bool = False,
) -> MerchantStaff:
    """The business's administrator makes an account for one of its staff, with an initial password
    they hand over themselves. The new staff member acts for the business at once: its complaints,
    and seats in the rooms of those in mediation."""
    own = require_business_administrator(administrator)
    errors = staff_add_problems(username=username, password=password, name=name, email=email)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password, email=email, last_name=name.strip())
    except IntegrityError:
        raise ValidationError({"username": [_("This user name is taken.")]}) from None
    staff = MerchantStaff.objects.create(
        user=user, entity_id=own.entity_id, is_administrator=is_administrator, added_by=administrator
    )
    _seat_in_open_rooms(staff)
    return staff


@transaction.atomic
def staff_remove(*, administrator, staff: MerchantStaff) -> None:
    """The business's administrator removes one of its staff: not themselves, never the last
    administrator. The person loses every seat with the job (their rooms' seats and the business's
    cases follow MerchantStaff), and the account, which the business made for the job, is closed."""
    own = require_business_administrator(administrator)
    # Lock the business's staff, so that two administrators cannot remove each other at once.
    team = list(MerchantStaff.objects.select_for_update().filter(entity_id=own.entity_id).order_by("pk"))
    staff = next((member for member in team if member.pk == staff.pk), None)
    if staff is None:
        raise PermissionDenied(_("This person is not on your business's staff."))
    if staff.user_id == administrator.pk:
        raise ValidationError({"staff": [_("You cannot remove yourself.")]})
    if staff.is_administrator and sum(member.is_administrator for member in team) <= 1:
        raise ValidationError({"staff": [_("The business's last administrator cannot be removed.")]})
    user = staff.user
    staff.delete()
    if getattr(user, "consumer", None) is None and getattr(user, "official", None) is None:
        user.is_active = False
        user.save(update_fields=["is_active"])
