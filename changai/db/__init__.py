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

Base = declarative_base()


def utcnow() -> dt.datetime:
    """Naive UTC, as every timestamp column stores it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def private_sqlite_file(url: str) -> None:
    """Create the SQLite file of ``url`` readable by its owner only (0600), or make it so.

    It holds accounts, sessions and workers' messages; SQLite gives its ``-wal`` and ``-shm``
    files the database file's permissions."""
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    if not path or path == ":memory:":
        return
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))
    if file.stat().st_mode & 0o077:
        file.chmod(0o600)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout for three processes, and a file
    that only its owner can read."""
    if url.startswith("sqlite"):
        private_sqlite_file(url)
        engine = create_engine(
            url, future=True, connect_args={"check_same_thread": False, "timeout": 15}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)
