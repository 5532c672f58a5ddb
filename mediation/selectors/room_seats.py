"""A user's seat in a room, with everything the job check (case_relations) reads, in two plain
SQL statements. This is on the path of every socket's arrival: after a restart every client
reconnects at once, and Django's building of a query over seven models (its columns compiled on
every call) and PostgreSQL's planning of a nine-table join each cost more than the reads. The
statements are built from the models' own tables and columns; the instances are the models'
(`model_rows`), linked as select_related would link them. Both statements are prepared once per
connection (`prepared`)."""

from django.db import connection
from django.utils.functional import LazyObject, empty

from mediation.models import Authority, Case, Consumer, MediationRoom, MerchantStaff, Official, RoomParticipant
from mediation.selectors.model_rows import in_model_order, model_instances, select_columns, table_name
from mediation.selectors.prepared import PreparedStatement

# The parts of each statement's row: an alias, the model, the attributes read.
SEAT_PARTS = (
    (
        "p",
        RoomParticipant,
        ("id", "room_id", "user_id", "role", "display_name", "muted", "last_read_seq", "first_joined_at", "added_at"),
    ),
    ("r", MediationRoom, ("id", "kind", "status", "last_seq", "case_id", "open_caucuses")),
    (
        "c",
        Case,
        (
            *("id", "number", "kind", "status", "entity_id", "consumer_id", "business_notified_at"),
            *("handling_authority_id", "co_mediating_authority_id", "entrusted_to_id"),
        ),
    ),
    ("cc", Consumer, ("id", "user_id")),
)
JOB_PARTS = (
    ("uc", Consumer, ("id", "user_id", "preferred_language")),
    ("o", Official, ("id", "user_id", "authority_id", "on_duty")),
    ("a", Authority, ("id", "kind", "region_id")),
    ("ms", MerchantStaff, ("id", "user_id", "entity_id")),
)


SEAT_PARTS = in_model_order(SEAT_PARTS)
JOB_PARTS = in_model_order(JOB_PARTS)

SEAT_SQL = PreparedStatement(
    "room_seat",
    f"""
SELECT {select_columns(SEAT_PARTS)}
FROM {table_name(RoomParticipant)} p
JOIN {table_name(MediationRoom)} r ON r.id = p.room_id
JOIN {table_name(Case)} c ON c.id = r.case_id
LEFT JOIN {table_name(Consumer)} cc ON cc.id = c.consumer_id
WHERE p.user_id = %(user)s AND c.number = %(number)s
""",
)

JOB_SQL = PreparedStatement(
    "room_seat_job",
    f"""
SELECT {select_columns(JOB_PARTS)}
FROM (SELECT %(user)s::integer AS id) u
LEFT JOIN {table_name(Consumer)} uc ON uc.user_id = u.id
LEFT JOIN {table_name(Official)} o ON o.user_id = u.id
LEFT JOIN {table_name(Authority)} a ON a.id = o.authority_id
LEFT JOIN {table_name(MerchantStaff)} ms ON ms.user_id = u.id
""",
)


def _cache(instance, relation_name: str, value) -> None:
    """Remember `value` (None for "there is none") as `instance`'s related object, so that reading
    it costs no query: what select_related does."""
    type(instance)._meta.get_field(relation_name).set_cached_value(instance, value)


def seat_with_job(*, user, number: str) -> RoomParticipant | None:
    """The user's seat in the room of case `number`, or None; its room, the case and the case's
    consumer, and the user's consumer, official (with authority) and business staff records, all
    linked."""
    if isinstance(user, LazyObject):  # the socket's scope user: link the user itself
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    with connection.cursor() as cursor:
        row = SEAT_SQL.fetchone(cursor, {"user": user.pk, "number": number})
        if row is None:
            return None
        job_row = JOB_SQL.fetchone(cursor, {"user": user.pk})
    seat_part = model_instances(row, SEAT_PARTS)
    seat, room, case = seat_part["p"], seat_part["r"], seat_part["c"]
    _cache(room, "case", case)
    _cache(seat, "room", room)
    if case.consumer_id is not None:
        _cache(case, "consumer", seat_part["cc"])
    _cache(seat, "user", user)
    job = model_instances(job_row, JOB_PARTS)
    for relation_name, alias in (("consumer", "uc"), ("official", "o"), ("merchant_staff", "ms")):
        related = job[alias]
        _cache(user, relation_name, related)
        if related is not None:
            _cache(related, "user", user)
    if job["o"] is not None:
        _cache(job["o"], "authority", job["a"])
    return seat
