"""Every cell of the analysis's access-policy table in docs/security.md ("The analysis"), checked
against the pages and the API. The expected outcomes are read from the document."""

import functools

import pytest
from django.test import Client

from mediation.models import Authority, AuthorityKind
from mediation.services.consumer_warnings import consumer_warning_draft, consumer_warning_publish
from tests import factories
from tests.policy_tables import allowed, read_policy_table

COLUMNS, TABLE = read_policy_table("analysis-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]


class World:
    def __init__(self, places):
        self.places = places

    @functools.cached_property
    def early_warning(self):
        _shop, _complaints, (warning,) = factories.prepaid_runaway()
        return warning

    @functools.cached_property
    def district_official(self):
        return factories.official(factories.bureau("330106"))

    @functools.cached_property
    def draft(self):
        return consumer_warning_draft(actor=self.district_official, title="提醒", body="正文")

    @functools.cached_property
    def published(self):
        warning = consumer_warning_draft(actor=self.district_official, title="已发布的提醒", body="正文")
        return consumer_warning_publish(warning=warning, actor=self.district_official)

    def person(self, column: str):
        if column == "official: district":
            return self.district_official
        if column == "official: city above":
            return factories.official(factories.bureau("330100"))
        if column == "official: elsewhere":
            return factories.official(factories.bureau("440305"))
        if column == "partner agency":
            return factories.official(Authority.objects.filter(kind=AuthorityKind.PARTNER_AGENCY).first())
        if column == "business":
            return factories.merchant(factories.shop(name="杭州西湖某某商行"))
        if column == "consumer":
            return factories.consumer().user
        assert column == "public"
        return None


OPERATIONS = {
    "page: the analysis of 西湖区": lambda client, world: client.get("/analysis/?region=330106"),
    "csv: the figures of 西湖区": lambda client, world: client.get("/analysis/export.csv?region=330106"),
    "page: the complaints behind a figure of 西湖区": lambda client, world: client.get(
        "/analysis/cases/?region=330106&problem_type=prepaid_card"
    ),
    "page: the early warning": lambda client, world: client.get(f"/warnings/{world.early_warning.pk}/"),
    "answer the early warning": lambda client, world: client.post(
        f"/warnings/{world.early_warning.pk}/answer/", {"answer": "acknowledge"}
    ),
    "edit the bureau's draft consumer warning": lambda client, world: client.post(
        f"/consumer-warnings/manage/{world.draft.pk}/", {"do": "edit", "title": "新标题", "body": "新正文"}
    ),
    "page: a published consumer warning": lambda client, world: client.get(f"/alerts/{world.published.pk}/"),
    "api: the published consumer warnings": lambda client, world: client.get("/api/public/consumer-warnings/"),
}


def test_every_operation_of_the_table_is_checked():
    assert set(TABLE) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_cell(places, operation, column):
    world = World(places)
    for made_before_anyone_logs_in in (world.early_warning, world.draft, world.published):
        assert made_before_anyone_logs_in.pk
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    person = world.person(column)
    if person is not None:
        client.force_login(person)
    response = OPERATIONS[operation](client, world)
    expected = TABLE[operation][column]
    assert response.status_code < 500
    assert allowed(response) == (expected == "yes"), (operation, column, response.status_code)
