"""CachingSQLTrackerStore against Rasa's stock SQLTrackerStore, turn by turn.

The same conversation is written through both stores (each on its own
database). After every turn the two must store identical rows, and the tracker
ours hands Rasa must agree with stock's whole tracker on everything Rasa and
the actions read: slots, pause, active loop, latest message and action, the
recent events, and the case card's transcript. A fresh store on the same
database (a restarted server) must agree too. Runs on SQLite and on a
throwaway PostgreSQL database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from actions.conversation import transcript
from changai.vocabulary import TRANSCRIPT_LIMIT
from rasa_project.tracker_store import CachingSQLTrackerStore
from rasa_project.tracker_window import deserialise_events
from tests.support.postgres import throwaway_database
from tests.support.trackers import (
    DOMAIN,
    SENDER,
    Clock,
    assert_same_view,
    count_event_reads,
    postgres_kwargs,
    sdk_tracker,
    session_start_events,
    sqlite_kwargs,
    stored_rows,
    turn_events,
)


async def converse(kwargs_for: Callable[[str], dict[str, Any]], urls: dict[str, str]) -> None:
    stock = SQLTrackerStore(DOMAIN, **kwargs_for("stock"))
    ours = CachingSQLTrackerStore(DOMAIN, **kwargs_for("ours"))
    clocks = {"stock": Clock(), "ours": Clock()}
    stores = {"stock": stock, "ours": ours}
    for turn in range(1, 161):
        paused = 40 <= turn < 110  # staff took over: many worker lines, no bot lines
        for name, store in stores.items():
            tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
            clock = clocks[name]
            new: list[Event] = []
            if turn == 1:
                new += session_start_events(clock, None)
            if turn == 140:  # the session expired: a new one carries the region over
                new += session_start_events(clock, tracker.get_slot("region"))
            if turn == 40:
                new.append(ConversationPaused(timestamp=clock()))
            if turn == 110:
                new.append(ConversationResumed(timestamp=clock()))
            new += turn_events(turn, clock, paused)
            for event in new:
                tracker.update(event)
            await store.save(tracker)
        assert stored_rows(urls["ours"]) == stored_rows(urls["stock"]), f"turn {turn}"
        stock_view = await stock.retrieve(SENDER)
        ours_view = await ours.retrieve(SENDER)
        assert_same_view(ours_view, stock_view)
        if turn == 135:  # long before the new session: the transcript is full
            assert len(transcript(sdk_tracker(ours_view))) == TRANSCRIPT_LIMIT
        if turn in {60, 135, 160}:  # a restarted server reads the same from the database
            restarted = CachingSQLTrackerStore(DOMAIN, **kwargs_for("ours"))
            assert_same_view(await restarted.retrieve(SENDER), stock_view)
            full = await restarted.retrieve_full_tracker(SENDER)
            stock_full = await stock.retrieve_full_tracker(SENDER)
            assert [e.as_dict() for e in full.events] == [e.as_dict() for e in stock_full.events]
    # the window stays small however long the conversation; the transcript stays whole
    assert len(ours_view.events) < 40 < len(stock_view.events)
    lines_in_window = sum(isinstance(e, UserUttered | BotUttered) for e in ours_view.events)
    assert len(transcript(sdk_tracker(ours_view))) == 42 > lines_in_window  # session from turn 140


def test_same_rows_and_same_view_as_stock_on_sqlite(tmp_path: Path) -> None:
    paths = {name: tmp_path / f"{name}.db" for name in ("stock", "ours")}
    urls = {name: f"sqlite:///{path}" for name, path in paths.items()}
    asyncio.run(converse(lambda name: sqlite_kwargs(paths[name]), urls))


@pytest.mark.postgres
def test_same_rows_and_same_view_as_stock_on_postgresql(postgres_url: str) -> None:
    # two databases: the fixture's for ours, a second throwaway one for stock
    with throwaway_database() as stock_url:
        urls = {"ours": postgres_url, "stock": stock_url}
        asyncio.run(converse(lambda which: postgres_kwargs(urls[which]), urls))


def test_a_tracker_not_handed_out_is_saved_as_stock_saves_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        paths = {name: tmp_path / f"{name}.db" for name in ("stock", "ours")}
        stores = {
            "stock": SQLTrackerStore(DOMAIN, **sqlite_kwargs(paths["stock"])),
            "ours": CachingSQLTrackerStore(DOMAIN, **sqlite_kwargs(paths["ours"])),
        }
        for store in stores.values():
            clock = Clock()
            events = session_start_events(clock, None) + turn_events(1, clock, False)
            await store.save(DialogueStateTracker.from_events(SENDER, events, DOMAIN.slots))
            # a second, independently built tracker (as Rasa's HTTP API builds one)
            longer = events + turn_events(2, clock, False)
            await store.save(DialogueStateTracker.from_events(SENDER, longer, DOMAIN.slots))
        rows = {name: stored_rows(f"sqlite:///{path}") for name, path in paths.items()}
        assert rows["ours"] == rows["stock"] and len(rows["ours"]) >= 11
        ours = await stores["ours"].retrieve(SENDER)
        assert_same_view(ours, await stores["stock"].retrieve(SENDER))

    asyncio.run(scenario())


def test_an_unknown_conversation_is_none_as_with_stock(tmp_path: Path) -> None:
    store = CachingSQLTrackerStore(DOMAIN, **sqlite_kwargs(tmp_path / "ours.db"))
    assert asyncio.run(store.retrieve("nobody")) is None


def test_a_new_conversation_reads_nothing_and_a_stored_one_is_read(tmp_path: Path) -> None:
    """Known ids come from the database at start and from every save after it."""

    async def one_turn(store: CachingSQLTrackerStore, sender: str) -> None:
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        clock = Clock()
        for event in session_start_events(clock, None) + turn_events(1, clock, False):
            tracker.update(event)
        await store.save(tracker)

    async def scenario(limit: int) -> None:
        path = tmp_path / f"limit-{limit}.db"
        first = CachingSQLTrackerStore(DOMAIN, known_senders_limit=limit, **sqlite_kwargs(path))
        reads = count_event_reads(first)
        await one_turn(first, "a")
        await one_turn(first, "b")
        assert (await first.retrieve("a")).latest_message.text.startswith("第1个问题")
        assert reads == []  # both were new: nothing read
        assert (first._known is None) == (limit < 2)
        # a restarted server (or an evicted conversation) reads what is stored
        restarted = CachingSQLTrackerStore(DOMAIN, known_senders_limit=limit, **sqlite_kwargs(path))
        reads = count_event_reads(restarted)
        stock = SQLTrackerStore(DOMAIN, **sqlite_kwargs(path))
        for sender in ("a", "b"):
            assert_same_view(await restarted.retrieve(sender), await stock.retrieve(sender))
        assert len(reads) == 2
        assert await restarted.retrieve("c") is None
        assert len(reads) == (2 if limit >= 2 else 3)  # "c" is surely new unless over the limit

    asyncio.run(scenario(limit=10))
    asyncio.run(scenario(limit=1))  # more conversations than the limit: every miss reads


def test_least_recently_used_conversations_leave_the_cache(tmp_path: Path) -> None:
    async def scenario() -> CachingSQLTrackerStore:
        store = CachingSQLTrackerStore(DOMAIN, cache_size=2, **sqlite_kwargs(tmp_path / "o.db"))
        for sender in ("a", "b", "c"):
            tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
            clock = Clock()
            for event in session_start_events(clock, None) + turn_events(1, clock, False):
                tracker.update(event)
            await store.save(tracker)
        assert (await store.retrieve("a")).latest_message.text.startswith("第1个问题")
        return store

    store = asyncio.run(scenario())
    assert list(store._cache) == ["c", "a"]


def test_fast_deserialisation_gives_stock_events() -> None:
    clock = Clock()
    events = session_start_events(clock, "广州") + turn_events(7, clock, False)
    events += [ConversationPaused(timestamp=clock()), ConversationResumed(timestamp=clock())]
    dumped = [e.as_dict() for e in events]
    assert deserialise_events(dumped) == events
    assert [type(e) for e in deserialise_events(dumped)] == [type(e) for e in events]
