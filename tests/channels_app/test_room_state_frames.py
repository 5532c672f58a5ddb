"""The server tells every participant what the room looks like after each change (a `state` frame),
so that a page shows the room as the server keeps it instead of working it out from the events.

Expected states come from the rules in docs/room-protocol.md: a party that proposes terms has
accepted them; a counter-proposal ends the proposal it answers; when both parties accept the same
proposal the mediation document is drafted and the other open proposals lapse; a caucus is seen by
the mediators and its own party only; adjourning and reconvening move the room's status; settling
closes it."""

import pytest

from tests.channels_app.room_client import RoomClient
from tests.channels_app.test_room import close_all, join_all

pytestmark = pytest.mark.django_db(transaction=True)

TERMS = {"refund_amount": "3000.00", "free_text": "退货退款"}


async def state_after(client: RoomClient, frame_type: str, event: str, **match) -> dict:
    """The event's frame, then the first `state` frame that reflects it (states carry the room's
    last sequence number when they were read)."""
    seen = await client.next(frame_type, event=event, **match)
    while True:
        state = await client.next("state")
        if state["room"]["last_seq"] >= seen["seq"]:
            return state


def proposals(state: dict) -> list[dict]:
    return [
        {key: proposal[key] for key in ("number", "status", "counter_to", "consumer_accepted", "merchant_accepted")}
        for proposal in state["room"]["proposals"]
    ]


async def test_every_participant_is_told_the_proposals_and_the_document_after_each_step(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    everyone = (consumer, merchant, lead, co)
    assert consumer.welcome["room"]["proposals"] == [] and consumer.welcome["room"]["document"] is None

    await merchant.send({"type": "propose", "terms": TERMS})
    for client in everyone:
        state = await state_after(client, "proposal", "proposal_made")
        assert proposals(state) == [
            {"number": 1, "status": "open", "counter_to": None, "consumer_accepted": False, "merchant_accepted": True}
        ]
        assert state["room"]["proposals"][0]["terms"]["refund_amount"] == "3000.00"
        assert state["room"]["document"] is None

    await consumer.send({"type": "respond", "proposal": 1, "response": "counter", "terms": {**TERMS, "repair": True}})
    for client in everyone:
        state = await state_after(client, "proposal", "proposal_made", author_role="consumer")
        # The countered proposal is off the table; the counter-proposal is its proposer's.
        assert proposals(state) == [
            {"number": 2, "status": "open", "counter_to": 1, "consumer_accepted": True, "merchant_accepted": False}
        ]

    await merchant.send({"type": "respond", "proposal": 2, "response": "accept"})
    for client in everyone:
        state = await state_after(client, "system", "agreement_reached")
        assert proposals(state) == [
            {"number": 2, "status": "accepted", "counter_to": 1, "consumer_accepted": True, "merchant_accepted": True}
        ]
        assert state["room"]["document"] == {
            "proposal": 2,
            "consumer_signed": False,
            "merchant_signed": False,
            "confirmed": False,
        }

    await consumer.send({"type": "sign"})
    for client in everyone:
        state = await state_after(client, "system", "document_signed", author_role="consumer")
        assert state["room"]["document"]["consumer_signed"] is True
        assert state["room"]["document"]["merchant_signed"] is False
    await merchant.send({"type": "sign"})
    await lead.send({"type": "record_agreement"})
    for client in everyone:
        state = await state_after(client, "system", "settled")
        assert state["room"]["status"] == "closed"
        assert state["room"]["case_status"] == "settled"
        assert state["room"]["document"]["confirmed"] is True
    await close_all(*everyone)


async def test_a_caucus_shows_open_to_the_mediators_and_its_own_party_only(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    await lead.send({"type": "caucus", "party": "consumer", "open": True})
    for client in (consumer, lead, co):
        state = await state_after(client, "system", "caucus_opened")
        assert state["room"]["open_caucuses"] == ["consumer"]
    # The business does not see the consumer's caucus event, but its state moves on without it.
    state = await merchant.next("state")
    assert state["room"]["open_caucuses"] == []

    await lead.send({"type": "caucus", "party": "merchant", "open": True})
    state = await state_after(merchant, "system", "caucus_opened")
    assert state["room"]["open_caucuses"] == ["merchant"]
    state = await state_after(lead, "system", "caucus_opened")
    assert sorted(state["room"]["open_caucuses"]) == ["consumer", "merchant"]
    await close_all(consumer, merchant, lead, co)


async def test_muting_and_adjourning_change_the_state_everyone_is_sent(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    merchant_id = merchant.welcome["you"]["id"]
    await lead.send({"type": "mute", "participant": merchant_id, "muted": True})
    for client in (consumer, merchant, lead, co):
        state = await state_after(client, "system", "muted")
        muted = {person["id"]: person["muted"] for person in state["participants"]}
        assert muted[merchant_id] is True
        assert sum(muted.values()) == 1

    await lead.send({"type": "adjourn"})
    state = await state_after(consumer, "system", "adjourned")
    assert state["room"]["status"] == "adjourned"
    await lead.send({"type": "reconvene"})
    state = await state_after(consumer, "system", "reconvened")
    assert state["room"]["status"] == "open"
    await close_all(consumer, merchant, lead, co)


async def test_a_chat_message_changes_nothing_and_brings_no_state(room_world):
    consumer, merchant, lead, co = await join_all(room_world)
    await merchant.say("您好", "m-1")
    await consumer.next("message", client_msg_id="m-1")
    later = await consumer.nothing_more()
    assert [frame["type"] for frame in later if frame["type"] == "state"] == []
    await close_all(consumer, merchant, lead, co)
