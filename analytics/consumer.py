"""The event broker's consumer: ``python -m analytics.consumer`` (production's Procfile).

Reads the events Rasa's pika broker publishes to the durable queue ``changai_events`` (bound
to Rasa's fanout exchange ``rasa-exchange``), with manual acknowledgements and at most
``--prefetch`` unacknowledged messages, in batches of up to ``--batch-size``. A batch is
counted in one database transaction (``analytics.metrics_store``), and only then
acknowledged, with one ``multiple`` ack. A consumer that stops or dies before the ack leaves
its messages on the queue; RabbitMQ delivers them again and the event ids already stored are
skipped, so nothing is counted twice and nothing is lost while the consumer is down. A message
that is not a Rasa event, or one the database refuses for good (the batch is then stored event
by event to find it), is copied to the durable queue ``changai_events.dead`` with the reason
in its headers, logged, and acknowledged; the consumer carries on. While the database is
unreachable the batch stays unacknowledged and is tried again with backoff.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from analytics.events import BrokerEvent, MalformedEvent, parse
from analytics.metrics_store import Recorded, store
from changai.db import make_engine, make_session_factory
from changai.settings import ConfigurationError, load_settings

logger = logging.getLogger("analytics.consumer")

EVENT_QUEUE = "changai_events"  # rasa_project.endpoints.EVENT_QUEUE (a test keeps them equal)
RASA_EXCHANGE = "rasa-exchange"  # rasa.core.brokers.pika.RABBITMQ_EXCHANGE (no Rasa import)
DEAD_LETTER_SUFFIX = ".dead"
BATCH_SIZE = 100
PREFETCH = 200
LINGER_SECONDS = 0.2  # how long a batch waits to fill once its first message is in
POLL_SECONDS = 0.5  # how often an idle consumer looks at the stop flag
CONNECT_TIMEOUT = 10.0
MAX_BACKOFF_SECONDS = 30.0


def where(url: str) -> str:
    """Host, port and vhost of an AMQP URL, for log lines (never the password)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5672}{parts.path or '/'}"


@dataclass
class Progress:
    """What the consumer has done since it started (logged, and read by tests)."""

    batches: int = 0
    counted: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_lettered: int = 0
    redelivered: int = 0

    def add(self, recorded: Recorded) -> None:
        self.batches += 1
        self.counted += recorded.counted
        self.duplicates += recorded.duplicates
        self.ignored += recorded.ignored


class EventConsumer:
    def __init__(
        self,
        *,
        amqp_url: str,
        session_factory: sessionmaker,
        zone: ZoneInfo,
        queue: str = EVENT_QUEUE,
        exchange: str = RASA_EXCHANGE,
        batch_size: int = BATCH_SIZE,
        prefetch: int = PREFETCH,
        linger: float = LINGER_SECONDS,
        unanswered: bool = False,
    ) -> None:
        if not 1 <= batch_size <= prefetch:
            raise ValueError("batch size must be between 1 and the prefetch count")
        self.amqp_url = amqp_url
        self.session_factory = session_factory
        self.zone = zone
        self.queue_name = queue
        self.dead_letter_queue = queue + DEAD_LETTER_SUFFIX
        self.exchange_name = exchange
        self.batch_size = batch_size
        self.prefetch = prefetch
        self.linger = linger
        self.unanswered = unanswered  # also store unanswered questions (production)
        self.progress = Progress()
        self.ready = asyncio.Event()  # set once the consumer is subscribed to the queue

    async def _connect(self, stop: asyncio.Event) -> AbstractRobustConnection | None:
        delay = 1.0
        while not stop.is_set():
            try:
                return await aio_pika.connect_robust(self.amqp_url, timeout=CONNECT_TIMEOUT)
            except (OSError, asyncio.TimeoutError, aio_pika.exceptions.AMQPError) as exc:
                logger.warning(
                    "RabbitMQ at %s unreachable (%s); retrying in %.0f s",
                    where(self.amqp_url),
                    exc,
                    delay,
                )
                await _sleep_unless(stop, delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
        return None

    async def _declare(self, channel: AbstractChannel) -> AbstractQueue:
        # The same declarations as Rasa's broker, so whichever starts first, the queue exists,
        # is bound, and keeps what is published while the consumer is down.
        exchange = await channel.declare_exchange(
            self.exchange_name, type=aio_pika.ExchangeType.FANOUT
        )
        queue = await channel.declare_queue(self.queue_name, durable=True)
        await queue.bind(exchange, "")
        await channel.declare_queue(self.dead_letter_queue, durable=True)
        return queue

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; what is not acknowledged then stays queued."""
        connection = await self._connect(stop)
        if connection is None:
            return
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=self.prefetch)
            queue = await self._declare(channel)
            inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
            tag = await queue.consume(inbox.put, no_ack=False)
            logger.info(
                "consuming %s at %s (batches of %d, prefetch %d)",
                self.queue_name,
                where(self.amqp_url),
                self.batch_size,
                self.prefetch,
            )
            self.ready.set()
            try:
                while not stop.is_set():
                    batch = await self._next_batch(inbox, stop)
                    if batch:
                        await self.handle(channel, batch, stop)
            finally:
                if not channel.is_closed:
                    await queue.cancel(tag)
        logger.info("consumer stopped: %s", self.progress)

    async def _next_batch(
        self, inbox: asyncio.Queue[AbstractIncomingMessage], stop: asyncio.Event
    ) -> list[AbstractIncomingMessage]:
        try:
            first = await asyncio.wait_for(inbox.get(), POLL_SECONDS)
        except asyncio.TimeoutError:
            return []
        batch = [first]
        deadline = asyncio.get_running_loop().time() + self.linger
        while len(batch) < self.batch_size and not stop.is_set():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(inbox.get(), left))
            except asyncio.TimeoutError:
                break
        return batch

    async def handle(
        self,
        channel: AbstractChannel,
        batch: Sequence[AbstractIncomingMessage],
        stop: asyncio.Event,
    ) -> None:
        """Count one batch, dead-letter what is not an event, then acknowledge it all."""
        parsed: list[tuple[AbstractIncomingMessage, BrokerEvent]] = []
        malformed: list[tuple[AbstractIncomingMessage, str]] = []
        for message in batch:
            self.progress.redelivered += bool(message.redelivered)
            try:
                parsed.append((message, parse(message.body)))
            except MalformedEvent as exc:
                malformed.append((message, str(exc)))
        if parsed:
            try:
                recorded = await self._store([event for _, event in parsed], stop)
            except DBAPIError:  # refused for good: find the event(s) the database refuses
                recorded, refused = await self._store_one_by_one(parsed, stop)
                malformed += refused
            if recorded is None:  # stopping while the database is down: leave it queued
                return
            self.progress.add(recorded)
        for message, reason in malformed:
            await self._dead_letter(channel, message, reason)
        await self.acknowledge(batch)

    async def _store(self, events: list[BrokerEvent], stop: asyncio.Event) -> Recorded | None:
        """Store ``events``, waiting out a database that cannot be reached (None: stopping).

        Any other database error is the data's and is raised."""
        delay = 1.0
        while True:
            try:
                return await asyncio.to_thread(
                    store, self.session_factory, events, self.zone, self.unanswered
                )
            except (OperationalError, InterfaceError) as exc:
                logger.error(
                    "could not store %d events (%s); retrying in %.0f s",
                    len(events),
                    type(exc.orig).__name__ if exc.orig is not None else exc,
                    delay,
                )
            if await _sleep_unless(stop, delay):
                return None
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _store_one_by_one(
        self,
        parsed: list[tuple[AbstractIncomingMessage, BrokerEvent]],
        stop: asyncio.Event,
    ) -> tuple[Recorded | None, list[tuple[AbstractIncomingMessage, str]]]:
        """Each event in a transaction of its own; those the database refuses are returned."""
        counted = duplicates = ignored = 0
        refused: list[tuple[AbstractIncomingMessage, str]] = []
        for message, event in parsed:
            try:
                recorded = await self._store([event], stop)
            except DBAPIError as exc:
                refused.append((message, f"refused by the database: {type(exc.orig).__name__}"))
                continue
            if recorded is None:
                return None, refused
            counted += recorded.counted
            duplicates += recorded.duplicates
            ignored += recorded.ignored
        return Recorded(counted, duplicates, ignored), refused

    async def _dead_letter(
        self, channel: AbstractChannel, message: AbstractIncomingMessage, reason: str
    ) -> None:
        logger.warning(
            "message %s from %s cannot be counted (%s): moved to %s",
            message.delivery_tag,
            message.app_id or "an unknown publisher",
            reason,
            self.dead_letter_queue,
        )
        headers = dict(message.headers or {})
        headers.update({"x-changai-reason": reason[:200], "x-changai-queue": self.queue_name})
        await channel.default_exchange.publish(
            aio_pika.Message(
                message.body,
                headers=headers,
                app_id=message.app_id,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=self.dead_letter_queue,
        )
        self.progress.dead_lettered += 1

    async def acknowledge(self, batch: Sequence[AbstractIncomingMessage]) -> None:
        """One ack for the batch: its messages are the channel's oldest unacknowledged ones."""
        try:
            await batch[-1].ack(multiple=True)
        except (aio_pika.exceptions.AMQPError, RuntimeError) as exc:
            # The channel was lost after the batch was stored: RabbitMQ delivers the batch
            # again and its events are skipped as already counted.
            logger.warning("could not acknowledge %d messages: %s", len(batch), exc)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds`` or until ``stop`` is set; True when it was set."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        return False
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics.consumer", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--queue", default=EVENT_QUEUE, help=f"default: {EVENT_QUEUE}")
    parser.add_argument("--exchange", default=RASA_EXCHANGE, help=f"default: {RASA_EXCHANGE}")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--prefetch", type=int, default=PREFETCH)
    return parser


async def _serve(consumer: EventConsumer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await consumer.run(stop)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if not settings.rabbitmq_url:
        print("configuration error: the analytics consumer needs RABBITMQ_URL", file=sys.stderr)
        return 2
    if not 1 <= args.batch_size <= args.prefetch:
        print("configuration error: --batch-size must be 1 to --prefetch", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    consumer = EventConsumer(
        amqp_url=settings.rabbitmq_url,
        session_factory=make_session_factory(engine),
        zone=settings.timezone,
        queue=args.queue,
        exchange=args.exchange,
        batch_size=args.batch_size,
        prefetch=args.prefetch,
        unanswered=settings.unanswered_from_broker,
    )
    try:
        asyncio.run(_serve(consumer))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
