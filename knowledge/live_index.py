"""The live retrieval index: published, in-force entries, rebuilt when the knowledge changes.

A cheap fingerprint of the knowledge tables is checked at most once per refresh interval;
a change rebuilds the index, so an admin's edit answers within about a second.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from changai.vocabulary import DocumentStatus, FaqStatus, LegalStatus
from knowledge.analysis import Analyzer
from knowledge.aspects import entry_aspects
from knowledge.indexed_entries import ClauseInfo, IndexedEntry, RetrievalResult, SourceInfo
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.retrieval import RetrievalIndex

NOT_CURRENT = frozenset({LegalStatus.lapsed.value, LegalStatus.replaced.value})


def _passed_limit(document: PolicyDocument, today: dt.date) -> dt.date | None:
    until = document.in_force_until
    if document.legal_status == LegalStatus.time_limited.value and until and until < today:
        return until
    return None


def _entry_clauses(session: Session) -> dict[int, list[tuple[PolicyClause, PolicyDocument]]]:
    """Every entry's linked clauses with their documents, in link order (one query)."""
    rows = session.execute(
        select(FaqEntryClause.entry_id, PolicyClause, PolicyDocument)
        .join(PolicyClause, PolicyClause.id == FaqEntryClause.clause_id)
        .join(PolicyDocument, PolicyDocument.id == PolicyClause.document_id)
        .order_by(FaqEntryClause.entry_id, FaqEntryClause.position)
    ).all()
    linked: dict[int, list[tuple[PolicyClause, PolicyDocument]]] = {}
    for entry_id, clause, document in rows:
        linked.setdefault(entry_id, []).append((clause, document))
    return linked


def servable_entries(session: Session, today: dt.date) -> list[IndexedEntry]:
    """Published entries whose document is active and in force today, and that rest on no
    lapsed or replaced document (#12)."""
    rows = session.execute(
        select(FaqEntry, PolicyDocument)
        .join(PolicyDocument, FaqEntry.document_id == PolicyDocument.id)
        .where(FaqEntry.status == FaqStatus.published.value)
        .where(PolicyDocument.status == DocumentStatus.active.value)
        .where(PolicyDocument.legal_status.notin_(NOT_CURRENT))
        .order_by(FaqEntry.id)
    ).all()
    linked = _entry_clauses(session)
    entries = []
    for entry, document in rows:
        if not document.in_force(today):
            continue
        clauses = linked.get(entry.id, [])
        if any(
            d.legal_status in NOT_CURRENT or d.status != DocumentStatus.active.value
            for _c, d in clauses
        ):
            continue
        limits = [
            until
            for until in (_passed_limit(d, today) for d in (document, *(d for _c, d in clauses)))
            if until is not None
        ]
        source = SourceInfo(
            document_id=document.id,
            title=document.title,
            doc_number=document.doc_number or "",
            issuer=document.issuer or "",
            region=document.region,
            effective_from=document.effective_from,
            expires_on=document.expires_on,
            url=document.url,
            clauses=tuple(
                ClauseInfo(
                    id=clause.id,
                    key=clause.key,
                    number=clause.number or "",
                    text=clause.text,
                    document_title=clause_document.title,
                    doc_number=clause_document.doc_number or "",
                )
                for clause, clause_document in clauses
            ),
            time_limit_passed=min(limits) if limits else None,
            valid_until=(
                document.in_force_until
                if document.legal_status == LegalStatus.time_limited.value
                else None
            ),
        )
        phrasings = (entry.question, *[str(a) for a in (entry.alternatives or [])])
        entries.append(
            IndexedEntry(
                id=entry.id,
                key=entry.key,
                topic=entry.topic,
                question=entry.question,
                answer=entry.answer,
                region=entry.region,
                region_sensitive=bool(entry.region_sensitive),
                tags=frozenset(entry.tags or ()),
                clause=entry.clause or "",
                version=entry.version,
                source=source,
                phrasings=phrasings,
                aspects=entry_aspects(entry.aspects, phrasings),
            )
        )
    return entries


def knowledge_stamp(session: Session, today: dt.date) -> tuple:
    """A cheap fingerprint that changes whenever servable content may have changed."""
    faq = session.execute(
        select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at), func.sum(FaqEntry.version))
    ).one()
    docs = session.execute(
        select(
            func.count(PolicyDocument.id),
            func.max(PolicyDocument.updated_at),
            func.sum(PolicyDocument.version),
        )
    ).one()
    return (tuple(faq), tuple(docs), today)


class LiveIndex:
    """Serves searches from an index that follows the database within seconds.

    At most once per ``refresh_seconds`` it reads a fingerprint of the
    knowledge tables; when that changed, it rebuilds the index.
    """

    def __init__(
        self,
        session_factory: sessionmaker,
        analyzer: Analyzer,
        lexicon: Lexicon,
        refresh_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._session_factory = session_factory
        self._analyzer = analyzer
        self._lexicon = lexicon
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._today = today
        self._lock = threading.Lock()
        self._index: RetrievalIndex | None = None
        self._stamp: tuple | None = None
        self._checked_at = float("-inf")

    def current(self) -> RetrievalIndex:
        with self._lock:
            now = self._clock()
            if self._index is not None and now - self._checked_at < self._refresh_seconds:
                return self._index
            today = self._today()
            with self._session_factory() as session:
                stamp = knowledge_stamp(session, today)
                if self._index is None or stamp != self._stamp:
                    entries = servable_entries(session, today)
                    self._index = RetrievalIndex(entries, self._analyzer, self._lexicon)
                    self._stamp = stamp
            self._checked_at = now
            return self._index

    def search(self, question: str, **kwargs: Any) -> RetrievalResult:
        return self.current().search(question, **kwargs)
