"""The broker's consumer against the real RabbitMQ and a throwaway PostgreSQL database (#14).

Events are published by the project's own Rasa broker (``URLPikaEventBroker``, Rasa's
``PikaEventBroker`` publish path) to an exchange and a queue named for this run, which are
deleted afterwards. Every wait is bounded; every consumer is stopped before the test ends.
RabbitMQ is the ``broker`` fixture (tests/conftest.py), skipped, saying why, only when it is
unreachable.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import aio_pika
import pytest

from analytics.consumer import EventConsumer
from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from changai.settings import PROJECT_ROOT
from tests.support import broker_events as made
from tests.support.consumers import (
    WAIT_SECONDS,
    consumer_for,
    counts,
    processed,
    publish,
    queued,
    running,
    wait_for,
)
from tests.support.rabbitmq import RABBITMQ_URL, Broker

pytestmark = pytest.mark.postgres


@pytest.fixture()
def factory(postgres_url: str):
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    yield make_session_factory(engine)
    engine.dispose()


def conversations(count: int, start: float) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """``count`` conversations' events, interleaved, and their summed expected counts."""
    streams: list[list[dict[str, Any]]] = []
    expected: dict[str, int] = {}
    for n in range(count):
        events, counts = made.conversation(f"worker-{uuid.uuid4().hex[:8]}-{n}", start + n)
        streams.append(events)
        expected = {k: expected.get(k, 0) + v for k, v in counts.items()}
    interleaved = [body for turn in zip(*streams, strict=True) for body in turn]
    return interleaved, expected


START = time.time() - 3600


def test_counts_equal_what_rasa_published(broker: Broker, factory: Any) -> None:
    sent, expected = conversations(3, START)
    expected["conversations"] = 3

    async def scenario() -> None:
        consumer = consumer_for(broker, factory, batch_size=4, prefetch=8)
        async with running(consumer):
            await publish(broker, sent)
            await wait_for(lambda: counts(factory) == expected, f"counts {expected}")
            await wait_for(lambda: consumer.progress.ignored == 3 * 4, "the ignored events")
        assert consumer.progress.counted == 3 * made.COUNTED_EVENTS
        assert consumer.progress.duplicates == consumer.progress.dead_lettered == 0
        assert await queued(broker) == 0  # everything acknowledged

    asyncio.run(scenario())


class DiesBeforeAck(EventConsumer):
    """Stores its first batch, then dies before acknowledging it (as if killed)."""

    async def acknowledge(self, batch: Any) -> None:
        raise RuntimeError(f"killed after storing {len(batch)} messages, before the ack")


def test_a_consumer_that_was_down_catches_up_without_double_counting(
    broker: Broker, factory: Any
) -> None:
    first, first_expected = conversations(2, START)
    second, second_expected = conversations(3, START + 100)

    async def scenario() -> None:
        # Rasa publishes while no consumer runs: the durable queue keeps the events.
        await publish(broker, first)
        assert await queued(broker) == len(first)
        consumer = consumer_for(broker, factory, batch_size=10, prefetch=20)
        async with running(consumer):
            await wait_for(
                lambda: counts(factory) == first_expected | {"conversations": 2}, "catch-up"
            )
        assert consumer.progress.duplicates == 0

        # Down again; more events; a consumer stores a batch and dies before its ack.
        await publish(broker, second)
        dying = consumer_for(broker, factory, DiesBeforeAck, batch_size=10, prefetch=20)
        stop = asyncio.Event()
        with pytest.raises(RuntimeError, match="before the ack"):
            await asyncio.wait_for(dying.run(stop), WAIT_SECONDS)
        stored = dying.progress.counted
        assert stored > 0 and processed(factory) == 2 * made.COUNTED_EVENTS + stored
        assert await queued(broker) == len(second)  # nothing was acknowledged

        restarted = consumer_for(broker, factory, batch_size=10, prefetch=20)
        async with running(restarted):
            total = {k: first_expected[k] + second_expected[k] for k in first_expected}
            await wait_for(lambda: counts(factory) == total | {"conversations": 5}, "restart")
            await wait_for(lambda: restarted.progress.batches >= 1, "the restart's batches")
        # the dead consumer's batch came again and was skipped, not counted twice
        assert restarted.progress.redelivered >= 10
        assert restarted.progress.duplicates == stored
        assert restarted.progress.counted == 3 * made.COUNTED_EVENTS - stored
        assert processed(factory) == 5 * made.COUNTED_EVENTS
        assert await queued(broker) == 0

    asyncio.run(scenario())


def test_a_malformed_message_is_dead_lettered_and_the_consumer_carries_on(
    broker: Broker, factory: Any
) -> None:
    sent, expected = conversations(1, START)
    bad = [b"{not json", json.dumps({"event": "user", "timestamp": START}).encode()]

    async def scenario() -> None:
        consumer = consumer_for(broker, factory, batch_size=5, prefetch=10)
        async with running(consumer):
            await publish(broker, sent[:5])
            connection = await aio_pika.connect(broker.url, timeout=5)
            async with connection:
                channel = await connection.channel()
                exchange = await channel.get_exchange(broker.exchange)
                for body in bad:
                    await exchange.publish(aio_pika.Message(body, app_id="someone-else"), "")
            await publish(broker, sent[5:])
            await wait_for(
                lambda: counts(factory) == expected | {"conversations": 1}, "the good events"
            )
            await wait_for(lambda: consumer.progress.dead_lettered == 2, "the dead letters")
        assert await queued(broker) == 0
        assert await queued(broker, broker.dead_letters) == 2
        connection = await aio_pika.connect(broker.url, timeout=5)
        async with connection:
            channel = await connection.channel()
            dead = await channel.declare_queue(broker.dead_letters, passive=True)
            letters = [await dead.get(timeout=5) for _ in bad]
            for letter in letters:
                await letter.ack()
        assert [letter.body for letter in letters] == bad
        reasons = [str(letter.headers["x-changai-reason"]) for letter in letters]
        assert "not UTF-8 JSON" in reasons[0] and reasons[1] == "no sender_id"
        assert {letter.app_id for letter in letters} == {"someone-else"}

    asyncio.run(scenario())


def consumer_process(broker: Broker, database_url: str) -> subprocess.Popen:
    """``python -m analytics.consumer`` as the Procfile starts it, on this run's names."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": database_url,
        "RABBITMQ_URL": broker.url,
        "CHANGAI_ENV": "development",
    }
    command = [sys.executable, "-m", "analytics.consumer", "--queue", broker.queue]
    command += ["--exchange", broker.exchange, "--batch-size", "5", "--prefetch", "10"]
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_consumer_process_killed_midway_and_restarted_counts_each_event_once(
    broker: Broker, factory: Any, postgres_url: str
) -> None:
    sent, expected = conversations(20, START)
    expected["conversations"] = 20
    everything = 20 * made.COUNTED_EVENTS

    async def scenario() -> None:
        await publish(broker, sent)
        process = consumer_process(broker, postgres_url)
        try:
            await wait_for(lambda: processed(factory) >= 15, "the first batches")
        finally:
            process.kill()  # SIGKILL: no clean-up, no ack for what is in hand
            process.wait(timeout=WAIT_SECONDS)
        assert 0 < processed(factory) < everything
        assert 0 < await queued(broker) < len(sent)

        process = consumer_process(broker, postgres_url)
        try:
            await wait_for(lambda: counts(factory) == expected, f"counts {expected}")
            await wait_for(lambda: processed(factory) == everything, "every event once")
            assert await queued(broker) == 0
        finally:
            process.send_signal(signal.SIGTERM)  # a clean stop, as honcho stops it
            _, errors = process.communicate(timeout=WAIT_SECONDS)
        assert process.returncode == 0, errors
        assert "consumer stopped" in errors and "guest:guest" not in errors

    asyncio.run(scenario())


def test_the_consumer_needs_rabbitmq(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from analytics.consumer import main

    monkeypatch.delenv("RABBITMQ_URL", raising=False)
    monkeypatch.setenv("CHANGAI_ENV", "development")
    assert main([]) == 2
    assert capsys.readouterr().err == (
        "configuration error: the analytics consumer needs RABBITMQ_URL\n"
    )
    monkeypatch.setenv("RABBITMQ_URL", RABBITMQ_URL)
    assert main(["--batch-size", "50", "--prefetch", "10"]) == 2
    assert "--batch-size must be 1 to --prefetch" in capsys.readouterr().err


def test_an_event_the_database_refuses_is_dead_lettered_and_the_rest_counted(
    broker: Broker, factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error that is the data's (not an outage) stops neither the batch nor the
    consumer: the batch is stored event by event and the refused one dead-lettered."""
    from sqlalchemy.exc import DataError

    from analytics import consumer as consumer_module

    real_store = consumer_module.store

    def refusing_store(factory: Any, events: list, *args: Any) -> Any:
        if any(event.conversation_id == "refused" for event in events):
            raise DataError("INSERT …", {}, ValueError("value out of range"))
        return real_store(factory, events, *args)

    monkeypatch.setattr(consumer_module, "store", refusing_store)
    sent, expected = conversations(1, START)
    poison = made.worker("refused", "宿舍", START)
    bodies = [*sent[:6], poison, *sent[6:]]

    async def scenario() -> None:
        consumer = consumer_for(broker, factory, batch_size=20, prefetch=40, linger=1.0)
        async with running(consumer):
            await publish(broker, bodies)
            await wait_for(lambda: counts(factory) == expected | {"conversations": 1}, "counts")
            await wait_for(lambda: consumer.progress.dead_lettered == 1, "the dead letter")
        assert await queued(broker) == 0
        assert await queued(broker, broker.dead_letters) == 1

    asyncio.run(scenario())


def test_the_consumer_waits_out_a_database_outage(broker: Broker) -> None:
    """The database is not there when the consumer starts: the batch stays unacknowledged and
    is stored once the database is back, counted once."""
    from sqlalchemy import create_engine, text

    from tests.support.postgres import POSTGRES_ADMIN_URL, database_url

    name = f"changai_test_{uuid.uuid4().hex[:12]}"
    url = database_url(name)
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    sent, expected = conversations(2, START)

    async def scenario() -> None:
        consumer = consumer_for(broker, factory, batch_size=50, prefetch=100)
        async with running(consumer):
            await publish(broker, sent)
            await asyncio.sleep(1.5)  # the consumer has tried and failed at least once
            assert consumer.progress.batches == 0
            assert await queued(broker) == 0  # delivered, but not acknowledged
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            upgrade(url)
            await wait_for(lambda: counts(factory) == expected | {"conversations": 2}, "counts")
        assert consumer.progress.duplicates == 0
        assert await queued(broker) == 0

    try:
        asyncio.run(scenario())
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
