"""A business claims its registry entry (认领), the bureau competent for it decides, and the approved
applicant keeps the business's staff. Expected outcomes come from issue 19 and docs/security.md
("Businesses and their accounts")."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from mediation.models import BusinessClaim, ClaimStatus, MerchantStaff, Notification, NotificationKind
from mediation.selectors.business_accounts import claims_to_decide, deciding_bureau
from mediation.selectors.cases import case_for_viewer, cases_of_user
from mediation.selectors.rooms import room_seat_for
from mediation.services.business_accounts import (
    ClaimNotPending,
    business_claim_submit,
    claim_approve,
    claim_refuse,
    staff_add,
    staff_remove,
)
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.factories import CLAIM_PDF
from tests.mediation.api.test_evidence import png_bytes


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop(places):
    """A 西湖区 shop nobody acts for yet."""
    return factories.shop(name="杭州西湖新开张电器商行")


@pytest.fixture
def xihu_official(places):
    return factories.official(factories.bureau("330106"))


def claim_of(shop, **extra):
    fields = {
        "uscc": shop.uscc if shop is not None else "",
        "applicant_name": "王建国",
        "applicant_role": "legal_representative",
        "document_name": "营业执照.pdf",
        "document_content": CLAIM_PDF,
        **extra,
    }
    if "applicant" not in fields:
        fields.setdefault("username", "xinkaizhang")
        fields.setdefault("password", "Shop-2026-licence")
        fields.setdefault("email", "boss@example.com")
    return business_claim_submit(**fields)


def problems(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


def test_a_business_claims_its_entry_with_a_new_account_which_has_no_role_until_approved(shop, english):
    claim = claim_of(shop)
    assert claim.status == ClaimStatus.PENDING and claim.entity == shop
    assert claim.applicant.username == "xinkaizhang" and claim.applicant.check_password("Shop-2026-licence")
    assert claim.document_type == "application/pdf" and claim.document.read() == CLAIM_PDF
    assert not MerchantStaff.objects.filter(user=claim.applicant).exists()
    assert not cases_of_user(user=claim.applicant).exists()


def test_the_claim_goes_to_the_bureau_of_the_business_and_no_other(shop, xihu_official):
    claim = factories.business_claim(shop)
    assert deciding_bureau(shop).region_id == "330106"
    assert claims_to_decide(user=xihu_official) == [claim]
    for elsewhere in ("440305", "330100", "110105"):  # another district, the city above, another city
        assert claims_to_decide(user=factories.official(factories.bureau(elsewhere))) == []
    with pytest.raises(PermissionDenied):
        claim_approve(claim=claim, actor=factories.official(factories.bureau("330100")))


def test_the_bureaus_officials_are_told_of_a_claim_and_the_applicant_of_the_decision(shop, xihu_official):
    claim = factories.business_claim(shop)
    told = Notification.objects.get(user=xihu_official, kind=NotificationKind.CLAIM_TO_DECIDE)
    assert told.params["business"] == shop.name and told.link == f"/business/claims/{claim.pk}/"
    claim_refuse(claim=claim, actor=xihu_official, reason="授权委托书没有法定代表人签字")
    decided = Notification.objects.get(user=claim.applicant, kind=NotificationKind.CLAIM_DECIDED)
    assert decided.params == {"business": shop.name, "status": "refused", "reason": "授权委托书没有法定代表人签字"}


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91330106MA2B3C4D5", "18 characters"),
        ("91330106MA2B3C4D5X", "check character"),
    ],
)
def test_an_invalid_credit_code_is_refused_saying_why(shop, english, code, says):
    with pytest.raises(ValidationError) as error:
        claim_of(shop, uscc=code)
    assert says in problems(error, "uscc")


def test_a_valid_code_of_no_registry_entry_is_refused(places, english):
    with pytest.raises(ValidationError) as error:
        claim_of(None, uscc=factories.uscc("330106"))
    assert "No business in the registry has this credit code" in problems(error, "uscc")


def test_a_business_already_held_cannot_be_claimed_again_and_the_applicant_is_sent_to_the_bureau(shop, english):
    factories.merchant(shop)  # staff made in the admin, before self-service
    with pytest.raises(ValidationError) as error:
        claim_of(shop)
    assert "already on the platform" in problems(error, "uscc")
    assert "西湖区" in problems(error, "uscc")  # the bureau to contact
    approved = factories.shop(name="杭州西湖已认领商行")
    factories.business_administrator(approved)
    with pytest.raises(ValidationError) as error:
        claim_of(approved, username="someone-else")
    assert "already on the platform" in problems(error, "uscc")


def test_one_claim_waits_per_business(shop, english):
    factories.business_claim(shop)
    with pytest.raises(ValidationError) as error:
        claim_of(shop)
    assert "already waiting" in problems(error, "uscc")
    assert BusinessClaim.objects.filter(entity=shop).count() == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (png_bytes()[:40] + b"<html><script>alert(1)</script></html>", "PDF or a photo"),
        (b"%PDF-1.4\n<html><script>alert(1)</script>", "PDF or a photo"),
        (b"GIF89a" + b"\0" * 40, "PDF or a photo"),
    ],
    ids=["empty", "png-header-then-html", "pdf-header-then-html", "gif"],
)
def test_the_document_is_checked_like_evidence(shop, english, content, says):
    with pytest.raises(ValidationError) as error:
        claim_of(shop, document_content=content)
    assert says in problems(error, "document")
    assert not BusinessClaim.objects.exists()


def test_a_document_over_the_size_limit_is_refused(shop, english, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        claim_of(shop, document_content=png_bytes((64, 64)))
    assert "larger than" in problems(error, "document")


def test_a_photo_of_the_licence_is_taken(shop):
    assert claim_of(shop, document_content=png_bytes(), document_name="licence.png").document_type == "image/png"


def test_a_new_account_needs_a_free_user_name_a_good_password_and_an_email_all_said_at_once(shop, english):
    factories.UserFactory(username="taken-name")
    with pytest.raises(ValidationError) as error:
        claim_of(shop, username="taken-name", password="12345678", email="", applicant_name="")
    fields = error.value.message_dict
    assert {"username", "password", "email", "applicant_name"} <= set(fields)
    assert not BusinessClaim.objects.exists()


def test_a_signed_in_account_without_a_role_claims_with_its_own_account(shop):
    user = factories.UserFactory()
    claim = claim_of(shop, applicant=user)
    assert claim.applicant == user


@pytest.mark.parametrize("who", ["consumer", "official", "staff", "applicant with a claim waiting"])
def test_only_someone_without_a_role_and_no_claim_waiting_claims(shop, who):
    if who == "consumer":
        user = factories.consumer().user
    elif who == "official":
        user = factories.official(factories.bureau("330106"))
    elif who == "staff":
        user = factories.merchant(factories.shop(name="杭州西湖别家商行"))
    else:
        user = factories.business_claim(factories.shop(name="杭州西湖另一家商行")).applicant
    with pytest.raises(PermissionDenied):
        claim_of(shop, applicant=user)


def test_approving_makes_the_applicant_the_administrator_and_is_recorded(shop, xihu_official, world):
    complaint = factories.complaint(consumer=world.consumer, entity=shop)
    complaint = case_transition(case=complaint, action="accept", actor=xihu_official)
    claim = factories.business_claim(shop)
    claim_approve(claim=claim, actor=xihu_official, reason="与营业执照核对一致")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert (claim.decided_by, claim.reason) == (xihu_official, "与营业执照核对一致") and claim.decided_at
    staff = MerchantStaff.objects.get(user=claim.applicant)
    assert (staff.entity, staff.is_administrator, staff.added_by) == (shop, True, xihu_official)
    assert list(cases_of_user(user=claim.applicant)) == [complaint]
    with pytest.raises(ClaimNotPending):
        claim_approve(claim=claim, actor=xihu_official)
    with pytest.raises(ClaimNotPending):
        claim_refuse(claim=claim, actor=xihu_official, reason="改变主意")


def test_refusing_needs_a_reason_and_the_applicant_may_claim_again(shop, xihu_official, english):
    claim = factories.business_claim(shop)
    with pytest.raises(ValidationError) as error:
        claim_refuse(claim=claim, actor=xihu_official, reason="  ")
    assert "reason" in error.value.message_dict
    claim_refuse(claim=claim, actor=xihu_official, reason="营业执照照片看不清，请重新上传")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REFUSED and claim.decided_by == xihu_official
    again = claim_of(shop, applicant=claim.applicant)
    assert again.status == ClaimStatus.PENDING


def test_the_approved_administrator_takes_the_business_seat_in_a_room_already_open(shop, xihu_official, world):
    complaint = case_transition(
        case=factories.complaint(consumer=world.consumer, entity=shop), action="accept", actor=xihu_official
    )
    complaint = factories.consent_both(complaint, official=xihu_official)  # the business agreed by phone
    mediation_start(case=complaint, actor=xihu_official, co_mediator=world.home_official)
    administrator = factories.business_administrator(shop, official_user=xihu_official)
    seat = room_seat_for(user=administrator, number=complaint.number)
    assert seat is not None and seat.role == "merchant"
    assert seat.display_name == f"王建国 ({shop.name})"


@pytest.fixture
def held(shop, xihu_official, world):
    """The shop, its administrator, and a complaint about it in mediation."""
    administrator = factories.business_administrator(shop, official_user=xihu_official)
    complaint = case_transition(
        case=factories.complaint(consumer=world.consumer, entity=shop), action="accept", actor=xihu_official
    )
    complaint = factories.consent_both(complaint, official=xihu_official)
    mediation_start(case=complaint, actor=xihu_official, co_mediator=world.home_official)
    return administrator, complaint


def add(administrator, username="xiaoli", **extra):
    return staff_add(administrator=administrator, username=username, password="Staff-2026-room", name="李小丽", **extra)


def test_the_administrator_adds_staff_who_act_for_the_business_at_once(held):
    administrator, complaint = held
    staff = add(administrator)
    assert staff.entity_id == complaint.entity_id and not staff.is_administrator
    assert staff.added_by == administrator and staff.user.check_password("Staff-2026-room")
    case_for_viewer(user=staff.user, number=complaint.number)
    assert room_seat_for(user=staff.user, number=complaint.number).display_name == f"李小丽 ({complaint.entity.name})"


def test_only_an_administrator_adds_or_removes_staff(held):
    administrator, _complaint = held
    staff = add(administrator)
    for somebody in (staff.user, factories.consumer().user, factories.official(factories.bureau("330106"))):
        with pytest.raises(PermissionDenied):
            add(somebody, username=f"by-{somebody.pk}")
        with pytest.raises(PermissionDenied):
            staff_remove(administrator=somebody, staff=staff)
    other_business = factories.business_administrator(factories.shop(name="杭州西湖隔壁商行"))
    with pytest.raises(PermissionDenied):
        staff_remove(administrator=other_business, staff=staff)


def test_a_removed_staff_member_loses_the_case_and_the_room_and_the_account(held):
    administrator, complaint = held
    staff = add(administrator)
    user = staff.user
    staff_remove(administrator=administrator, staff=staff)
    user.refresh_from_db()
    assert not hasattr(user, "merchant_staff") and not user.is_active
    with pytest.raises(Http404):
        case_for_viewer(user=user, number=complaint.number)
    assert room_seat_for(user=user, number=complaint.number) is None


def test_nobody_removes_themselves_nor_the_last_administrator(held, english):
    administrator, _complaint = held
    own = MerchantStaff.objects.get(user=administrator)
    with pytest.raises(ValidationError, match="yourself"):
        staff_remove(administrator=administrator, staff=own)
    second = add(administrator, username="second-admin", is_administrator=True)
    # Two administrators: each may remove the other, but not the last one standing.
    staff_remove(administrator=second.user, staff=own)
    assert MerchantStaff.objects.filter(entity=second.entity, is_administrator=True).count() == 1


def test_staff_need_a_free_user_name_a_name_and_a_good_password(held, english):
    administrator, _complaint = held
    with pytest.raises(ValidationError) as error:
        staff_add(administrator=administrator, username=administrator.username, password="password", name="")
    assert {"username", "password", "name"} <= set(error.value.message_dict)
