"""Replicas of Rasa that share the conversations share their locks: with BOT_LOCK_STORE=redis the
lock store of bot/endpoints.yml is Redis (the real server on 127.0.0.1, as `make bot-test` starts
it), and two replicas' stores let one conversation's messages through one at a time, while another
conversation goes on meanwhile. The in-memory default could not: each replica would have its own."""

import asyncio
import secrets
from pathlib import Path

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.utils import AvailableEndpoints

ENDPOINTS = Path(__file__).resolve().parent.parent / "endpoints.yml"


def lock_store_of(monkeypatch, **settings) -> LockStore:
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("BOT_TRACKER_URL", "sqlite://")
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return LockStore.create(AvailableEndpoints.read_endpoints(str(ENDPOINTS)).lock_store)


def test_replicas_sharing_redis_let_one_conversation_through_one_message_at_a_time(monkeypatch):
    shared = {
        "BOT_LOCK_STORE": "redis",
        "BOT_LOCK_STORE_HOST": "127.0.0.1",
        "BOT_LOCK_STORE_PORT": "6379",
        "BOT_LOCK_STORE_DB": "2",
        "BOT_LOCK_STORE_PREFIX": f"test{secrets.token_hex(4)}",
    }
    first, second = lock_store_of(monkeypatch, **shared), lock_store_of(monkeypatch, **shared)
    assert isinstance(first, RedisLockStore) and first is not second
    order: list[str] = []

    async def turn(store: LockStore, conversation: str, name: str, *, after: float, hold: float) -> None:
        await asyncio.sleep(after)
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def replicas() -> None:
        await asyncio.gather(
            turn(first, "c1", "first replica", after=0, hold=0.3),
            turn(second, "c1", "second replica", after=0.05, hold=0),
            turn(second, "c2", "other conversation", after=0.1, hold=0),
        )

    asyncio.run(replicas())
    assert order == [
        "first replica in",
        "other conversation in",  # not held up by the first conversation's lock
        "other conversation out",
        "first replica out",
        "second replica in",
        "second replica out",
    ]


def test_a_single_rasa_keeps_its_locks_in_memory_by_default(monkeypatch):
    store = lock_store_of(
        monkeypatch,
        BOT_LOCK_STORE="in_memory",
        BOT_LOCK_STORE_HOST="127.0.0.1",
        BOT_LOCK_STORE_PORT="6379",
        BOT_LOCK_STORE_DB="1",
        BOT_LOCK_STORE_PREFIX="",
    )
    assert isinstance(store, InMemoryLockStore)
