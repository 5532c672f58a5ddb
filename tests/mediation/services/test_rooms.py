"""The room services without sockets: room status moves, opening, batched messages, settlement terms."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from mediation.models import Case, CaseStatus, MediationRoom, ProposalStatus, RoomEvent, RoomStatus
from mediation.selectors.rooms import mediation_document_for_viewer
from mediation.services.room_errors import ROOM_ERROR_MESSAGES, RoomActionRefused
from mediation.services.room_states import proposal_status_after, room_status_after
from mediation.services.room_writer import MessagePost, room_messages_post
from mediation.services.rooms import mediation_start
from mediation.services.settlement import agreement_record, clean_terms, document_sign, proposal_make, proposal_respond
from mediation.services.transitions import case_transition
from tests import factories

ALLOWED_ROOM_MOVES = {
    ("adjourn", RoomStatus.OPEN): RoomStatus.ADJOURNED,
    ("reconvene", RoomStatus.ADJOURNED): RoomStatus.OPEN,
    ("close", RoomStatus.OPEN): RoomStatus.CLOSED,
    ("close", RoomStatus.ADJOURNED): RoomStatus.CLOSED,
}


@pytest.mark.parametrize("action", sorted({action for action, _status in ALLOWED_ROOM_MOVES}))
@pytest.mark.parametrize("status", RoomStatus.values)
def test_every_room_move_is_allowed_or_refused_as_the_table_says(action, status):
    expected = ALLOWED_ROOM_MOVES.get((action, status))
    if expected is None:
        with pytest.raises(RoomActionRefused):
            room_status_after(status=status, action=action)
    else:
        assert room_status_after(status=status, action=action) == expected


# docs/room-protocol.md: only an open proposal is answered; one party's acceptance leaves it open
# for the other; when both have accepted it, it is the agreement and the other open ones lapse.
ALLOWED_PROPOSAL_MOVES = {
    ("accept", ProposalStatus.OPEN): ProposalStatus.OPEN,
    ("agree", ProposalStatus.OPEN): ProposalStatus.ACCEPTED,
    ("reject", ProposalStatus.OPEN): ProposalStatus.REJECTED,
    ("counter", ProposalStatus.OPEN): ProposalStatus.COUNTERED,
    ("supersede", ProposalStatus.OPEN): ProposalStatus.WITHDRAWN,
}


@pytest.mark.parametrize("action", sorted({action for action, _status in ALLOWED_PROPOSAL_MOVES}))
@pytest.mark.parametrize("status", ProposalStatus.values)
def test_every_proposal_move_is_allowed_or_refused_as_the_protocol_says(action, status):
    expected = ALLOWED_PROPOSAL_MOVES.get((action, status))
    if expected is None:
        with pytest.raises(RoomActionRefused) as refused:
            proposal_status_after(status=status, action=action, number=3)
        assert refused.value.code == "proposal_not_open"
    else:
        assert proposal_status_after(status=status, action=action, number=3) == expected


ERROR_PARAMETERS = {
    "limit": 10,
    "burst": 10,
    "rate": 1.0,
    "retry_after": 1.5,
    "type": "fly",
    "field": "text",
    "problem": "must be a string",
    "channel": "main",
    "action": "sign",
    "participant": 7,
    "proposal": 2,
    "reason": "no longer in mediation",
    "name": "王明 (北京市朝阳区市场监督管理局)",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("code", sorted(ROOM_ERROR_MESSAGES))
def test_every_error_code_renders_in_both_languages(code, language):
    from django.utils import translation

    with translation.override(language):
        rendered = RoomActionRefused(code, **ERROR_PARAMETERS).render()
    assert rendered and "%(" not in rendered


@pytest.fixture
def room_world(places):
    return factories.RoomWorld()


def test_a_co_mediator_from_another_authority_is_refused_and_nothing_opens(places):
    world = factories.World(places)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = factories.consent_both(case_transition(case=case, action="accept", actor=world.shop_official))
    with pytest.raises(ValidationError) as refused:
        mediation_start(case=case, actor=world.shop_official, co_mediator=world.outsider_official)
    assert "co_mediator" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    assert not MediationRoom.objects.filter(case=case).exists()


def test_only_the_handling_bureau_starts_mediation(places):
    world = factories.World(places)
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    case = factories.consent_both(case_transition(case=case, action="accept", actor=world.shop_official))
    with pytest.raises(PermissionDenied):
        mediation_start(case=case, actor=world.home_official)
    assert not MediationRoom.objects.filter(case=case).exists()


def test_a_batch_numbers_messages_without_gaps_and_keeps_refusals_apart(room_world):
    consumer, merchant = room_world.seats["consumer"], room_world.seats["merchant"]
    start = MediationRoom.objects.get(pk=room_world.room.pk).last_seq
    posts = [
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="a", text="一"),
        MessagePost(participant_id=merchant.pk, room_id=merchant.room_id, client_msg_id="a", text="二"),
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="a", text="一（重发）"),
        MessagePost(
            participant_id=merchant.pk, room_id=merchant.room_id, client_msg_id="b", text="x", channel="mediators"
        ),
        MessagePost(participant_id=merchant.pk, room_id=merchant.room_id, client_msg_id="c", text="三"),
    ]
    outcomes = room_messages_post(posts=posts)
    assert [o.seq for o in outcomes] == [start + 1, start + 2, start + 1, None, start + 3]
    assert [o.duplicate for o in outcomes] == [False, False, True, False, False]
    assert outcomes[3].refusal.code == "channel_not_allowed"
    stored = list(RoomEvent.objects.filter(room=room_world.room, kind="message").values_list("seq", "text"))
    assert stored == [(start + 1, "一"), (start + 2, "二"), (start + 3, "三")]
    assert MediationRoom.objects.get(pk=room_world.room.pk).last_seq == start + 3

    # A later batch: an id stored before is a resend; a seat of another room, a NUL and an empty
    # text are refused; none of them uses up a sequence number.
    posts = [
        MessagePost(participant_id=merchant.pk, room_id=merchant.room_id, client_msg_id="c", text="三（重发）"),
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id + 1000, client_msg_id="d", text="四"),
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="e", text="\x00"),
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="f\x00", text="五"),
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="g", text="  "),
        MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="h", text="六"),
    ]
    outcomes = room_messages_post(posts=posts)
    assert [(o.seq, o.duplicate) for o in outcomes[:1] + outcomes[5:]] == [(start + 3, True), (start + 4, False)]
    assert [o.refusal.code for o in outcomes[1:5]] == ["no_such_participant"] + ["invalid_field"] * 3
    assert MediationRoom.objects.get(pk=room_world.room.pk).last_seq == start + 4
    assert RoomEvent.objects.filter(room=room_world.room, kind="message").count() == 4


def rows_fetched_from_room_events() -> int:
    """Rows of the room's events this transaction has read through an index so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT idx_tup_fetch FROM pg_stat_xact_user_tables WHERE relname = %s", [RoomEvent._meta.db_table]
        )
        return cursor.fetchone()[0] or 0


def test_a_batch_checks_for_resends_without_reading_what_its_senders_wrote_before(room_world):
    # Every message is checked for being a resend: that check must find the message by its client
    # id, not read all a sender has written (a long mediation made every batch slower).
    consumer, merchant = room_world.seats["consumer"], room_world.seats["merchant"]
    for batch in range(10):
        room_messages_post(
            posts=[
                MessagePost(participant_id=seat.pk, room_id=seat.room_id, client_msg_id=f"{batch}-{n}", text="此前")
                for seat in (consumer, merchant)
                for n in range(20)
            ]
        )
    with connection.cursor() as cursor:  # the statistics autovacuum keeps, which the planner reads
        cursor.execute(f"ANALYZE {RoomEvent._meta.db_table}")
    before = rows_fetched_from_room_events()
    outcomes = room_messages_post(
        posts=[
            MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="new-1", text="新"),
            MessagePost(participant_id=merchant.pk, room_id=merchant.room_id, client_msg_id="new-2", text="新"),
            MessagePost(participant_id=consumer.pk, room_id=consumer.room_id, client_msg_id="3-7", text="重发"),
        ]
    )
    assert [outcome.duplicate for outcome in outcomes] == [False, False, True]
    # At most the one stored message found again (and the room's rows the write itself checks).
    assert rows_fetched_from_room_events() - before <= 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_share_one_gap_free_sequence():
    from mediation.services.reference_data import reference_data_load

    reference_data_load(only=["330106", "330110", "110105", "440305"])
    world = factories.RoomWorld()
    seats = list(world.seats.values())
    errors = []

    def send(seat, count):
        try:
            for n in range(count):
                room_messages_post(
                    posts=[MessagePost(participant_id=seat.pk, room_id=seat.room_id, client_msg_id=f"{n}", text="x")]
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(seat, 15)) for seat in seats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(RoomEvent.objects.filter(room=world.room).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert RoomEvent.objects.filter(room=world.room, kind="message").count() == 15 * len(seats)


TODAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    "terms, field",
    [
        ("300", "terms"),
        ({"refund_amount": True}, "terms.refund_amount"),
        ({"refund_amount": "NaN"}, "terms.refund_amount"),
        ({"refund_amount": "1e3"}, None),  # a valid amount written as a number
        ({"compensation_amount": "10000000000"}, "terms.compensation_amount"),
        ({"replacement": "yes"}, "terms.replacement"),
        ({"currency": "XXX", "repair": True}, "terms.currency"),
        ({"perform_by": "tomorrow", "repair": True}, "terms.perform_by"),
        ({"perform_by": "2026-11-29", "repair": True}, "terms.perform_by"),
        ({"free_text": 5}, "terms.free_text"),
    ],
)
def test_settlement_terms_are_checked(terms, field):
    if field is None:
        assert clean_terms(terms, default_currency="CNY", today=TODAY)["refund_amount"] == 1000
        return
    with pytest.raises(RoomActionRefused) as refused:
        clean_terms(terms, default_currency="CNY", today=TODAY)
    assert refused.value.params["field"] == field


def test_the_business_copy_masks_the_consumer_until_both_sign_then_gives_what_performing_needs(room_world):
    consumer, merchant = room_world.seats["consumer"], room_world.seats["merchant"]
    proposal = proposal_make(seat=merchant, terms={"refund_amount": "3500"})
    proposal_respond(seat=consumer, number=proposal.number, response="accept")
    document_sign(seat=consumer)
    unsigned = mediation_document_for_viewer(case=room_world.case, viewer="merchant")
    assert unsigned["content"]["consumer_name"] == "张*" and unsigned["performance_contact"] == {}
    document_sign(seat=merchant)
    agreement_record(seat=room_world.seats["lead_mediator"])
    case = Case.objects.get(pk=room_world.case.pk)
    assert case.status == CaseStatus.SETTLED
    assert "3,500.00" in case.settlement_terms
    business_copy = mediation_document_for_viewer(case=case, viewer="merchant")
    consumer_copy = mediation_document_for_viewer(case=case, viewer="consumer")
    identity = room_world.consumer.identity
    # Signed by both: the document names both parties (Order 121 Art. 24); to refund, the business
    # needs the consumer's phone, not the address (nothing is sent back or forth).
    assert business_copy["content"]["consumer_name"] == consumer_copy["content"]["consumer_name"] == "张三"
    assert business_copy["performance_contact"] == {"phone": identity.phone}
    assert identity.id_number not in str(business_copy) and identity.id_number not in str(consumer_copy)
    partner_copy = mediation_document_for_viewer(case=case, viewer="partner_agency")
    assert partner_copy["content"]["consumer_name"] == "张*" and partner_copy["performance_contact"] == {}


def test_the_room_record_is_append_only_for_the_model_and_the_database(room_world):
    from django.db import DatabaseError, transaction

    event = RoomEvent.objects.filter(room=room_world.room).first()
    event.text = "改写"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    for statement in ("UPDATE mediation_roomevent SET text = 'x'", "DELETE FROM mediation_roomevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert RoomEvent.objects.filter(room=room_world.room, text="x").count() == 0


def test_a_replacement_gives_the_business_the_mailing_address_once_both_have_signed(room_world):
    identity = room_world.consumer.identity
    identity.mailing_address = "北京市朝阳区建国路1号"
    identity.save()
    consumer, merchant = room_world.seats["consumer"], room_world.seats["merchant"]
    proposal = proposal_make(seat=merchant, terms={"replacement": True})
    proposal_respond(seat=consumer, number=proposal.number, response="accept")
    document_sign(seat=consumer)
    document_sign(seat=merchant)
    business_copy = mediation_document_for_viewer(case=room_world.case, viewer="merchant")
    assert business_copy["performance_contact"] == {"phone": identity.phone, "mailing_address": "北京市朝阳区建国路1号"}


def test_an_agreement_performed_at_once_or_waived_by_both_needs_no_document(room_world):
    """Order 121 Art. 24: 调解协议已经即时履行或者双方同意不制作调解书的除外 — a mediation record instead."""
    from mediation.services.settlement import document_waive

    consumer, merchant, lead = (room_world.seats[role] for role in ("consumer", "merchant", "lead_mediator"))
    proposal = proposal_make(seat=merchant, terms={"refund_amount": "200"})
    proposal_respond(seat=consumer, number=proposal.number, response="accept")
    with pytest.raises(RoomActionRefused) as unsigned:
        agreement_record(seat=lead)
    assert unsigned.value.code == "not_fully_signed"
    document_waive(seat=consumer)
    with pytest.raises(RoomActionRefused) as one_waiver:
        agreement_record(seat=lead, without_document="parties_agree")
    assert one_waiver.value.code == "not_waived_by_both"
    with pytest.raises(RoomActionRefused) as unknown:
        agreement_record(seat=lead, without_document="because")
    assert unknown.value.code == "invalid_field"
    document_waive(seat=merchant)
    agreement_record(seat=lead, without_document="parties_agree")
    case = Case.objects.get(pk=room_world.case.pk)
    assert case.status == CaseStatus.SETTLED
    record = mediation_document_for_viewer(case=case, viewer="merchant")
    assert record["without_document"] and record["content"]["consumer_name"] == "张三"
    assert record["performance_contact"] == {"phone": room_world.consumer.identity.phone}
