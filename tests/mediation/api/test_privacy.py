"""Privacy on the serialized output: what reaches a business or the public, byte for byte."""

import json

import pytest
from rest_framework.test import APIClient

from mediation.models import Case, CaseStatus
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for


def _secrets(consumer) -> list[str]:
    identity = consumer.identity
    return [identity.real_name, identity.id_number, identity.phone, identity.phone[3:], consumer.user.username]


def _body(response) -> str:
    return json.dumps(response.data, ensure_ascii=False, default=str)


@pytest.fixture
def accepted_complaint(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    return case_transition(case=case, action="accept", actor=world.shop_official)


def test_business_sees_a_masked_name_and_no_id_or_phone(world, accepted_complaint):
    response = client_for(world.shop_staff).get(f"/api/cases/{accepted_complaint.number}/")
    assert response.status_code == 200
    assert response.data["consumer_masked_name"] == "张*"
    assert response.data["consumer_city"] == "北京市"
    body = _body(response)
    for secret in _secrets(world.consumer):
        assert secret not in body
    assert "consumer" not in response.data and "events" in response.data


def test_business_does_not_see_a_complaint_before_it_is_told(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    staff = client_for(world.shop_staff)
    assert staff.get(f"/api/cases/{case.number}/").status_code == 404
    assert staff.get("/api/cases/").data == []


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "anonymous"])
def test_a_report_never_reaches_the_business(world, anonymous):
    case = factories.report(reporter=world.consumer, entity=world.shop, is_anonymous=anonymous)
    for status in (CaseStatus.SUBMITTED, CaseStatus.VERIFYING, CaseStatus.CASE_OPENED, CaseStatus.CLOSED):
        factories.with_status(case, status)
        staff = client_for(world.shop_staff)
        detail = staff.get(f"/api/cases/{case.number}/")
        listing = staff.get("/api/cases/")
        public = APIClient().get(f"/api/public/cases/{case.number}/")
        assert detail.status_code == 404 and public.status_code == 404
        for secret in _secrets(world.consumer):
            assert secret not in _body(detail) + _body(listing) + _body(public)
        assert case.number not in _body(listing)


def test_anonymous_reporter_is_hidden_from_officials_too(world):
    case = factories.report(reporter=world.consumer, entity=world.shop, is_anonymous=True)
    response = client_for(world.shop_official).get(f"/api/cases/{case.number}/")
    assert response.status_code == 200 and response.data["consumer"] is None
    for secret in _secrets(world.consumer):
        assert secret not in _body(response)


def test_officials_of_the_case_see_the_real_name_data(world, accepted_complaint):
    for official in (world.shop_official, world.home_official):
        response = client_for(official).get(f"/api/cases/{accepted_complaint.number}/")
        assert response.data["consumer"]["id_number"] == world.consumer.identity.id_number
    assert client_for(world.outsider_official).get(f"/api/cases/{accepted_complaint.number}/").status_code == 404


def test_public_disclosure_holds_no_personal_data(world, accepted_complaint):
    response = APIClient().get(f"/api/public/cases/{accepted_complaint.number}/")
    assert response.status_code == 200
    assert set(response.data) == {
        "number",
        "entity",
        "category",
        "status",
        "status_display",
        "received_at",
        "closed_at",
        "settled_directly",
        "handling_authority",
    }
    body = _body(response)
    for secret in [*_secrets(world.consumer), accepted_complaint.facts]:
        assert secret not in body


def test_officials_are_warned_of_a_purchase_older_than_three_years(world):
    import datetime

    old = factories.complaint(consumer=world.consumer, entity=world.shop, purchase_date=datetime.date(2020, 1, 1))
    recent = factories.complaint(consumer=world.consumer, entity=world.shop)
    lead = client_for(world.shop_official)
    assert lead.get(f"/api/cases/{old.number}/").data["possibly_time_barred"] is True
    assert lead.get(f"/api/cases/{recent.number}/").data["possibly_time_barred"] is False


def test_partner_agency_abroad_gets_no_identity_document_or_phone(world, places):
    from mediation.models import Authority, AuthorityKind
    from mediation.services.registry import entity_register

    hk_shop = entity_register(name="香港铜锣湾美妆店", country_code="HK", business_region=places.hong_kong)
    case = factories.complaint(consumer=world.consumer, entity=hk_shop, category="G07", currency="HKD")
    council = Authority.objects.get(kind=AuthorityKind.PARTNER_AGENCY, region=places.hong_kong)
    assert case.co_mediating_authority == council
    response = client_for(factories.official(council)).get(f"/api/cases/{case.number}/")
    assert response.status_code == 200 and response.data["viewer"] == "partner_agency"
    assert response.data["consumer"]["masked_name"] == "张*"
    body = _body(response)
    for secret in _secrets(world.consumer):
        assert secret not in body
    # The mainland bureau handling it sees the full record.
    lead = client_for(world.home_official).get(f"/api/cases/{case.number}/")
    assert lead.data["consumer"]["id_number"] == world.consumer.identity.id_number


def test_a_report_made_online_is_real_name(world):
    """Seed: online reports are real-name, anonymous ones come by phone, letter or visit; the
    reporter's identity is seen only by the handling officials, never by the business (Art. 37)."""
    response = client_for(world.consumer_user).post(
        "/api/reports/",
        {"entity": world.shop.pk, "facts": "店里卖过期面包。", "violation_type": "food_safety", "is_anonymous": True},
        format="json",
    )
    assert response.status_code == 400 and "12315" in response.data["is_anonymous"][0]
    assert not Case.objects.filter(kind="report").exists()
