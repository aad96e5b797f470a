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
import json
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_project import rasa_speedups
from rasa_project.tracker_database import event_rows, tuned_sqlite_engine, url_kwargs
from rasa_project.tracker_window import (
    Conversation,
    deserialise_events,
    extend,
    is_empty,
    window_tracker,
)

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 2000
DEFAULT_WINDOW_LINES = 6
DEFAULT_KNOWN_SENDERS_LIMIT = 200_000  # conversation ids kept to skip reading new ones
# Makes the freshness check (rows of one conversation after an id) an index range scan.
SENDER_ID_INDEX = "changai_events_sender_id_id"

rasa_speedups.install()


@dataclass(frozen=True)
class _Handout:
    """Marks a tracker handed out by ``retrieve``: where its new events begin."""

    version: int
    given: int


HANDOUT_ATTRIBUTE = "_changai_handout"


class CachingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` plus an in-memory window of each recent conversation."""

    engine: Any  # set by SQLTrackerStore.__init__ (Rasa ships no type information)

    def __init__(
        self,
        domain: Domain | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        window_lines: int = DEFAULT_WINDOW_LINES,
        known_senders_limit: int = DEFAULT_KNOWN_SENDERS_LIMIT,
        shared_database: bool | None = None,
        **kwargs: Any,
    ) -> None:
        host = kwargs.get("host")
        if host and "://" in str(host):  # ``url:`` in the endpoints file: a whole database URL
            kwargs.update(url_kwargs(str(host)))
        super().__init__(domain=domain, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = tuned_sqlite_engine(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cache_size = int(cache_size)
        self.window_lines = int(window_lines)
        self._cache: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()
        # One writer thread: rows keep their order and SQLite sees no competing writers.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-writer")
        self.known_senders_limit = int(known_senders_limit)
        if shared_database is None:
            shared_database = self.engine.dialect.name != "sqlite"
        self.shared = bool(shared_database)
        self._known: set[str] | None = None
        if self.shared:
            self._ensure_sender_index()
        else:
            self._known = self._stored_senders()

    def _ensure_sender_index(self) -> None:
        table = self.SQLEvent.__tablename__
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        f"CREATE INDEX IF NOT EXISTS {SENDER_ID_INDEX} ON {table} (sender_id, id)"
                    )
                )
        except sa.exc.SQLAlchemyError as exc:  # another instance creating it at the same time
            logger.warning("Could not create index %s: %s", SENDER_ID_INDEX, exc)

    def _stored_senders(self) -> set[str] | None:
        """Every conversation id in the database, or None when there are too many to keep."""
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.sender_id)
                .distinct()
                .limit(self.known_senders_limit + 1)
                .all()
            )
        if len(rows) > self.known_senders_limit:
            return None
        return {row.sender_id for row in rows}

    def _now_stored(self, sender_id: str) -> None:
        """Called once a conversation's rows are committed (in the writer thread)."""
        known = self._known
        if known is None or sender_id in known:
            return
        if len(known) >= self.known_senders_limit:
            self._known = None  # too many: from now on every cache miss reads
        else:
            known.add(sender_id)

    def _surely_new(self, sender_id: str) -> bool:
        """True when the database holds no event of ``sender_id`` (never with a shared one)."""
        known = self._known
        return known is not None and sender_id not in known

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

    def _load_rows(self, sender_id: str, all_sessions: bool) -> tuple[list[Event], int]:
        """The stored events (as stock reads them) and the id of the last row."""
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=all_sessions
            ).all()
            events = deserialise_events(json.loads(row.data) for row in rows)
            return events, max((row.id for row in rows), default=0)

    def _load_after(self, sender_id: str, last_id: int) -> tuple[list[Event], int]:
        """The events stored after row ``last_id`` (by another instance), and the last id."""
        table = self.SQLEvent.__table__
        query = (
            sa.select(table.c.id, table.c.data)
            .where(table.c.sender_id == sender_id, table.c.id > last_id)
            .order_by(table.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        events = deserialise_events(json.loads(row.data) for row in rows)
        return events, max((row.id for row in rows), default=last_id)

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
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            last_id = await self._write(self._insert, tracker.sender_id, new_events)
            self._extend(conversation, new_events)
            conversation.last_id = max(conversation.last_id, last_id)
        self._mark(tracker, conversation)

    @staticmethod
    def _mark(tracker: DialogueStateTracker, conversation: Conversation) -> None:
        setattr(tracker, HANDOUT_ATTRIBUTE, _Handout(conversation.version, len(tracker.events)))

    def _save_as_stock(self, tracker: DialogueStateTracker) -> tuple[int, int, list[Event]]:
        """Stock behaviour: append what the database does not hold yet.

        Returns how many events of the latest session were stored before, the id of the
        last row added (0 when none was, or the database is not shared) and the events
        added.
        """
        with self.session_scope() as session:
            stored = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            events = list(tracker.events)[stored:]
            last_id = self._add_rows(session, tracker.sender_id, events)
            session.commit()
        if stored or events:
            self._now_stored(tracker.sender_id)
        return stored, last_id, events

    def _insert(self, sender_id: str, events: list[Event]) -> int:
        with self.session_scope() as session:
            last_id = self._add_rows(session, sender_id, events)
            session.commit()
        self._now_stored(sender_id)
        return last_id

    def _add_rows(self, session: Any, sender_id: str, events: list[Event]) -> int:
        """The rows stock's ``save`` adds, in one multi-row insert.

        Returns the id of the last row added with a shared database, else 0.
        """
        if not events:
            return 0
        rows = event_rows(sender_id, events)
        table = self.SQLEvent.__table__
        if not self.shared:
            session.execute(table.insert(), rows)
            return 0
        if self.engine.dialect.full_returning:  # PostgreSQL
            ids = session.execute(table.insert().values(rows).returning(table.c.id)).scalars()
            return max(ids)
        session.execute(table.insert(), rows)  # SQLite: no RETURNING in SQLAlchemy 1.4
        newest = session.execute(
            sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
        ).scalar()
        return int(newest or 0)
