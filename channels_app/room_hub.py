"""The room hub: one per daphne process, between the room sockets of that process, PostgreSQL and
the channel layer.

- **Writing.** Messages from all sockets of the process go through one queue; the hub stores
  whatever has queued up in one transaction (one commit for many messages), then answers each
  sender. A message is acknowledged only after its commit.
- **Subscribing.** The process, not each socket, listens to the layer: one channel in one group
  that every room-serving process joins. The processes tell each other, in their presence
  announcements, which rooms they serve and on which channel they listen.
- **Publishing.** A process delivers what it stored itself straight to its own sockets. Over Redis
  a stored batch goes once to each other process that serves one of its rooms, holding just
  those rooms' events; events of rooms this process does not serve go to the whole group. Each
  process fans events out to its sockets, filtered by room channel.
- **Nothing lost, nothing twice, in order.** The hub delivers a room's events strictly by sequence
  number. If the layer dropped something (it may: it is not the record), the hub sees the gap, or
  notices on its periodic check that a room has moved on, and reads the missing events from
  PostgreSQL.
- **Ephemeral frames** (typing, read receipts, presence) go straight to the process's own sockets,
  cross the layer to the others, and are never stored.
- **Through a Redis outage** (channels_app.layer_keeper) nothing raises: messages are stored and
  acknowledged, the process's own sockets get everything, and the others' events are read from
  PostgreSQL by the periodic check. When the layer answers again, the hub is back in its group
  within seconds, and announces its rooms so that the others know where to send again.
"""

import asyncio
import concurrent.futures
import contextlib
import logging
import time
import uuid
from typing import Protocol

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import DatabaseError, connection

from channels_app.layer_keeper import layer_keeper
from mediation.selectors.rooms import changes_room_state, room_events_between, room_snapshot, rooms_last_seq
from mediation.services import room_broadcast
from mediation.services.room_broadcast import ROOM_HUB_GROUP
from mediation.services.room_errors import RoomActionRefused
from mediation.services.room_writer import MessagePost, PostOutcome, room_messages_post

logger = logging.getLogger(__name__)

MAX_WRITE_BATCH = 500
RECONCILE_INTERVAL = 1.0  # seconds between checks that no room has moved on unseen
GAP_GRACE = 0.1  # seconds a gap may stay open before the missing events are read from PostgreSQL
PRESENCE_INTERVAL = 10.0  # seconds between presence announcements of this process
PRESENCE_TTL = 25.0  # a process's presence counts for this long after its last announcement
# Arrivals and departures are announced to the other processes together, once per this many
# seconds: after a restart every client reconnects at once, and one message per socket would
# cost each arrival a round trip to Redis.
PRESENCE_BATCH_SECONDS = 0.05


class RoomSocket(Protocol):
    """What the hub needs of a connected participant (channels_app.consumers.RoomConsumer)."""

    room_id: int
    seat_id: int
    visible_channels: frozenset[str]

    async def push_events(self, events: list[dict]) -> None: ...

    async def push_frame(self, frame: dict) -> None: ...


class _Room:
    def __init__(self, delivered_seq: int):
        self.sockets: set[RoomSocket] = set()
        self.delivered_seq = delivered_seq
        self.ahead: dict[int, dict] = {}  # events received past a gap, by seq
        self.filling = False
        # Deliveries to a room's sockets happen one run at a time, so that every socket sees the
        # same order even when a gap fill and the layer deliver at once.
        self.delivering = asyncio.Lock()
        self.remote_presence: dict[str, tuple[frozenset[int], float]] = {}
        self.online: frozenset[int] = frozenset()
        self.delivered_at_last_check = delivered_seq


def _in_thread(function, **kwargs):
    """Run a database function in a hub thread. The thread keeps its connection between calls;
    a connection that failed is dropped so that the next call opens a new one."""
    try:
        return function(**kwargs)
    except DatabaseError:
        connection.close()
        raise


def _close_connection() -> None:
    # `connection` resolves to the calling thread's connection, so this must run in that thread.
    connection.close()


class RoomHub:
    def __init__(self):
        self.layer = get_channel_layer()
        self.hub_id = uuid.uuid4().hex
        self.channel: str | None = None
        self.rooms: dict[int, _Room] = {}
        self.peers: dict[str, tuple[str, float]] = {}  # other hubs: id -> (their channel, expiry)
        self._queue: asyncio.Queue[tuple[MessagePost, asyncio.Future]] = asyncio.Queue()
        self._outbox: asyncio.Queue[dict] = asyncio.Queue()
        # One thread writes, one reads: each keeps its own database connection.
        self._writer_thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="room-hub-writer")
        self._reader_thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="room-hub-reader")
        self._tasks: list[asyncio.Task] = []
        self._background: set[asyncio.Task] = set()
        self._started = asyncio.Lock()
        self._to_announce: dict[int, bool] = {}  # room id -> whether the others are asked theirs

    # --- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        async with self._started:
            if self.channel is not None:
                return
            # The default prefix: channels_redis reads all of a process's channels through one
            # shared queue, which only works if they share that prefix.
            self.channel = await self.layer.new_channel()
            self.keeper = layer_keeper()
            await self.keeper.join(ROOM_HUB_GROUP, self.channel)
            self.keeper.on_recovery(self._after_outage)
            self._loop = asyncio.get_running_loop()
            room_broadcast.set_publisher(self._publish_threadsafe)
            loops = (
                self._receive_loop,
                self._write_loop,
                self._publish_loop,
                self._reconcile_loop,
                self._presence_loop,
            )
            for loop in loops:
                self._tasks.append(asyncio.create_task(loop(), name=f"room-hub-{loop.__name__}"))

    async def stop(self) -> None:
        room_broadcast.clear_publisher(self._publish_threadsafe)
        # Its loops, and what they started (gap fills, the next presence announcement).
        tasks = [*self._tasks, *self._background]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.channel is not None:
            self.keeper.forget_recovery(self._after_outage)
            await self.keeper.leave(ROOM_HUB_GROUP, self.channel)
        for thread in (self._writer_thread, self._reader_thread):
            # Each thread's database connection is closed in that thread.
            with contextlib.suppress(Exception):
                await sync_to_async(_close_connection, thread_sensitive=False, executor=thread)()
            thread.shutdown(wait=False)

    def _in_background(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _write_db(self, function, **kwargs):
        return await sync_to_async(_in_thread, thread_sensitive=False, executor=self._writer_thread)(function, **kwargs)

    async def _read_db(self, function, **kwargs):
        return await sync_to_async(_in_thread, thread_sensitive=False, executor=self._reader_thread)(function, **kwargs)

    # --- sockets ------------------------------------------------------------------------------

    async def attach(self, socket: RoomSocket, *, last_seq: int) -> None:
        """Start routing the room's events to `socket`. Call before reading its history: what
        arrives meanwhile is handed over and the socket keeps what is newer than its history.

        `last_seq` is the room's newest sequence number as read before this call (with the seat).
        For the room's first socket here, delivery starts after it: events stored since then come
        as a gap fill from PostgreSQL, and none is skipped. Reading it here instead cost a query
        per socket on the hub's one database thread, which queued the sockets arriving together
        after a restart (the four of a room all found it not yet attached)."""
        await self.start()
        room = self.rooms.get(socket.room_id)
        if room is None:
            room = self.rooms[socket.room_id] = _Room(delivered_seq=last_seq)
        room.sockets.add(socket)
        await self._presence_changed(socket.room_id)
        self._announce_soon(socket.room_id, query=True)

    async def detach(self, socket: RoomSocket) -> None:
        room = self.rooms.get(socket.room_id)
        if room is None:
            return
        room.sockets.discard(socket)
        await self._forget(socket.room_id)

    async def _push(self, socket: RoomSocket, push, payload) -> None:
        """Hand something to one socket. A socket that is closing must not cost the others their
        delivery: it is dropped, and its client resumes from its last sequence number."""
        try:
            await push(payload)
        except Exception:
            logger.debug("room %s: dropping a closed socket", socket.room_id, exc_info=True)
            room = self.rooms.get(socket.room_id)
            if room is not None and socket in room.sockets:
                room.sockets.discard(socket)
                # Let it go fully (presence, an emptied room) once this delivery is done.
                self._in_background(self._forget(socket.room_id))

    async def _forget(self, room_id: int) -> None:
        """After a socket left or was dropped: forget an emptied room, or tell the others who is
        online."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        if not room.sockets:
            del self.rooms[room_id]
        else:
            await self._presence_changed(room_id)
        self._announce_soon(room_id)

    def online(self, room_id: int) -> list[int]:
        room = self.rooms.get(room_id)
        return sorted(room.online) if room else []

    # --- writing ------------------------------------------------------------------------------

    async def post(self, post: MessagePost) -> PostOutcome:
        """Store a message; returns once it is committed (or refused)."""
        await self.start()
        future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((post, future))
        return await future

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_WRITE_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            outcomes = await self._store(batch)
            for (_post, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)

    async def _store(self, batch) -> list[PostOutcome]:
        posts = [post for post, _future in batch]
        try:
            return await self._write_db(room_messages_post, posts=posts)
        except Exception:
            if len(posts) == 1:
                logger.exception("room message not stored")
                return [PostOutcome(refusal=RoomActionRefused("not_stored"))]
        # One message must not cost the others: store them one by one.
        logger.warning("room batch of %d failed; storing one by one", len(posts))
        outcomes = []
        for post, future in batch:
            outcomes.extend(await self._store([(post, future)]))
        return outcomes

    # --- announcing ----------------------------------------------------------------------------

    def _publish_threadsafe(self, message: dict) -> None:
        """Called by services after commit, from any thread."""
        self._loop.call_soon_threadsafe(self._outbox.put_nowait, message)

    async def _publish_loop(self) -> None:
        """Deliver committed events here and announce them to the other hubs, in commit order;
        what queued up meanwhile goes out together."""
        while True:
            events = list((await self._outbox.get())["events"])
            while not self._outbox.empty():
                events.extend(self._outbox.get_nowait()["events"])
            try:
                await self._on_events(events)
            except Exception:
                logger.exception("room events not delivered here")
            # What the layer cannot take is stored all the same: the other hubs find the events by
            # their sequence numbers.
            for channel, message in self._announcements(events):
                if channel is None:
                    await self.keeper.group_send(ROOM_HUB_GROUP, message)
                else:
                    await self.keeper.send(channel, message)

    def _announcements(self, events: list[dict]) -> list[tuple[str | None, dict]]:
        """Whom to tell about `events`: each other hub serving one of their rooms, with those
        rooms' events; the whole group (channel None) for rooms this hub does not serve, whose
        listeners it does not know."""
        now = time.monotonic()
        by_target: dict[str | None, list[dict]] = {}
        for event in events:
            room = self.rooms.get(event["room"])
            if room is None:
                targets = [None]
            else:
                targets = [
                    peer[0]
                    for hub, (seats, expires) in room.remote_presence.items()
                    if seats and expires > now and (peer := self.peers.get(hub)) is not None and peer[1] > now
                ]
            if not targets:
                continue  # served here only: nothing to copy or send
            # Keys with a leading underscore are this process's own (its sockets' rendered frames).
            shared = {key: value for key, value in event.items() if not key.startswith("_")}
            for target in targets:
                by_target.setdefault(target, []).append(shared)
        return [(target, {"type": "room.events", "events": batch}) for target, batch in by_target.items()]

    # --- receiving ----------------------------------------------------------------------------

    async def _receive_loop(self) -> None:
        while True:
            message = await self.keeper.receive(self.channel)
            try:
                if message["type"] == "room.events":
                    await self._on_events(message["events"])
                elif message["type"] == "room.ephemeral":
                    await self._on_ephemeral(message)
            except Exception:
                logger.exception("room hub failed on a %s message", message.get("type"))

    async def _on_events(self, events: list[dict]) -> None:
        by_room: dict[int, list[dict]] = {}
        for event in events:
            if event["room"] in self.rooms:
                by_room.setdefault(event["room"], []).append(event)
        for room_id, room_events in by_room.items():
            await self._accept(room_id, room_events)

    async def _accept(self, room_id: int, events: list[dict]) -> None:
        """Deliver the contiguous run after what was delivered; keep the rest until the gap fills."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        for event in events:
            if event["seq"] > room.delivered_seq:
                room.ahead[event["seq"]] = event
        async with room.delivering:
            ready = []
            while room.delivered_seq + 1 in room.ahead:
                room.delivered_seq += 1
                ready.append(room.ahead.pop(room.delivered_seq))
            if ready:
                for socket in list(room.sockets):
                    await self._push(socket, socket.push_events, ready)
        if room.ahead and not room.filling:
            self._in_background(self._fill(room_id, up_to=max(room.ahead), grace=GAP_GRACE))

    async def _fill(self, room_id: int, up_to: int | None = None, grace: float = 0) -> None:
        """Read what the layer did not bring from PostgreSQL. With `grace`, first give events
        that another process committed earlier but announced later the time to arrive."""
        room = self.rooms.get(room_id)
        if room is None or room.filling:
            return
        room.filling = True
        if grace:
            await asyncio.sleep(grace)
            if up_to is not None and room.delivered_seq >= up_to:
                room.filling = False
                return
        try:
            events = await self._read_db(
                room_events_between, room_id=room_id, after_seq=room.delivered_seq, up_to_seq=up_to
            )
            if any(changes_room_state(event) for event in events):
                # The state their announcement carried is lost with it: read it anew.
                events[-1]["state"] = await self._read_db(room_snapshot, room_id=room_id)
        except Exception:
            logger.exception("room %s: could not read missed events", room_id)
            events = []
        finally:
            room.filling = False
        await self._accept(room_id, events)

    async def _reconcile_loop(self) -> None:
        while True:
            await asyncio.sleep(RECONCILE_INTERVAL)
            if not self.rooms:
                continue
            try:
                newest = await self._read_db(rooms_last_seq, room_ids=list(self.rooms))
            except Exception:
                logger.exception("room hub could not check for missed events")
                continue
            for room_id, last_seq in newest.items():
                room = self.rooms.get(room_id)
                if room is None:
                    continue
                # A room is missing events when PostgreSQL is ahead and nothing arrived for it since
                # the last check. A room that is merely busy keeps moving and needs no reading: under
                # load, reading everything again would only deepen the backlog.
                stalled = room.delivered_seq == room.delivered_at_last_check
                room.delivered_at_last_check = room.delivered_seq
                if stalled and last_seq > room.delivered_seq and not room.filling:
                    self._in_background(self._fill(room_id, up_to=last_seq))

    # --- ephemeral frames ---------------------------------------------------------------------

    async def send_ephemeral(self, room_id: int, frame: dict, *, channel: str | None = None) -> None:
        """Typing and read receipts: to the room's sockets here at once, and to those of every
        other process over the layer (while it is away, they miss it: such frames are not kept)."""
        await self.start()
        message = {"type": "room.ephemeral", "hub": self.hub_id, "room": room_id, "channel": channel, "frame": frame}
        await self._deliver_ephemeral(message)
        await self.keeper.group_send(ROOM_HUB_GROUP, message)

    async def _on_ephemeral(self, message: dict) -> None:
        if "presence" in message:
            await self._on_presence(message)
        elif message.get("hub") != self.hub_id:  # this hub's own were delivered when sent
            await self._deliver_ephemeral(message)

    async def _deliver_ephemeral(self, message: dict) -> None:
        room = self.rooms.get(message["room"])
        if room is None:
            return
        channel = message.get("channel")
        for socket in list(room.sockets):
            if channel is None or channel in socket.visible_channels:
                await self._push(socket, socket.push_frame, message["frame"])

    # --- presence: each process announces who is connected to it, per room -------------------

    def _local_presence(self, room_id: int) -> list[int]:
        room = self.rooms.get(room_id)
        return sorted({socket.seat_id for socket in room.sockets}) if room else []

    async def _announce_presence(self, room_ids, *, asked=()) -> None:
        """One message for all of `room_ids`; the other processes answer with theirs for `asked`."""
        presence = [[room_id, self._local_presence(room_id)] for room_id in room_ids]
        if not presence:
            return
        message = {"type": "room.ephemeral", "hub": self.hub_id, "channel": self.channel, "presence": presence}
        if asked:
            message["query"] = list(asked)
        await self.keeper.group_send(ROOM_HUB_GROUP, message)

    def _announce_soon(self, room_id: int, *, query: bool = False) -> None:
        """Announce the room's presence here with the others of the next batch."""
        if not self._to_announce:
            self._in_background(self._announce_batch())
        self._to_announce[room_id] = self._to_announce.get(room_id, False) or query

    async def _announce_batch(self) -> None:
        await asyncio.sleep(PRESENCE_BATCH_SECONDS)
        batch, self._to_announce = self._to_announce, {}
        await self._announce_presence(list(batch), asked=[room_id for room_id, query in batch.items() if query])

    async def _after_outage(self) -> None:
        """The layer is back: tell the other hubs which rooms this one serves, and ask theirs."""
        await self._announce_presence(list(self.rooms), asked=list(self.rooms))

    async def _on_presence(self, message: dict) -> None:
        if message["hub"] == self.hub_id:
            return
        expires = time.monotonic() + PRESENCE_TTL
        self.peers[message["hub"]] = (message["channel"], expires)
        for room_id, seats in message["presence"]:
            room = self.rooms.get(room_id)
            if room is not None:
                room.remote_presence[message["hub"]] = (frozenset(seats), expires)
                await self._presence_changed(room_id)
        asked = [room_id for room_id in message.get("query", ()) if room_id in self.rooms]
        if asked:
            await self._announce_presence(asked)

    async def _presence_changed(self, room_id: int) -> None:
        """Tell the room's sockets here who is online, if that changed."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        now = time.monotonic()
        online = {socket.seat_id for socket in room.sockets}
        for hub, (seats, expires) in list(room.remote_presence.items()):
            if expires < now:
                del room.remote_presence[hub]
            else:
                online |= seats
        if frozenset(online) != room.online:
            room.online = frozenset(online)
            frame = {"type": "presence", "online": sorted(online)}
            for socket in list(room.sockets):
                await self._push(socket, socket.push_frame, frame)

    async def _presence_loop(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_INTERVAL)
            await self._announce_presence(list(self.rooms))
            now = time.monotonic()
            self.peers = {hub: peer for hub, peer in self.peers.items() if peer[1] > now}
            for room_id in list(self.rooms):
                await self._presence_changed(room_id)


_hubs: dict[asyncio.AbstractEventLoop, RoomHub] = {}


def room_hub() -> RoomHub:
    """The hub of the running event loop (one per daphne process), made on first use."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = RoomHub()
    return hub


async def room_hub_reset() -> None:
    """Stop the running loop's hub (tests start each with a fresh one)."""
    hub = _hubs.pop(asyncio.get_running_loop(), None)
    if hub is not None:
        await hub.stop()
