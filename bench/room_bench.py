"""The mediation room under load: R rooms of 4 participants on one daphne process (pinned to one
core) with the Redis channel layer, at a fixed aggregate message rate, against the same harness on
a minimal Channels broadcast room without persistence (the shape of the Channels tutorial chat).

The load generator runs in its own process on the other core (bench/room_load.py). For every
message it measures the delay to each of the four members of its room, counts what never arrived,
and, for the product, checks that every message was acknowledged and is in PostgreSQL.
Target: 250 rooms of 4, 1,000 messages per second sent, every message stored, nothing lost, p99
under 100 ms.
"""

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")

from bench.common import ensure_database  # noqa: E402

SERIAL_BASE = 900_000_000  # credit code serials of the bench shops, far from the seeded registry's
SERVER_CORE, LOAD_CORE = "0", "1"


def bench_rooms(count: int) -> list[dict]:
    """`count` complaints in mediation, each with a consumer, a merchant, a lead and a co-mediator,
    made once and reused; every run gets fresh login sessions."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from stdnum.cn import ric

    from mediation.models import Authority, AuthorityKind, MediationRoom, Region, RoomParticipant
    from mediation.services.cases import complaint_submit
    from mediation.services.people import consumer_register, merchant_staff_add, official_add
    from mediation.services.registry import entity_register
    from mediation.services.rooms import mediation_start
    from mediation.services.synthetic_registry import synthetic_uscc
    from mediation.services.transitions import case_transition

    user_model = get_user_model()
    shop_region, home_region = Region.objects.get(code="330106"), Region.objects.get(code="110105")
    shop_bureau = Authority.objects.get(kind=AuthorityKind.BUREAU, region=shop_region)
    home_bureau = Authority.objects.get(kind=AuthorityKind.BUREAU, region=home_region)

    def user(name: str):
        made, _ = user_model.objects.get_or_create(username=name)
        return made

    lead = user("bench-room-lead")
    if not hasattr(lead, "official"):
        official_add(user=lead, authority=shop_bureau)
    co = user("bench-room-co")
    if not hasattr(co, "official"):
        official_add(user=co, authority=home_bureau)
    rooms = []
    for index in range(count):
        consumer_user = user(f"bench-room-consumer-{index}")
        room = MediationRoom.objects.filter(case__consumer__user=consumer_user).first()
        if room is None:
            body = f"110105199003{index % 28 + 1:02d}{index % 1000:03d}"
            consumer = consumer_register(
                user=consumer_user,
                real_name="王五",
                id_number=body + ric.calc_check_digit(body + "0"),
                phone="13900000000",
                home_region=home_region,
            )
            shop = entity_register(
                name=f"杭州基准测试商店{index}号",
                uscc=synthetic_uscc("330106", SERIAL_BASE + index),
                business_region=shop_region,
                business_address="文三路1号",
            )
            merchant = user(f"bench-room-merchant-{index}")
            merchant_staff_add(user=merchant, entity=shop)
            case = complaint_submit(
                consumer=consumer, entity=shop, facts="基准测试投诉", category="G02", demand="refund"
            )
            case = case_transition(case=case, action="accept", actor=lead)
            for party in (consumer_user, merchant):  # both parties agree to mediate (Order 121 Art. 18)
                case = case_transition(case=case, action="consent_to_mediation", actor=party)
            room = mediation_start(case=case, actor=lead, co_mediator=co)
        members = []
        for seat in RoomParticipant.objects.filter(room=room).select_related("user").order_by("role"):
            session = SessionStore()
            session[SESSION_KEY] = str(seat.user.pk)
            session[BACKEND_SESSION_KEY] = "channels_app.auth_backends.PreparedModelBackend"
            session[HASH_SESSION_KEY] = seat.user.get_session_auth_hash()
            session.create()
            members.append({"role": seat.role, "cookie": session.session_key})
        rooms.append({"number": room.case.number, "room_id": room.pk, "members": members})
    return rooms


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(application: str, port: int, extra_env: dict, log: Path) -> subprocess.Popen:
    """The server on its own core: the product's `python -m channels_app.serve` (daphne on uvloop),
    or the command line in ROOM_BENCH_SERVER (for example `.venv/bin/daphne`, to compare). With
    ROOM_BENCH_PROFILE set, under py-spy (a flame graph in that file)."""
    server_command = os.environ.get("ROOM_BENCH_SERVER", "").split() or [sys.executable, "-m", "channels_app.serve"]
    command = ["taskset", "-c", SERVER_CORE, *server_command, "-b", "127.0.0.1", "-p", str(port)]
    if os.environ.get("ROOM_BENCH_PROFILE") and "tutorial" not in application:
        command = [
            str(ROOT / ".venv/bin/py-spy"),
            "record",
            *os.environ.get("ROOM_BENCH_PROFILE_OPTIONS", "").split(),
            "--format",
            "raw",
            "-o",
            os.environ["ROOM_BENCH_PROFILE"],
            "--",
            *command,
        ]
    server = subprocess.Popen(
        [*command, application],
        cwd=ROOT,
        env={**os.environ, **extra_env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"daphne exited; see {log}"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return server
        time.sleep(0.2)
    raise RuntimeError("daphne did not start")


def stop_server(server: subprocess.Popen) -> None:
    """Ask daphne to stop (py-spy writes its profile on SIGINT); a server still busy with a backlog
    after 15 s is killed."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_load(spec: dict, workdir: Path) -> dict:
    spec_file, result_file = workdir / "spec.json", workdir / "result.json"
    spec_file.write_text(json.dumps(spec))
    subprocess.run(
        ["taskset", "-c", LOAD_CORE, sys.executable, str(ROOT / "bench/room_load.py"), spec_file, result_file],
        check=True,
    )
    return json.loads(result_file.read_text())


def stored_since(room_ids: list[int], since) -> int:
    from mediation.models import RoomEvent

    return RoomEvent.objects.filter(room_id__in=room_ids, kind="message", created_at__gte=since).count()


def cpu_times() -> list[int]:
    """The machine's CPU time so far, by kind (user, nice, system, idle, iowait, irq, softirq, steal),
    in clock ticks: from /proc/stat."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:9]]


def stolen_share(before: list[int], after: list[int]) -> float:
    """The share of the machine's time that the hypervisor gave to other machines between two
    readings (steal): a run with much of it measured a busy host, not the room."""
    spent = [later - earlier for earlier, later in zip(before, after, strict=True)]
    return spent[7] / max(1, sum(spent))


# A fixed piece of pure Python, timed on the server's core: machines of this kind differ in speed
# by a factor of three from day to day, and the room's figures scale with it.
SPEED_PROBE = "sum(i * i for i in range(1_000_000))"


def machine_speed_ms() -> float:
    """Milliseconds the server's core takes for SPEED_PROBE (best of five)."""
    output = subprocess.run(
        ["taskset", "-c", SERVER_CORE, sys.executable, "-m", "timeit", "-n", "3", "-r", "5", "-u", "msec", SPEED_PROBE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.split(":")[1].split()[0])


def vacuum_room_tables() -> None:
    """Every run starts from tidy tables. Each stored batch updates its rooms' rows (their last
    sequence number); where autovacuum is off (as on the development machine) the dead row
    versions pile up from run to run: 1,458 on the 250 room rows after a day of runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE mediation_mediationroom, mediation_roomparticipant, mediation_roomevent")


def phase(
    name: str, *, product: bool, rooms: list[dict], rate: int, duration: float, workdir: Path, timeline: bool
) -> dict:
    from django.utils import timezone

    port = free_port()
    if product:
        application, extra_env = "asgi:application", {"DATABASE_CONN_MAX_AGE": "60"}
        urls = [f"ws://127.0.0.1:{port}/ws/rooms/{room['number']}/" for room in rooms]
    else:
        # The tutorial's layer settings: the default capacity of 100 messages per channel.
        application, extra_env = "bench.tutorial_room:application", {"CHANNEL_LAYER_CAPACITY": "100"}
        urls = [f"ws://127.0.0.1:{port}/ws/tutorial/bench-{index}/" for index in range(len(rooms))]
    spec = {
        "mode": "product" if product else "tutorial",
        # Client message ids are unique per sender for ever: a repeated id is a resend.
        "run": uuid.uuid4().hex[:12],
        "origin": f"http://127.0.0.1:{port}",
        "rate": rate,
        "duration": duration,
        "drain": 10,
        "rooms": [
            {"members": [{"url": url, "cookie": member["cookie"] if product else None} for member in room["members"]]}
            for url, room in zip(urls, rooms, strict=True)
        ],
    }
    if product:
        vacuum_room_tables()
    print(f"{name}: {len(rooms)} rooms x 4 at {rate}/s for {duration:.0f} s ...", flush=True)
    server = start_server(application, port, extra_env, workdir / f"{name}.log")
    # Under py-spy the server is py-spy's child, whose CPU time is not measured.
    spec["server_pid"] = None if os.environ.get("ROOM_BENCH_PROFILE") else server.pid
    started, cpu_before = timezone.now(), cpu_times()
    try:
        result = run_load(spec, workdir)
    finally:
        stop_server(server)
    result["steal_percent"] = round(100 * stolen_share(cpu_before, cpu_times()), 1)
    log = (workdir / f"{name}.log").read_text(errors="replace")
    print("\n".join(line for line in log.splitlines() if "GCDEBUG" in line))
    result["server_errors"] = log.count("Traceback")
    if result["server_errors"]:
        first = log.index("Traceback")
        print(f"  the server logged {result['server_errors']} errors; the first:\n{log[first - 300 : first + 2500]}")
    if product:
        result["stored"] = stored_since([room["room_id"] for room in rooms], started)
    result["name"] = name
    print(
        f"  the load generator's own pauses (they count in its latencies): over 20 ms "
        f"{result['client_stalls_ms'] or 'none'}; garbage collection max {result['client_gc_ms_max']} ms; "
        f"CPU time stolen by the hypervisor {result['steal_percent']} %"
    )
    if timeline:
        # The wall-clock time of each second, to set beside PostgreSQL's log and the system's.
        for second, wall_clock, count, p50, p99 in result["by_second"]:
            at = time.strftime("%H:%M:%S", time.gmtime(wall_clock))
            print(f"    second {second:3d} ({at} UTC): {count:5d} deliveries p50 {p50:7.1f} p99 {p99:7.1f}")
    return result


def _or_dash(value) -> str:
    return "-" if value is None else str(value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=250)
    parser.add_argument("--rate", type=int, action="append", help="messages per second sent (repeatable)")
    parser.add_argument("--baseline-rate", type=int, action="append", help="rates for the tutorial baseline")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--timeline", action="store_true", help="print p50 and p99 for each second of sending")
    arguments = parser.parse_args()
    rates = arguments.rate or [300, 500, 1000]
    baseline_rates = arguments.baseline_rate or [350, 1000]
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    from mediation.services.reference_data import reference_data_load

    call_command("migrate", verbosity=0)
    reference_data_load(only=["330106", "110105"])
    started = time.monotonic()
    rooms = bench_rooms(arguments.rooms)
    print(f"{len(rooms)} rooms ready in {time.monotonic() - started:.0f} s", flush=True)
    speed_before = machine_speed_ms()

    # The tutorial-shaped baseline first, then the room, each at its rates (0 skips a run).
    runs = [(False, rate) for rate in baseline_rates if rate] + [(True, rate) for rate in rates if rate]
    with tempfile.TemporaryDirectory(prefix="room-bench-") as workdir:
        results = [
            phase(
                f"{'room' if product else 'tutorial'}@{rate}",
                product=product,
                rooms=rooms,
                rate=rate,
                duration=arguments.duration,
                workdir=Path(workdir),
                timeline=arguments.timeline,
            )
            for product, rate in runs
        ]

    print(
        f"\nmachine speed: `{SPEED_PROBE}` took {speed_before:.0f} ms on the server's core before the runs and "
        f"{machine_speed_ms():.0f} ms after (lower is faster)\n"
    )
    columns = [("run", 16), ("sockets", 8), ("sent/s", 9), ("deliv/s", 9), ("p50 ms", 9), ("p99 ms", 9)]
    columns += [("max ms", 9), ("lost", 8), ("dup", 5), ("acked", 8), ("refused", 8), ("stored", 8)]
    columns += [("join s", 8), ("join cpu", 9), ("cpu %", 7), ("steal %", 9)]
    header = "".join(f"{title:<{width}}" if title == "run" else f"{title:>{width}}" for title, width in columns)
    print(header)
    print("-" * len(header))
    for r in results:
        acked = "" if r["acked"] is None else str(r["acked"])
        refused = "" if r["refused"] is None else str(r["refused"])
        print(
            f"{r['name']:<16}{r['sockets']:>8}{r['sent_per_second']:>9}{r['deliveries_per_second']:>9}"
            f"{r['latency_ms_p50']:>9}{r['latency_ms_p99']:>9}{r['latency_ms_max']:>9}{r['lost_deliveries']:>8}"
            f"{r['duplicates']:>5}{acked:>8}{refused:>8}{r.get('stored', ''):>8}"
            f"{r['connect_seconds']:>8}{_or_dash(r['server_join_cpu_seconds']):>9}"
            f"{_or_dash(r['server_send_cpu_percent']):>7}{r['steal_percent']:>9}"
        )
        if r["error_count"]:
            print(f"  error frames, e.g. {r['errors'][:1]}")
    print(
        "\nsent/s: messages sent per second; deliv/s: deliveries received per second (each message goes to the 4"
        "\nmembers of its room); latency from sending to each delivery; lost: deliveries that never arrived"
        "\n(of the messages acknowledged, for the room); acked/refused/stored: messages the room acknowledged,"
        "\nrefused with an error frame (the per-connection rate limit, when a lagging server reads a burst),"
        "\nand found in PostgreSQL; join s: seconds for every socket to join (welcome and latest history);"
        "\njoin cpu: the server's CPU seconds while they joined; cpu %: its CPU time while sending, in per cent"
        "\nof its one core (near 100, it is saturated and latencies grow with its queue);"
        "\nsteal %: the share of the machine's CPU time the hypervisor gave to other machines during the run."
    )


if __name__ == "__main__":
    main()
