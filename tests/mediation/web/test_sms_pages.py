"""Texts on the pages (issue 22, part 5): the officials who take hotline calls read the texts
received, complete one into a case on the intake form or dismiss it with a reason; a consumer gives
or withdraws consent to be texted on their notification settings; a hotline official records a
caller's consent, never pre-ticked. Every cell of the access-policy table of docs/security.md
("sms-access-policy") is checked against the pages."""

import re

import pytest
from django.test import Client

from mediation.models import (
    Authority,
    AuthorityKind,
    Case,
    CaseKind,
    Consumer,
    IncomingSms,
    IncomingSmsStatus,
    IntakeChannel,
)
from mediation.services.sms import consumer_sms_consent_set
from mediation.services.sms_incoming import incoming_sms_receive
from tests import factories
from tests.mediation.web.pages import browser, page
from tests.policy_tables import check_cell, read_policy_table

SENDER = "+8613755556666"
FACTS = "短信投诉：在西湖区鑫达电器买的洗衣机漏水，商家不给修。"


def ticked(html: str, name: str) -> bool:
    """Whether the page's checkbox `name` is ticked (asserts it is there)."""
    (tag,) = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    return " checked" in tag


def a_text(reference: str = "msg-1", text: str = FACTS) -> IncomingSms:
    incoming, _created = incoming_sms_receive(phone=SENDER, text=text, provider_reference=reference)
    return incoming


def completed(world, **changes) -> dict:
    """The intake form as the official completes it after calling the sender back."""
    return {
        "kind": "complaint",
        "business": world.shop.uscc,
        "facts": FACTS,
        "category": "G02",
        "demand": "repair",
        "amount": "2199",
        "real_name": "钱七",
        "id_document_type": "resident_id",
        "phone": SENDER,
        "home_region": "330106",
        **changes,
    }


def test_the_queue_lists_the_texts_waiting_with_the_phone_masked(world):
    a_text()
    response = browser(world.shop_official, "en").get("/hotline/texts/")
    text = page(response)
    assert response.status_code == 200 and FACTS[:20] in text
    assert "+86137****6666" in text and "13755556666" not in text
    # The intake page and the work queue lead to it, with the count.
    for path in ("/hotline/", "/queue/"):
        linked = page(browser(world.shop_official, "en").get(path))
        assert 'href="/hotline/texts/"' in linked and "1 text waits to be completed into a case" in linked


def test_a_text_is_completed_into_a_case_received_by_text_message(world):
    incoming = a_text()
    client = browser(world.shop_official, "en")
    form = page(client.get(f"/hotline/texts/{incoming.pk}/"))
    # Prefilled with the sender's phone and the text as the facts; consent not ticked.
    assert f'value="{SENDER}"' in form and FACTS in form
    assert not ticked(form, "sms_consent")
    response = client.post(
        f"/hotline/texts/{incoming.pk}/", completed(world, intake_channel="hotline", sms_consent="on")
    )
    case = Case.objects.get(facts=FACTS)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.kind == CaseKind.COMPLAINT and case.intake_channel == IntakeChannel.SMS  # whatever was posted
    assert case.entered_by == world.shop_official and case.consumer.identity.phone == SENDER
    assert case.consumer.sms_consent_at is not None
    incoming.refresh_from_db()
    assert (incoming.status, incoming.case, incoming.handled_by) == (IncomingSmsStatus.FILED, case, world.shop_official)
    # Filed once: posting again files nothing more, and the page says where it went.
    again = client.post(f"/hotline/texts/{incoming.pk}/", completed(world), follow=True)
    assert Case.objects.filter(facts=FACTS).count() == 1 and case.number in page(again)
    assert FACTS[:20] not in page(client.get("/hotline/texts/")).split("Handled last")[0]


def test_a_form_with_problems_files_nothing_and_keeps_the_text_waiting(world):
    incoming = a_text()
    response = browser(world.shop_official, "en").post(
        f"/hotline/texts/{incoming.pk}/", completed(world, real_name="", business="")
    )
    assert response.status_code == 400 and {"real_name", "business"} <= set(response.context["form"].errors)
    incoming.refresh_from_db()
    assert incoming.status == IncomingSmsStatus.NEW and not Case.objects.exists()


def test_a_text_filed_as_an_anonymous_report_forgets_its_senders_phone(world):
    """Order 121 Art. 37: the text's phone beside the report would name the reporter."""
    incoming = a_text(text="短信举报：西湖区某店卖无3C标志的插线板，我不想留名。")
    client = browser(world.shop_official, "en")
    response = client.post(
        f"/hotline/texts/{incoming.pk}/",
        {
            "kind": "report",
            "business": world.shop.name,
            "facts": "短信举报：西湖区某店卖无3C标志的插线板。",
            "violation_type": "counterfeit",
            "is_anonymous": "on",
            "id_document_type": "resident_id",
            "phone": SENDER,
        },
    )
    report = Case.objects.get(kind=CaseKind.REPORT)
    assert response.status_code == 302 and report.is_anonymous and report.consumer is None
    incoming = IncomingSms.objects.get(pk=incoming.pk)
    assert (incoming.status, incoming.case, incoming.phone) == (IncomingSmsStatus.FILED, report, "")
    assert not IncomingSms.objects.filter(phone_digest=a_text(reference="msg-2").phone_digest, case=report).exists()
    shown = page(client.get(f"/hotline/texts/{incoming.pk}/"))
    assert "Withheld: filed as an anonymous report" in shown and "13755556666" not in shown


def test_a_text_is_dismissed_only_with_a_reason(world):
    incoming = a_text()
    client = browser(world.shop_official, "en")
    refused = client.post(f"/hotline/texts/{incoming.pk}/dismiss/", {"dismiss-reason": "  "})
    assert refused.status_code == 400 and "This field is required" in page(refused)
    incoming.refresh_from_db()
    assert incoming.status == IncomingSmsStatus.NEW
    response = client.post(f"/hotline/texts/{incoming.pk}/dismiss/", {"dismiss-reason": "发错号码"})
    assert response.status_code == 302
    incoming.refresh_from_db()
    assert (incoming.status, incoming.dismissal_reason) == (IncomingSmsStatus.DISMISSED, "发错号码")
    # Handled: neither filed nor dismissed again.
    client.post(f"/hotline/texts/{incoming.pk}/", completed(world))
    assert not Case.objects.exists()
    assert "发错号码" in page(client.get("/hotline/texts/"))


def test_the_hotline_form_records_a_callers_consent_never_ticked_for_them(world):
    client = browser(world.shop_official, "en")
    form = page(client.get("/hotline/"))
    assert not ticked(form, "sms_consent")
    client.post("/hotline/", completed(world, intake_channel="hotline", facts="来电：洗衣机漏水。"))
    client.post(
        "/hotline/",
        completed(world, intake_channel="hotline", facts="来电：冰箱不制冷。", phone="13900002222", sms_consent="on"),
    )
    without = Case.objects.get(facts="来电：洗衣机漏水。").consumer
    agreeing = Case.objects.get(facts="来电：冰箱不制冷。").consumer
    assert without.sms_consent_at is None and agreeing.sms_consent_at is not None


def test_an_anonymous_reporter_cannot_be_recorded_as_agreeing(world):
    response = browser(world.shop_official, "en").post(
        "/hotline/",
        {
            "intake_channel": "hotline",
            "kind": "report",
            "business": world.shop.name,
            "facts": "来电举报：店内销售无3C标志的插线板。",
            "violation_type": "counterfeit",
            "is_anonymous": "on",
            "id_document_type": "resident_id",
            "sms_consent": "on",
        },
    )
    assert response.status_code == 400 and "anonymous reporter leaves no phone" in page(response)
    assert not Case.objects.exists()


def test_a_consumer_gives_and_withdraws_consent_seeing_the_masked_phone(world):
    client = browser(world.consumer_user, "en")
    settings_page = page(client.get("/notifications/settings/"))
    assert "+86138****5678" in settings_page and "13812345678" not in settings_page
    assert "You are not texted." in settings_page and not ticked(settings_page, "agreed")
    client.post("/notifications/settings/texts/", {"agreed": "on"})
    assert Consumer.objects.get(pk=world.consumer.pk).sms_consent_at is not None
    assert ticked(page(client.get("/notifications/settings/")), "agreed")
    client.post("/notifications/settings/texts/", {})
    assert Consumer.objects.get(pk=world.consumer.pk).sms_consent_at is None


def test_an_official_has_no_consent_to_give(world):
    client = browser(world.shop_official, "en")
    assert 'action="/notifications/settings/texts/"' not in page(client.get("/notifications/settings/"))


# The access-policy table of docs/security.md, cell by cell.
COLUMNS, TABLE = read_policy_table("sms-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]


def person(world, column: str):
    if column == "official: bureau":
        return world.shop_official
    if column == "official: elsewhere":
        return world.outsider_official
    if column == "official: partner agency":
        return factories.official(Authority.objects.filter(kind=AuthorityKind.PARTNER_AGENCY).first())
    if column == "official: consumer association":
        return factories.official(factories.consumer_association())
    if column == "consumer":
        return world.consumer_user
    if column == "business staff":
        return world.shop_staff
    assert column == "public"
    return None


def _listed(client, world, incoming):
    response = client.get("/hotline/texts/")
    return response, response.status_code == 200 and FACTS[:20] in page(response)


def _file(client, world, incoming):
    response = client.post(f"/hotline/texts/{incoming.pk}/", completed(world))
    incoming.refresh_from_db()
    return response, incoming.status == IncomingSmsStatus.FILED and Case.objects.filter(facts=FACTS).exists()


def _dismiss(client, world, incoming):
    response = client.post(f"/hotline/texts/{incoming.pk}/dismiss/", {"dismiss-reason": "广告短信"})
    incoming.refresh_from_db()
    return response, incoming.status == IncomingSmsStatus.DISMISSED


def _consent(client, world, incoming):
    consumer_sms_consent_set(consumer=world.consumer, agreed=False)
    response = client.post("/notifications/settings/texts/", {"agreed": "on"})
    return response, Consumer.objects.get(pk=world.consumer.pk).sms_consent_at is not None


OPERATIONS = {
    "page: texts received (the text listed)": _listed,
    "page: a text received": lambda client, world, incoming: (client.get(f"/hotline/texts/{incoming.pk}/"), None),
    "file a text as a case": _file,
    "dismiss a text, with a reason": _dismiss,
    "give or withdraw one's own consent to texts": _consent,
}


def test_every_operation_of_the_table_is_checked():
    assert set(TABLE) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_cell(world, operation, column):
    incoming = a_text()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    who = person(world, column)
    if who is not None:
        client.force_login(who)
    response, done = OPERATIONS[operation](client, world, incoming)
    check_cell(operation, column, expected=TABLE[operation][column] == "yes", response=response, done=done)


def test_an_administrator_reads_the_texts_with_the_phone_masked_and_changes_nothing(world):
    incoming = a_text()
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client = browser(admin, "en")
    listing = client.get("/admin/mediation/incomingsms/")
    assert listing.status_code == 200
    shown = page(client.get(f"/admin/mediation/incomingsms/{incoming.pk}/change/"))
    assert "+86137****6666" in shown and "13755556666" not in shown and FACTS in shown
    assert client.get("/admin/mediation/outgoingsms/").status_code == 200
    assert client.get("/admin/mediation/incomingsms/add/").status_code == 403


def test_the_case_page_says_when_the_notice_was_texted(world, monkeypatch, django_capture_on_commit_callbacks):
    from django_q.conf import Conf

    from mediation.services.transitions import case_transition

    monkeypatch.setattr(Conf, "SYNC", True)  # the worker's part, as the change commits
    consumer_sms_consent_set(consumer=world.consumer, agreed=True)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, action="accept", actor=world.shop_official)
    for user in (world.shop_official, world.consumer_user):
        notices = page(browser(user, "en").get(f"/cases/{case.number}/")).split('id="notices"', 1)[1]
        assert " · texted <time" in notices
