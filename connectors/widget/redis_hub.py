"""Stream wake-ups shared by every widget-channel instance through Redis pub/sub.

``notify`` wakes this instance's streams at once and publishes the conversation id on one
channel (``<REDIS_KEY_PREFIX>widget:wake``); each instance runs one subscriber task that
wakes its own streams of that conversation. One channel for all conversations rather than
one per conversation: an instance subscribes once (and once again after a reconnect), never
per stream, and a wake-up costs a JSON-parse on each instance (docs/decisions.md, #14).

Redis is only the doorbell. If it is unreachable the publish is logged and dropped, the
subscriber reconnects with backoff, and streams fall back to their one-second database
read; when the subscription drops and when it is back, every local stream is woken to read
the database at once, so nothing published meanwhile waits for the poll.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

import redis.asyncio
from redis.exceptions import RedisError

from changai.background import stop_task
from changai.shared_redis import async_redis, close_redis
from connectors.widget.hub import Hub

logger = logging.getLogger(__name__)

# Silence longer than this on the subscription gets a PING; twice as long, a reconnect.
KEEPALIVE_SECONDS = 5.0
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
READ_SECONDS = 1.0


class RedisHub(Hub):
    def __init__(self, url: str, key_prefix: str) -> None:
        super().__init__()
        self.channel = f"{key_prefix}widget:wake"
        self.instance = secrets.token_hex(8)
        self._redis: redis.asyncio.Redis = async_redis(url)
        self._subscriber: asyncio.Task | None = None
        self._ready: asyncio.Event | None = None
        self.publish_failures = 0
        self.subscriptions = 0  # how many times the subscriber (re)subscribed
        self.wakes_received = 0

    @property
    def ready(self) -> asyncio.Event:
        """Set while the subscriber is subscribed (created on first use, on the loop)."""
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    def start(self) -> None:
        """Run the subscriber task (once per instance; again if it ever ended)."""
        if self._subscriber is None or self._subscriber.done():
            self._subscriber = asyncio.get_running_loop().create_task(self._subscribe_forever())

    def subscribe(self, conversation_id: str) -> asyncio.Event:
        self.start()
        return super().subscribe(conversation_id)

    async def notify(self, conversation_id: str) -> None:
        self.wake(conversation_id)
        message = json.dumps({"conversation": conversation_id, "from": self.instance})
        try:
            await self._redis.publish(self.channel, message)
        except (RedisError, OSError) as exc:
            self.publish_failures += 1
            logger.warning(
                "stream wake-up not published (%s): other instances deliver at their next poll",
                type(exc).__name__,
            )

    def _received(self, data: bytes | str) -> None:
        try:
            message = json.loads(data)
            conversation_id, sender = message["conversation"], message["from"]
        except (ValueError, TypeError, KeyError):
            logger.warning("ignored a malformed wake-up on %s", self.channel)
            return
        if sender != self.instance and isinstance(conversation_id, str):
            self.wakes_received += 1
            self.wake(conversation_id)

    async def _subscribe_forever(self) -> None:
        delay = RECONNECT_FIRST_SECONDS
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # redis-py raises its own errors, OSError and timeouts
                if self.ready.is_set():  # it was subscribed: start the backoff afresh
                    delay = RECONNECT_FIRST_SECONDS
                    self.ready.clear()
                    self.wake_all()  # read the database now: a publish may have been missed
                    logger.warning(
                        "stream wake-ups lost their Redis subscription (%s); "
                        "streams poll the database until it is back",
                        type(exc).__name__,
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    async def _follow(self) -> None:
        """Subscribe, then wake local streams for each message, until the connection fails."""
        pubsub = self._redis.pubsub()
        loop = asyncio.get_running_loop()
        try:
            await pubsub.subscribe(self.channel)
            heard, pinged = loop.time(), False
            while True:
                message = await pubsub.get_message(timeout=READ_SECONDS)
                now = loop.time()
                if message is None:
                    if now - heard > 2 * KEEPALIVE_SECONDS:
                        raise ConnectionError("Redis did not answer a PING")
                    if now - heard > KEEPALIVE_SECONDS and not pinged:
                        await pubsub.ping()
                        pinged = True
                    continue
                heard, pinged = now, False
                if message["type"] == "subscribe":
                    self.subscriptions += 1
                    self.ready.set()
                    self.wake_all()  # read what was stored while unsubscribed
                elif message["type"] == "message":
                    self._received(message["data"])
        finally:
            try:
                await pubsub.reset()
            except (RedisError, OSError):
                pass

    async def close(self) -> None:
        await stop_task(self._subscriber)
        self._subscriber = None
        await close_redis(self._redis)
