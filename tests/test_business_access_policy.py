"""Every cell of the table of businesses' claims and staff in docs/security.md ("Businesses and their
accounts"), checked against the pages. The expected outcomes are read from the document; a cell that
says yes must also have done what it says (the claim made, decided, the staff added or removed), and
one that says no must have left everything as it was."""

import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mediation.models import BusinessClaim, ClaimStatus, MerchantStaff
from tests import factories
from tests.factories import CLAIM_PDF
from tests.policy_tables import check_cell, read_policy_table

COLUMNS, TABLE = read_policy_table("business-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class World:
    """A pending claim of a 西湖区 shop, and another 西湖区 business already held, with its
    administrator and one other staff member; an unclaimed shop to claim."""

    def __init__(self, places):
        self.places = places
        self.claimed_shop = factories.shop(name="杭州西湖待认领电器商行")
        self.claim = factories.business_claim(self.claimed_shop)
        self.held_shop = factories.shop(name="杭州西湖已入驻百货商行")
        self.administrator = factories.business_administrator(self.held_shop)
        self.other_staff = factories.merchant(self.held_shop)
        self.unclaimed = factories.shop(name="杭州西湖还没认领的五金店")

    @functools.cached_property
    def other_staff_record(self):
        return MerchantStaff.objects.get(user=self.other_staff)

    def person(self, column: str):
        if column == "official: the business's bureau":
            return factories.official(factories.bureau("330106"))
        if column == "official: elsewhere":
            return factories.official(factories.bureau("440305"))
        if column == "applicant":
            return self.claim.applicant
        if column == "business: administrator":
            return self.administrator
        if column == "business: other staff":
            return self.other_staff
        if column == "account without a role":
            return factories.UserFactory()
        if column == "consumer":
            return factories.consumer().user
        assert column == "public"
        return None


def claim_unclaimed(client, world, person):
    fields = {
        "uscc": world.unclaimed.uscc,
        "applicant_name": "钱多多",
        "applicant_role": "principal",
        "document": SimpleUploadedFile("licence.pdf", CLAIM_PDF, content_type="application/pdf"),
    }
    if person is None:  # a new account in the same step
        fields.update(username="wujin-shop", password="Wujin-2026-claim", email="wujin@example.com")
    response = client.post("/business/claim/", fields)
    done = BusinessClaim.objects.filter(entity=world.unclaimed, status=ClaimStatus.PENDING).exists()
    return response, done


def claims_listed(client, world, person):
    response = client.get("/business/claims/")
    return response, response.status_code == 200 and world.claimed_shop.name in response.content.decode()


def decide(decision: str):
    def operation(client, world, person):
        fields = {"decision": decision, "reason": "营业执照与登记信息不符", "confirmed": "1"}
        response = client.post(f"/business/claims/{world.claim.pk}/", fields)
        world.claim.refresh_from_db()
        done = world.claim.status == (ClaimStatus.APPROVED if decision == "approve" else ClaimStatus.REFUSED)
        return response, done

    return operation


def add_staff(client, world, person):
    fields = {"name": "孙小美", "username": "xiaomei", "password": "Staff-2026-added"}
    response = client.post("/business/staff/", fields)
    return response, MerchantStaff.objects.filter(user__username="xiaomei", entity=world.held_shop).exists()


def remove_staff(client, world, person):
    record = world.other_staff_record
    response = client.post(f"/business/staff/{record.pk}/remove/", {"confirmed": "1"})
    return response, not MerchantStaff.objects.filter(pk=record.pk).exists()


OPERATIONS = {
    "claim an unclaimed business's entry": claim_unclaimed,
    "page: the bureau's pending claims (the claim listed)": claims_listed,
    "page: the claim": lambda client, world, person: (client.get(f"/business/claims/{world.claim.pk}/"), None),
    "download the claim's document": lambda client, world, person: (
        client.get(f"/business/claims/{world.claim.pk}/document/"),
        None,
    ),
    "approve the claim": decide("approve"),
    "refuse the claim, with a reason": decide("refuse"),
    "page: the business's staff": lambda client, world, person: (client.get("/business/staff/"), None),
    "add a staff member": add_staff,
    "remove a staff member": remove_staff,
}


def test_every_operation_of_the_table_is_checked():
    assert set(TABLE) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_cell(places, operation, column):
    world = World(places)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    person = world.person(column)
    if person is not None:
        client.force_login(person)
    response, done = OPERATIONS[operation](client, world, person)
    check_cell(operation, column, expected=TABLE[operation][column] == "yes", response=response, done=done)
