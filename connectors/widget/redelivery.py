"""Worker messages left unanswered by a widget-channel instance that died are handled again.

A worker's message is stored and acknowledged (202) before Rasa handles it in the
background, so an instance killed in between would leave it unanswered for good, and the
page's retry with the same ``client_id`` is (rightly) only a duplicate. With ``REDIS_URL``
set each instance therefore records the messages it is handling in one Redis hash
(``<REDIS_KEY_PREFIX>widget:inflight``: entry -> instance). The entry names the message by
conversation and ``client_id`` and is written *before* the message is stored, so no
moment exists where a message is stored but recorded nowhere (a busy event loop can take
a while to come back from the database); a message without ``client_id`` is recorded by
its id right after it is stored. Each instance keeps a heartbeat key
(``<REDIS_KEY_PREFIX>widget:alive:<instance>``, expiring after ``ALIVE_SECONDS``). Every
``SWEEP_SECONDS`` each instance looks for messages whose instance has no heartbeat, takes
each one over with one atomic compare-and-set (so exactly one instance does), and hands it
to Rasa again unless the conversation already got a reply after it. Rasa's Redis lock
store keeps the conversation's turns in order; the dead instance's lock expires after
``TICKET_LOCK_LIFETIME`` (docs/deployment.md).

Rasa publishes a turn's events to its broker (RabbitMQ, for the analytics) in background
tasks after saving the tracker, so a SIGKILL can store a turn and lose its events. An
instance therefore clears an entry only once its broker has sent them (``flush``), and an
instance that takes over an entry whose message was answered publishes the conversation's
stored events again (``republish``): the analytics consumer counts an event once by its
id (a hash of the event), so what had been published already is not counted twice. The
tracker store publishes only after it has stored, so a turn is never published without
being in the tracker (a replay would publish it twice). A replayed turn may take another
path than the lost one (the ticket is open, staff have joined): the hand-off the lost turn
made is counted from its ticket (``analytics/metrics_store.py``).

Without Redis there is one instance and nothing to take over (``InProcess``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

import redis.asyncio
from redis.exceptions import RedisError

from changai.background import stop_task
from changai.settings import Settings
from changai.shared_redis import async_redis, close_redis

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
FLUSH_SECONDS = 5.0
ALIVE_SECONDS = 6
SWEEP_SECONDS = 3.0
# KEYS[1] the hash; ARGV: message id, the owner seen, the new owner.
TAKE_OVER = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
"""

Redeliver = Callable[[str], Coroutine[Any, Any, None]]


def entry_for(conversation_id: str, client_id: str | None = None, message_id: int = 0) -> str:
    """The in-flight entry of a message: by ``client_id`` when it has one, else by id."""
    if client_id is not None:
        return f"{conversation_id}/c/{client_id}"
    return f"{conversation_id}/m/{message_id}"


def parse_entry(entry: str) -> tuple[str, str | None, int | None]:
    """(conversation id, client_id, message id) of an entry; ValueError when malformed."""
    conversation_id, kind, value = entry.split("/", 2)
    if kind == "c" and value:
        return conversation_id, value, None
    if kind == "m" and value.isdigit():
        return conversation_id, None, int(value)
    raise ValueError(f"not an in-flight entry: {entry!r}")


class InProcess:
    """No other instance: nothing is recorded, nothing taken over."""

    taken_over = 0

    async def begin(self, entry: str) -> bool:
        """Record ``entry`` as this instance's unless recorded already; True if it was."""
        return False

    async def own(self, entry: str) -> None:
        """Record ``entry`` as this instance's."""
        return None

    async def done(self, entry: str) -> None:
        return None

    def start(self, redeliver: Redeliver) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisRedelivery(InProcess):
    def __init__(self, url: str, key_prefix: str) -> None:
        self.instance = secrets.token_hex(8)
        self.inflight = f"{key_prefix}widget:inflight"
        self.alive_prefix = f"{key_prefix}widget:alive:"
        self._redis: redis.asyncio.Redis = async_redis(url)
        self._task: asyncio.Task | None = None
        self.taken_over = 0

    async def begin(self, entry: str) -> bool:
        try:
            return bool(await self._redis.hsetnx(self.inflight, entry, self.instance))
        except (RedisError, OSError) as exc:
            logger.warning("in-flight message not recorded (%s)", type(exc).__name__)
            return False

    async def own(self, entry: str) -> None:
        try:
            await self._redis.hset(self.inflight, entry, self.instance)
        except (RedisError, OSError) as exc:
            logger.warning("in-flight message not recorded (%s)", type(exc).__name__)

    async def done(self, entry: str) -> None:
        try:
            await self._redis.hdel(self.inflight, entry)
        except (RedisError, OSError) as exc:
            logger.warning("in-flight message not cleared (%s)", type(exc).__name__)

    def start(self, redeliver: Redeliver) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(redeliver))

    async def _run(self, redeliver: Redeliver) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time() + SWEEP_SECONDS
        while True:
            try:
                await self._redis.set(self.alive_prefix + self.instance, "1", ex=ALIVE_SECONDS)
                if loop.time() >= next_sweep:
                    next_sweep = loop.time() + SWEEP_SECONDS
                    await self.sweep(redeliver)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                logger.warning("in-flight sweep skipped (%s)", type(exc).__name__)
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def sweep(self, redeliver: Redeliver) -> int:
        """Take over and redeliver the messages of instances without a heartbeat."""
        entries = await self._redis.hgetall(self.inflight)
        owners = {owner for owner in entries.values() if owner.decode() != self.instance}
        dead = set()
        for owner in owners:
            if not await self._redis.exists(self.alive_prefix + owner.decode()):
                dead.add(owner)
        taken = 0
        for entry, owner in entries.items():
            if owner not in dead:
                continue
            won = await self._redis.eval(TAKE_OVER, 1, self.inflight, entry, owner, self.instance)
            if not won:
                continue  # another instance took it
            taken += 1
            self.taken_over += 1
            logger.warning("taking over a message of a stopped instance")
            task: asyncio.Task[None] = asyncio.get_running_loop().create_task(
                redeliver(entry.decode())
            )
            task.add_done_callback(_log_failure)
        return taken

    async def close(self) -> None:
        await stop_task(self._task)
        self._task = None
        try:
            await self._redis.delete(self.alive_prefix + self.instance)
        except (RedisError, OSError):
            pass
        await close_redis(self._redis)


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("redelivery failed", exc_info=task.exception())


async def flush(broker: Any) -> None:
    """Wait (bounded) until Rasa's pika broker has sent what it was handed.

    ``PikaEventBroker.publish`` sends in background tasks it keeps in ``_background_tasks``
    (Rasa 3.6); another broker, or none, has nothing to wait for."""
    pending = [t for t in getattr(broker, "_background_tasks", ()) if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=FLUSH_SECONDS)


async def republish(tracker_store: Any, conversation_id: str) -> int:
    """Publish every stored event of the conversation again, as Rasa's tracker store
    publishes them; returns how many."""
    broker = getattr(tracker_store, "event_broker", None)
    if broker is None:
        return 0
    tracker = await tracker_store.retrieve_full_tracker(conversation_id)
    if tracker is None:
        return 0
    events = list(tracker.events)
    for event in events:
        broker.publish({"sender_id": conversation_id, **event.as_dict()})
    await flush(broker)
    return len(events)


def make_redelivery(settings: Settings) -> InProcess:
    """The Redis-backed take-over when ``REDIS_URL`` is set, else none."""
    if not settings.redis_url:
        return InProcess()
    return RedisRedelivery(settings.redis_url, settings.redis_key_prefix)
