"""Every cell of the table of consumer associations in docs/security.md ("Consumer associations"),
checked against the pages. The expected outcomes are read from the document; a cell that says yes
must also have done what it says (the complaint listed, accepted, the room opened, the report
verified), and one that says no must have left everything as it was."""

import pytest
from django.test import Client

from mediation.models import Authority, AuthorityKind, Case, CaseStatus, MediationRoom, RoomRole
from mediation.services.transitions import case_transition
from tests import factories
from tests.policy_tables import allowed, read_policy_table

COLUMNS, TABLE = read_policy_table("association-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]


class World:
    """A 北京市朝阳区 consumer's complaint against a 杭州市西湖区 shop, sent to 杭州市西湖区消费者协会, and the
    same consumer's report on the shop, with 西湖区's bureau."""

    def __init__(self, places):
        self.shop = factories.shop()
        self.shop_staff = factories.merchant(self.shop)
        self.consumer = factories.consumer()
        self.association = Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330106")
        self.staff = factories.official(self.association)
        self.complaint = factories.complaint(consumer=self.consumer, entity=self.shop, handler="county_association")
        self.report = factories.report(reporter=self.consumer, entity=self.shop)

    def person(self, column: str):
        if column == "official: the association":
            return self.staff
        if column == "official: another association":
            return factories.official(
                Authority.objects.get(kind=AuthorityKind.CONSUMER_ASSOCIATION, region_id="330100")
            )
        if column == "official: the shop's bureau":
            return factories.official(factories.bureau("330106"))
        if column == "complainant":
            return self.consumer.user
        if column == "business staff":
            return self.shop_staff
        assert column == "public"
        return None


def queue_listed(client, world, person):
    response = client.get("/queue/?bucket=open")
    return response, response.status_code == 200 and world.complaint.number in response.content.decode()


def complaint_page(client, world, person):
    response = client.get(f"/cases/{world.complaint.number}/")
    return response, response.status_code == 200


def accept(client, world, person):
    response = client.post(f"/cases/{world.complaint.number}/actions/accept/")
    return response, Case.objects.get(pk=world.complaint.pk).status == CaseStatus.ACCEPTED


def open_room(client, world, person):
    factories.consent_both(case_transition(case=world.complaint, action="accept", actor=world.staff))
    response = client.post(f"/cases/{world.complaint.number}/actions/start_mediation/")
    room = MediationRoom.objects.filter(case=world.complaint).first()
    led = room is not None and room.participants.filter(role=RoomRole.LEAD_MEDIATOR, user=person).exists()
    return response, led


def forward(client, world, person):
    response = client.post(
        f"/cases/{world.complaint.number}/actions/forward/",
        {"forward-reason": "转交", "forward-authority": factories.bureau("330106").pk, "confirmed": "1"},
    )
    return response, Case.objects.get(pk=world.complaint.pk).handling_authority_id != world.association.pk


def report_page(client, world, person):
    response = client.get(f"/cases/{world.report.number}/")
    return response, response.status_code == 200


def start_verification(client, world, person):
    response = client.post(f"/cases/{world.report.number}/actions/start_verification/")
    return response, Case.objects.get(pk=world.report.pk).status == CaseStatus.VERIFYING


def page_opens(path):
    def operation(client, world, person):
        response = client.get(path)
        return response, response.status_code == 200

    return operation


OPERATIONS = {
    "page: the association's queue (the complaint listed)": queue_listed,
    "page: the complaint": complaint_page,
    "accept the complaint": accept,
    "open the mediation room as lead mediator": open_room,
    "forward the complaint to a bureau": forward,
    "page: the bureau's report": report_page,
    "start verifying the report": start_verification,
    "page: enter a case for a caller": page_opens("/hotline/"),
    "page: the analysis": page_opens("/analysis/"),
    "page: manage consumer warnings": page_opens("/consumer-warnings/manage/"),
}


def test_every_operation_of_the_table_is_checked():
    assert set(TABLE) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_each_cell(places, operation, column):
    world = World(places)
    person = world.person(column)
    client = Client()
    if person is not None:
        client.force_login(person)
    response, done = OPERATIONS[operation](client, world, person)
    expected = TABLE[operation][column] == "yes"
    assert (allowed(response) and done) == expected, (operation, column, response.status_code)
    if not expected:
        assert not done
