"""What every WebSocket of the product shares: decoding a JSON frame against a table of its
fields, handling it (FrameHandler), and the per-connection message allowance. A refused frame
raises RoomActionRefused with a stable code (mediation/services/room_errors.py), which the consumer
answers with an error frame."""

import json
import logging
import time

import orjson
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mediation.services.errors import DomainError
from mediation.services.room_errors import RoomActionRefused

logger = logging.getLogger(__name__)

MAX_FRAME_CHARACTERS = 16_384
# No frame of the protocols nests deeper than this; deeper JSON is refused before it is walked.
MAX_FRAME_DEPTH = 8

# What is wrong with a field, in the reader's language (rendered when the error frame is sent).
PROBLEMS = {
    "unknown_field": _("unknown field"),
    "required": _("is required"),
    "not_negative": _("must not be negative"),
    "not_text": _("is not valid Unicode text"),
    str: _("must be a string"),
    int: _("must be a whole number"),
    bool: _("must be true or false"),
    dict: _("must be an object"),
}


def frame_json(frame: dict) -> bytes:
    """A frame as the UTF-8 sent to the client: compact JSON, non-ASCII as itself. orjson, not the
    standard library: every join sends a page of 50 events, and encoding with `json` was 6 % of
    the server's time when 1,000 clients joined at once (py-spy under `make bench-room`)."""
    return orjson.dumps(frame, option=orjson.OPT_NON_STR_KEYS)


def frame_text(frame: dict) -> str:
    """A frame as the text sent to the client (`frame_json`, decoded)."""
    return frame_json(frame).decode()


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
    except (ValueError, RecursionError):
        raise RoomActionRefused("malformed_json") from None
    if not _shallow(frame, depth=0):
        raise RoomActionRefused("malformed_json")
    if isinstance(frame, dict):
        # Text with half of a UTF-16 surrogate pair ("\ud800") can be neither stored nor sent
        # back: the field is named, and only the readable rest of the frame is echoed.
        unreadable = [name for name, value in frame.items() if not (_readable(name) and _readable(value))]
        if unreadable:
            refusal = RoomActionRefused("invalid_field", field=_printable(unreadable[0]), problem=PROBLEMS["not_text"])
            refusal.frame = {name: value for name, value in frame.items() if name not in unreadable}
            raise refusal
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise RoomActionRefused("not_an_object")
    try:
        return frame, _checked_fields(frame, table)
    except RoomActionRefused as refusal:
        refusal.frame = frame
        raise


def _shallow(value, *, depth: int) -> bool:
    """JSON no deeper than MAX_FRAME_DEPTH."""
    if depth >= MAX_FRAME_DEPTH:
        return not isinstance(value, dict | list)
    if isinstance(value, dict):
        return all(_shallow(item, depth=depth + 1) for item in value.values())
    if isinstance(value, list):
        return all(_shallow(item, depth=depth + 1) for item in value)
    return True


def _readable(value) -> bool:
    """Whether every text in `value` (keys included) is valid Unicode."""
    if isinstance(value, str):
        return value.isascii() or _encodable(value)
    if isinstance(value, dict):
        return all(_readable(key) and _readable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_readable(item) for item in value)
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(name: str) -> str:
    return name[:40].encode("utf-8", "replace").decode("utf-8")


def _checked_fields(frame: dict, table: FrameFields) -> dict:
    if frame["type"] not in table:
        raise RoomActionRefused("unknown_type", type=frame["type"][:40])
    spec = table[frame["type"]]
    fields = {}
    for name in frame:
        if name not in spec and name not in ("type", "ref"):
            raise RoomActionRefused("invalid_field", field=name[:40], problem=PROBLEMS["unknown_field"])
    for name, (kind, required) in spec.items():
        if name not in frame:
            if required:
                raise RoomActionRefused("invalid_field", field=name, problem=PROBLEMS["required"])
            continue
        value = frame[name]
        # JSON true/false are not numbers here.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RoomActionRefused("invalid_field", field=name, problem=PROBLEMS[kind])
        if kind is int and value < 0:
            raise RoomActionRefused("invalid_field", field=name, problem=PROBLEMS["not_negative"])
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


class FrameHandler:
    """What a WebSocket consumer does with a frame from its client: decode it against
    `frame_fields`, charge an allowance (a `message` charges its own in its handler; every other
    frame the shared `frame_allowance`), call its `on_<type>` handler, and answer every refusal and
    every fault with an error frame through `send_error`, leaving the socket open. The consumer
    calls `handle_frame` in the reader's language."""

    frame_fields: FrameFields
    frame_allowance: MessageAllowance

    async def send_error(self, refusal: DomainError, frame: dict) -> None:
        raise NotImplementedError

    async def handle_frame(self, text_data: str | None) -> None:
        frame: dict = {}
        try:
            frame, fields = decode_frame(text_data, self.frame_fields)
            if frame["type"] != "message":
                self.frame_allowance.take()
            await getattr(self, "on_" + frame["type"])(**fields)
        except DomainError as refusal:
            # A frame decode_frame refused carries what was read of it; a refused action, its frame.
            await self.send_error(refusal, getattr(refusal, "frame", frame))
        except ValidationError as error:
            field, messages = (
                next(iter(error.message_dict.items())) if hasattr(error, "error_dict") else ("", error.messages)
            )
            await self.send_error(RoomActionRefused("invalid_field", field=field, problem=" ".join(messages)), frame)
        except Exception:
            # A fault of ours (the database, the channel layer or the bot failing): the sender is
            # told, the socket stays, and the frame may be sent again.
            logger.exception("%s: a %s frame failed", type(self).__name__, frame.get("type"))
            await self.send_error(RoomActionRefused("server_error"), frame)
