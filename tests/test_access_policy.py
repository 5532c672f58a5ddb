"""Every cell of the access-policy table in docs/security.md, checked against the application.

The table is read from the document itself: a row is an operation, a column a kind of person and
their relation to the case, a cell what must happen (yes, masked, no). Each cell builds its own
world, signs in as that person and takes the operation through the API, a page, the admin or the
room's WebSocket. The expected outcomes come from the document, never from the code's tables."""

import functools
import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from rest_framework.test import APIClient

from mediation.models import Authority, AuthorityKind, CaseStatus
from mediation.services.cases import evidence_attach
from mediation.services.rooms import mediation_start
from mediation.services.settlement import proposal_make, proposal_respond
from mediation.services.transitions import case_transition
from tests import factories
from tests.channels_app.conftest import ROOM_TEST_REGIONS
from tests.channels_app.room_client import RoomClient
from tests.conftest import bot_client, client_for
from tests.mediation.api.test_evidence import png_bytes
from tests.policy_tables import read_policy_table

COLUMNS, POLICY_TABLE = read_policy_table("access-policy")
CELLS = [(operation, column) for operation, row in POLICY_TABLE.items() for column in COLUMNS]


class World:
    """The people and cases of the table, each made when first needed."""

    def __init__(self, places, *, in_mediation: bool):
        self.places = places
        self.base = factories.World(places)
        self.in_mediation = in_mediation

    @functools.cached_property
    def complaint(self):
        return self._accepted(self.base.consumer, co_mediator=lambda: self.base.home_official)

    @functools.cached_property
    def hong_kong_consumer(self):
        return factories.consumer(home_region="810000", country_code="HK", real_name="陈大文", phone="+85291234567")

    @functools.cached_property
    def partner_staff(self):
        council = Authority.objects.get(kind=AuthorityKind.PARTNER_AGENCY, region=self.places.hong_kong)
        return factories.official(council)

    @functools.cached_property
    def hong_kong_complaint(self):
        return self._accepted(self.hong_kong_consumer, co_mediator=lambda: self.partner_staff)

    def _accepted(self, consumer, *, co_mediator):
        case = factories.complaint(consumer=consumer, entity=self.base.shop)
        case = case_transition(case=case, action="accept", actor=self.base.shop_official)
        if self.in_mediation:
            case = factories.consent_both(case, official=self.base.shop_official)
            mediation_start(case=case, actor=self.base.shop_official, co_mediator=co_mediator())
            seats = {seat.role: seat for seat in case.room.participants.all()}
            proposal = proposal_make(seat=seats["merchant"], terms={"refund_amount": "3000"})
            proposal_respond(seat=seats["consumer"], number=proposal.number, response="accept")
        evidence_attach(case=case, uploaded_by=consumer.user, name="receipt.png", content=png_bytes())
        case.refresh_from_db()
        return case

    @functools.cached_property
    def anonymous_report(self):
        return factories.report(reporter=self.base.consumer, entity=self.base.shop, is_anonymous=True)

    @functools.cached_property
    def named_report(self):
        """A report the consumer filed online about the business, with a photo of the goods."""
        report = factories.report(reporter=self.base.consumer, entity=self.base.shop)
        evidence_attach(case=report, uploaded_by=self.base.consumer_user, name="shelf.png", content=png_bytes())
        return report

    @functools.cached_property
    def stranger(self):
        return factories.consumer(real_name="李四")

    @functools.cached_property
    def other_business_staff(self):
        return factories.merchant(factories.shop(name="杭州另一家电器有限公司"))

    def person(self, column: str):
        """(the user or None, how they connect, the complaint they stand to) for a column."""
        base = self.base
        if column == "partner: co-mediating":
            return self.partner_staff, "session", self.hong_kong_complaint
        people = {
            "consumer: own": (base.consumer_user, "session"),
            "consumer: none": (self.stranger.user, "session"),
            "business: told": (base.shop_staff, "session"),
            "business: none": (self.other_business_staff, "session"),
            "official: handling": (base.shop_official, "session"),
            "official: co-mediating": (base.home_official, "session"),
            "official: superior": (base.superior_official, "session"),
            "official: none": (base.outsider_official, "session"),
            "bot: grant of own": (None, "bot-grant"),
            "bot: no grant": (None, "bot"),
            "public": (None, "public"),
        }
        user, how = people[column]
        return user, how, self.complaint


def api_client(world: World, how: str, user, case):
    if how == "bot-grant":
        return bot_client(case.consumer)
    if how == "bot":
        return bot_client()
    if how == "public":
        return APIClient()
    return client_for(user)


def page_client(how: str, user) -> Client:
    client = Client()
    if how == "session":
        client.force_login(user)
    return client


def on_behalf(how: str, case) -> dict:
    """The bot names the consumer it acts for; nobody else does."""
    return {"consumer": case.consumer_id} if how.startswith("bot") else {}


# Each operation: (world, client maker, case) -> (response, text that must not hold secrets).
def _read(world, how, user, case, *, target=None):
    target = target or case
    return api_client(world, how, user, case).get(f"/api/cases/{target.number}/", on_behalf(how, case))


def _action(action, body=None):
    def take(world, how, user, case):
        client = api_client(world, how, user, case)
        return client.post(f"/api/cases/{case.number}/actions/{action}/", body or {}, format="json")

    return take


def _list(world, how, user, case):
    response = api_client(world, how, user, case).get("/api/cases/", on_behalf(how, case))
    if response.status_code == 200 and case.number not in json.dumps(response.data, default=str):
        response.status_code = 404  # listed: yes means the complaint is in the list
    return response


def _queue(world, how, user, case):
    client = api_client(world, how, user, case)
    return client.get(f"/api/authorities/{case.handling_authority_id}/queue/")


def _add_evidence(world, how, user, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client(world, how, user, case)
    return client.post(
        f"/api/cases/{case.number}/evidence/", {"file": SimpleUploadedFile("more.png", png_bytes((12, 12)))}
    )


def _download_evidence(world, how, user, case):
    evidence = case.evidence.first()
    return api_client(world, how, user, case).get(f"/api/cases/{case.number}/evidence/{evidence.pk}/")


def _done_and_back_to(response, path: str):
    """A page's form that redirects to `path` when it has done its work (not to the log-in page)."""
    if response.status_code == 302 and response["Location"].split("#")[0] == path:
        response.status_code = 200
    return response


def _file_on_the_form(world, how, user, case):
    from mediation.models import Case

    before = set(Case.objects.values_list("number", flat=True))
    response = page_client(how, user).post(
        "/file/",
        {
            "kind": "complaint",
            "business": world.base.shop.name,
            "facts": "网购的电饭煲收到就坏了，商家不理。",
            "category": "G02",
            "demand": "refund",
            "currency": "CNY",
        },
    )
    filed = set(Case.objects.values_list("number", flat=True)) - before
    if response.status_code == 302 and filed:
        assert response["Location"] == f"/cases/{filed.pop()}/"
        response.status_code = 200  # filed, and on the new case's page
    return response


def _add_evidence_on_the_page(world, how, user, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = page_client(how, user).post(
        f"/cases/{case.number}/evidence/", {"evidence-evidence": SimpleUploadedFile("more.png", png_bytes((12, 12)))}
    )
    response = _done_and_back_to(response, f"/cases/{case.number}/")
    if response.status_code == 200 and not case.evidence.filter(original_name="more.png").exists():
        response.status_code = 500  # said done, stored nothing
    return response


def _download_evidence_on_the_page(world, how, user, case):
    evidence = case.evidence.first()
    return page_client(how, user).get(f"/cases/{case.number}/evidence/{evidence.pk}/")


def _download_the_reports_evidence(world, how, user, case):
    report = world.named_report
    evidence = report.evidence.get()
    return page_client(how, user).get(f"/cases/{report.number}/evidence/{evidence.pk}/")


def _back_to_the_case(response, case):
    """A case page's form redirects to the case page (to a part of it) when it has done its work."""
    if response.status_code == 302 and response["Location"].split("#")[0] == f"/cases/{case.number}/":
        response.status_code = 200
    return response


def _in_two_and_three_days() -> list:
    import datetime

    from django.utils import timezone

    now = timezone.localtime().replace(second=0, microsecond=0)
    return [now + datetime.timedelta(days=days) for days in (2, 3)]


def _propose_session(world, how, user, case):
    times = {
        f"session-time_{index}": moment.strftime("%Y-%m-%dT%H:%M")
        for index, moment in enumerate(_in_two_and_three_days(), 1)
    }
    response = page_client(how, user).post(
        f"/cases/{case.number}/sessions/propose/", {**times, "session-where": "online"}
    )
    return _back_to_the_case(response, case)


def _answer_session_times(world, how, user, case):
    from mediation.services.scheduling import session_propose

    proposal = session_propose(case=case, actor=world.base.shop_official, times=_in_two_and_three_days(), online=True)
    suits = list(proposal.times.values_list("pk", flat=True))
    response = page_client(how, user).post(
        f"/cases/{case.number}/sessions/proposals/{proposal.pk}/answer/", {"answer-suits": suits}
    )
    response = _back_to_the_case(response, case)
    if response.status_code == 200 and not proposal.answers.exists():
        response.status_code = 500  # said done, stored nothing
    return response


def _record_attendance(world, how, user, case):
    import datetime

    from django.utils import timezone

    from mediation.models import MediationSession

    session = MediationSession.objects.create(
        case=case,
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        online=True,
        scheduled_by=world.base.shop_official,
    )
    prefix = f"attendance-{session.pk}"
    response = page_client(how, user).post(
        f"/cases/{case.number}/sessions/{session.pk}/attendance/",
        {f"{prefix}-party": "business", f"{prefix}-attended": "no"},
    )
    return _back_to_the_case(response, case)


def _rate_the_handling(world, how, user, case):
    from mediation.models import FollowUp

    response = page_client(how, user).post(f"/cases/{case.number}/follow-up/", {"follow-up-rating": "4"})
    response = _back_to_the_case(response, case)
    if response.status_code == 200 and not FollowUp.objects.filter(case=case).exists():
        response.status_code = 500  # said done, stored nothing
    return response


def _the_bureaus_follow_ups(world, how, user, case):
    from mediation.services.follow_up import follow_up_rate

    follow_up_rate(case=case, actor=case.consumer.user, rating=2, comment="回访意见")
    response = page_client(how, user).get("/follow-ups/")
    if response.status_code == 200 and case.number not in response.content.decode():
        response.status_code = 404  # yes means the complaint's rating is listed
    return response


def _document(world, how, user, case):
    return api_client(world, how, user, case).get(f"/api/cases/{case.number}/mediation-document/")


def _public(world, how, user, case):
    return api_client(world, how, user, case).get(f"/api/public/cases/{case.number}/")


def _hotline(world, how, user, case, *, naming_consumer=False):
    body = {
        "entity": world.base.shop.pk,
        "facts": "来电称空调不制冷。",
        "category": "G02",
        "demand": "refund",
        "intake_channel": "hotline",
    }
    if naming_consumer:
        body["consumer"] = case.consumer_id
    else:
        body["caller"] = {"real_name": "王五", "id_number": factories.resident_id(), "phone": "13912345678"}
    return api_client(world, how, user, case).post("/api/complaints/", body, format="json")


def _ask_for_a_person(world, how, user, case):
    from mediation.services.assistance import official_duty_set

    official_duty_set(official=world.base.home_official.official, on_duty=True)
    official_duty_set(official=world.partner_staff.official, on_duty=True)
    # The consumer asks for themself; anyone else would have to name them.
    body = {} if user is not None and user == case.consumer.user else {"consumer": case.consumer_id}
    return api_client(world, how, user, case).post("/api/help-requests/", body, format="json")


def _correct_problem_types(world, how, user, case):
    response = page_client(how, user).post(
        f"/cases/{case.number}/problem-types/", {"problem_types": ["after_sales", "quality"], "reason": "拒绝维修"}
    )
    if response.status_code == 302 and response["Location"] == f"/cases/{case.number}/":
        response.status_code = 200  # done, and back to the case page (not the log-in page)
    return response


def _case_page(world, how, user, case):
    return page_client(how, user).get(f"/cases/{case.number}/")


def _room_page(world, how, user, case):
    return page_client(how, user).get(f"/cases/{case.number}/room/")


def _admin_case(world, how, user, case):
    return page_client(how, user).get(f"/admin/mediation/case/{case.pk}/change/")


OPERATIONS = {
    "api: read the complaint": (_read, False),
    "api: read an anonymous report": (
        lambda world, how, user, case: _read(world, how, user, case, target=world.anonymous_report),
        False,
    ),
    "api: list cases (the complaint listed)": (_list, False),
    "api: the authority's queue": (_queue, False),
    "api: accept the complaint": (_action("accept"), "submitted"),
    "api: take the complaint over (bureau above)": (_action("take_over", {"reason": "市局统一处理"}), False),
    "api: withdraw the complaint": (_action("withdraw"), False),
    "api: business's reply": (_action("respond", {"reason": "同意退款"}), False),
    "api: settle outside the room": (_action("settle", {"reason": "退款3000元"}), True),
    "api: terminate outside the room": (_action("terminate", {"ground": "agreement_impossible"}), True),
    "api: add evidence": (_add_evidence, False),
    "api: download evidence": (_download_evidence, False),
    "api: mediation document": (_document, True),
    "api: public disclosure of the complaint": (_public, False),
    "api: enter a hotline case for a caller": (_hotline, False),
    "api: enter a hotline case naming the consumer": (
        lambda world, how, user, case: _hotline(world, how, user, case, naming_consumer=True),
        False,
    ),
    "api: ask for a person for the complaint's consumer": (_ask_for_a_person, False),
    "page: the case": (_case_page, False),
    "page: file a case on the form": (_file_on_the_form, False),
    "page: add evidence": (_add_evidence_on_the_page, False),
    "page: download evidence": (_download_evidence_on_the_page, False),
    "page: download the report's evidence": (_download_the_reports_evidence, False),
    "page: correct the complaint's problem types": (_correct_problem_types, False),
    "page: the mediation room": (_room_page, True),
    "page: propose times for a mediation session": (_propose_session, True),
    "page: answer the proposed session times": (_answer_session_times, True),
    "page: record who came to a session": (_record_attendance, True),
    "page: rate the closed complaint's handling": (_rate_the_handling, "closed"),
    "page: the bureau's follow-up ratings (the complaint's rating listed)": (_the_bureaus_follow_ups, "closed"),
    "admin: the case": (_admin_case, False),
}
WEBSOCKET_OPERATIONS = {"websocket: join the mediation room"}


def test_every_row_of_the_table_has_a_check():
    assert set(POLICY_TABLE) == set(OPERATIONS) | WEBSOCKET_OPERATIONS


def _secrets(case) -> list[str]:
    identity = case.consumer.identity
    return [identity.id_number, identity.phone, identity.phone[-8:]]


def _check(expected: str, response, case, *, cell) -> None:
    status = response.status_code
    if expected == "no":
        assert status in (302, 401, 403, 404, 409), (cell, status)
        return
    assert 200 <= status < 300, (cell, status, getattr(response, "content", b"")[:300])
    if expected == "masked":
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        for secret in _secrets(case):
            assert secret not in text, (cell, "shows", secret)
        assert case.consumer.identity.real_name not in text, (cell, "shows the real name")


@pytest.mark.parametrize(
    ("operation", "column"), [cell for cell in CELLS if cell[0] in OPERATIONS], ids=lambda value: value
)
def test_the_policy_holds(places, settings, tmp_path, operation, column):
    settings.MEDIA_ROOT = tmp_path
    take, state = OPERATIONS[operation]
    world = World(places, in_mediation=state is True)
    user, how, case = world.person(column)
    if state == "submitted":
        case = factories.with_status(case, CaseStatus.SUBMITTED)
    elif state == "closed":
        case = factories.with_status(case, CaseStatus.CLOSED)
    response = take(world, how, user, case)
    if operation == "api: read an anonymous report":
        case = world.anonymous_report
    _check(POLICY_TABLE[operation][column], response, case, cell=(operation, column))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("column", COLUMNS)
async def test_the_policy_holds_for_the_rooms_websocket(settings, tmp_path, column):
    settings.MEDIA_ROOT = tmp_path
    operation = "websocket: join the mediation room"
    expected = POLICY_TABLE[operation][column]

    @database_sync_to_async
    def build():
        from mediation.services.reference_data import reference_data_load

        reference_data_load(only=ROOM_TEST_REGIONS)
        world = World(factories.Places(), in_mediation=True)
        user, how, case = world.person(column)
        return user if how == "session" else None, case.number

    user, number = await build()
    client = await RoomClient.join(user, number, expect_welcome=False)
    first = await client.next()
    if expected == "no":
        assert first["type"] == "_closed" and first["code"] in (4401, 4403), (column, first)
    else:
        assert first["type"] == "welcome", (column, first)
        await client.close()
