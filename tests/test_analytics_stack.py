"""The real Rasa server publishes to RabbitMQ; the consumer counts what workers saw (#14).

The Rasa server and the action server run on loopback with the project's tracker store on a
throwaway SQLite file and Rasa's pika broker (``URLPikaEventBroker``) on this run's exchange
and queue; workers talk over the REST channel. The expected counts come from the replies the
workers received, the metrics from the events Rasa published.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml

from changai.db import make_engine, make_session_factory
from rasa_project.endpoints import EVENT_BROKER_TYPE
from tests.servers import Processes, seeded_database
from tests.support.consumers import consumer_for, counts, running, wait_for
from tests.support.rabbitmq import Broker
from tests.support.training import trained_model

pytestmark = [pytest.mark.servers, pytest.mark.slow]

CONVERSATIONS = {
    "stack-a": ["我考了中级工证书能领多少技能提升补贴", "/feedback_helpful", "/request_human"],
    "stack-b": [
        "公租房哪些人可以申请？申请要带哪些材料？",
        "/feedback_unhelpful",
        '/rate_conversation{"rating":4}',
    ],
}


def expected_from(replies: dict[str, list[list[dict[str, Any]]]]) -> dict[str, int]:
    """What the workers were told, counted from the REST replies' ``custom`` payloads."""
    kinds = [
        message["custom"]
        for turns in replies.values()
        for turn in turns
        for message in turn
        if isinstance(message.get("custom"), dict)
    ]
    ratings = [c["rating"] for c in kinds if c["type"] == "rating" and c.get("rating")]
    handoffs = [c for c in kinds if c["type"] in {"queue", "escalation"} and c["new_ticket"]]
    return {
        "worker_messages": sum(len(turns) for turns in replies.values()),
        "answered": sum(c["type"] == "answer" for c in kinds),
        "unanswered": sum(c["type"] == "no_specific_rule" for c in kinds) + len(handoffs),
        "escalated": len(handoffs),
        "helpful": sum(c["type"] == "feedback" and c["helpful"] is True for c in kinds),
        "unhelpful": sum(c["type"] == "feedback" and c["helpful"] is False for c in kinds),
        "rated": len(ratings),
        "rating_sum": sum(ratings),
        "conversations": len(replies),
    }


def test_rasa_publishes_and_the_consumer_counts_what_workers_were_told(
    tmp_path, broker: Broker
) -> None:
    model = trained_model()
    url = seeded_database(tmp_path)
    processes = Processes(model, url, tmp_path)
    endpoints = tmp_path / "endpoints.yml"
    config = yaml.safe_load(endpoints.read_text(encoding="utf-8"))
    config["event_broker"] = {
        "type": EVENT_BROKER_TYPE,
        "url": broker.url,
        "queues": [broker.queue],
        "exchange_name": broker.exchange,
    }
    endpoints.write_text(yaml.safe_dump(config), encoding="utf-8")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        processes.start("actions")
        processes.start("rasa")
        replies = {
            sender: [processes_post(processes, sender, text) for text in texts]
            for sender, texts in CONVERSATIONS.items()
        }
        expected = expected_from(replies)
        # the conversation really went where the test means it to
        assert expected["answered"] >= 2 and expected["escalated"] == 1
        assert expected["helpful"] == expected["unhelpful"] == 1 and expected["rated"] == 1

        async def consume() -> None:
            consumer = consumer_for(broker, factory)
            async with running(consumer):
                await wait_for(lambda: counts(factory) == expected, f"counts {expected}")
            assert consumer.progress.dead_lettered == 0 and consumer.progress.ignored > 0

        asyncio.run(consume())
    finally:
        processes.stop_all()
        engine.dispose()


def processes_post(processes: Processes, sender: str, text: str) -> list[dict[str, Any]]:
    from tests.servers import rest_post

    return rest_post(f"http://127.0.0.1:{processes.rasa_port}", {"sender": sender, "message": text})
