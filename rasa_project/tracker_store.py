"""A SQL tracker store that keeps recent conversations replayed in memory.

Stock ``SQLTrackerStore`` rebuilds the whole tracker from the database for
every message (JSON decoding, then resolving each event's class by walking
every ``Event`` subclass, then replaying every event) and counts the stored
events again before it appends. Its cost grows with the length of the
conversation, and all of it runs on the event loop.

``CachingSQLTrackerStore`` (configured in ``endpoints.yml`` as
``type: rasa_project.tracker_store.CachingSQLTrackerStore``) writes the same
rows to the same ``events`` table, so the database stays the record and a
restarted server, another tool or stock Rasa reads it unchanged. In addition:

- each conversation's state is kept in memory (a least-recently-used cache of
  ``cache_size`` conversations): a *base* tracker replayed up to a cut, plus
  the events after the cut;
- ``retrieve`` hands Rasa a tracker of the recent events only: the worker and
  bot messages before them (at most ``TRANSCRIPT_LIMIT``, what the case card's
  transcript shows) in one ``EarlierLines`` event, the slots, pause and active
  loop at the cut as ``SlotSet``/``ConversationPaused``/``ActiveLoop`` events,
  then every event after the cut. The cut keeps at least ``window_lines`` worker
  and bot messages and ``MIN_USER_TURNS`` user turns (Rasa's rules here look at
  the last turns only), so what a message costs stops growing with the length of
  the conversation, and ``actions.conversation.transcript`` gives the same lines
  as with the whole tracker;
- ``save`` appends exactly the events Rasa added to that tracker, without
  counting rows first;
- database work runs in a worker thread, off the event loop;
- on a cache miss (first message after a restart, or an evicted
  conversation), events are decoded with a type-name table instead of the
  subclass walk;
- the ids of the stored conversations are read once at start and kept up to
  date by ``save``, so a new conversation's first message reads nothing (up to
  ``known_senders_limit`` ids; beyond that every miss reads, as before).

The rows themselves (the URL, the SQLite engine, the known ids, bulk reads and inserts) are
``rasa_project.tracker_rows.EventRowsStore``, the class this one extends.

Trackers not handed out by ``retrieve`` (for example one created by Rasa's
HTTP API to replace events) are saved exactly as stock does, and the cached
state of that conversation is dropped.

Several Rasa instances on one database (production: PostgreSQL, Rasa's Redis
lock store) stay correct because the cache is checked against the database
(``shared_database``, on unless the database is SQLite, the embedded default's
one process):

- each cached conversation remembers the id of the last ``events`` row it has
  seen (rows ours inserts come back with their ids: ``INSERT ... RETURNING``);
- ``retrieve`` of a cached conversation reads the rows after that id, one query
  on an index of ``(sender_id, id)``: none when no other instance wrote, else
  exactly the events another instance added, which are appended to the cache;
- the known-senders shortcut is off: a conversation missing from this cache is
  always read, as another instance may have created it.

Rasa's lock store holds a conversation's lock from ``retrieve`` to ``save``, so
no other instance appends to it in between; the check is what carries the
conversation from one instance to the next. Rows deleted from the database
under a cached conversation are not noticed (nothing in the project deletes
events).
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_project import rasa_speedups
from rasa_project.tracker_rows import DEFAULT_KNOWN_SENDERS_LIMIT, EventRowsStore
from rasa_project.tracker_window import (
    Conversation,
    extend,
    is_empty,
    window_tracker,
)

DEFAULT_CACHE_SIZE = 2000
DEFAULT_WINDOW_LINES = 6

rasa_speedups.install()


@dataclass(frozen=True)
class _Handout:
    """Marks a tracker handed out by ``retrieve``: where its new events begin."""

    version: int
    given: int


HANDOUT_ATTRIBUTE = "_changai_handout"


class CachingSQLTrackerStore(EventRowsStore):
    """``SQLTrackerStore`` plus an in-memory window of each recent conversation."""

    def __init__(
        self,
        domain: Domain | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        window_lines: int = DEFAULT_WINDOW_LINES,
        known_senders_limit: int = DEFAULT_KNOWN_SENDERS_LIMIT,
        shared_database: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            domain=domain,
            known_senders_limit=known_senders_limit,
            shared_database=shared_database,
            **kwargs,
        )
        self.cache_size = int(cache_size)
        self.window_lines = int(window_lines)
        self._cache: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()
        # One writer thread: rows keep their order and SQLite sees no competing writers.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-writer")

    async def _write(self, function: Any, *args: Any) -> Any:
        # Not asyncio.to_thread: writes go through this store's own one-thread executor, so
        # that they reach the database in the order Rasa made them.
        return await asyncio.get_running_loop().run_in_executor(self._writer, function, *args)

    # -- reading ---------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        conversation = self._cached(sender_id)
        if conversation is None:
            last_id = 0
            if self._surely_new(sender_id):
                events: list[Event] = []
            else:
                events, last_id = await asyncio.to_thread(self._load_rows, sender_id, False)
            conversation = self._remember(sender_id, events, last_id)
        elif self.shared:
            last_id = conversation.last_id
            events, newest = await asyncio.to_thread(self._load_after, sender_id, last_id)
            if newest > last_id == conversation.last_id:  # another instance wrote
                self._extend(conversation, events)
                conversation.last_id = newest
        if is_empty(conversation):
            return None  # stock reads no rows as "no tracker"
        return self._handout(sender_id, conversation)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        events, _ = await asyncio.to_thread(self._load_rows, conversation_id, True)
        if not events or not self.domain:
            return None
        return DialogueStateTracker.from_events(conversation_id, events, self.domain.slots)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions:
            return await self.retrieve_full_tracker(sender_id)
        return await self.retrieve(sender_id)

    # -- the cache -------------------------------------------------------------

    def _cached(self, sender_id: str) -> Conversation | None:
        with self._lock:
            conversation = self._cache.get(sender_id)
            if conversation is not None:
                self._cache.move_to_end(sender_id)
            return conversation

    def _forget(self, sender_id: str) -> None:
        with self._lock:
            self._cache.pop(sender_id, None)

    def _remember(self, sender_id: str, events: list[Event], last_id: int = 0) -> Conversation:
        conversation = Conversation(base=self._empty_tracker(sender_id), last_id=last_id)
        self._extend(conversation, events)
        with self._lock:
            self._cache[sender_id] = conversation
            self._cache.move_to_end(sender_id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return conversation

    def _empty_tracker(self, sender_id: str) -> DialogueStateTracker:
        return DialogueStateTracker(sender_id, self.domain.slots if self.domain else None)

    def _extend(self, conversation: Conversation, events: list[Event]) -> None:
        extend(conversation, events, self.window_lines, self._empty_tracker)

    def _handout(self, sender_id: str, conversation: Conversation) -> DialogueStateTracker:
        tracker = window_tracker(conversation, self._empty_tracker(sender_id), self.domain)
        self._mark(tracker, conversation)
        return tracker

    # -- writing ---------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        handout: _Handout | None = getattr(tracker, HANDOUT_ATTRIBUTE, None)
        conversation = self._cached(tracker.sender_id)
        if handout is None and conversation is not None and is_empty(conversation):
            # Rasa's create_tracker after retrieve found nothing: store all its events
            handout = _Handout(conversation.version, 0)
        if handout is None or conversation is None or conversation.version != handout.version:
            # Publish what was appended, not Rasa's stock diff (``stream_events``), which
            # compares with what ``retrieve`` returns here, a window of the conversation:
            # behind a load balancer it published turns twice or not at all, and the
            # analytics counted them so (docs/decisions.md, #14).
            stored_before, last_id, added = await self._write(self._save_as_stock, tracker)
            if self.event_broker is not None and added:
                await self._stream_new_events(self.event_broker, added, tracker.sender_id)
            self._forget(tracker.sender_id)
            if stored_before == 0:  # the database now holds exactly this tracker's events
                conversation = self._remember(tracker.sender_id, list(tracker.events), last_id)
                self._mark(tracker, conversation)
            return
        new_events = list(tracker.events)[handout.given :]
        if new_events:
            last_id = await self._write(self._insert, tracker.sender_id, new_events)
            # Published only once stored: a server killed in between leaves a turn stored and
            # not published, which the widget's take-over publishes again (counted once, by
            # event id), never one published and not stored, which it would replay and so
            # publish (and count) a second time (connectors/widget/redelivery.py).
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            self._extend(conversation, new_events)
            conversation.last_id = max(conversation.last_id, last_id)
        self._mark(tracker, conversation)

    @staticmethod
    def _mark(tracker: DialogueStateTracker, conversation: Conversation) -> None:
        setattr(tracker, HANDOUT_ATTRIBUTE, _Handout(conversation.version, len(tracker.events)))
