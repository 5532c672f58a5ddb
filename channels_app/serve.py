"""Serve the product with daphne on uvloop: `python -m channels_app.serve [daphne arguments] asgi:application`.

daphne runs Twisted on an asyncio event loop. On the standard loop, Twisted registers and
unregisters a socket's writer with the Python selector for every write, which was the largest
single cost of the room fanning a message out to a thousand sockets; uvloop does the same in C.
daphne makes its loop when its server module is imported, so uvloop's policy is set before that,
here, instead of in the `daphne` script.

The garbage collector is tuned for a process holding many long-lived connections, see
`tune_garbage_collector`; a WebSocket connection that fails is closed with a close frame, see
`_closing_websocket_factory`; the arguments of autobahn's debug messages are made only when such a
message is written, see `_format_log_arguments_lazily`; a TCP connection writes at once when it
has nothing waiting, see `WritingAtOnceServer`; the channel layer is made before the first socket,
see `make_channel_layer`.
"""

import asyncio
import gc
import os
import pprint
import sys

import uvloop
from twisted.internet import tcp

# Objects allocated (net) between two collections of the youngest generation; CPython's default is 700.
YOUNG_COLLECTION_THRESHOLD = 20_000
# Young collections between two collections of the middle generation; the default is 10.
MIDDLE_COLLECTION_THRESHOLD = 20


def tune_garbage_collector() -> None:
    """Collect the young generation far less often than CPython's default.

    A server with a thousand open sockets holds a few hundred thousand long-lived objects (each
    connection's protocol, consumer, scope and session). With the default thresholds a young
    collection runs every 700 allocations, about 300 times a second under load, and promotes the
    frames and events still in flight at that instant; those pile up in the old generation until
    CPython runs a full collection, which walks every connection's objects and stopped the room
    for 120-170 ms (measured with `gc.callbacks` under `make bench-room`). At 20,000 a young
    collection runs about once a second, takes about 6 ms, and nearly everything in flight has
    died by then, so the old generation stops filling and full collections become rare.
    Reference cycles are still collected, only in larger batches.
    """
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, MIDDLE_COLLECTION_THRESHOLD, gc.get_threshold()[2])


def prepare_server_process() -> asyncio.AbstractEventLoop:
    """Tune the collector and the thread switch interval and make uvloop daphne's event loop;
    returns that loop. Call before anything imports daphne."""
    tune_garbage_collector()
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    # The room hub's database threads hand the interpreter back to the event loop's thread with
    # every statement and then wait to get it again. By default that thread keeps it for up to
    # 5 ms, which under load made every stored batch of messages wait about 20 ms; at half a
    # millisecond the waits are short and the loop loses little.
    sys.setswitchinterval(0.0005)
    from daphne import server  # makes the loop and installs Twisted's reactor on it

    server.WebSocketFactory = _closing_websocket_factory(server.WebSocketFactory)
    # Twisted's documented way of choosing the class of the connections a TCP port accepts.
    tcp.Port.transport = WritingAtOnceServer
    _format_log_arguments_lazily()
    return server.twisted_loop


class _text_made_when_formatted:
    """Stands in for the text `make_text(*arguments)` in a log message's arguments, and makes it
    only when the message is formatted, that is when it is written."""

    def __init__(self, make_text, *arguments):
        self.make_text, self.arguments = make_text, arguments

    def __format__(self, spec: str) -> str:
        return format(self.make_text(*self.arguments), spec)

    def __str__(self) -> str:
        return self.make_text(*self.arguments)


def _made_when_formatted(make_text):
    """`make_text`, changed to give its text only when a log message is formatted."""
    return lambda *arguments: _text_made_when_formatted(make_text, *arguments)


def _format_log_arguments_lazily() -> None:
    """Autobahn makes the arguments of its debug messages whether or not debug messages are
    written: it pretty-prints every new connection's settings (5 % of the server's time when a
    thousand clients reconnect at once after a restart) and colours, with click, the method and
    values named in the message for every frame it sends and every read (7 % of the event loop's
    time at 1,000 messages a second); py-spy under `make bench-room`. Its messages are formatted
    lazily, so their arguments can wait until a message is written."""
    from autobahn import util
    from autobahn.twisted import websocket
    from autobahn.websocket import protocol

    protocol.pformat = _made_when_formatted(lambda value: pprint.pformat(value))
    # The one use of pformat that is not a log message's argument must still give text.
    protocol.Timings.__str__ = lambda timings: pprint.pformat(timings._timings)
    for module in (protocol, websocket):
        module.hltype = _made_when_formatted(util.hltype)
        module.hlval = _made_when_formatted(util.hlval)


class WritingAtOnceServer(tcp.Server):
    """A TCP connection that sends what it is given at once when nothing is waiting to be sent.

    Twisted buffers every write, registers the socket with the event loop to be told when it can
    be written, sends on the next turn of the loop and unregisters it again: for a room fanning a
    message out to its members, 18 % of the server's time at 1,000 messages a second went to that
    round (py-spy under `make bench-room`). A socket with room in its kernel buffer takes the
    bytes at once; what it does not take, and everything written while something waits, goes
    through Twisted's buffer as before, so bytes stay in order. Encrypted connections (Twisted's
    TLS) always take the buffered way."""

    def write(self, data: bytes) -> None:
        waiting = self._tempDataBuffer or self.offset < len(self.dataBuffer)
        if waiting or self.TLS or not self.connected or self.disconnecting or self._writeDisconnected:
            super().write(data)
            return
        sent = self.writeSomeData(data)  # the bytes the socket took; 0 if none; an error if it is lost
        if not isinstance(sent, int):
            sent = 0  # left to Twisted, whose own attempt finds the error and closes the connection
        if sent < len(data):
            super().write(data[sent:])


def _closing_websocket_factory(factory_class):
    """daphne's WebSocket factory, failing a connection with a close frame. Autobahn's default is
    to drop the TCP connection when it fails one (a frame over daphne's 1 MiB limit, say): the
    client then sees only 1006, no reason. With a close frame it sees 1009 (message too big), as
    docs/room-protocol.md says."""

    class ClosingWebSocketFactory(factory_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.setProtocolOptions(failByDrop=False)

    return ClosingWebSocketFactory


def make_channel_layer() -> None:
    """Make the channel layer while the server starts, not when the first socket arrives: after a
    restart every client reconnects at once, and making it then slowed the whole storm (README,
    "Joining"). Here and not in asgi.py, which every test process imports: a layer made at that
    import made the duty desk's announcements from the tests go missing."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channels_app.settings")
    django.setup()
    from channels.layers import get_channel_layer

    get_channel_layer()


def main() -> None:
    prepare_server_process()
    make_channel_layer()
    from daphne.cli import CommandLineInterface

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
