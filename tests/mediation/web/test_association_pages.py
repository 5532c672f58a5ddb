"""Consumer associations on the pages (docs/legal-rules.md, "Consumer associations (CRPL Art. 37, 39)"):
the filing form and the hotline form send a complaint to the association of the county or city, a
report sent there is refused naming the bureau; the association's staff work their queue, decide
and mediate from the case page, and are offered none of a market-regulation department's moves or
pages. Messages checked in English (new strings)."""

import datetime

import pytest
from django.utils import timezone

from mediation.models import Authority, AuthorityKind, Case, CaseKind, CaseStatus, MediationRoom, RoomRole
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.web.pages import browser, page

EN = "en"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def association(world):
    return Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330106")


@pytest.fixture
def staff(association):
    return factories.official(association)


def complaint_form(world, **changes) -> dict:
    return {
        "kind": "complaint",
        "business": world.shop.name,
        "facts": "空调用了一周就不制冷，商家拒绝退货。",
        "category": "G02",
        "purchase_date": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "amount": "3500.00",
        "currency": "CNY",
        "demand": "refund",
        **changes,
    }


def test_the_form_offers_the_bureau_or_the_association_of_the_county_or_city(world):
    shown = page(browser(world.consumer_user, EN).get("/file/"))
    for value in ("bureau", "county_association", "city_association"):
        assert f'name="handler" value="{value}"' in shown
    assert "The consumer association of the county or district" in shown


def test_a_complaint_filed_to_the_county_association_is_handled_by_it(world, association):
    client = browser(world.consumer_user, EN)
    response = client.post("/file/", complaint_form(world, handler="county_association"), follow=True)
    case = Case.objects.get(consumer=world.consumer)
    assert case.handling_authority == association
    assert f"{association.name} handles it" in page(response)


def test_or_the_city_association(world):
    browser(world.consumer_user).post("/file/", complaint_form(world, handler="city_association"))
    assert Case.objects.get(consumer=world.consumer).handling_authority.name == "杭州市消费者协会"


def test_a_report_sent_to_an_association_is_refused_naming_the_bureau(world):
    form = {
        "kind": "report",
        "business": world.shop.name,
        "facts": "店里在卖没有3C标志的电热水壶。",
        "violation_type": "counterfeit",
        "currency": "CNY",
        "handler": "county_association",
    }
    response = browser(world.consumer_user, EN).post("/file/", form)
    assert response.status_code == 400
    assert "Send the report to the market-regulation bureau" in page(response)
    assert not Case.objects.exists()


def test_a_mixed_submission_splits_between_the_association_and_the_bureau(world, association):
    form = complaint_form(world, kind="both", violation_type="counterfeit", handler="county_association")
    browser(world.consumer_user).post("/file/", form)
    handlers = dict(Case.objects.filter(consumer=world.consumer).values_list("kind", "handling_authority"))
    assert handlers == {CaseKind.COMPLAINT: association.pk, CaseKind.REPORT: world.shop_bureau.pk}


def test_the_hotline_form_sends_a_callers_complaint_to_the_association(world, association):
    form = {
        "intake_channel": "hotline",
        "kind": "complaint",
        "handler": "county_association",
        "business": world.shop.name,
        "facts": "电话投诉：空调不制冷。",
        "category": "G02",
        "demand": "refund",
        "real_name": "李四",
        "phone": "13900001111",
        "id_document_type": "resident_id",
        "mailing_address": "杭州市西湖区文三路1号",
    }
    client = browser(world.shop_official, EN)
    assert 'name="handler"' in page(client.get("/hotline/"))
    response = client.post("/hotline/", form)
    assert response.status_code == 302, page(response)
    assert Case.objects.get(intake_channel="hotline").handling_authority == association


def test_the_staff_work_the_queue_and_decide_from_the_case_page(world, staff):
    case = factories.complaint(consumer=world.consumer, entity=world.shop, handler="county_association")
    client = browser(staff, EN)
    queue = page(client.get("/queue/"))
    assert case.number in queue and "杭州市西湖区消费者协会" in queue
    # The header offers none of a bureau's own pages.
    for path in ("/hotline/", "/analysis/", "/consumer-warnings/manage/"):
        assert f'href="{path}"' not in queue
    shown = page(client.get(f"/cases/{case.number}/"))
    for action in ("accept", "not_accept", "return"):
        assert f'action="/cases/{case.number}/actions/{action}/"' in shown
    for action in ("forward", "dispute_jurisdiction"):
        assert f"/actions/{action}/" not in shown
    refused = client.post(f"/cases/{case.number}/actions/forward/", {"forward-reason": "不归我们"})
    assert refused.status_code == 409
    assert "no administrative powers" in page(refused)
    assert Case.objects.get(pk=case.pk).handling_authority.kind == AuthorityKind.CONSUMER_ASSOCIATION
    response = client.post(f"/cases/{case.number}/actions/accept/")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    # The complainant's notice names the association.
    consumer_page = page(browser(world.consumer_user, EN).get(f"/cases/{case.number}/"))
    assert "accepted by 杭州市西湖区消费者协会" in consumer_page


def test_the_staff_start_mediation_and_lead_the_room(world, staff):
    case = factories.complaint(consumer=world.consumer, entity=world.shop, handler="county_association")
    factories.consent_both(case_transition(case=case, action="accept", actor=staff))
    client = browser(staff)
    shown = page(client.get(f"/cases/{case.number}/"))
    assert f'action="/cases/{case.number}/actions/start_mediation/"' in shown
    assert "/actions/entrust_mediation/" not in shown
    response = client.post(f"/cases/{case.number}/actions/start_mediation/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/room/"
    seats = dict(MediationRoom.objects.get(case=case).participants.values_list("role", "user"))
    assert seats == {
        RoomRole.LEAD_MEDIATOR: staff.pk,
        RoomRole.CONSUMER: world.consumer_user.pk,
        RoomRole.MERCHANT: world.shop_staff.pk,
    }
    assert client.get(f"/cases/{case.number}/room/").status_code == 200


@pytest.mark.parametrize("path", ["/hotline/", "/analysis/", "/consumer-warnings/manage/"])
def test_the_bureaus_own_pages_are_refused_to_association_staff(staff, path):
    assert browser(staff).get(path).status_code == 403


def test_the_staff_do_not_see_the_bureaus_cases(world, staff):
    to_bureau = factories.complaint(consumer=world.consumer, entity=world.shop)
    report = factories.report(reporter=world.consumer, entity=world.shop)
    client = browser(staff)
    for case in (to_bureau, report):
        assert client.get(f"/cases/{case.number}/").status_code == 404
    assert to_bureau.number not in page(client.get("/queue/?bucket=open"))


def test_the_hotline_form_refuses_a_report_sent_to_an_association(world):
    form = {
        "intake_channel": "hotline",
        "kind": "report",
        "handler": "city_association",
        "business": world.shop.name,
        "facts": "电话举报：店里在卖没有3C标志的电热水壶。",
        "violation_type": "counterfeit",
        "category": "G02",
        "demand": "refund",
        "real_name": "李四",
        "phone": "13900001111",
        "id_document_type": "resident_id",
        "mailing_address": "杭州市西湖区文三路1号",
    }
    response = browser(world.shop_official, EN).post("/hotline/", form)
    assert response.status_code == 400
    assert "Send the report to the market-regulation bureau" in page(response)
    assert not Case.objects.exists()
