"""The process-wide knowledge service: database sessions and the live retrieval index.

Built lazily on first use, so importing the action package does no I/O.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from changai.db import make_engine, make_session_factory
from changai.settings import Settings, load_settings
from knowledge.analysis import default_analyzer
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.live_index import LiveIndex


class KnowledgeService:
    def __init__(self, settings: Settings, session_factory: sessionmaker) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.lexicon: Lexicon = load_lexicon()
        self.index = LiveIndex(
            session_factory,
            default_analyzer(),
            self.lexicon,
            refresh_seconds=settings.index_refresh_seconds,
        )
        # The wall clock, for working hours (tests replace it with a fixed moment).
        self.now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)

    def transaction(self) -> Session:
        """A session inside a transaction: ``with service.transaction() as s:``."""
        return self.session_factory.begin()


_service: KnowledgeService | None = None
_lock = threading.Lock()


def get_service() -> KnowledgeService:
    global _service
    with _lock:
        if _service is None:
            settings = load_settings()
            engine = make_engine(settings.database_url)
            _service = KnowledgeService(settings, make_session_factory(engine))
        return _service


def set_service(service: KnowledgeService | None) -> None:
    """Install a service (tests) or drop the cached one."""
    global _service
    with _lock:
        _service = service
