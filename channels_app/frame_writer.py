"""Text frames written straight onto a WebSocket connection that daphne serves.

An ASGI `websocket.send` goes from the consumer through Channels, daphne's reply handler and
autobahn, which checks its options, counts octets, builds the frame's header in Python and writes
it: 20 % of the server's time at 1,000 messages a second, when each message goes to every member
of its room (py-spy under `make bench-room`). A room renders a message once for all its members,
so its frame, header and all, can be built once too and written to each member's connection.

`FrameWriter.for_send` recognises the `send` daphne gives an application; under any other server
(or the test communicator) there is no writer and frames take the ASGI way. A writer writes only
while autobahn would send the frame the same way: the connection open, nothing of autobahn's own
queued or half-sent, no compression, the frame within the size autobahn allows. Otherwise it
declines and the caller takes the ASGI way, which behaves as before (refuses, closes, raises).
"""

import functools
import struct

from autobahn.websocket.protocol import WebSocketProtocol
from daphne.server import Server

FIN_AND_TEXT = 0x81  # RFC 6455, 5.2: the final fragment of a text message


def text_frame(payload: bytes) -> bytes:
    """A server's unmasked text frame of one fragment carrying `payload` (UTF-8), RFC 6455 5.2:
    the length in 7 bits, or 126 and 16 bits, or 127 and 64 bits."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", FIN_AND_TEXT, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", FIN_AND_TEXT, 126, length)
    else:
        header = struct.pack("!BBQ", FIN_AND_TEXT, 127, length)
    return header + payload


class OutgoingFrame:
    """A frame to send: its JSON (`payload`), and its WebSocket frame, built when first asked for.
    A room's event is one OutgoingFrame for all the members who read it alike."""

    __slots__ = ("payload", "_websocket_frame")

    def __init__(self, payload: bytes):
        self.payload, self._websocket_frame = payload, None

    @property
    def websocket_frame(self) -> bytes:
        if self._websocket_frame is None:
            self._websocket_frame = text_frame(self.payload)
        return self._websocket_frame


class FrameWriter:
    """Writes ready-made frames to one connection daphne serves."""

    def __init__(self, server: Server, protocol: WebSocketProtocol):
        self.server, self.protocol = server, protocol

    @classmethod
    def for_send(cls, send) -> "FrameWriter | None":
        """The writer for the connection behind daphne's `send`, or None for any other `send`."""
        if not isinstance(send, functools.partial) or len(send.args) != 1 or send.keywords:
            return None
        server = getattr(send.func, "__self__", None)
        if not isinstance(server, Server) or getattr(send.func, "__func__", None) is not Server.handle_reply:
            return None
        if not isinstance(send.args[0], WebSocketProtocol):
            return None
        return cls(server, send.args[0])

    def write(self, frame: OutgoingFrame) -> bool:
        """Write `frame` if autobahn would send it as it is now; False when the caller must send it
        the ASGI way instead."""
        protocol, payload_length = self.protocol, len(frame.payload)
        if (
            protocol.state != WebSocketProtocol.STATE_OPEN
            or protocol.send_state != WebSocketProtocol.SEND_STATE_GROUND
            or protocol.send_queue
            or protocol._perMessageCompress is not None
            or 0 < protocol.maxMessagePayloadSize < payload_length
            or 0 < protocol.autoFragmentSize < payload_length
        ):
            return False
        connection = self.server.connections.get(protocol)
        if connection is None or "disconnected" in connection:
            return False
        protocol.transport.write(frame.websocket_frame)
        return True
