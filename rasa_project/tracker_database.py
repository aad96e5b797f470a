"""The tracker store's database: its engine for the SQLite file, its settings from a URL, and
the ``events`` rows it writes (the rows stock Rasa's ``SQLTrackerStore`` writes).

Used by ``rasa_project.tracker_rows.EventRowsStore``.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from changai.db import SQLITE_POOL, tune_sqlite


def tuned_sqlite_engine(url: Any) -> Any:
    """An engine for the SQLite file (the embedded default) that commits cheaply.

    - a pool of open connections (stock opens and closes one per transaction,
      and closing the last connection to the file checkpoints it);
    - WAL journal and ``synchronous=NORMAL``: a commit appends to the
      write-ahead log without waiting for the disk. It survives the process
      being killed (the fault tests SIGKILL Rasa), not a power cut, which may
      lose the last moments of conversations. Readers in the other processes no
      longer wait for writers.

    PostgreSQL keeps stock's engine.
    """
    engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **SQLITE_POOL)
    tune_sqlite(engine, foreign_keys=False)
    return engine


def event_rows(sender_id: str, events: list[Event]) -> list[dict[str, Any]]:
    """The ``events`` rows stock's ``save`` adds for ``events``, as values to insert."""
    rows = []
    for event in events:
        data = event.as_dict()
        rows.append(
            {
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            }
        )
    return rows


def url_kwargs(url: str) -> dict[str, Any]:
    """``SQLTrackerStore``'s connection settings for a database URL (DATABASE_URL)."""
    parsed = sa.engine.make_url(url)
    return {
        "host": parsed.host,
        "dialect": parsed.drivername,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }
