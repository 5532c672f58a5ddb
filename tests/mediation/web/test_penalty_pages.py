"""The pages and feeds of published penalties (市场监督管理行政处罚信息公示规定): an official records a
report's decision from its case page with a preview, the business's public page, the decision's own
page, the registry entry and the open feed show it; the reporter appears nowhere, and the reporter
reads a decided report only as opened (Order 121 Art. 36)."""

import csv
import io
import json

import pytest

from mediation.models import Notification, PenaltyDecision, PenaltyPublicationRequest, PublicationStatus
from tests import factories
from tests.conftest import bot_client, client_for
from tests.mediation import penalty_world as pw
from tests.mediation.web.pages import browser, page


@pytest.fixture
def report(world):
    world.reporter = pw.reporter()
    world.report = pw.opened_report(reporter=world.reporter, entity=world.shop, official=world.shop_official)
    return world


def _form(**overrides) -> dict:
    values = pw.values(**overrides)
    fields = {key: value for key, value in values.items() if value is not None and key != "penalty_kinds"}
    fields["decided_on"] = values["decided_on"].isoformat()
    fields["penalty_kinds"] = values["penalty_kinds"]
    if not values["party_told_of_publication"]:
        fields.pop("party_told_of_publication")
    return fields


REPORTER_TEXT = f"经举报人张三（电话{pw.REPORTER_PHONE}）举报，执法人员现场检查。决定罚款人民币伍仟元整。"


def _reporter_traces(world) -> list[str]:
    identity = world.reporter.identity
    return [pw.REPORTER_NAME, pw.REPORTER_PHONE, identity.id_number, pw.REPORTER_ADDRESS, world.report.number]


def test_an_official_previews_then_records_from_the_case_page(report):
    official = browser(report.shop_official, language="en")
    case_page = page(official.get(f"/cases/{report.report.number}/"))
    assert f"/cases/{report.report.number}/penalty/" in case_page

    preview = official.post(
        f"/cases/{report.report.number}/penalty/",
        _form(document_text=REPORTER_TEXT, secrets="现场检查") | {"do": "preview"},
    )
    assert preview.status_code == 200
    shown = page(preview)
    assert "What will be published" in shown and "＊＊＊" in shown and "［…］" in shown
    assert not PenaltyDecision.objects.exists()

    recorded = official.post(
        f"/cases/{report.report.number}/penalty/", _form(document_text=REPORTER_TEXT) | {"do": "record"}
    )
    decision = PenaltyDecision.objects.get()
    assert recorded.status_code == 302 and recorded["Location"] == f"/penalties/{decision.pk}/manage/"
    manage = page(official.get(f"/penalties/{decision.pk}/manage/"))
    assert "Published" in manage and "杭西市监处罚〔2026〕15号" in manage
    # The case page now leads to the decision instead of the form.
    assert official.get(f"/cases/{report.report.number}/penalty/")["Location"] == f"/penalties/{decision.pk}/manage/"


def test_the_record_form_answers_its_errors(report):
    official = browser(report.shop_official, language="en")
    response = official.post(f"/cases/{report.report.number}/penalty/", _form(fine_amount="") | {"do": "record"})
    assert response.status_code == 400
    assert "A fine needs its amount." in page(response) and not PenaltyDecision.objects.exists()
    outsider = browser(report.outsider_official, language="en")
    assert outsider.get(f"/cases/{report.report.number}/penalty/").status_code == 404


def test_public_pages_registry_and_feed_show_it_without_the_reporter(report, api):
    decision = pw.recorded(case=report.report, official=report.shop_official, document_text=REPORTER_TEXT)
    surfaces = {
        "disclosure": page(browser().get(f"/disclosure/{report.shop.pk}/")),
        "decision": page(browser().get(f"/penalties/{decision.pk}/")),
        "registry": json.dumps(api.get(f"/api/registry/entities/{report.shop.pk}/").json(), ensure_ascii=False),
        "feed": json.dumps(api.get("/api/public/penalties/").json(), ensure_ascii=False),
        "csv": api.get("/api/public/penalties.csv").content.decode("utf-8-sig"),
    }
    for name, text in surfaces.items():
        assert "杭西市监处罚〔2026〕15号" in text, name
        for trace in _reporter_traces(report):
            assert trace not in text, (name, trace)
    assert "罚款人民币伍仟元整" in surfaces["decision"]
    registry = api.get(f"/api/registry/entities/{report.shop.pk}/").json()
    assert [item["document_number"] for item in registry["penalties"]] == ["杭西市监处罚〔2026〕15号"]


def test_the_feed_has_the_fields_of_art_4_filters_and_pages(report, api):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    other_shop = factories.shop(name="杭州西湖另一家电器商行")
    other_case = pw.opened_report(reporter=pw.reporter(), entity=other_shop, official=report.shop_official)
    pw.recorded(case=other_case, official=report.shop_official, document_number="杭西市监处罚〔2026〕16号")
    feed = api.get("/api/public/penalties/").json()
    assert feed["count"] == 2 and feed["next_page"] is None
    item = next(row for row in feed["results"] if row["id"] == decision.pk)
    for field in (
        "document_number",
        "party_name",
        "party_summary",
        "violation_type",
        "penalty_text",
        "authority",
        "decided_on",
    ):
        assert item[field], field
    assert item["authority"] == report.shop_bureau.name and item["decided_on"] == "2026-07-06"
    only = api.get(f"/api/public/penalties/?entity={report.shop.pk}").json()
    assert [row["id"] for row in only["results"]] == [decision.pk]
    assert api.get(f"/api/public/penalties/?uscc={other_shop.uscc}").json()["count"] == 1
    assert api.get("/api/public/penalties/?decided_from=2026-07-07").json()["count"] == 0
    paged = api.get("/api/public/penalties/?page_size=1").json()
    assert len(paged["results"]) == 1 and paged["next_page"] == 2
    assert api.get("/api/public/penalties/?page_size=1&page=2").json()["next_page"] is None
    for bad in ("page=0", "page_size=500", "decided_from=July", "entity=x", "uscc=123"):
        response = api.get(f"/api/public/penalties/?{bad}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, bad
    rows = list(
        csv.DictReader(
            io.StringIO(api.get(f"/api/public/penalties.csv?entity={report.shop.pk}").content.decode("utf-8-sig"))
        )
    )
    assert [row["document_number"] for row in rows] == ["杭西市监处罚〔2026〕15号"]
    assert rows[0]["penalty_kinds"] == "fine" and rows[0]["fine_amount"] == "5000.00"
    assert api.get("/api/public/penalties.csv?published_from=x").status_code == 400


def test_what_is_not_published_or_no_longer_is_shows_nowhere(report, api):
    warning_case = pw.opened_report(
        reporter=factories.consumer(real_name="李四", phone="13900001111"),
        entity=report.shop,
        official=report.shop_official,
    )
    warning = pw.recorded(
        case=warning_case,
        official=report.shop_official,
        document_number="杭西市监处罚〔2026〕20号",
        penalty_kinds=["warning"],
        fine_amount=None,
    )
    assert warning.publication_status == PublicationStatus.NOT_PUBLISHED
    decision = pw.recorded(case=report.report, official=report.shop_official)
    official = browser(report.shop_official, language="en")
    withdrawn = official.post(
        f"/penalties/{decision.pk}/manage/",
        {
            "do": "withdraw",
            "withdraw-ground": "revoked",
            "withdraw-changed_on": "2026-08-10",
            "withdraw-reason": "复议撤销",
        },
    )
    assert withdrawn.status_code == 302
    for url in (f"/penalties/{decision.pk}/", f"/penalties/{warning.pk}/"):
        assert browser().get(url).status_code == 404
    disclosure = page(browser(language="en").get(f"/disclosure/{report.shop.pk}/"))
    penalties_block = disclosure.split('<section id="penalties"', 1)[1].split("</section>", 1)[0]
    assert "No administrative penalty is published for this business." in penalties_block
    registry = json.dumps(api.get(f"/api/registry/entities/{report.shop.pk}/").json(), ensure_ascii=False)
    feed = json.dumps(api.get("/api/public/penalties/").json(), ensure_ascii=False)
    csv_text = api.get("/api/public/penalties.csv").content.decode("utf-8-sig")
    for text in (disclosure, registry, feed, csv_text):
        assert "杭西市监处罚〔2026〕15号" not in text and "杭西市监处罚〔2026〕20号" not in text
        assert "复议撤销" not in text
    for text in (penalties_block, registry, feed, csv_text):
        assert "withdrawn" not in text.lower() and "撤回" not in text
    # The officials read why the warning is not published.
    assert "A warning alone is not published (Art. 2)." in page(official.get(f"/penalties/{warning.pk}/manage/"))


def test_the_reporter_reads_only_that_a_case_was_opened(report):
    pw.recorded(case=report.report, official=report.shop_official, document_text=REPORTER_TEXT)
    number = report.report.number
    reporter_user = report.reporter.user
    api_case = client_for(reporter_user).get(f"/api/cases/{number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    api_list = client_for(reporter_user).get("/api/cases/", HTTP_ACCEPT_LANGUAGE="en").json()
    bot = bot_client(report.reporter)
    bot_case = bot.get(f"/api/cases/{number}/?consumer={report.reporter.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    bot_list = bot.get(f"/api/cases/?consumer={report.reporter.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    web_case = page(browser(reporter_user, language="en").get(f"/cases/{number}/"))
    web_list = page(browser(reporter_user, language="en").get("/cases/"))
    notifications = json.dumps(
        list(Notification.objects.filter(user=reporter_user).values("kind", "params", "link")), ensure_ascii=False
    )
    assert api_case["status"] == "case_opened" and bot_case["status"] == "case_opened"
    assert [row["status"] for row in api_list] == ["case_opened"] == [row["status"] for row in bot_list]
    assert "decide" not in [event["action"] for event in api_case["events"]]
    assert "decided" not in json.dumps(api_case) and "decided" not in json.dumps(bot_list)
    assert "Case opened" in web_case and "Case opened" in web_list
    for text in (
        json.dumps(api_case, ensure_ascii=False),
        json.dumps(bot_case, ensure_ascii=False),
        web_case,
        web_list,
        notifications,
    ):
        for trace in (
            "杭西市监处罚〔2026〕15号",
            "罚款",
            "Decided",
            "Administrative penalty",
            "/penalties/",
            "ublication",
        ):
            assert trace not in text, trace
    assert "/penalties/" not in web_case
    # The public case view never shows a report.
    assert browser().get(f"/api/public/cases/{number}/").status_code == 404
    # The handling officials still read the decision.
    official_case = client_for(report.shop_official).get(f"/api/cases/{number}/").json()
    assert official_case["status"] == "decided" and official_case["report_decision"] == "penalty"


def test_anyone_asks_for_a_correction_and_the_bureau_decides(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    public = browser(language="en")
    refused = public.post(f"/penalties/{decision.pk}/correction/", {"statement": "住所有误"})
    assert refused.status_code == 400 and not PenaltyPublicationRequest.objects.exists()
    sent = public.post(
        f"/penalties/{decision.pk}/correction/",
        {"statement": "住所有误，应为文三路102号", "name": "赵六", "contact": "zhaoliu@example.com"},
    )
    assert sent.status_code == 302
    request = PenaltyPublicationRequest.objects.get()
    official = browser(report.shop_official, language="en")
    assert "住所有误，应为文三路102号" in page(official.get(f"/penalties/{decision.pk}/manage/"))
    not_yet = official.post(
        f"/penalties/{decision.pk}/requests/{request.pk}/decide/",
        {f"request-{request.pk}-decision": "grant", f"request-{request.pk}-reason": "属实"},
    )
    assert not_yet.status_code == 400 and "Make the correction first" in page(not_yet)
    corrected = official.post(
        f"/penalties/{decision.pk}/manage/",
        {
            f"correct-{key}": value
            for key, value in _form(party_summary="杭州西湖鑫达家用电器有限公司，住所：文三路102号").items()
        }
        | {"do": "correct", "correct-reason": "住所更正"},
    )
    assert corrected.status_code == 302, page(corrected)
    granted = official.post(
        f"/penalties/{decision.pk}/requests/{request.pk}/decide/",
        {f"request-{request.pk}-decision": "grant", f"request-{request.pk}-reason": "已更正住所"},
    )
    assert granted.status_code == 302
    request.refresh_from_db()
    assert request.status == "granted"
    assert "文三路102号" in page(browser().get(f"/penalties/{decision.pk}/"))


def test_the_business_applies_for_early_removal(report):
    decision = pw.recorded(
        case=report.report, official=report.shop_official, fine_amount="200000", penalty_text="罚款贰拾万元"
    )
    staff = browser(report.shop_staff, language="en")
    listed = page(staff.get("/business/penalties/"))
    assert "杭西市监处罚〔2026〕15号" in listed and "Early removal may be applied for from" in listed
    missing = staff.post(
        f"/penalties/{decision.pk}/early-stop/",
        {f"early-{decision.pk}-statement": "已缴纳", f"early-{decision.pk}-conditions": ["1"]},
    )
    assert missing.status_code == 400
    pw.published_days_ago(decision, days=200)
    applied = staff.post(
        f"/penalties/{decision.pk}/early-stop/",
        {
            f"early-{decision.pk}-statement": "已缴纳罚款并召回产品",
            f"early-{decision.pk}-conditions": ["1", "2", "3", "4"],
        },
    )
    assert applied.status_code == 302
    request = PenaltyPublicationRequest.objects.get()
    assert request.status == "open"
    official = browser(report.shop_official, language="en")
    official.post(
        f"/penalties/{decision.pk}/requests/{request.pk}/decide/",
        {f"request-{request.pk}-decision": "grant", f"request-{request.pk}-reason": "符合条件"},
    )
    decision.refresh_from_db()
    assert decision.publication_status == PublicationStatus.STOPPED_EARLY
    assert browser().get(f"/penalties/{decision.pk}/").status_code == 404


def test_the_reporters_stage_bar_has_no_decision_and_the_officials_has(report):
    decision = pw.recorded(case=report.report, official=report.shop_official)
    number = report.report.number
    reporter = browser(report.reporter.user, language="en").get(f"/cases/{number}/")
    official = browser(report.shop_official, language="en").get(f"/cases/{number}/")
    assert [stage.key for stage in reporter.context["stages"]] == ["submitted", "verification", "opened", "ended"]
    assert "decided" in [stage.key for stage in official.context["stages"]]
    assert [stage.state for stage in reporter.context["stages"]][2] == "current"
    assert 'data-stage="decided"' not in page(reporter) and 'data-stage="decided"' in page(official)
    # The bureau above sees the case, not the way to its decision's publication.
    superior = page(browser(report.superior_official, language="en").get(f"/cases/{number}/"))
    assert f"/penalties/{decision.pk}/manage/" not in superior and 'id="penalty-decision"' not in superior
    assert f"/penalties/{decision.pk}/manage/" in page(official)


def test_an_operator_without_a_licence_is_published_without_a_business_page(report, api):
    from mediation.services.cases import report_submit  # noqa: PLC0415
    from mediation.services.transitions import case_transition  # noqa: PLC0415

    case = report_submit(
        reporter=pw.reporter(),
        operator={"name": "西湖文三路无名烧烤摊", "address": "杭州市西湖区文三路1号", "goods": "烧烤"},
        facts="路边烧烤摊没有营业执照。",
    )
    operator = case.entity
    for action in ("start_verification", "open_case"):
        case = case_transition(case=case, action=action, actor=report.shop_official)
    decision = pw.recorded(case=case, official=report.shop_official, party_summary="无照经营者，经营地址文三路1号")
    assert decision.publication_status == PublicationStatus.PUBLISHED
    shown = page(browser(language="en").get(f"/penalties/{decision.pk}/"))
    assert "西湖文三路无名烧烤摊" in shown and "/disclosure/" not in shown.split("<main", 1)[1]
    assert api.get(f"/api/public/penalties/?entity={operator.pk}").json()["count"] == 1


def test_the_bureaus_list_gives_the_day_a_decision_waiting_for_its_notice_is_to_be_published_by(report):
    # Decided Monday 2026-07-06, the party not yet told in writing (Art. 8): it waits, to be published
    # within 20 working days of the decision (Art. 9), by Monday 2026-08-03.
    waiting = pw.recorded(case=report.report, official=report.shop_official, party_told_of_publication=False)
    assert waiting.publication_status == PublicationStatus.PENDING
    shown = page(browser(report.shop_official, language="en").get("/penalties/manage/"))
    row = shown.split(waiting.document_number, 1)[1].split("</tr>", 1)[0]
    assert "To be published" in row and "by 2026-08-03" in row
