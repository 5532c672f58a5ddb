"""Every cell of the table of penalty publication in docs/security.md ("Penalty publication"), checked
against the pages and the API. The expected outcomes are read from the document; a cell that says yes
must also have done what it says, and one that says no must have left everything as it was."""

import functools

import pytest
from django.test import Client

from mediation.models import PenaltyDecision, PenaltyPublicationRequest, PublicationStatus
from mediation.services.penalties import penalty_correction_request, penalty_early_stop_apply
from tests import factories
from tests.mediation import penalty_world as pw
from tests.policy_tables import check_cell, read_policy_table

COLUMNS, TABLE = read_policy_table("penalty-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]
NUMBER = "杭西市监处罚〔2026〕15号"


class World:
    """A 西湖区 shop penalised on a report (a published fine of 200,000 yuan, public for 200 days,
    with a correction request and an application for early removal waiting), another opened report
    about it to decide, and a decision waiting for the party's written notice. Each part is made when
    an operation first needs it."""

    def __init__(self, places):
        self.shop = factories.shop()
        self.staff = factories.merchant(self.shop)
        self.other_staff = factories.merchant(factories.shop(name="杭州西湖另一家百货商行"))
        self.bureau = factories.bureau("330106")
        self.official = factories.official(self.bureau)
        self.reporter = pw.reporter()
        self.report = pw.opened_report(reporter=self.reporter, entity=self.shop, official=self.official)
        self.decision = pw.published_days_ago(
            pw.recorded(case=self.report, official=self.official, fine_amount="200000", penalty_text="罚款贰拾万元"),
            days=200,
        )

    @functools.cached_property
    def other_reporter(self):
        return factories.consumer(real_name="李四", phone="13900001111")

    @functools.cached_property
    def correction(self):
        return penalty_correction_request(
            decision=self.decision, name="赵六", contact="zhaoliu@example.com", statement="住所有误"
        )

    @functools.cached_property
    def application(self):
        return penalty_early_stop_apply(
            decision=self.decision, actor=self.staff, statement="已缴纳罚款", conditions=[1, 2, 3, 4]
        )

    @functools.cached_property
    def second(self):
        return pw.published_days_ago(
            pw.recorded(
                case=pw.opened_report(reporter=self.other_reporter, entity=self.shop, official=self.official),
                official=self.official,
                document_number="杭西市监处罚〔2026〕17号",
                fine_amount="200000",
            ),
            days=200,
        )

    @functools.cached_property
    def pending(self):
        return pw.recorded(
            case=pw.opened_report(reporter=self.other_reporter, entity=self.shop, official=self.official),
            official=self.official,
            document_number="杭西市监处罚〔2026〕16号",
            party_told_of_publication=False,
        )

    @functools.cached_property
    def open_report(self):
        return pw.opened_report(reporter=self.other_reporter, entity=self.shop, official=self.official)

    @functools.cached_property
    def consumer(self):
        return factories.consumer(real_name="王五", phone="13700002222").user

    def person(self, column: str):
        return {
            "official: the deciding bureau": lambda: self.official,
            "official: elsewhere": lambda: factories.official(factories.bureau("440305")),
            "business: the penalised business": lambda: self.staff,
            "business: other": lambda: self.other_staff,
            "reporter": lambda: self.reporter.user,
            "consumer": lambda: self.consumer,
            "public": lambda: None,
        }[column]()


def _status(decision) -> str:
    return PenaltyDecision.objects.get(pk=decision.pk).publication_status


def record_page(client, world, person):
    return client.get(f"/cases/{world.open_report.number}/penalty/"), None


def record(client, world, person):
    fields = pw.values(document_number="杭西市监处罚〔2026〕18号")
    form = {key: value for key, value in fields.items() if value is not None}
    form.update(decided_on="2026-07-06", do="record")
    response = client.post(f"/cases/{world.open_report.number}/penalty/", form)
    return response, PenaltyDecision.objects.filter(case=world.open_report).exists()


def bureau_list(client, world, person):
    response = client.get("/penalties/manage/")
    return response, response.status_code == 200 and NUMBER in response.content.decode()


def publish(client, world, person):
    response = client.post(f"/penalties/{world.pending.pk}/manage/", {"do": "publish"})
    return response, _status(world.pending) == PublicationStatus.PUBLISHED


def correct(client, world, person):
    fields = pw.values(party_summary="杭州西湖鑫达家用电器有限公司，住所：文三路102号。", fine_amount="200000.00")
    form = {f"correct-{key}": value for key, value in fields.items() if value is not None}
    form.update(
        {
            "do": "correct",
            "correct-decided_on": "2026-07-06",
            "correct-reason": "住所更正",
            "correct-penalty_text": "罚款贰拾万元",
        }
    )
    response = client.post(f"/penalties/{world.decision.pk}/manage/", form)
    return response, world.decision.events.filter(action="corrected").exists()


def withdraw(client, world, person):
    form = {
        "do": "withdraw",
        "withdraw-ground": "revoked",
        "withdraw-changed_on": "2026-08-10",
        "withdraw-reason": "复议撤销",
    }
    response = client.post(f"/penalties/{world.decision.pk}/manage/", form)
    return response, _status(world.decision) == PublicationStatus.WITHDRAWN


def decide(attribute: str):
    def operation(client, world, person):
        request = getattr(world, attribute)
        prefix = f"request-{request.pk}"
        response = client.post(
            f"/penalties/{world.decision.pk}/requests/{request.pk}/decide/",
            {f"{prefix}-decision": "refuse", f"{prefix}-reason": "不符合条件"},
        )
        return response, PenaltyPublicationRequest.objects.get(pk=request.pk).status == "refused"

    return operation


def ask_correction(client, world, person):
    before = PenaltyPublicationRequest.objects.count()
    form = {"statement": "罚款金额有误", "name": "钱七", "contact": "13600003333"}
    response = client.post(f"/penalties/{world.decision.pk}/correction/", form)
    return response, PenaltyPublicationRequest.objects.count() == before + 1


def shown(url: str, *, text: str = NUMBER, content=lambda response: response.content.decode()):
    def operation(client, world, person):
        response = client.get(url.format(world=world))
        return response, response.status_code == 200 and text in content(response)

    return operation


def apply_early(client, world, person):
    prefix = f"early-{world.second.pk}"
    form = {f"{prefix}-statement": "已缴纳罚款", f"{prefix}-conditions": ["1", "2", "3", "4"]}
    response = client.post(f"/penalties/{world.second.pk}/early-stop/", form)
    return response, world.second.requests.filter(kind="early_stop").exists()


def report_with_decision(client, world, person):
    response = client.get(f"/api/cases/{world.report.number}/")
    return response, response.status_code == 200 and response.json().get("report_decision") == "penalty"


OPERATIONS = {
    "page: record the penalty decision of an opened report": record_page,
    "record the penalty decision": record,
    "page: the bureau's penalty decisions (the decision listed)": bureau_list,
    "page: the decision's publication and history": lambda client, world, person: (
        client.get(f"/penalties/{world.decision.pk}/manage/"),
        None,
    ),
    "publish a decision once the party was told": publish,
    "correct the decision": correct,
    "withdraw the decision": withdraw,
    "decide a correction request": decide("correction"),
    "decide an application for early removal": decide("application"),
    "page: the published decision": shown("/penalties/{world.decision.pk}/"),
    "ask for a correction": ask_correction,
    "page: the business's public page (the decision shown)": shown("/disclosure/{world.shop.pk}/"),
    "api: the feed of published penalties": shown("/api/public/penalties/"),
    "csv: the feed of published penalties": shown(
        "/api/public/penalties.csv", content=lambda response: response.content.decode("utf-8-sig")
    ),
    "page: the business's published penalties (the decision listed)": shown("/business/penalties/"),
    "apply for early removal": apply_early,
    "api: the report as its reader sees it (the decision shown)": report_with_decision,
}


def test_every_operation_of_the_table_is_checked():
    assert set(TABLE) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_cell(places, operation, column):
    world = World(places)
    world.correction, world.application  # noqa: B018 (waiting for the bureau in every cell, as the table says)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    person = world.person(column)
    if person is not None:
        client.force_login(person)
    response, done = OPERATIONS[operation](client, world, person)
    check_cell(operation, column, expected=TABLE[operation][column] == "yes", response=response, done=done)
