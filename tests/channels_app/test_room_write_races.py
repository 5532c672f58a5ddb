"""Whether a seat may post, and whether a message is a resend, are decided on what is true once the
room is locked, on real PostgreSQL with writers in threads of their own (each its own connection),
as the room hubs of several processes write.

- A mediator mutes and unmutes the consumer over and over while the consumer posts as fast as it
  can: no message of the consumer is stored between a `muted` event and the next `unmuted` one.
- The same message sent twice at once (a resend racing the original through another process) is
  stored once, and both senders are told its sequence number."""

import threading

from django.db import connection

from mediation.models import RoomEvent
from mediation.services.room_tools import room_mute_set
from mediation.services.room_writer import MessagePost, room_messages_post

ROUNDS = 8


def _in_own_connection(work):
    def run():
        try:
            work()
        finally:
            connection.close()

    return run


def test_no_message_is_stored_while_its_author_is_muted(room_world):
    mediator, consumer = room_world.seats["lead_mediator"], room_world.seats["consumer"]
    done = threading.Event()
    refusals: list[str] = []

    def mute_and_unmute():
        for _round in range(ROUNDS):
            room_mute_set(actor=mediator, participant_id=consumer.pk, muted=True)
            room_mute_set(actor=mediator, participant_id=consumer.pk, muted=False)
        done.set()

    def post_meanwhile():
        number = 0
        while not done.is_set():
            number += 1
            post = MessagePost(consumer.pk, consumer.room_id, f"race-{number}", f"第{number}条")
            (outcome,) = room_messages_post(posts=[post])
            if outcome.refusal is not None:
                refusals.append(outcome.refusal.code)

    threads = [threading.Thread(target=_in_own_connection(work)) for work in (post_meanwhile, mute_and_unmute)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    muted = False
    stored_while_muted = []
    for event in RoomEvent.objects.filter(room=room_world.room).order_by("seq"):
        if event.kind == "system" and event.payload.get("participant") == consumer.pk:
            muted = {"muted": True, "unmuted": False}.get(event.payload["event"], muted)
        elif event.kind == "message" and event.author_id == consumer.pk and muted:
            stored_while_muted.append(event.seq)
    assert stored_while_muted == []
    assert "muted" in refusals  # the race was run: some posts met the mute
    assert set(refusals) == {"muted"}


def test_a_message_sent_twice_at_once_is_stored_once_and_both_are_told_its_number(room_world):
    consumer = room_world.seats["consumer"]
    for attempt in range(20):
        post = MessagePost(consumer.pk, consumer.room_id, f"twice-{attempt}", "同一条消息")
        outcomes = []
        start = threading.Barrier(2)

        def send(post=post, start=start, outcomes=outcomes):
            start.wait()
            outcomes.extend(room_messages_post(posts=[post]))

        threads = [threading.Thread(target=_in_own_connection(send)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert [outcome.refusal for outcome in outcomes] == [None, None], [
            o.refusal.code for o in outcomes if o.refusal
        ]
        assert len({outcome.seq for outcome in outcomes}) == 1
        assert sorted(outcome.duplicate for outcome in outcomes) == [False, True]
        assert RoomEvent.objects.filter(room=room_world.room, client_msg_id=post.client_msg_id).count() == 1
