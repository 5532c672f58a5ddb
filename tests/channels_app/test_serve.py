import subprocess
import sys

from django.conf import settings


def run_in_own_process(check: str) -> None:
    """Runs `check` in a Python process of its own, as the server starts, and fails with its error."""
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_the_server_runs_daphne_on_uvloop():
    # In a process of its own: daphne installs its reactor once per process, on import.
    check = (
        "import uvloop\n"
        "from channels_app.serve import prepare_server_process\n"
        "loop = prepare_server_process()\n"
        "from twisted.internet import reactor\n"
        "assert isinstance(loop, uvloop.Loop), type(loop)\n"
        "assert reactor._asyncioEventloop is loop\n"
    )
    run_in_own_process(check)


def test_the_server_collects_young_objects_in_large_batches():
    # Checked in a process of its own, as the server starts it, so that the test run's own
    # collector is left alone.
    check = (
        "import gc\n"
        "from channels_app.serve import prepare_server_process, YOUNG_COLLECTION_THRESHOLD\n"
        "default = gc.get_threshold()\n"
        "prepare_server_process()\n"
        "young, middle, old = gc.get_threshold()\n"
        "assert young == YOUNG_COLLECTION_THRESHOLD > default[0], (default, gc.get_threshold())\n"
        "assert middle > default[1] and old == default[2], (default, gc.get_threshold())\n"
    )
    run_in_own_process(check)


def test_a_connections_settings_are_pretty_printed_only_when_the_debug_message_is_written():
    check = (
        "import pprint\n"
        "from channels_app.serve import prepare_server_process\n"
        "prepare_server_process()\n"
        "from autobahn.websocket import protocol\n"
        "calls = []\n"
        "real = pprint.pformat\n"
        "pprint.pformat = lambda value: calls.append(value) or real(value)\n"
        "settings = [('autoPingInterval', 0, 'WebSocketServerFactory')]\n"
        "deferred = protocol.pformat(settings)\n"
        "assert calls == [] and not isinstance(deferred, str), (calls, deferred)\n"
        "assert '\\n{attrs}'.format(attrs=deferred) == '\\n' + real(settings)\n"
        "assert calls == [settings], calls\n"
        "timings = protocol.Timings()\n"
        "timings.track('onOpen')\n"
        "assert isinstance(str(timings), str) and 'onOpen' in str(timings)\n"
    )
    run_in_own_process(check)


def test_autobahn_colours_the_arguments_of_its_debug_messages_only_when_one_is_written():
    # Autobahn highlights (click.style) the arguments of a debug message for every frame it sends
    # and every read, whether or not debug messages are written: 7 % of the event loop's time at
    # 1,000 messages a second (py-spy under `make bench-room`).
    check = (
        "import click\n"
        "from channels_app.serve import prepare_server_process\n"
        "prepare_server_process()\n"
        "from autobahn.websocket import protocol\n"
        "from autobahn.twisted import websocket\n"
        "from autobahn import util\n"
        "calls = []\n"
        "real = click.style\n"
        "click.style = lambda text, **options: calls.append(text) or real(text, **options)\n"
        "for module in (protocol, websocket):\n"
        "    kind, value = module.hltype(protocol.WebSocketProtocol.sendData), module.hlval(42)\n"
        "    assert calls == [] and not isinstance(kind, str) and not isinstance(value, str), calls\n"
        "    text = '{func} sent {data_len} bytes'.format(func=kind, data_len=value)\n"
        "    expected = '{} sent {} bytes'.format(util.hltype(protocol.WebSocketProtocol.sendData), util.hlval(42))\n"
        "    assert text == expected, (text, expected)\n"
        "    assert calls, 'the text is highlighted when it is written'\n"
        "    calls.clear()\n"
    )
    run_in_own_process(check)


def test_a_connection_sends_at_once_when_nothing_waits_and_keeps_every_byte_in_order():
    # A real TCP port of the server's reactor and a client that reads slowly: the first small
    # write leaves Twisted's buffer empty (sent at once); 8 MiB written at once fill the socket,
    # so the rest waits in Twisted's buffer, and the client must get every byte, in order.
    check = r"""
import socket, threading, time
from channels_app.serve import prepare_server_process, WritingAtOnceServer
prepare_server_process()
from twisted.internet import reactor, protocol

chunks = [bytes([index % 251]) * 65536 for index in range(128)]
seen = {}

class Writer(protocol.Protocol):
    def connectionMade(self):
        seen["class"] = type(self.transport)
        self.transport.write(b"hello")
        seen["waiting after the first write"] = bool(self.transport._tempDataBuffer or self.transport.dataBuffer)
        for chunk in chunks:
            self.transport.write(chunk)
        seen["waiting after the burst"] = bool(self.transport._tempDataBuffer or self.transport.dataBuffer)
        self.transport.loseConnection()

factory = protocol.Factory.forProtocol(Writer)
port = reactor.listenTCP(0, factory, interface="127.0.0.1")
received = bytearray()

def read_slowly():
    with socket.create_connection(("127.0.0.1", port.getHost().port)) as client:
        while True:
            data = client.recv(65536)
            if not data:
                break
            received.extend(data)
            time.sleep(0.001)
    reactor.callFromThread(reactor.stop)

threading.Thread(target=read_slowly, daemon=True).start()
reactor.run()
assert seen["class"] is WritingAtOnceServer, seen
assert seen["waiting after the first write"] is False, seen
assert seen["waiting after the burst"] is True, seen
assert bytes(received) == b"hello" + b"".join(chunks), len(received)
"""
    run_in_own_process(check)
