"""Running the broker's consumer in a test: started, waited for and stopped within bounds."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

import aio_pika
from sqlalchemy import func, select

from analytics.consumer import EventConsumer
from analytics.events import COUNTERS
from analytics.metrics_store import totals
from analytics.models import ProcessedEvent
from rasa_project.shared_stores import URLPikaEventBroker
from tests.support.rabbitmq import Broker

ZONE = ZoneInfo("Asia/Shanghai")
WAIT_SECONDS = 30.0


def consumer_for(broker: Broker, factory: Any, cls: type[EventConsumer] = EventConsumer, **kw):
    return cls(
        amqp_url=broker.url,
        session_factory=factory,
        zone=ZONE,
        queue=broker.queue,
        exchange=broker.exchange,
        **kw,
    )


@contextlib.asynccontextmanager
async def running(consumer: EventConsumer) -> AsyncIterator[asyncio.Task]:
    """The consumer subscribed to its queue; stopped (and awaited) on the way out."""
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    ready = asyncio.create_task(consumer.ready.wait())
    await asyncio.wait({task, ready}, timeout=WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if task.done():
        task.result()  # raises what stopped it
    assert consumer.ready.is_set(), "the consumer did not subscribe in time"
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.shield(task), WAIT_SECONDS)


@contextlib.asynccontextmanager
async def rasa_broker(broker: Broker) -> AsyncIterator[URLPikaEventBroker]:
    """Rasa's broker as production configures it (one URL), on this run's exchange."""
    publisher = URLPikaEventBroker(
        broker.url,
        queues=[broker.queue],
        exchange_name=broker.exchange,
        event_loop=asyncio.get_running_loop(),
        connection_attempts=1,
    )
    await publisher.connect()
    try:
        yield publisher
    finally:
        # publish() runs in background tasks: let them finish before closing
        pending = list(publisher._background_tasks)
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending), WAIT_SECONDS)
        await publisher.close()


async def publish(broker: Broker, bodies: list[dict[str, Any]]) -> None:
    async with rasa_broker(broker) as publisher:
        for body in bodies:
            publisher.publish(body)


async def wait_for(check: Callable[[], Any], what: str) -> Any:
    """Poll ``check`` (in a thread: it reads the database) until it is truthy, bounded."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = await asyncio.to_thread(check)
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def queued(broker: Broker, queue: str | None = None) -> int:
    connection = await aio_pika.connect(broker.url, timeout=5)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue or broker.queue, passive=True)
        return int(declared.declaration_result.message_count or 0)


def counts(factory: Any) -> dict[str, int]:
    with factory() as session:
        summary = totals(session=session)
    return {name: getattr(summary, name) for name in COUNTERS} | {
        "conversations": summary.conversations
    }


def processed(factory: Any) -> int:
    with factory() as session:
        return int(session.execute(select(func.count()).select_from(ProcessedEvent)).scalar())
