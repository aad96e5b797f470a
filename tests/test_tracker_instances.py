"""Two Rasa instances, one PostgreSQL database: CachingSQLTrackerStore stays fresh.

One conversation's turns alternate between two ``CachingSQLTrackerStore`` instances on a
throwaway PostgreSQL database, as they would behind a load balancer with Rasa's lock
store (one instance handles a message at a time). Before each turn, the tracker the
handling instance hands Rasa must agree with what Rasa's stock ``SQLTrackerStore`` reads
from the same database, and the stored rows must be exactly the events of the
conversation, once each, in order.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ConversationPaused, ConversationResumed, Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from actions.conversation import transcript
from rasa_project.tracker_store import CachingSQLTrackerStore
from tests.support.trackers import (
    DOMAIN,
    SENDER,
    Clock,
    assert_same_view,
    count_event_reads,
    postgres_kwargs,
    sdk_tracker,
    session_start_events,
    stored_events,
    turn_events,
)

pytestmark = pytest.mark.postgres
TURNS = 200


def instance_for(turn: int) -> int:
    """Strict alternation, with a few runs of three turns on one instance (turns 100-129)."""
    return (turn // 3) % 2 if 100 <= turn < 130 else turn % 2


async def alternate(url: str) -> None:
    # the instances read the URL as the generated endpoints file gives it (``url:``)
    instances = [CachingSQLTrackerStore(DOMAIN, host=url) for _ in range(2)]
    assert all(store.shared for store in instances)
    stock = SQLTrackerStore(DOMAIN, **postgres_kwargs(url))
    clock = Clock()
    sent: list[Event] = []
    for turn in range(1, TURNS + 1):
        store = instances[instance_for(turn)]
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
        if turn > 1:  # what Rasa and the actions see on this instance: the whole conversation
            assert_same_view(tracker, await stock.retrieve(SENDER))
        new: list[Event] = []
        if turn == 1:
            new += session_start_events(clock, None)
        if turn == 170:  # the session expired on this instance: the region carries over
            new += session_start_events(clock, tracker.get_slot("region"))
        if turn == 40:
            new.append(ConversationPaused(timestamp=clock()))
        if turn == 90:
            new.append(ConversationResumed(timestamp=clock()))
        new += turn_events(turn, clock, 40 <= turn < 90)
        if turn % 50 == 25:
            # Rasa's HTTP API builds its own tracker (not one handed out): stock's save
            full = await stock.retrieve(SENDER)
            assert full is not None
            independent = DialogueStateTracker.from_events(SENDER, list(full.events), DOMAIN.slots)
            for event in new:
                independent.update(event)
            await store.save(independent)
        else:
            for event in new:
                tracker.update(event)
            await store.save(tracker)
        sent += new
        assert stored_events(url) == [e.as_dict() for e in sent], f"turn {turn}"
    # at the end, both instances agree with stock and with each other
    stock_view = await stock.retrieve(SENDER)
    views = [await store.retrieve(SENDER) for store in instances]
    for view in views:
        assert_same_view(view, stock_view)
    assert transcript(sdk_tracker(views[0])) == transcript(sdk_tracker(views[1]))
    full = [await store.retrieve_full_tracker(SENDER) for store in instances]
    assert [e.as_dict() for e in full[0].events] == [e.as_dict() for e in sent]
    assert [e.as_dict() for e in full[1].events] == [e.as_dict() for e in sent]


def test_one_conversation_alternating_between_two_instances(postgres_url: str) -> None:
    asyncio.run(alternate(postgres_url))


def test_a_conversation_another_instance_created_is_found(postgres_url: str) -> None:
    async def scenario() -> None:
        first, second = (CachingSQLTrackerStore(DOMAIN, host=postgres_url) for _ in range(2))
        assert await first.retrieve("late") is None  # not there yet (and now cached as empty)
        for sender in ("late", "new"):  # the other instance creates both conversations
            tracker = await second.get_or_create_tracker(sender, append_action_listen=False)
            clock = Clock()
            for event in session_start_events(clock, "广州") + turn_events(1, clock, False):
                tracker.update(event)
            await second.save(tracker)
        for sender in ("late", "new"):
            found = await first.retrieve(sender)
            assert found is not None and found.get_slot("region") == "广州"
            assert found.latest_message.text.startswith("第1个问题")

    asyncio.run(scenario())


def test_a_fresh_cached_conversation_costs_one_query_that_reads_nothing(
    postgres_url: str,
) -> None:
    async def scenario() -> None:
        store = CachingSQLTrackerStore(DOMAIN, host=postgres_url)
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
        clock = Clock()
        for event in session_start_events(clock, None) + turn_events(1, clock, False):
            tracker.update(event)
        await store.save(tracker)
        reads = count_event_reads(store)
        assert (await store.retrieve(SENDER)) is not None
        assert len(reads) == 1 and "id >" in reads[0]
        engine = create_engine(postgres_url)
        with engine.connect() as connection:
            indexes = connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE tablename = 'events'")
            ).scalars()
            assert any("(sender_id, id)" in index for index in indexes)
        engine.dispose()

    asyncio.run(scenario())
