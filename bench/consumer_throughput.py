"""Benchmark: how fast the broker's consumer catches up, and what a redelivery costs.

Against the local RabbitMQ and PostgreSQL (127.0.0.1 only): Rasa's own broker class
(``URLPikaEventBroker``) publishes conversations' events (13 per conversation, 9 of which
count) to a throwaway exchange and queue while no consumer runs; then the consumer is started
and timed until every event is counted in a throwaway database. The same events are then
published again (as after a crash before the ack) and timed until all are skipped as
duplicates. Bounded: at most ``CONVERSATIONS`` conversations, each run at most 300 s.
Writes docs/benchmarks.md ("Broker consumer").
"""

from __future__ import annotations

import asyncio
import platform
import sys
import time
from typing import Any

from analytics.consumer import EventConsumer
from bench.report import write_section
from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from tests.support import broker_events as made
from tests.support.consumers import consumer_for, processed, publish, queued, running
from tests.support.postgres import throwaway_database
from tests.support.rabbitmq import Broker, throwaway_broker, unreachable

CONVERSATIONS = 300
BATCH_SIZES = (1, 20, 100)
LIMIT_SECONDS = 300.0


async def drain(consumer: EventConsumer, factory: Any, until: Any) -> float:
    """Seconds from the consumer's start until ``until()`` holds (bounded)."""
    start = time.perf_counter()
    async with running(consumer):
        while not await asyncio.to_thread(until):
            if time.perf_counter() - start > LIMIT_SECONDS:
                raise SystemExit(f"not done within {LIMIT_SECONDS:.0f} s")
            await asyncio.sleep(0.05)
        return time.perf_counter() - start


async def one_run(broker: Broker, database_url: str, batch_size: int) -> tuple[int, float, float]:
    upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    bodies: list[dict[str, Any]] = []
    start = time.time() - 86400
    for n in range(CONVERSATIONS):
        bodies += made.conversation(f"bench-{batch_size}-{n}", start + n * 20)[0]
    counted = CONVERSATIONS * made.COUNTED_EVENTS
    try:
        await publish(broker, bodies)
        assert await queued(broker) == len(bodies)

        def consumer() -> EventConsumer:
            return consumer_for(
                broker, factory, batch_size=batch_size, prefetch=max(2 * batch_size, 10)
            )

        catch_up = await drain(consumer(), factory, lambda: processed(factory) == counted)
        assert await queued(broker) == 0
        await publish(broker, bodies)  # every event again: all duplicates
        again = consumer()
        redelivery = await drain(again, factory, lambda: again.progress.duplicates == counted)
        assert await queued(broker) == 0
        assert processed(factory) == counted
        return len(bodies), catch_up, redelivery
    finally:
        engine.dispose()


def main() -> int:
    reason = unreachable()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    rows = []
    for batch_size in BATCH_SIZES:
        names = throwaway_broker()
        broker = next(names)
        try:
            with throwaway_database("changai_bench") as url:
                events, catch_up, redelivery = asyncio.run(one_run(broker, url, batch_size))
        finally:
            next(names, None)  # deletes the queues and the exchange
        rows.append(
            f"| {batch_size} | {events:,} | {catch_up:.1f} s | {events / catch_up:,.0f} | "
            f"{redelivery:.1f} s | {events / redelivery:,.0f} |"
        )
        print(rows[-1])
    write_section(
        "Broker consumer",
        f"`python -m bench.consumer_throughput` on {platform.machine()}, Python "
        f"{platform.python_version()}, local RabbitMQ and PostgreSQL: {CONVERSATIONS} "
        f"conversations' events ({made.COUNTED_EVENTS} of 13 per conversation count) published "
        "by Rasa's broker class while no consumer runs, then drained by one consumer "
        "(`python -m analytics.consumer`; prefetch twice the batch). *Catch-up*: from the "
        "consumer's start until every event is counted (the queue is then empty). "
        "*Redelivery*: the same events published again, until all are skipped as already "
        "counted.\n\n"
        "| batch size | events | catch-up | events/s | redelivery | events/s |\n"
        "| --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n\n"
        "The consumer's default is batches of 100 (`--batch-size`, `--prefetch 200`).",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
