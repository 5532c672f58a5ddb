"""Load generator of the room benchmark (run by bench/room_bench.py on its own core).

Opens every participant's socket, sends messages at a fixed aggregate rate spread evenly over the
sockets and rooms, and measures, for every delivery to every member of the room, the time from
sending to receiving. Writes its figures as JSON."""

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import percentile  # noqa: E402


def process_cpu_seconds(pid: int | None) -> float | None:
    """The CPU time (user and system, all threads) process `pid` has used so far: /proc/<pid>/stat."""
    if pid is None:
        return None
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_between(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 1)


class Member:
    def __init__(self, room: int, url: str, cookie: str | None, origin: str):
        self.room, self.url, self.cookie, self.origin = room, url, cookie, origin
        self.socket = None


async def run(spec: dict) -> dict:
    product = spec["mode"] == "product"
    members: list[Member] = []
    for room_index, room in enumerate(spec["rooms"]):
        for member in room["members"]:
            members.append(Member(room_index, member["url"], member.get("cookie"), spec["origin"]))
    # Interleave so that consecutive messages come from different rooms: k -> room k % R.
    rooms = len(spec["rooms"])
    per_room = len(members) // rooms
    order = [members[room * per_room + seat] for seat in range(per_room) for room in range(rooms)]

    latencies: list[float] = []
    timeline: list[tuple[float, float]] = []
    delivered: dict[int, int] = {}
    acked: set[int] = set()
    errors: list[dict] = []
    ready = asyncio.Semaphore(50)  # daphne listens with a backlog of 50

    async def open_socket(member: Member) -> None:
        async with ready:
            headers = {"Cookie": f"sessionid={member.cookie}"} if member.cookie else {}
            member.socket = await websockets.connect(
                member.url, origin=member.origin, additional_headers=headers, max_queue=None, open_timeout=60
            )
            if product:  # joined once the history arrived
                while json.loads(await member.socket.recv()).get("type") != "history":
                    pass

    async def read(member: Member) -> None:
        try:
            async for raw in member.socket:
                received = time.time()
                frame = json.loads(raw)
                if product:
                    kind = frame.get("type")
                    if kind == "ack":
                        acked.add(int(frame["client_msg_id"].rsplit("-", 1)[1]))
                        continue
                    if kind == "error":
                        errors.append(frame)
                        continue
                    if kind != "message":
                        continue
                    payload = frame["text"]
                else:
                    payload = frame["message"]
                number, sent = payload.split("|")
                delivered[int(number)] = delivered.get(int(number), 0) + 1
                latencies.append((received - float(sent)) * 1000)
                timeline.append((float(sent), latencies[-1]))
        except websockets.ConnectionClosed:
            pass

    # The server's CPU time is the cost of the work, where latencies also measure the machine's
    # other loads: spent joining (seconds), and sending (share of its one core).
    server = spec.get("server_pid")
    started, cpu_at_start = time.monotonic(), process_cpu_seconds(server)
    await asyncio.gather(*(open_socket(member) for member in members))
    connect_seconds = time.monotonic() - started
    cpu_joined = process_cpu_seconds(server)
    print(f"  {len(members)} sockets joined in {connect_seconds:.1f} s; sending", flush=True)
    readers = [asyncio.create_task(read(member)) for member in members]
    # The generator's own pauses count in every latency it measures: record them, so that a tail
    # the server did not cause shows up as such.
    client_stalls: list[tuple[float, float]] = []
    gc_pauses: list[float] = []
    gc_started = [0.0]

    def on_gc(phase_name: str, info: dict) -> None:
        if phase_name == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_pauses.append((time.perf_counter() - gc_started[0]) * 1000)

    gc.callbacks.append(on_gc)

    async def watch_own_loop() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            late = (time.perf_counter() - before - 0.005) * 1000
            if late > 20:
                client_stalls.append((time.time(), late))

    watcher = asyncio.create_task(watch_own_loop())

    rate, duration = spec["rate"], spec["duration"]
    total = int(rate * duration)
    loop = asyncio.get_running_loop()
    begin = loop.time()
    for number in range(total):
        target = begin + number / rate
        delay = target - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        member = order[number % len(order)]
        payload = f"{number}|{time.time():.6f}"
        if product:
            frame = {"type": "message", "client_msg_id": f"{spec['run']}-{number}", "text": payload}
        else:
            frame = {"message": payload}
        await member.socket.send(json.dumps(frame))
    send_seconds = loop.time() - begin
    cpu_sent = process_cpu_seconds(server)

    expected = total * per_room
    drain_until = loop.time() + spec["drain"]
    while loop.time() < drain_until and (sum(delivered.values()) < expected or (product and len(acked) < total)):
        await asyncio.sleep(0.1)
    for member in members:
        await member.socket.close()
    for reader in readers:
        reader.cancel()
    watcher.cancel()
    gc.callbacks.remove(on_gc)

    received = sum(delivered.values())
    if product:  # a message the room refused (rate limit) is answered with an error, not delivered
        expected = len(acked) * per_room
    return {
        "mode": spec["mode"],
        "rooms": rooms,
        "sockets": len(members),
        "rate": rate,
        "connect_seconds": round(connect_seconds, 1),
        "server_join_cpu_seconds": cpu_between(cpu_at_start, cpu_joined),
        "server_send_cpu_percent": None if cpu_sent is None else round(100 * (cpu_sent - cpu_joined) / send_seconds),
        "sent": total,
        "sent_per_second": round(total / send_seconds, 1),
        "acked": len(acked) if product else None,
        "expected_deliveries": expected,
        "deliveries": received,
        "duplicates": sum(max(0, count - per_room) for count in delivered.values()),
        "lost_deliveries": expected - received,
        "deliveries_per_second": round(received / (send_seconds + 1e-9), 1),
        "latency_ms_p50": round(percentile(latencies, 0.50), 1),
        "latency_ms_p99": round(percentile(latencies, 0.99), 1),
        "latency_ms_max": round(max(latencies), 1) if latencies else None,
        "refused": len(errors) if product else None,
        "errors": errors[:5],
        "by_second": by_second(timeline),
        "error_count": len(errors),
        "client_stalls_ms": [round(late, 1) for _, late in client_stalls],
        "client_gc_ms_max": round(max(gc_pauses), 1) if gc_pauses else 0.0,
        "client_gc_ms_total": round(sum(gc_pauses), 1),
    }


def by_second(timeline):
    if not timeline:
        return []
    first = min(sent for sent, _ in timeline)
    buckets = {}
    for sent, latency in timeline:
        buckets.setdefault(int(sent - first), []).append(latency)
    return [
        (second, first + second, len(values), round(percentile(values, 0.5), 1), round(percentile(values, 0.99), 1))
        for second, values in sorted(buckets.items())
    ]


def main() -> None:
    # The generator keeps every latency it measures (tens of thousands of tuples): collected at
    # CPython's default pace they cost it 30-40 ms pauses, which would count as the server's.
    gc.set_threshold(20_000, 20, 10)
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("result")
    arguments = parser.parse_args()
    with open(arguments.spec) as spec_file:
        spec = json.load(spec_file)
    result = asyncio.run(run(spec))
    with open(arguments.result, "w") as result_file:
        json.dump(result, result_file)


if __name__ == "__main__":
    main()
