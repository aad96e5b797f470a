"""The process-wide knowledge service: database sessions and the live retrieval index.

Built lazily on first use, so importing the action package does no I/O.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy.orm import Session, sessionmaker

from changai.db import make_engine, make_session_factory
from changai.settings import Settings, load_settings
from knowledge.analysis import default_analyzer
from knowledge.answering import find_answer
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.live_index import LiveIndex
from knowledge.multi_part import PartReply, answer_parts, part_entities
from knowledge.replies import Reply


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

    def find(
        self,
        question: str,
        *,
        topic: str | None,
        region: str | None,
        entities: Mapping[str, Iterable[str]] | None,
        asked: str | None = None,
    ) -> Reply:
        """``find_answer`` over this service's index and lexicon, with its thresholds."""
        return find_answer(
            self.index,
            self.lexicon,
            question,
            topic=topic,
            region=region,
            entities=entities,
            threshold=self.settings.retrieval_threshold,
            fit_threshold=self.settings.fit_threshold,
            asked=asked,
            # one question at a time: a part of a several-question message is not quoted a clause
            clause_threshold=self.settings.clause_threshold if asked is None else None,
        )

    def find_parts(
        self,
        question: str,
        *,
        topic: str | None,
        region: str | None,
        entities: Mapping[str, Iterable[str]] | None,
    ) -> list[PartReply] | None:
        """Each question that ``question`` asks, found with the entities that part names;
        None when it asks only one (``knowledge.multi_part.answer_parts``)."""
        return answer_parts(
            question,
            lambda part: self.find(
                part.search_text,
                topic=topic,
                region=region,
                entities=part_entities(entities, part.search_text),
                asked=part.asked,
            ),
        )


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
