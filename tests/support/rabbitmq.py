"""RabbitMQ names for one test run (a throwaway exchange and queues, deleted afterwards)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import aio_pika

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


@dataclass
class Broker:
    """Names for this run: Rasa's exchange and queue, and the consumer's dead-letter queue."""

    url: str
    exchange: str
    queue: str

    @property
    def dead_letters(self) -> str:
        return self.queue + ".dead"


def unreachable() -> str | None:
    """Why RabbitMQ cannot be used, or None when it answers."""

    async def probe() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any failure to connect means the same thing here
        return f"RabbitMQ is required for this test ({RABBITMQ_URL}): {exc}"
    return None


def throwaway_broker() -> Iterator[Broker]:
    """Unique names for one test; the queues and the exchange are deleted after it."""
    run = uuid.uuid4().hex[:10]
    names = Broker(RABBITMQ_URL, f"changai_test_x_{run}", f"changai_test_q_{run}")
    yield names

    async def delete() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
        async with connection:
            channel = await connection.channel()
            for queue in (names.queue, names.dead_letters):
                await channel.queue_delete(queue)
            await channel.exchange_delete(names.exchange)

    asyncio.run(delete())
