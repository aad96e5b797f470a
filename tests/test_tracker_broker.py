"""What the tracker store publishes to Rasa's event broker is exactly what it stores.

The analytics consumer counts the broker's events (README, "The analytics consumer"). Two
``CachingSQLTrackerStore`` instances share a throwaway PostgreSQL database, as Rasa servers
behind a load balancer do; one conversation's turns alternate between them, with a pause
and the events Rasa's HTTP API appends (staff replies). After every turn, the events
published equal the rows stored: each once, none missing, and none published before it was
stored. (The cluster test found turns saved after the other instance wrote, published by
Rasa's stock diff against a windowed tracker, going missing.)
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ConversationPaused, ConversationResumed, Event
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_project.tracker_store import CachingSQLTrackerStore
from tests.support.trackers import (
    DOMAIN,
    SENDER,
    Clock,
    postgres_kwargs,
    session_start_events,
    stored_events,
    turn_events,
)

pytestmark = pytest.mark.postgres
TURNS = 60


class Broker:
    """Rasa's ``EventBroker`` as the tracker store uses it: ``publish(body)``. It notes every
    event handed to it before it was stored: a server killed right then would have published
    a turn its tracker never got, which the widget's take-over replays, so published twice."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.published: list[dict[str, Any]] = []
        self.not_stored_yet: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)
        body = {k: v for k, v in event.items() if k != "sender_id"}
        if body not in stored_events(self.url, event["sender_id"]):
            self.not_stored_yet.append(body)


def instance_for(turn: int) -> int:
    return (turn // 3) % 2 if turn >= 30 else turn % 2


async def alternate(url: str) -> None:
    broker = Broker(url)
    instances = [CachingSQLTrackerStore(DOMAIN, host=url, event_broker=broker) for _ in range(2)]
    stock = SQLTrackerStore(DOMAIN, **postgres_kwargs(url))
    clock = Clock()
    for turn in range(1, TURNS + 1):
        store = instances[instance_for(turn)]
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
        new: list[Event] = session_start_events(clock, None) if turn == 1 else []
        if turn == 12:
            new.append(ConversationPaused(timestamp=clock()))
        if turn == 24:
            new.append(ConversationResumed(timestamp=clock()))
        new += turn_events(turn, clock, 12 <= turn < 24)
        if turn % 5 == 0:  # Rasa's HTTP API appending (a staff reply): its own tracker
            full = await stock.retrieve(SENDER)
            assert full is not None
            appended = DialogueStateTracker.from_events(SENDER, list(full.events), DOMAIN.slots)
            for event in new:
                appended.update(event)
            await store.save(appended)
        else:
            for event in new:
                tracker.update(event)
            await store.save(tracker)
        published = [
            {k: v for k, v in body.items() if k != "sender_id"} for body in broker.published
        ]
        assert published == stored_events(url), f"turn {turn}"
        assert all(body["sender_id"] == SENDER for body in broker.published)
        assert broker.not_stored_yet == [], f"turn {turn}: published before it was stored"


def test_published_events_are_the_stored_events_once_each(postgres_url: str) -> None:
    asyncio.run(alternate(postgres_url))
