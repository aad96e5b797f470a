"""The ``events`` table as the caching tracker store reads and writes it.

``EventRowsStore`` is Rasa's ``SQLTrackerStore`` with the row work that
``rasa_project.tracker_store.CachingSQLTrackerStore`` (its subclass) builds on: the database
given as a whole URL, the tuned SQLite engine, the ``(sender_id, id)`` index of a shared
database, the ids of the stored conversations (``known_senders_limit`` at most), reading a
conversation's rows (all of them, or those after an id), and appending rows in one insert
(returning the last id with a shared database). The reads and writes run in worker threads
(``CachingSQLTrackerStore`` hands them off the event loop).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_project.tracker_database import event_rows, tuned_sqlite_engine, url_kwargs
from rasa_project.tracker_window import deserialise_events

logger = logging.getLogger(__name__)

DEFAULT_KNOWN_SENDERS_LIMIT = 200_000  # conversation ids kept to skip reading new ones
# Makes the freshness check (rows of one conversation after an id) an index range scan.
SENDER_ID_INDEX = "changai_events_sender_id_id"


class EventRowsStore(SQLTrackerStore):
    """``SQLTrackerStore`` with bulk row reads and writes and the known conversation ids."""

    engine: Any  # set by SQLTrackerStore.__init__ (Rasa ships no type information)

    def __init__(
        self,
        domain: Domain | None = None,
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
        self.known_senders_limit = int(known_senders_limit)
        if shared_database is None:
            shared_database = self.engine.dialect.name != "sqlite"
        self.shared = bool(shared_database)
        self._known: set[str] | None = None
        if self.shared:
            self._ensure_sender_index()
        else:
            self._known = self._stored_senders()

    # -- the known conversation ids --------------------------------------------

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

    # -- reading ---------------------------------------------------------------

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

    # -- writing ---------------------------------------------------------------

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
