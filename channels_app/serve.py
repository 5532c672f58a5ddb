"""Serve the product with daphne on uvloop: `python -m channels_app.serve [daphne arguments] asgi:application`.

daphne runs Twisted on an asyncio event loop. On the standard loop, Twisted registers and
unregisters a socket's writer with the Python selector for every write, which was the largest
single cost of the room fanning a message out to a thousand sockets; uvloop does the same in C.
daphne makes its loop when its server module is imported, so uvloop's policy is set before that,
here, instead of in the `daphne` script.
"""

import asyncio
import sys

import uvloop


def install_event_loop() -> asyncio.AbstractEventLoop:
    """Make uvloop daphne's event loop; returns that loop. Call before anything imports daphne."""
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    # The room hub's database threads hand the interpreter back to the event loop's thread with
    # every statement and then wait to get it again. By default that thread keeps it for up to
    # 5 ms, which under load made every stored batch of messages wait about 20 ms; at half a
    # millisecond the waits are short and the loop loses little.
    sys.setswitchinterval(0.0005)
    from daphne import server  # makes the loop and installs Twisted's reactor on it

    return server.twisted_loop


def main() -> None:
    install_event_loop()
    from daphne.cli import CommandLineInterface

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
