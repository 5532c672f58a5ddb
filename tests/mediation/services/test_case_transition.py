"""Every allowed and every forbidden move of the life cycle, table-driven."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError
from django.utils import timezone

from mediation.models import CaseEvent, CaseKind, CaseStatus, MediationRoom
from mediation.services.errors import TransitionNotAllowed
from mediation.services.transitions import ACTIONS, case_transition
from tests import factories, legal_rules

COMPLAINT_STATUSES = [
    CaseStatus.SUBMITTED,
    CaseStatus.ODR,
    CaseStatus.ACCEPTED,
    CaseStatus.NOT_ACCEPTED,
    CaseStatus.RETURNED,
    CaseStatus.MEDIATING,
    CaseStatus.SETTLED,
    CaseStatus.TERMINATED,
    CaseStatus.WITHDRAWN,
    CaseStatus.CLOSED,
]
REPORT_STATUSES = [
    CaseStatus.SUBMITTED,
    CaseStatus.VERIFYING,
    CaseStatus.CASE_OPENED,
    CaseStatus.DECIDED,
    CaseStatus.NOT_OPENED,
    CaseStatus.CLOSED,
]
# The life cycle as docs/legal-rules.md writes it from the texts; every other move must be refused.
LIFE_CYCLE = {(move.kind, move.source, move.action): move for move in legal_rules.life_cycle()}
ALL_ACTIONS = sorted({move.action for move in LIFE_CYCLE.values()})
MOVES = [(CaseKind.COMPLAINT, status, action) for status in COMPLAINT_STATUSES for action in ALL_ACTIONS] + [
    (CaseKind.REPORT, status, action) for status in REPORT_STATUSES for action in ALL_ACTIONS
]
GROUND_OF = {
    "record_entrustment_consent": "consumer",
    "not_accept": legal_rules.grounds("non-acceptance")[0],
    "terminate": legal_rules.grounds("termination")[1],
    "decide": legal_rules.grounds("report-decisions")[0],
    "return": "unclear",
    "suspend_mediation": "testing",
    "record_consent": "business",
    "decide_recusal": "refused",
}


def _case(world, kind):
    if kind == CaseKind.COMPLAINT:
        return factories.complaint(consumer=world.consumer, entity=world.shop)
    return factories.report(reporter=world.consumer, entity=world.shop)


@pytest.fixture(scope="module")
def table_people(django_db_setup, django_db_blocker):
    """The people and places of the table's hundreds of cells, made once for the module inside a
    transaction that is rolled back when the module ends. Each cell's own changes roll back to them:
    pytest-django's atomic block around each test is a savepoint inside this one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield factories.World(factories.Places())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def table_world(table_people, db):
    return table_people


def _arguments(world, action):
    arguments = {"ground": GROUND_OF.get(action, ""), "reason": "双方同意退款3500元"}
    if action in ("forward", "dispute_jurisdiction"):  # the bureau of another region
        arguments["to_authority"] = world.outsider_official.official.authority
    return arguments


def _user_of(world, actor):
    return {
        "consumer": world.consumer_user,
        "business": world.shop_staff,
        "official": world.shop_official,
        "superior official": world.superior_official,
    }[actor]


def test_the_document_and_the_service_know_the_same_moves():
    assert set(ALL_ACTIONS) == set(ACTIONS)


@pytest.mark.parametrize(("kind", "status", "action"), MOVES, ids=lambda value: str(value))
def test_every_move(table_world, kind, status, action):
    world = table_world
    case = factories.with_status(_case(world, kind), status)
    events_before = case.events.count()
    move = LIFE_CYCLE.get((kind, status, action))
    if move is None:
        with pytest.raises(TransitionNotAllowed):
            case_transition(
                case=case, action=action, actor=world.shop_official, in_room=True, **_arguments(world, action)
            )
        case.refresh_from_db()
        assert case.status == status
        assert case.events.count() == events_before
        return

    # The first of the move's actors the table names; the handling official for the mediators' moves
    # (the body a mediation is entrusted to is tried in test_entrusted_mediation.py).
    actor = _user_of(world, "official" if "official" in move.actors else sorted(move.actors - {"system"})[0])
    if action == "start_mediation":  # only with both parties' consent (Art. 18)
        case = factories.consent_both(case)
        events_before += 2
    if action == "record_consent":  # for the party who has not consented yet
        case_transition(case=case, action="consent_to_mediation", actor=world.consumer_user)
        events_before += 1
    extra = {}
    if action == "merge":  # into the same reporter's earlier report about the same business
        extra["into"] = factories.report(reporter=world.consumer, entity=world.shop, facts="上个月也看到他们卖假货。")
    if action == "resume_mediation":  # only a suspended mediation resumes
        case_transition(
            case=case, action="suspend_mediation", actor=world.shop_official, **_arguments(world, "suspend_mediation")
        )
        events_before += 1
    if action in ("consent_to_joint_handling", "record_joint_consent", "decline_joint_handling"):
        factories.joint_complaint(case, official=world.shop_official)  # proposed for joint handling
        events_before += 1
    if action in ("accept_joint_agreement", "record_joint_agreement"):  # the representative settled
        factories.joint_complaint(case, official=world.shop_official, representative_settled=True)
        events_before += 3
    if action == "entrust_mediation":  # with both parties' consent, to a consumer association
        factories.entrustment_consent_both(case, official=world.shop_official)
        events_before += 2
        extra["to_authority"] = factories.consumer_association()
    if action == "schedule_onsite_session":  # with both consents, its time, place and mediators
        if status == CaseStatus.ACCEPTED:
            case = factories.consent_both(case)
            events_before += 2
        extra["context"] = {
            "starts_at": timezone.now() + datetime.timedelta(days=3),
            "place": "西湖区市场监管局调解室",
            "mediators": [world.shop_official],
        }
    if action == "decide_recusal":  # only a waiting recusal request is decided
        case_transition(case=case, action="request_recusal", actor=world.consumer_user, reason="调解员与商家有亲属关系")
        events_before += 1
    if move.in_room:  # refused anywhere but the room
        with pytest.raises(TransitionNotAllowed):
            case_transition(case=case, action=action, actor=actor, **_arguments(world, action))
    moved = case_transition(
        case=case, action=action, actor=actor, in_room=move.in_room, **_arguments(world, action), **extra
    )
    assert moved.status == move.target
    case.refresh_from_db()
    assert case.status == move.target
    event = case.events.order_by("-id").first()
    assert case.events.count() == events_before + 1
    assert (event.action, event.from_status, event.to_status, event.actor) == (action, status, move.target, actor)


@pytest.mark.parametrize("move", LIFE_CYCLE.values(), ids=lambda m: f"{m.kind}-{m.source}-{m.action}")
def test_other_people_may_not_move_the_case(table_world, move):
    world = table_world
    case = factories.with_status(_case(world, move.kind), move.source)
    intruders = [world.outsider_official, world.home_official]
    intruders += [
        _user_of(world, actor)
        for actor in ("consumer", "business", "official", "superior official")
        if actor not in move.actors
    ]
    for intruder in intruders:
        with pytest.raises(PermissionDenied):
            case_transition(
                case=case, action=move.action, actor=intruder, in_room=move.in_room, **_arguments(world, move.action)
            )
    case.refresh_from_db()
    assert case.status == move.source


@pytest.mark.parametrize(("action", "missing"), [("not_accept", "ground"), ("return", "ground"), ("return", "reason")])
def test_grounds_and_reasons_are_required(world, action, missing):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    arguments = {"ground": "information_missing", "reason": "请补充购买凭证"}
    arguments[missing] = ""
    with pytest.raises(ValidationError) as raised:
        case_transition(case=case, action=action, actor=world.shop_official, **arguments)
    assert missing in raised.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_termination_needs_a_reason_from_the_domain(world):
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), CaseStatus.MEDIATING)
    with pytest.raises(ValidationError):
        case_transition(case=case, action="terminate", actor=world.shop_official, ground="bored", in_room=True)
    moved = case_transition(
        case=case, action="terminate", actor=world.shop_official, ground="agreement_impossible", in_room=True
    )
    assert moved.termination_reason == "agreement_impossible"
    assert moved.termination_notice_due is not None


@pytest.mark.parametrize(
    ("status", "action", "arguments"),
    [
        (CaseStatus.ACCEPTED, "start_mediation", {}),
        (CaseStatus.MEDIATING, "settle", {"reason": "退款3500元"}),
        (CaseStatus.MEDIATING, "terminate", {"ground": "agreement_impossible"}),
    ],
)
def test_the_rooms_moves_are_refused_outside_the_room(world, status, action, arguments):
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), status)
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action=action, actor=world.shop_official, **arguments)
    case.refresh_from_db()
    assert case.status == status


def test_unknown_action_is_a_validation_error(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    with pytest.raises(ValidationError):
        case_transition(case=case, action="delete", actor=world.shop_official)


def test_odr_only_for_odr_businesses(world):
    other = factories.shop(name="杭州普通商店", is_odr=False)
    case = factories.complaint(consumer=world.consumer, entity=other)
    with pytest.raises(ValidationError):
        case_transition(case=case, action="send_to_business", actor=world.consumer_user)


def test_verification_extends_once(world):
    case = factories.with_status(factories.report(reporter=world.consumer, entity=world.shop), CaseStatus.VERIFYING)
    first_due = case.verification_due
    case = case_transition(case=case, action="extend_verification", actor=world.shop_official, reason="需要检测")
    assert case.verification_due > first_due
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, action="extend_verification", actor=world.shop_official, reason="again")


def test_audit_events_cannot_be_changed_or_deleted(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    event = case.events.get()
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        CaseEvent.objects.filter(pk=event.pk).first().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_database_refuses_to_rewrite_the_audit_trail(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    for statement in (
        "UPDATE mediation_caseevent SET reason = 'rewritten' WHERE case_id = %s",
        "DELETE FROM mediation_caseevent WHERE case_id = %s",
    ):
        with pytest.raises(InternalError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [case.pk])
    assert CaseEvent.objects.filter(case=case, reason="").count() == 1


def test_entering_and_leaving_mediation_opens_and_closes_the_room_whoever_moves_the_case(world):
    """The life cycle owns what entering and leaving a status does: any caller of the one service
    that moves a case into mediation gets its room, and leaving mediation closes it."""
    case = factories.with_status(factories.complaint(consumer=world.consumer, entity=world.shop), CaseStatus.ACCEPTED)
    case = factories.consent_both(case)
    case = case_transition(case=case, action="start_mediation", actor=world.shop_official, in_room=True)
    room = MediationRoom.objects.get(case=case)
    assert {seat.role for seat in room.participants.all()} == {"lead_mediator", "consumer", "merchant"}
    case_transition(case=case, action="withdraw", actor=world.consumer_user)
    room.refresh_from_db()
    assert room.status == "closed"


def test_the_life_cycle_service_does_not_depend_on_the_room():
    import ast
    import inspect

    from mediation.services import transitions

    imported = {
        node.module for node in ast.walk(ast.parse(inspect.getsource(transitions))) if isinstance(node, ast.ImportFrom)
    }
    assert "mediation.services.rooms" not in imported
