"""The product as separate processes on this machine, wired as `make run` wires them: daphne
(`python -m channels_app.serve`) and the triage bot (scripts/run-bot.sh: Rasa and its action
server), each on a free port. Used by the end-to-end test and the bot benchmark."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BOT_START_SECONDS = 240  # loading the model takes 20-60 s on two cores


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_postgres_database(name: str) -> str:
    """An empty PostgreSQL database on 127.0.0.1 (dropped first if it exists); its SQLAlchemy URL.
    The bot's conversations are keyed by user id, and ids start again in every test run."""
    admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def _wait_for(url: str, processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


@dataclass
class Stack:
    web_port: int
    bot_token: str = ""
    processes: list[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def start_stack(
    *, database_url: str, logs: Path, tracker_url: str = "", bot_token: str = "", with_bot: bool = True, extra_env=None
) -> Stack:
    """Start daphne and (unless `with_bot` is false) the bot, and wait until each answers.
    `database_url` is the web service's database, `tracker_url` the bot's conversations,
    `bot_token` the bot's token for the mediation API."""
    web_port, bot_port, action_port = free_port(), free_port(), free_port()
    bot_api_token = secrets.token_urlsafe(16)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "channels_app.settings",
        "BOT_URL": f"http://127.0.0.1:{bot_port}",
        "BOT_API_TOKEN": bot_api_token,
        "BOT_PORT": str(bot_port),
        "ACTION_PORT": str(action_port),
        "BOT_TRACKER_URL": tracker_url,
        **(extra_env or {}),
    }
    stack = Stack(web_port, bot_token)
    commands = {
        "web": [sys.executable, "-m", "channels_app.serve", "-b", "127.0.0.1", "-p", str(web_port), "asgi:application"],
    }
    if with_bot:
        commands["bot"] = ["bash", "scripts/run-bot.sh", f"http://127.0.0.1:{web_port}", bot_token]
    for name, command in commands.items():
        stack.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=(logs / f"{name}.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopping a process stops its children
            )
        )
    try:
        _wait_for(f"http://127.0.0.1:{web_port}/healthz", stack.processes, 60)
        if with_bot:
            _wait_for(f"http://127.0.0.1:{action_port}/health", stack.processes, BOT_START_SECONDS)
            _wait_for(f"http://127.0.0.1:{bot_port}/status?token={bot_api_token}", stack.processes, BOT_START_SECONDS)
    except BaseException:
        stack.stop()
        raise
    return stack
