"""Serve the product with daphne on uvloop: `python -m channels_app.serve [daphne arguments] asgi:application`.

daphne runs Twisted on an asyncio event loop. The standard loop's Python selector costs the room
most of its time when a thousand sockets each get a frame (Twisted registers and unregisters a
socket's writer for every write); uvloop does the same in C. daphne makes its loop when its server
module is imported, so uvloop's policy is set before that, here, instead of in the `daphne` script.
"""

import asyncio
import sys

import uvloop


def main() -> None:
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    # The room hub's database threads hand the interpreter back to the event loop's thread with
    # every statement and then wait to get it again. By default that thread keeps it for up to
    # 5 ms, which under load made every stored batch of messages wait about 20 ms; at half a
    # millisecond the waits are short and the loop loses little.
    sys.setswitchinterval(0.0005)
    from daphne.cli import CommandLineInterface  # imported after the policy: it makes the loop

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
