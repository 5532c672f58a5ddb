"""Frames written straight onto daphne's WebSocket connections (channels_app/frame_writer.py) must
be the bytes autobahn itself would send, and be written only while autobahn would send them."""

import functools
import struct

import pytest
from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from daphne.server import Server
from twisted.internet.testing import StringTransport
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from channels_app.frame_writer import FrameWriter, OutgoingFrame, text_frame

# Lengths at and around the three length encodings of RFC 6455, 5.2 (7 bits, 16 bits, 64 bits).
LENGTHS = (0, 1, 125, 126, 127, 65_535, 65_536, 70_001)


def parsed(data: bytes) -> Frame:
    """One server frame read by another implementation (websockets), which must use every byte."""
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    with pytest.raises(StopIteration) as done:
        next(parser)
    assert not reader.buffer, "bytes left over after the frame"
    return done.value.value


@pytest.mark.parametrize("length", LENGTHS)
def test_a_text_frame_reads_back_as_one_whole_text_message(length):
    payload = ("调解" * length).encode()[:length]
    frame = parsed(text_frame(payload))
    assert (frame.opcode, frame.fin, frame.rsv1, frame.rsv2, frame.rsv3) == (Opcode.TEXT, True, False, False, False)
    assert frame.data == payload


class OpenConnection:
    """An autobahn server connection (daphne's protocol's base) after a real opening handshake,
    writing into a transport that keeps the bytes."""

    def __init__(self):
        factory = WebSocketServerFactory("ws://127.0.0.1")
        factory.protocol = WebSocketServerProtocol  # Twisted's, which daphne's protocol extends
        self.protocol = factory.buildProtocol(None)
        self.transport = StringTransport()
        self.protocol.makeConnection(self.transport)
        self.protocol.dataReceived(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        assert self.protocol.state == self.protocol.STATE_OPEN
        self.transport.clear()
        self.server = type("DaphneServerStandIn", (), {})()
        self.server.connections = {self.protocol: {"connected": 0.0}}
        self.writer = FrameWriter(self.server, self.protocol)

    def written(self) -> bytes:
        data = self.transport.value()
        self.transport.clear()
        return data


@pytest.mark.parametrize("length", LENGTHS)
def test_the_writer_writes_what_autobahn_writes_for_the_same_message(length):
    connection = OpenConnection()
    payload = ("调解" * length).encode()[:length]
    connection.protocol.sendMessage(payload)
    by_autobahn = connection.written()
    assert connection.writer.write(OutgoingFrame(payload)) is True
    assert connection.written() == by_autobahn


def test_the_writer_declines_where_autobahn_would_not_send_the_frame_as_it_is():
    payload = b'{"type":"pong"}'

    closing = OpenConnection()
    closing.protocol.sendClose(1000)
    assert closing.writer.write(OutgoingFrame(payload)) is False

    gone = OpenConnection()
    gone.server.connections[gone.protocol]["disconnected"] = 0.0
    assert gone.writer.write(OutgoingFrame(payload)) is False

    too_big = OpenConnection()
    too_big.protocol.maxMessagePayloadSize = 10
    assert too_big.writer.write(OutgoingFrame(payload)) is False

    mid_message = OpenConnection()
    mid_message.protocol.beginMessage()
    assert mid_message.writer.write(OutgoingFrame(payload)) is False

    for connection in (closing, gone, too_big, mid_message):
        assert struct.pack("!BB", 0x81, len(payload)) + payload not in connection.transport.value()


def test_only_daphnes_send_gets_a_writer():
    connection = OpenConnection()
    server = Server.__new__(Server)  # daphne's server, not started
    server.connections = connection.server.connections
    assert isinstance(FrameWriter.for_send(functools.partial(server.handle_reply, connection.protocol)), FrameWriter)

    async def some_other_send(message):
        pass

    assert FrameWriter.for_send(some_other_send) is None
    assert FrameWriter.for_send(functools.partial(some_other_send)) is None
    assert FrameWriter.for_send(functools.partial(server.handle_reply, object())) is None
