"""Evidence on the pages (issue 19): the filer adds files to the case, the business adds its own to
a complaint it was told of (never to a report), everyone who may see the case lists and opens them
with the uploader shown as a role; a report's evidence never reaches the business. And the owner of a
case returned for correction corrects it on its page, beside the official's reason, and resubmits.
Expected outcomes from docs/security.md and Order 121 (Art. 37: the reporter is kept secret)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mediation.models import CaseStatus, EvidenceFile
from mediation.services.cases import evidence_attach
from mediation.services.rooms import mediation_start
from mediation.services.transitions import case_transition
from tests import factories
from tests.mediation.api.test_evidence import PDF, png_bytes
from tests.mediation.web.pages import browser, page


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def accepted(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    return case_transition(case=case, action="accept", actor=world.shop_official)


def add(user, case, *files, language="en"):
    return browser(user, language).post(f"/cases/{case.number}/evidence/", {"evidence-evidence": list(files)})


def evidence_section(response) -> str:
    shown = page(response)
    return shown.split('<section id="evidence"', 1)[1].split("</section>", 1)[0] if 'id="evidence"' in shown else ""


def test_the_consumer_adds_evidence_on_the_case_page_and_opens_it(world, accepted):
    client = browser(world.consumer_user, "en")
    assert f'action="/cases/{accepted.number}/evidence/"' in page(client.get(f"/cases/{accepted.number}/"))
    response = add(world.consumer_user, accepted, SimpleUploadedFile("receipt.png", png_bytes()))
    assert response.status_code == 302 and response["Location"] == f"/cases/{accepted.number}/#evidence"
    evidence = accepted.evidence.get()
    listed = evidence_section(client.get(f"/cases/{accepted.number}/"))
    assert "receipt.png" in listed and "added by the consumer" in listed
    opened = client.get(f"/cases/{accepted.number}/evidence/{evidence.pk}/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == png_bytes()
    assert opened["Content-Type"] == "image/png" and opened["Content-Disposition"].startswith("attachment")
    assert opened["X-Content-Type-Options"] == "nosniff" and "sandbox" in opened["Content-Security-Policy"]


def test_the_business_adds_evidence_with_its_reply_and_sees_the_consumer_only_as_a_role(world, accepted):
    evidence_attach(case=accepted, uploaded_by=world.consumer_user, name="receipt.png", content=png_bytes())
    staff = browser(world.shop_staff, "en")
    before = page(staff.get(f"/cases/{accepted.number}/"))
    assert "Evidence for your reply" in before
    reply = staff.post(f"/cases/{accepted.number}/actions/respond/", {"respond-reason": "已同意退款，附送货单"})
    assert reply.status_code == 302
    response = add(world.shop_staff, accepted, SimpleUploadedFile("delivery.pdf", PDF))
    assert response.status_code == 302
    mine = accepted.evidence.get(original_name="delivery.pdf")
    assert mine.uploaded_by == world.shop_staff
    listed = evidence_section(staff.get(f"/cases/{accepted.number}/"))
    assert "delivery.pdf" in listed and "added by the business" in listed
    assert "receipt.png" in listed and "added by the consumer" in listed
    assert world.consumer.identity.real_name not in listed
    # The consumer and the officials read the business's file.
    for reader in (world.consumer_user, world.shop_official, world.home_official):
        client = browser(reader, "en")
        assert "added by the business" in evidence_section(client.get(f"/cases/{accepted.number}/"))
        assert client.get(f"/cases/{accepted.number}/evidence/{mine.pk}/").status_code == 200


def test_the_business_adds_nothing_before_it_is_told_of_the_complaint(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    response = add(world.shop_staff, case, SimpleUploadedFile("delivery.pdf", PDF))
    assert response.status_code == 404 and not EvidenceFile.objects.exists()


def test_a_reports_evidence_is_never_listed_or_served_to_the_business(world):
    report = factories.report(reporter=world.consumer, entity=world.shop)
    evidence = evidence_attach(case=report, uploaded_by=world.consumer_user, name="shelf.png", content=png_bytes())
    staff = browser(world.shop_staff, "en")
    assert staff.get(f"/cases/{report.number}/").status_code == 404
    assert staff.get(f"/cases/{report.number}/evidence/{evidence.pk}/").status_code == 404
    # Nor through a complaint the business was told of: the evidence is the report's own.
    complaint = factories.complaint(consumer=world.consumer, entity=world.shop)
    case_transition(case=complaint, action="accept", actor=world.shop_official)
    assert staff.get(f"/cases/{complaint.number}/evidence/{evidence.pk}/").status_code == 404
    assert "shelf.png" not in page(staff.get(f"/cases/{complaint.number}/"))
    # It adds none to the report either.
    assert add(world.shop_staff, report, SimpleUploadedFile("x.png", png_bytes())).status_code == 404
    # The reporter and the handling officials read it.
    for reader in (world.consumer_user, world.shop_official):
        client = browser(reader, "en")
        assert "shelf.png" in evidence_section(client.get(f"/cases/{report.number}/"))
        assert client.get(f"/cases/{report.number}/evidence/{evidence.pk}/").status_code == 200


def test_a_mixed_submissions_report_evidence_stays_off_the_complaint_the_business_reads(world):
    complaint = factories.complaint(consumer=world.consumer, entity=world.shop)
    report = factories.report(reporter=world.consumer, entity=world.shop)
    complaint.linked_case, report.linked_case = report, complaint
    complaint.save(update_fields=["linked_case"])
    report.save(update_fields=["linked_case"])
    evidence_attach(case=report, uploaded_by=world.consumer_user, name="fake-goods.png", content=png_bytes())
    case_transition(case=complaint, action="accept", actor=world.shop_official)
    shown = page(browser(world.shop_staff, "en").get(f"/cases/{complaint.number}/"))
    assert "fake-goods.png" not in shown and report.number not in shown


def test_officials_read_evidence_and_add_none(world, accepted):
    client = browser(world.shop_official, "en")
    assert f'action="/cases/{accepted.number}/evidence/"' not in page(client.get(f"/cases/{accepted.number}/"))
    assert add(world.shop_official, accepted, SimpleUploadedFile("x.png", png_bytes())).status_code == 403
    stranger = factories.consumer(real_name="李四")
    assert add(stranger.user, accepted, SimpleUploadedFile("x.png", png_bytes())).status_code == 404
    assert not EvidenceFile.objects.exists()


def test_a_refused_file_is_named_on_the_case_page_and_nothing_is_added(world, accepted, tmp_path):
    files = [SimpleUploadedFile("good.png", png_bytes()), SimpleUploadedFile("page.png", b"<html>hi</html>")]
    response = add(world.consumer_user, accepted, *files)
    assert response.status_code == 400
    section = evidence_section(response)
    assert "“page.png”: Evidence may be a photo" in section and 'aria-invalid="true"' in section
    assert not EvidenceFile.objects.exists() and not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_no_evidence_is_added_to_a_closed_case(world, accepted):
    factories.with_status(accepted, CaseStatus.CLOSED)
    client = browser(world.consumer_user, "en")
    assert f'action="/cases/{accepted.number}/evidence/"' not in page(client.get(f"/cases/{accepted.number}/"))
    assert add(world.consumer_user, accepted, SimpleUploadedFile("x.png", png_bytes())).status_code == 409


def test_the_mediation_room_page_lists_the_evidence(places):
    world = factories.RoomWorld()
    evidence_attach(case=world.case, uploaded_by=world.consumer_user, name="receipt.png", content=png_bytes())
    for user in (world.consumer_user, world.shop_staff, world.home_official):
        shown = evidence_section(browser(user, "en").get(f"/cases/{world.number}/room/"))
        assert f'href="/cases/{world.number}/evidence/' in shown and "receipt.png" in shown
        assert "evidence-upload" not in shown


# Correcting a case returned for correction (退回补正).


@pytest.fixture
def returned(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop, demand_detail="退款")
    return case_transition(
        case=case,
        action="return",
        actor=world.shop_official,
        ground="information_missing",
        reason="请补充购买日期和购物凭证。",
    )


def correction(case, **changes) -> dict:
    values = {
        "facts": case.facts,
        "category": case.category,
        "brand": case.brand,
        "purchase_date": case.purchase_date.isoformat() if case.purchase_date else "",
        "amount": str(case.amount),
        "currency": case.currency,
        "demand": case.demand,
        "demand_detail": case.demand_detail,
        "place_of_purchase": case.place_of_purchase,
        **changes,
    }
    return {f"correct-{name}": value for name, value in values.items()}


@pytest.mark.parametrize(("language", "ground"), [("en", "Information missing"), ("zh-hans", None)])
def test_the_owner_sees_the_return_reason_beside_the_prefilled_fields(world, returned, language, ground):
    shown = page(browser(world.consumer_user, language).get(f"/cases/{returned.number}/"))
    section = shown.split('<section id="correction"', 1)[1].split("</section>", 1)[0]
    reason = section.split('id="return-reason"', 1)[1].split("</aside>", 1)[0]
    assert "请补充购买日期和购物凭证。" in reason
    assert (ground or "信息") in reason
    assert "空调用了一周就不制冷" in section and 'value="格力"' in section
    assert f'action="/cases/{returned.number}/correct/"' in section and 'type="file"' in section


def test_nobody_else_sees_or_posts_the_correction(world, returned):
    for user in (world.shop_official, world.home_official):
        assert 'id="correction"' not in page(browser(user).get(f"/cases/{returned.number}/"))
    response = browser(world.shop_official).post(f"/cases/{returned.number}/correct/", correction(returned))
    assert response.status_code == 403
    stranger = factories.consumer(real_name="李四")
    assert browser(stranger.user).post(f"/cases/{returned.number}/correct/", correction(returned)).status_code == 404


def test_saving_the_correction_keeps_the_case_returned_and_records_what_changed(world, returned):
    bought = timezone.localdate() - datetime.timedelta(days=20)
    response = browser(world.consumer_user, "en").post(
        f"/cases/{returned.number}/correct/",
        {
            **correction(returned, purchase_date=bought.isoformat(), brand="格力 KFR-35"),
            "correct-evidence": [SimpleUploadedFile("invoice.pdf", PDF)],
            "resubmit": "0",
        },
    )
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.status == CaseStatus.RETURNED
    assert returned.purchase_date == bought and returned.brand == "格力 KFR-35"
    event = returned.events.get(action="correct")
    assert event.reason == "brand, purchase_date"
    assert list(returned.evidence.values_list("original_name", flat=True)) == ["invoice.pdf"]


def test_save_and_resubmit_sends_the_case_back_to_the_bureau(world, returned):
    response = browser(world.consumer_user, "en").post(
        f"/cases/{returned.number}/correct/",
        {**correction(returned, facts="补充：12月1日购买，附发票。"), "resubmit": "1"},
    )
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.status == CaseStatus.SUBMITTED and returned.facts == "补充：12月1日购买，附发票。"
    assert list(returned.events.order_by("at", "pk").values_list("action", flat=True))[-2:] == ["correct", "resubmit"]
    assert 'id="correction"' not in page(browser(world.consumer_user).get(f"/cases/{returned.number}/"))


def test_a_refused_correction_shows_each_problem_on_its_field_and_changes_nothing(world, returned, tmp_path):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = browser(world.consumer_user, "en").post(
        f"/cases/{returned.number}/correct/",
        {
            **correction(returned, purchase_date=tomorrow.isoformat(), brand="新品牌"),
            "correct-evidence": [SimpleUploadedFile("page.png", b"<html>no</html>")],
            "resubmit": "1",
        },
    )
    assert response.status_code == 400
    shown = page(response)
    section = shown.split('<section id="correction"', 1)[1].split("</section>", 1)[0]
    assert "The purchase date cannot be in the future." in section
    assert "“page.png”: Evidence may be a photo" in section
    assert 'value="新品牌"' in section  # what was typed is kept
    returned.refresh_from_db()
    assert returned.status == CaseStatus.RETURNED and returned.brand == "格力"
    assert not returned.events.filter(action="correct").exists() and not EvidenceFile.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_case_in_mediation_has_no_correction_form(world):
    world_case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = factories.consent_both(case_transition(case=world_case, action="accept", actor=world.shop_official))
    mediation_start(case=case, actor=world.shop_official, co_mediator=world.home_official)
    shown = page(browser(world.consumer_user).get(f"/cases/{case.number}/"))
    assert 'id="correction"' not in shown
    response = browser(world.consumer_user, "en").post(f"/cases/{case.number}/correct/", correction(case))
    assert response.status_code == 409
