"""Every cell of the table of reports against operators without a licence in docs/security.md
("Operators without a licence"), checked against the pages. The expected outcomes are read from the
document; a cell that says yes must also have done what it says, one that says no left it as it was."""

import pytest
from django.test import Client

from mediation.models import Case, EntityKind, MarketEntity
from mediation.services.cases import report_submit
from tests import factories
from tests.policy_tables import allowed, read_policy_table

COLUMNS, TABLE = read_policy_table("unlicensed-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]
STALL = {"name": "路边烧烤摊", "address": "浙江省杭州市西湖区文三路90号门口", "goods": "烧烤、散装白酒"}


class World:
    def __init__(self):
        self.reporter = factories.consumer(home_region="110105")
        self.case = report_submit(
            reporter=self.reporter, operator=dict(STALL), facts="每天晚上摆摊卖烧烤，没有营业执照。"
        )
        self.shop = factories.shop(name="杭州西湖老王烧烤店")
        self.number = self.case.number

    def person(self, column: str):
        officials = {
            "official: handling bureau": "330106",
            "official: superior bureau": "330100",
            "official: reporter's home bureau": "110105",
            "official: elsewhere": "440305",
        }
        if column in officials:
            return factories.official(factories.bureau(officials[column]))
        if column == "reporter":
            return self.reporter.user
        if column == "business staff":
            return factories.merchant(self.shop)
        if column == "consumer":
            return factories.consumer().user
        assert column == "public"
        return None


def case_page(client, world):
    response = client.get(f"/cases/{world.number}/")
    shown = response.status_code == 200 and "路边烧烤摊" in response.content.decode()
    return response, None if response.status_code != 200 else shown


def identify_page(client, world):
    return client.get(f"/cases/{world.number}/identify/", {"q": "杭州西湖老王"}), None


def link(client, world):
    response = client.post(f"/cases/{world.number}/identify/", {"entity": world.shop.pk})
    return response, Case.objects.get(pk=world.case.pk).entity_id == world.shop.pk


def found_as_registered(client, world):
    operator = MarketEntity.with_unlicensed.get(kind=EntityKind.UNLICENSED)
    pages = [
        client.get("/api/registry/entities/", {"q": "路边烧烤摊"}),
        client.get(f"/api/registry/entities/{operator.pk}/"),
        client.get("/disclosure/", {"q": "路边烧烤摊"}),
        client.get(f"/disclosure/{operator.pk}/"),
    ]
    found = any(
        page.status_code == 200
        and (
            f'"id":{operator.pk}' in page.content.decode().replace(" ", "")
            or f"/disclosure/{operator.pk}/" in page.content.decode()
        )
        for page in pages
    )
    return pages[0], found


OPERATIONS = {
    "page: the case, with the operator as the reporter described it": case_page,
    "page: find the operator in the registry": identify_page,
    "link the case to a registry entry": link,
    "find the operator in the registry search or the disclosure pages": found_as_registered,
}


def test_every_operation_of_the_table_is_checked():
    assert set(TABLE) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_cell(places, operation, column):
    world = World()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    person = world.person(column)
    if person is not None:
        client.force_login(person)
    response, done = OPERATIONS[operation](client, world)
    expected = TABLE[operation][column] == "yes"
    assert response.status_code < 500
    if operation.startswith("find the operator"):
        assert done == expected, (operation, column)
    elif done is None:  # a page: opened, or refused
        assert allowed(response) == expected, (operation, column, response.status_code)
    else:  # an act or a page showing the operator: done, or nothing changed
        assert done == expected, (operation, column, response.status_code)
        if expected:
            assert allowed(response), (operation, column, response.status_code)
