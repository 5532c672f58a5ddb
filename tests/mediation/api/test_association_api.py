"""The API's choice of handler (CRPL Art. 39(2)): a complaint to the consumer association of the county
or city, a report sent there refused with the bureau route named, a mixed submission split; the
association's staff decide over the API and are refused a bureau's moves. The triage bot files through
the same endpoints: it may send `handler`, though its conversation does not offer the choice yet."""

import pytest

from mediation.models import Authority, AuthorityKind
from tests import factories
from tests.conftest import bot_client, client_for

COMPLAINT = {
    "category": "G02",
    "demand": "refund",
    "facts": "空调用了一周就不制冷，商家拒绝退货。",
    "purchase_date": "2026-11-01",
    "amount": "3500.00",
}
REPORT = {"facts": "店里在卖没有3C标志的电热水壶。", "violation_type": "counterfeit"}


@pytest.fixture
def association(world):
    return Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330106")


def test_a_complaint_goes_to_the_association_chosen(world, association):
    consumer = client_for(world.consumer_user)
    filed = consumer.post(
        "/api/complaints/", {**COMPLAINT, "entity": world.shop.pk, "handler": "county_association"}, format="json"
    )
    assert filed.status_code == 201, filed.content
    assert filed.data["handling_authority"]["name"] == "杭州市西湖区消费者协会"
    assert filed.data["handling_authority"]["kind"] == "consumer_association"
    assert filed.data["co_mediating_authority"] is None
    city = consumer.post(
        "/api/complaints/",
        {**COMPLAINT, "facts": "冰箱也坏了。", "entity": world.shop.pk, "handler": "city_association"},
        format="json",
    )
    assert city.data["handling_authority"]["name"] == "杭州市消费者协会"


def test_without_a_choice_the_bureau_handles_it(world):
    filed = client_for(world.consumer_user).post("/api/complaints/", {**COMPLAINT, "entity": world.shop.pk})
    assert filed.data["handling_authority"]["name"] == "杭州市西湖区市场监督管理局"


def test_the_bot_may_pass_the_choice_on(world, association):
    filed = bot_client(world.consumer).post(
        "/api/complaints/",
        {**COMPLAINT, "entity": world.shop.pk, "consumer": world.consumer.pk, "handler": "county_association"},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    assert filed.data["handling_authority"]["id"] == association.pk


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_report_sent_to_an_association_is_refused(world, language):
    response = client_for(world.consumer_user).post(
        "/api/reports/",
        {**REPORT, "entity": world.shop.pk, "handler": "county_association"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    (message,) = response.data["handler"]
    # The bureau route is named, in the consumer's language.
    assert "market-regulation bureau" in message or "市场监督管理部门" in message


def test_an_unknown_handler_is_refused(world):
    response = client_for(world.consumer_user).post(
        "/api/complaints/", {**COMPLAINT, "entity": world.shop.pk, "handler": "court"}, format="json"
    )
    assert response.status_code == 400 and "handler" in response.data


def test_a_mixed_submission_splits(world, association):
    response = client_for(world.consumer_user).post(
        "/api/mixed-submissions/",
        {
            "complaint": {**COMPLAINT, "entity": world.shop.pk, "handler": "county_association"},
            "report": {**REPORT, "entity": world.shop.pk},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.data["complaint"]["handling_authority"]["id"] == association.pk
    assert response.data["report"]["handling_authority"]["id"] == factories.bureau("330106").pk


def test_the_staff_accept_over_the_api_and_cannot_forward(world, association):
    staff = client_for(factories.official(association))
    case = factories.complaint(consumer=world.consumer, entity=world.shop, handler="county_association")
    refused = staff.post(
        f"/api/cases/{case.number}/actions/forward/",
        {"reason": "不归我们", "authority": world.home_bureau.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 403
    assert "no administrative powers" in str(refused.data)
    accepted = staff.post(f"/api/cases/{case.number}/actions/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.data["status"] == "accepted"
    queue = staff.get(f"/api/authorities/{association.pk}/queue/")
    assert [row["number"] for row in queue.data] == [case.number]
