"""What crosses Redis between room hubs (one hub per daphne process), on the real Redis layer: three
hubs in one event loop stand for three processes."""

import asyncio

from channels_app.room_hub import RoomHub
from mediation.models import channels_visible_to
from mediation.services.room_writer import MessagePost


class RecordingSocket:
    """A participant's connection as the hub sees it, keeping what it was handed."""

    def __init__(self, seat):
        self.room_id, self.seat_id = seat.room_id, seat.pk
        self.visible_channels = channels_visible_to(seat.role)
        self.events: list[dict] = []
        self.frames: list[dict] = []

    async def push_events(self, events):
        self.events.extend(events)

    async def push_frame(self, frame):
        self.frames.append(frame)


async def eventually(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_stored_events_go_over_redis_only_to_the_other_hubs_serving_the_room(room_world):
    consumer_seat, merchant_seat = room_world.seats["consumer"], room_world.seats["merchant"]
    room_id = consumer_seat.room_id
    serving, idle, storing = RoomHub(), RoomHub(), RoomHub()
    here, there = RecordingSocket(consumer_seat), RecordingSocket(merchant_seat)
    try:
        await idle.start()  # serves no room
        await serving.attach(there, last_seq=merchant_seat.room.last_seq)
        # Started last: the services announce through it.
        await storing.attach(here, last_seq=consumer_seat.room.last_seq)
        # Attaching announces presence; the hubs serving the room answer and so learn each other.
        await eventually(lambda: serving.hub_id in storing.rooms[room_id].remote_presence)
        await eventually(lambda: storing.hub_id in serving.rooms[room_id].remote_presence)
        assert set(storing.peers) == {serving.hub_id}  # the idle hub never announced a room

        sent = []
        layer = storing.layer
        send, group_send = layer.send, layer.group_send

        async def recording_send(channel, message):
            sent.append((channel, message["type"]))
            await send(channel, message)

        async def recording_group_send(group, message):
            sent.append((group, message["type"]))
            await group_send(group, message)

        layer.send, layer.group_send = recording_send, recording_group_send
        try:
            outcome = await storing.post(
                MessagePost(participant_id=consumer_seat.pk, room_id=room_id, client_msg_id="x-1", text="在吗")
            )
            await eventually(lambda: any(event["seq"] == outcome.seq for event in there.events))
        finally:
            layer.send, layer.group_send = send, group_send

        assert [event["seq"] for event in here.events] == [outcome.seq]  # delivered here directly
        assert [event["seq"] for event in there.events] == [outcome.seq]
        assert [entry for entry in sent if entry[1] == "room.events"] == [(serving.channel, "room.events")]
        # Events of a room this hub does not serve go to the whole group: it cannot know who serves it.
        assert [target for target, _message in storing._announcements([{"room": room_id + 1000, "seq": 1}])] == [None]
    finally:
        for hub in (storing, serving, idle):
            await hub.stop()


async def test_a_room_attached_after_an_older_read_of_its_last_event_misses_nothing_stored_since(room_world):
    # The consumer passes the newest sequence number read with the seat, before attaching. What
    # another process stored in between was announced before this hub listened: it must come from
    # PostgreSQL, before and in order with what follows.
    consumer_seat, merchant_seat = room_world.seats["consumer"], room_world.seats["merchant"]
    room_id = consumer_seat.room_id
    other, hub = RoomHub(), RoomHub()
    socket = RecordingSocket(merchant_seat)
    try:
        read_with_the_seat = merchant_seat.room.last_seq
        stored_between = await other.post(
            MessagePost(participant_id=consumer_seat.pk, room_id=room_id, client_msg_id="x-1", text="在吗")
        )
        await hub.attach(socket, last_seq=read_with_the_seat)
        stored_after = await other.post(
            MessagePost(participant_id=consumer_seat.pk, room_id=room_id, client_msg_id="x-2", text="还在吗")
        )
        await eventually(lambda: len(socket.events) >= 2)
        assert [event["seq"] for event in socket.events] == [stored_between.seq, stored_after.seq]
    finally:
        for each in (hub, other):
            await each.stop()
