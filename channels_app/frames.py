"""What every WebSocket of the product shares: decoding a JSON frame against a table of its
fields, and the per-connection message allowance. A refused frame raises RoomActionRefused with a
stable code (mediation/services/room_errors.py), which the consumer answers with an error frame."""

import json
import time

from mediation.services.room_errors import RoomActionRefused

MAX_FRAME_CHARACTERS = 16_384

# A frame table: type -> field name -> (type or types, required).
FrameFields = dict[str, dict[str, tuple[type | tuple[type, ...], bool]]]


def decode_frame(text_data: str | None, table: FrameFields) -> tuple[dict, dict]:
    """(the frame, its checked fields), or RoomActionRefused naming what is wrong, with the frame
    as far as it was read in its `frame` attribute (to name it and echo its ids in the error).
    Extra fields are refused, so that a typo is reported instead of silently ignored."""
    try:
        return _decoded(text_data, table)
    except RoomActionRefused as refusal:
        refusal.frame = getattr(refusal, "frame", {})
        raise


def _decoded(text_data: str | None, table: FrameFields) -> tuple[dict, dict]:
    if text_data is None:
        raise RoomActionRefused("malformed_json")
    if len(text_data) > MAX_FRAME_CHARACTERS:
        raise RoomActionRefused("frame_too_large", limit=MAX_FRAME_CHARACTERS)
    try:
        frame = json.loads(text_data)
    except ValueError:
        raise RoomActionRefused("malformed_json") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise RoomActionRefused("not_an_object")
    try:
        return frame, _checked_fields(frame, table)
    except RoomActionRefused as refusal:
        refusal.frame = frame
        raise


def _checked_fields(frame: dict, table: FrameFields) -> dict:
    if frame["type"] not in table:
        raise RoomActionRefused("unknown_type", type=frame["type"][:40])
    spec = table[frame["type"]]
    fields = {}
    for name in frame:
        if name not in spec and name not in ("type", "ref"):
            raise RoomActionRefused("invalid_field", field=name[:40], problem="unknown field")
    for name, (kind, required) in spec.items():
        if name not in frame:
            if required:
                raise RoomActionRefused("invalid_field", field=name, problem="is required")
            continue
        value = frame[name]
        # JSON true/false are not numbers here.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = {str: "a string", int: "an integer", bool: "true or false", dict: "an object"}[kind]
            raise RoomActionRefused("invalid_field", field=name, problem=f"must be {expected}")
        if kind is int and value < 0:
            raise RoomActionRefused("invalid_field", field=name, problem="must not be negative")
        fields[name] = value
    return fields


class MessageAllowance:
    """A token bucket: a burst of up to `burst` messages, then `rate` a second. A person typing
    steadily never meets the limit even when the network bunches their messages up; a script
    flooding the connection does."""

    def __init__(self, burst: int, rate: float):
        self.burst, self.rate = burst, rate
        self.tokens = float(burst)
        self.at = time.monotonic()

    def take(self) -> None:
        now = time.monotonic()
        elapsed, self.at = now - self.at, now
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        if self.tokens < 1:
            retry_after = round((1 - self.tokens) / self.rate, 1)
            raise RoomActionRefused("rate_limited", burst=self.burst, rate=self.rate, retry_after=retry_after)
        self.tokens -= 1
