"""The database everything shares: engine and session factories, the declarative base.

Nothing connects at import time. Each domain package declares its tables on :data:`Base`
(``knowledge.models``, ``helpdesk.models``, ``connectors.widget.models``); Alembic's history
in ``changai/db/migrations`` owns the schema.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

Base = declarative_base()


def utcnow() -> dt.datetime:
    """Naive UTC, as every timestamp column stores it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def sqlite_file_path(url: str) -> str:
    """The file of an SQLite URL; empty for an in-memory database."""
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    return "" if path == ":memory:" else path


def private_sqlite_file(url: str) -> None:
    """Create the SQLite file of ``url`` readable by its owner only (0600), or make it so.

    It holds accounts, sessions and workers' messages; SQLite gives its ``-wal`` and ``-shm``
    files the database file's permissions."""
    path = sqlite_file_path(url)
    if not path:
        return
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))
    if file.stat().st_mode & 0o077:
        file.chmod(0o600)


# SQLite connections kept open. SQLAlchemy 1.4 opens and closes one per session for a file
# (NullPool); closing the last connection to the file checkpoints the write-ahead log, which
# waits for the disk: about 7 ms on every write and on many reads (issue #15). Connections
# beyond the pool's size are opened when needed and closed when returned (no upper bound:
# a worker thread never waits for a connection).
SQLITE_POOL: dict[str, Any] = {"poolclass": QueuePool, "pool_size": 5, "max_overflow": -1}


def tune_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    """Pragmas for each new SQLite connection of ``engine``.

    - WAL: readers in the other processes do not wait for a writer;
    - ``synchronous=NORMAL``: a commit appends to the write-ahead log without waiting for
      the disk. It survives the process being killed, not a power cut, which may lose the
      last moments of writes (docs/decisions.md);
    - foreign keys enforced, for the project's own tables (Rasa's tracker store has none).
    """

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if foreign_keys:
            cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout for three processes, a pool of open
    connections, and a file that only its owner can read."""
    if url.startswith("sqlite"):
        private_sqlite_file(url)
        engine = create_engine(
            url,
            future=True,
            connect_args={"check_same_thread": False, "timeout": 15},
            **(SQLITE_POOL if sqlite_file_path(url) else {}),
        )
        tune_sqlite(engine, foreign_keys=True)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)
