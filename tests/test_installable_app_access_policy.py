"""Every cell of the installable app's table in docs/security.md ("The site as an app on a phone"),
checked against the pages. The expected outcomes are read from the document; a cell that says yes
must also have done what it says, one that says no left it as it was."""

import json
import uuid

import pytest
from django.test import Client

from mediation.models import Case
from tests import factories
from tests.mediation.web.test_filing_pages import complaint_form
from tests.policy_tables import allowed, read_policy_table

COLUMNS, TABLE = read_policy_table("installable-app-access-policy")
CELLS = [(operation, column) for operation, row in TABLE.items() for column in COLUMNS]


def client_of(world, column: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    users = {
        "the draft's owner": world.consumer_user,
        "another consumer": factories.consumer(real_name="王五").user if column == "another consumer" else None,
        "official": world.shop_official,
    }
    if users.get(column) is not None:
        client.force_login(users[column])
    return client


def test_the_table_names_every_operation_and_column():
    assert COLUMNS == ["the draft's owner", "another consumer", "official", "public"]
    assert len(TABLE) == 3


@pytest.mark.parametrize(("operation", "column"), CELLS)
def test_each_cell(world, operation, column):
    expected = TABLE[operation][column] == "yes"
    key = str(uuid.uuid4())
    owner = Client(HTTP_ACCEPT_LANGUAGE="en")
    owner.force_login(world.consumer_user)
    owner.post("/file/", {**complaint_form(world), "submission_key": key})
    case = Case.objects.get()
    client = client_of(world, column)

    if operation.startswith("send a filed draft's key again"):
        response = client.post("/file/", {**complaint_form(world), "submission_key": key})
        assert allowed(response) is expected, response.status_code
        assert Case.objects.count() == 1  # nothing filed again, by anyone
        if expected:
            assert response["Location"] == f"/cases/{case.number}/"
        else:
            assert case.number not in response.content.decode() + response.get("Location", "")
    elif operation.startswith("ask whether a draft's key filed cases"):
        response = client.get(f"/file/submissions/{key}/")
        assert allowed(response) is expected, response.status_code
        if expected:
            assert json.loads(response.content)["cases"] == [case.number]
        else:
            assert case.number not in response.content.decode()
    else:
        for path in ("/manifest.webmanifest", "/sw.js", "/offline/"):
            assert allowed(client.get(path)) is expected, path
