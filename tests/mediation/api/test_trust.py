"""Who reaches a person's identity or a case's decision: the findings of the outside probe, each
checked on the serialized output or the recorded state (docs/security.md has the access policy)."""

import json

import pytest
from django.test import Client

from mediation.models import Authority, AuthorityKind, Case, CaseStatus, Consumer, HelpRequest
from mediation.services.assistance import official_duty_set
from mediation.services.cases import mixed_submit
from mediation.services.chat_grants import chat_grant_issue
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import bot_client, client_for


def _secrets(consumer) -> list[str]:
    identity = consumer.identity
    return [identity.real_name, identity.id_number, identity.phone, identity.phone[3:]]


def _body(response) -> str:
    return json.dumps(response.data, ensure_ascii=False, default=str)


def mixed(world, *, anonymous: bool):
    """A complaint and a report filed together by the world's consumer."""
    return mixed_submit(
        complaint={
            "consumer": world.consumer,
            "entity": world.shop,
            "facts": "买的电热水壶漏电，要求退货。",
            "category": "G02",
            "demand": "refund",
        },
        report={
            "reporter": world.consumer,
            "entity": world.shop,
            "facts": "这家店卖没有3C标志的电热水壶。",
            "violation_type": "counterfeit",
            "is_anonymous": anonymous,
            # Anonymous reports come by phone, letter or visit, never online.
            **({"intake_channel": "visit"} if anonymous else {}),
        },
    )


@pytest.fixture
def mixed_with_anonymous_report(world):
    return mixed(world, anonymous=True)


def test_an_anonymous_report_filed_with_a_complaint_does_not_lead_officials_to_the_reporter(
    world, mixed_with_anonymous_report
):
    complaint, report = mixed_with_anonymous_report
    report_view = client_for(world.shop_official).get(f"/api/cases/{report.number}/")
    assert report_view.status_code == 200 and report_view.data["linked_case"] is None
    for secret in _secrets(world.consumer):
        assert secret not in _body(report_view)
    # The complaint names the person; it must not name the report.
    for official in (world.shop_official, world.home_official):
        complaint_view = client_for(official).get(f"/api/cases/{complaint.number}/")
        assert complaint_view.status_code == 200 and complaint_view.data["linked_case"] is None
        assert report.number not in _body(complaint_view)
    # The person who filed both still sees that they belong together.
    own = client_for(world.consumer_user).get(f"/api/cases/{report.number}/")
    assert own.data["linked_case"] == complaint.number


def test_a_named_report_filed_with_a_complaint_keeps_its_link_for_officials(world):
    complaint, report = mixed(world, anonymous=False)
    view = client_for(world.shop_official).get(f"/api/cases/{report.number}/")
    assert view.data["linked_case"] == complaint.number


def test_the_admin_page_of_an_anonymous_report_names_no_consumer(world, mixed_with_anonymous_report):
    complaint, report = mixed_with_anonymous_report
    admin = Client()
    admin.force_login(world.shop_official)
    page = admin.get(f"/admin/mediation/case/{report.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"consumer #{world.consumer.pk}" not in text
    assert f"/admin/mediation/consumer/{world.consumer.pk}/" not in text
    assert complaint.number not in text
    assert world.consumer_user.username not in text  # the audit trail's actor of the submission


def test_cases_are_read_only_in_the_admin(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    admin = Client()
    admin.force_login(world.shop_official)
    before = Case.objects.get(pk=case.pk).facts
    admin.post(f"/admin/mediation/case/{case.pk}/change/", {"facts": "改写的事实", "kind": "complaint"})
    assert Case.objects.get(pk=case.pk).facts == before


def test_consumers_identities_are_not_in_the_admin_for_officials(world):
    admin = Client()
    admin.force_login(world.shop_official)
    assert admin.get(f"/admin/mediation/consumer/{world.consumer.pk}/change/").status_code in (302, 403, 404)


# Filing for a caller --------------------------------------------------------------------------


def _hotline_complaint(world, **extra) -> dict:
    return {
        "entity": world.shop.pk,
        "facts": "来电称空调不制冷。",
        "category": "G02",
        "demand": "refund",
        "intake_channel": "hotline",
        **extra,
    }


def test_an_official_cannot_file_a_case_naming_an_existing_consumer(world):
    client = client_for(world.outsider_official)
    response = client.post("/api/complaints/", _hotline_complaint(world, consumer=world.consumer.pk), format="json")
    assert response.status_code == 403
    assert not world.consumer.cases.exists()
    for secret in _secrets(world.consumer):
        assert secret not in _body(response)


def test_partner_agency_staff_do_not_enter_hotline_cases(world, places):
    council = Authority.objects.get(kind=AuthorityKind.PARTNER_AGENCY, region=places.hong_kong)
    staff = factories.official(council)
    caller = {"real_name": "王五", "id_number": factories.resident_id(serial="456"), "phone": "13912345678"}
    response = client_for(staff).post("/api/complaints/", _hotline_complaint(world, caller=caller), format="json")
    assert response.status_code == 403
    assert not Consumer.objects.filter(identity__real_name="王五").exists()
    page = client_for(staff).get("/hotline/")
    assert page.status_code == 403


def test_a_hotline_caller_is_entered_with_their_own_data(world):
    caller = {"real_name": "王五", "id_number": factories.resident_id(serial="456"), "phone": "13912345678"}
    response = client_for(world.shop_official).post(
        "/api/complaints/", _hotline_complaint(world, caller=caller), format="json"
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get(number=response.data["number"]).consumer.identity.real_name == "王五"


# Requests for a person, seen from outside the mainland -----------------------------------------


def test_a_partner_agency_sees_requests_for_a_person_without_identity_document_or_phone(places):
    hong_kong_consumer = factories.consumer(
        home_region="810000", country_code="HK", real_name="陈大文", phone="+85291234567"
    )
    council = Authority.objects.get(kind=AuthorityKind.PARTNER_AGENCY, region=places.hong_kong)
    staff = factories.official(council)
    official_duty_set(official=staff.official, on_duty=True)
    opened = client_for(hong_kong_consumer.user).post("/api/help-requests/", {}, format="json")
    assert opened.status_code == 201, opened.content
    assert HelpRequest.objects.get(pk=opened.data["id"]).authority == council
    listing = client_for(staff).get("/api/help-requests/")
    assert listing.status_code == 200 and len(listing.data) == 1
    assert listing.data[0]["consumer"]["masked_name"] == "陈**"
    for secret in _secrets(hong_kong_consumer):
        assert secret not in _body(listing)


# Settling and terminating happen in the room --------------------------------------------------


@pytest.fixture
def in_mediation(world):
    from mediation.services.rooms import mediation_start

    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = factories.consent_both(case_transition(case=case, action="accept", actor=world.shop_official))
    mediation_start(case=case, actor=world.shop_official, co_mediator=world.home_official)
    return case


@pytest.mark.parametrize(
    ("action", "payload"),
    [("settle", {"reason": "商家退款3500元"}), ("terminate", {"ground": "agreement_impossible"})],
)
def test_settling_or_terminating_over_the_api_is_refused_and_the_room_stays_open(world, in_mediation, action, payload):
    other_official = factories.official(world.shop_bureau)
    for official in (world.shop_official, other_official):
        response = client_for(official).post(
            f"/api/cases/{in_mediation.number}/actions/{action}/",
            payload,
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 409, response.content
        assert response.data["code"] == "transition_not_allowed" and "调解室" in response.data["detail"]
    in_mediation.refresh_from_db()
    assert in_mediation.status == CaseStatus.MEDIATING
    assert in_mediation.room.status != "closed"


def test_the_case_page_does_not_offer_settling_or_terminating_outside_the_room(world, in_mediation):
    page = client_for(world.shop_official).get(f"/cases/{in_mediation.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/cases/{in_mediation.number}/actions/settle/" not in text
    assert f"/cases/{in_mediation.number}/actions/terminate/" not in text
    refused = client_for(world.shop_official).post(
        f"/cases/{in_mediation.number}/actions/settle/", {"reason": "商家退款"}
    )
    assert refused.status_code == 409
    in_mediation.refresh_from_db()
    assert in_mediation.status == CaseStatus.MEDIATING


def test_starting_mediation_in_the_admin_is_not_offered(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = case_transition(case=case, action="accept", actor=world.shop_official)
    admin = Client()
    admin.force_login(world.shop_official)
    admin.post("/admin/mediation/case/", {"action": "start_mediation", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


# The bot acts for the person chatting, on the chat's grant ------------------------------------


def test_the_bots_token_alone_reads_and_files_for_no_one(world):
    bot = bot_client()  # the service token, without a chat's grant
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    assert bot.get("/api/cases/", {"consumer": world.consumer.pk}).status_code == 403
    assert bot.get(f"/api/cases/{case.number}/", {"consumer": world.consumer.pk}).status_code == 403
    body = {"consumer": world.consumer.pk, "entity": world.shop.pk, "facts": "x", "category": "G02", "demand": "refund"}
    assert bot.post("/api/complaints/", body, format="json").status_code == 403
    assert bot.post("/api/help-requests/", {"consumer": world.consumer.pk}, format="json").status_code == 403
    assert world.consumer.cases.count() == 1


def test_a_grant_is_for_one_person_and_expires(world, settings):
    from django.core import signing

    stranger = factories.consumer(real_name="李四")
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    granted = bot_client(stranger)
    assert granted.get(f"/api/cases/{case.number}/", {"consumer": world.consumer.pk}).status_code == 403
    forged = bot_client()
    forged.credentials(
        HTTP_AUTHORIZATION=granted._credentials["HTTP_AUTHORIZATION"],
        HTTP_X_CHAT_GRANT=signing.dumps({"consumer": world.consumer.pk}, salt="another-purpose"),
    )
    assert forged.get("/api/cases/", {"consumer": world.consumer.pk}).status_code == 403
    settings.CHAT_GRANT_SECONDS = -1  # every grant issued is already too old
    assert bot_client(world.consumer).get("/api/cases/", {"consumer": world.consumer.pk}).status_code == 403


def test_a_grant_gives_nothing_to_anyone_but_the_bot(world):
    stranger = factories.consumer(real_name="李四")
    client = client_for(stranger.user)
    client.credentials(HTTP_X_CHAT_GRANT=chat_grant_issue(consumer_id=world.consumer.pk))
    assert client.get("/api/cases/", {"consumer": world.consumer.pk}).status_code == 403
