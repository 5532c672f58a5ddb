"""The journey of a complaint and a report through the API, as each party drives it."""

import json

import pytest
from rest_framework.test import APIClient

from mediation.models import Case, CaseStatus, Consumer, IntakeChannel
from tests import factories
from tests.conftest import bot_client, client_for

COMPLAINT = {
    "category": "G02",
    "demand": "refund",
    "facts": "空调用了一周就不制冷，商家拒绝退货。",
    "brand": "格力",
    "purchase_date": "2026-11-01",
    "amount": "3500.00",
}


def _complaint_body(world, **extra):
    return {**COMPLAINT, "entity": world.shop.pk, **extra}


def test_cross_region_complaint_from_filing_to_closing(world):
    consumer = client_for(world.consumer_user)
    filed = consumer.post("/api/complaints/", _complaint_body(world), format="json")
    assert filed.status_code == 201, filed.content
    number = filed.data["number"]
    assert filed.data["handling_authority"]["name"] == "杭州市西湖区市场监督管理局"
    assert filed.data["co_mediating_authority"]["name"] == "北京市朝阳区市场监督管理局"
    assert filed.data["is_cross_region"] is True
    assert filed.data["acceptance_due"] is not None

    lead = client_for(world.shop_official)
    queue = lead.get(f"/api/authorities/{world.shop_bureau.pk}/queue/?bucket=new")
    assert [case["number"] for case in queue.data] == [number]
    co_queue = client_for(world.home_official).get(f"/api/authorities/{world.home_bureau.pk}/queue/")
    assert [case["number"] for case in co_queue.data] == [number]

    accepted = lead.post(f"/api/cases/{number}/actions/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.data["status"] == CaseStatus.ACCEPTED
    # Mediation needs both parties' consent (Order 121 Art. 18).
    too_early = lead.post(f"/api/cases/{number}/actions/start_mediation/", {}, format="json")
    assert too_early.status_code == 409 and "第十八条" in too_early.data["detail"]
    for party in (consumer, client_for(world.shop_staff)):
        assert party.post(f"/api/cases/{number}/actions/consent_to_mediation/").status_code == 200
    started = lead.post(f"/api/cases/{number}/actions/start_mediation/", {}, format="json")
    assert started.status_code == 200 and started.data["status"] == CaseStatus.MEDIATING
    # The agreement is made, signed and recorded in the room; then the case is closed.
    factories.settle_in_room(Case.objects.get(number=number), refund="3500")
    closed = lead.post(f"/api/cases/{number}/actions/close/", {}, format="json")
    assert closed.status_code == 200 and closed.data["status"] == CaseStatus.CLOSED
    detail = consumer.get(f"/api/cases/{number}/")
    assert [event["action"] for event in detail.data["events"]] == [
        "submit",
        "accept",
        "consent_to_mediation",
        "consent_to_mediation",
        "start_mediation",
        "settle",
        "close",
    ]
    assert "3,500.00" in detail.data["settlement_terms"]
    public = APIClient().get(f"/api/public/cases/{number}/")
    assert public.status_code == 200 and public.data["status"] == "closed"


def test_mixed_submission_becomes_two_linked_cases(world):
    consumer = client_for(world.consumer_user)
    body = {
        "complaint": _complaint_body(world, facts="买到假药，要求退款。", category="G06"),
        "report": {"entity": world.shop.pk, "facts": "他们还在卖同样的假药。", "violation_type": "counterfeit"},
    }
    response = consumer.post("/api/mixed-submissions/", body, format="json")
    assert response.status_code == 201, response.content
    complaint, report = response.data["complaint"], response.data["report"]
    assert (complaint["kind"], report["kind"]) == ("complaint", "report")
    assert complaint["linked_case"] == report["number"] and report["linked_case"] == complaint["number"]


def test_mixed_submission_with_one_bad_half_files_nothing(world):
    consumer = client_for(world.consumer_user)
    body = {
        "complaint": _complaint_body(world),
        "report": {"entity": world.shop.pk, "facts": "", "violation_type": "counterfeit"},
    }
    response = consumer.post("/api/mixed-submissions/", body, format="json")
    assert response.status_code == 400
    assert "facts" in response.data["report"]
    assert Case.objects.count() == 0


def test_mixed_submission_refused_by_the_service_names_the_half_and_field(world):
    consumer = client_for(world.consumer_user)
    body = {
        # Passes the serializer; the complaint service refuses a purchase in the future.
        "complaint": _complaint_body(world, purchase_date="2999-01-01"),
        "report": {"entity": world.shop.pk, "facts": "他们还在卖假货。", "violation_type": "counterfeit"},
    }
    response = consumer.post("/api/mixed-submissions/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.data) == ["complaint"]
    assert list(response.data["complaint"]) == ["purchase_date"] and response.data["complaint"]["purchase_date"][0]
    assert Case.objects.count() == 0


def test_odr_complaint_goes_to_the_business_first(world):
    consumer = client_for(world.consumer_user)
    response = consumer.post("/api/complaints/", _complaint_body(world, send_to_business=True), format="json")
    assert response.status_code == 201
    assert response.data["status"] == "odr" and response.data["odr_due"] is not None
    merchant_view = client_for(world.shop_staff).get(f"/api/cases/{response.data['number']}/")
    assert merchant_view.status_code == 200 and merchant_view.data["viewer"] == "merchant"
    settled = consumer.post(f"/api/cases/{response.data['number']}/actions/settle_directly/", {"reason": "已退款"})
    assert settled.data["status"] == "settled" and settled.data["settled_directly"] is True


def test_the_business_replies_on_the_record_and_reads_its_own_reply_but_no_official_reason(world):
    consumer = client_for(world.consumer_user)
    number = consumer.post("/api/complaints/", _complaint_body(world, send_to_business=True), format="json").data[
        "number"
    ]
    merchant = client_for(world.shop_staff)
    refused = merchant.post(f"/api/cases/{number}/actions/respond/", {"reason": " "}, format="json")
    assert refused.status_code == 400 and "reason" in refused.data
    assert merchant.post(f"/api/cases/{number}/actions/escalate/").status_code == 403
    reply = "同意退货退款，三日内上门取件。"
    replied = merchant.post(f"/api/cases/{number}/actions/respond/", {"reason": reply}, format="json")
    assert replied.status_code == 200 and replied.data["status"] == "odr"
    assert replied.data["events"][-1] == {**replied.data["events"][-1], "action": "respond", "reason": reply}
    consumer.post(f"/api/cases/{number}/actions/escalate/")
    official_reason = "消费者来电补充了电话号码13812345678"
    client_for(world.shop_official).post(
        f"/api/cases/{number}/actions/return/", {"ground": "information_missing", "reason": official_reason}
    )
    events = merchant.get(f"/api/cases/{number}/").data["events"]
    assert [event.get("reason") for event in events if event["action"] == "respond"] == [reply]
    assert official_reason not in json.dumps(events, ensure_ascii=False, default=str)
    assert consumer.get(f"/api/cases/{number}/").data["events"][2]["reason"] == reply


def test_bot_files_for_a_consumer_with_its_token_and_can_do_nothing_else(world):
    bot = bot_client(world.consumer)
    response = bot.post("/api/complaints/", _complaint_body(world, consumer=world.consumer.pk), format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.data["number"])
    assert (case.consumer, case.intake_channel) == (world.consumer, IntakeChannel.BOT)
    assert bot.post(f"/api/cases/{case.number}/actions/accept/").status_code == 404
    assert bot.get(f"/api/authorities/{world.shop_bureau.pk}/queue/").status_code == 403
    assert bot.get(f"/api/cases/{case.number}/").status_code == 404


def test_the_bot_reads_a_consumers_own_cases_for_them_and_no_one_elses(world):
    bot = bot_client(world.consumer)
    number = bot.post("/api/complaints/", _complaint_body(world, consumer=world.consumer.pk), format="json").data[
        "number"
    ]
    as_consumer = bot.get(f"/api/cases/{number}/", {"consumer": world.consumer.pk})
    assert as_consumer.status_code == 200 and as_consumer.data["viewer"] == "consumer"
    assert [case["number"] for case in bot.get("/api/cases/", {"consumer": world.consumer.pk}).data] == [number]
    stranger = factories.consumer(real_name="李四")
    # The grant is for the person chatting: naming anyone else is refused.
    assert bot.get(f"/api/cases/{number}/", {"consumer": stranger.pk}).status_code == 403
    assert bot.get("/api/cases/", {"consumer": stranger.pk}).status_code == 403
    assert bot_client(stranger).get(f"/api/cases/{number}/", {"consumer": stranger.pk}).status_code == 404
    assert bot_client(stranger).get("/api/cases/", {"consumer": stranger.pk}).data == []
    refused = bot.get("/api/cases/", {"consumer": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400 and "consumer" in refused.data
    # Anyone without the bot's right is refused the parameter.
    assert client_for(stranger.user).get("/api/cases/", {"consumer": world.consumer.pk}).status_code == 403


def test_a_consumer_cannot_file_for_someone_else(world):
    stranger = factories.consumer(real_name="李四")
    response = client_for(stranger.user).post("/api/complaints/", _complaint_body(world, consumer=world.consumer.pk))
    assert response.status_code == 403


def test_official_enters_a_hotline_case_for_a_caller(world):
    body = _complaint_body(
        world,
        intake_channel="hotline",
        caller={
            "real_name": "王五",
            "id_number": factories.resident_id(),
            "phone": "13900001111",
            "home_region": "110105",
        },
    )
    response = client_for(world.shop_official).post("/api/complaints/", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.data["number"])
    assert case.intake_channel == "hotline" and case.entered_by == world.shop_official
    assert case.consumer.identity.real_name == "王五" and case.consumer.user is None


def test_report_life_cycle(world):
    reporter = client_for(world.consumer_user)
    filed = reporter.post(
        "/api/reports/",
        {
            "entity": world.shop.pk,
            "facts": "电子秤缺斤短两。",
            "violation_type": "measurement_fraud",
            "conduct_region": "330106",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    number = filed.data["number"]
    assert number.startswith("JB") and filed.data["verification_due"] is not None
    lead = client_for(world.shop_official)
    for action in ("start_verification", "open_case"):
        assert lead.post(f"/api/cases/{number}/actions/{action}/").status_code == 200
    # An opened case is decided before it closes (penalty procedure Art. 60, 64).
    assert lead.post(f"/api/cases/{number}/actions/close/").status_code == 409
    decided = lead.post(
        f"/api/cases/{number}/actions/decide/",
        {"ground": "penalty", "reason": "杭西市监罚〔2026〕12号：罚款五千元"},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.data["status"] == "decided" and decided.data["next_due"] is None
    assert lead.post(f"/api/cases/{number}/actions/close/").status_code == 200
    assert APIClient().get(f"/api/public/cases/{number}/").status_code == 404  # reports are not published


def test_queue_buckets(world):
    import datetime

    from mediation.selectors.cases import authority_queue

    overdue = factories.complaint(consumer=world.consumer, entity=world.shop)
    Case.objects.filter(pk=overdue.pk).update(next_due=datetime.date(2026, 1, 5))
    fresh = factories.complaint(consumer=world.consumer, entity=world.shop)
    today = datetime.date(2026, 11, 30)
    Case.objects.filter(pk=fresh.pk).update(next_due=datetime.date(2026, 12, 1))

    def numbers(bucket):
        return [c.number for c in authority_queue(authority=world.shop_bureau, bucket=bucket, today=today)]  # noqa: E731

    assert numbers("overdue") == [overdue.number]
    assert numbers("due_soon") == [fresh.number]
    assert numbers("new") == [overdue.number, fresh.number]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sign_up_with_real_name_data(api, places, language):
    body = {
        "username": "new-consumer",
        "password": "a-long-enough-passphrase",
        "real_name": "赵六",
        "id_number": factories.resident_id(),
        "phone": "13700001111",
        "home_region": "110105",
    }
    response = api.post("/api/auth/sign-up/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 201, response.content
    assert api.get("/api/cases/").status_code == 200  # signed in
    assert Consumer.objects.get(pk=response.data["consumer_id"]).preferred_language == language


def test_returned_complaint_is_corrected_and_resubmitted(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop, amount=None)
    lead, consumer = client_for(world.shop_official), client_for(world.consumer_user)
    url = f"/api/cases/{case.number}"
    returned = lead.post(f"{url}/actions/return/", {"ground": "information_missing", "reason": "请补充金额"})
    assert returned.data["status"] == "returned"
    assert consumer.patch(f"{url}/", {"amount": "-1"}, format="json").status_code == 400
    assert consumer.patch(f"{url}/", {}, format="json").status_code == 400
    assert lead.patch(f"{url}/", {"amount": "3500.00"}, format="json").status_code == 403
    corrected = consumer.patch(f"{url}/", {"amount": "3500.00"}, format="json")
    assert corrected.status_code == 200 and corrected.data["amount"] == "3500.00"
    resubmitted = consumer.post(f"{url}/actions/resubmit/")
    assert resubmitted.data["status"] == "submitted"
    assert [e["action"] for e in resubmitted.data["events"]] == ["submit", "return", "correct", "resubmit"]
    # Once resubmitted, it can no longer be edited.
    assert consumer.patch(f"{url}/", {"amount": "1.00"}, format="json").status_code == 409


def test_hotline_case_that_fails_keeps_no_caller_record(world):
    body = _complaint_body(
        world,
        purchase_date="2999-01-01",  # passes the serializer, refused by the service
        intake_channel="hotline",
        caller={"real_name": "王五", "id_number": factories.resident_id(), "phone": "13900001111"},
    )
    consumers_before = Consumer.objects.count()
    response = client_for(world.shop_official).post("/api/complaints/", body, format="json")
    assert response.status_code == 400 and response.data["purchase_date"]
    assert Consumer.objects.count() == consumers_before
