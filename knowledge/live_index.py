"""The live retrieval index: published, in-force entries, rebuilt when the knowledge changes.

A cheap fingerprint of the knowledge tables is checked at most once per refresh interval;
a change rebuilds the index, so an admin's edit answers within about a second.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, sessionmaker

from changai.vocabulary import DocumentStatus, FaqStatus, LegalStatus
from knowledge.analysis import Analyzer
from knowledge.aspects import detect_aspects, entry_aspects
from knowledge.clause_index import ClauseIndex, clause_topics, servable_clauses
from knowledge.index_cache import IndexCache
from knowledge.indexed_entries import ClauseInfo, IndexedEntry, RetrievalResult, SourceInfo
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.retrieval import RetrievalIndex
from knowledge.tfidf import fitted

NOT_CURRENT = frozenset({LegalStatus.lapsed.value, LegalStatus.replaced.value})


def _passed_limit(document: PolicyDocument, today: dt.date) -> dt.date | None:
    until = document.in_force_until
    if document.legal_status == LegalStatus.time_limited.value and until and until < today:
        return until
    return None


def _usable(document: PolicyDocument) -> bool:
    return (
        document.status == DocumentStatus.active.value and document.legal_status not in NOT_CURRENT
    )


def _clause_links(session: Session, entry_ids: list[int] | None = None) -> dict[int, list[Row]]:
    """Every entry's linked clauses in link order, as plain rows (id, key, number, text,
    document_id): ORM objects for 50,000 clauses took 2 s. ``entry_ids``: only theirs."""
    query = (
        select(
            FaqEntryClause.entry_id,
            PolicyClause.id,
            PolicyClause.key,
            PolicyClause.number,
            PolicyClause.text,
            PolicyClause.document_id,
        )
        .join(PolicyClause, PolicyClause.id == FaqEntryClause.clause_id)
        .order_by(FaqEntryClause.entry_id, FaqEntryClause.position)
    )
    if entry_ids is not None:
        query = query.where(FaqEntryClause.entry_id.in_(entry_ids))
    linked: dict[int, list[Row]] = {}
    for row in session.execute(query).all():
        linked.setdefault(row.entry_id, []).append(row)
    return linked


def _clause_documents(session: Session) -> dict[int, list[tuple[int, int]]]:
    """Every entry's linked clauses as (clause id, document id), in link order: what an
    entry's cache key needs, without the clauses' texts. Read through the session's
    connection, without the ORM's result handling: 50,000 links took 0.3 s through it."""
    rows = (
        session.connection()
        .execute(
            select(FaqEntryClause.entry_id, PolicyClause.id, PolicyClause.document_id)
            .join(PolicyClause, PolicyClause.id == FaqEntryClause.clause_id)
            .order_by(FaqEntryClause.entry_id, FaqEntryClause.position)
        )
        .all()
    )
    linked: dict[int, list[tuple[int, int]]] = {}
    for entry_id, clause_id, document_id in rows:
        linked.setdefault(entry_id, []).append((clause_id, document_id))
    return linked


# Above this many entries to build, their rows are read all at once rather than by id.
BY_ID_LIMIT = 500

_ENTRY_COLUMNS = (
    FaqEntry.id,
    FaqEntry.key,
    FaqEntry.topic,
    FaqEntry.question,
    FaqEntry.alternatives,
    FaqEntry.answer,
    FaqEntry.region,
    FaqEntry.region_sensitive,
    FaqEntry.tags,
    FaqEntry.aspects,
    FaqEntry.clause,
    FaqEntry.version,
    FaqEntry.updated_at,
    FaqEntry.document_id,
)


def servable_entries(
    session: Session, today: dt.date, cache: IndexCache | None = None
) -> list[IndexedEntry]:
    """Published entries whose document is active and in force today, and that rest on no
    lapsed or replaced document (#12).

    ``cache``: the live index's; an entry whose row, document and clauses are unchanged
    since the last build is taken from it as built (its row is not even read: a clause's
    text changes only with its document's version), and aspects are detected once per
    phrasing."""
    documents = {d.id: d for d in session.execute(select(PolicyDocument)).scalars()}
    stamps = {d.id: (d.id, d.version, d.updated_at) for d in documents.values()}
    usable = {d.id for d in documents.values() if _usable(d)}
    published = FaqEntry.status == FaqStatus.published.value
    links = _clause_documents(session)
    keys: dict[int, tuple] = {}
    for row in session.execute(
        select(FaqEntry.id, FaqEntry.version, FaqEntry.updated_at, FaqEntry.document_id)
        .where(published)
        .order_by(FaqEntry.id)
    ):
        document = documents.get(row.document_id)
        if document is None or document.id not in usable or not document.in_force(today):
            continue
        clauses = links.get(row.id, [])
        if not all(document_id in usable for _clause, document_id in clauses):
            continue
        keys[row.id] = (
            row.id,
            row.version,
            row.updated_at,
            stamps[document.id],
            tuple((clause, stamps[document_id]) for clause, document_id in clauses),
            today,
        )
    missing = [i for i, key in keys.items() if cache is None or not cache.has_entry(key)]
    by_id = missing if len(missing) <= BY_ID_LIMIT else None
    query = select(*_ENTRY_COLUMNS).where(published)
    rows = session.execute(query.where(FaqEntry.id.in_(by_id)) if by_id is not None else query)
    clause_rows = _clause_links(session, by_id) if missing else {}
    wanted = set(missing)
    detect = cache.aspects if cache is not None else detect_aspects
    built: dict[int, IndexedEntry] = {}
    for row in rows:
        if row.id in wanted:
            document = documents[row.document_id]
            clauses = clause_rows.get(row.id, [])
            built[row.id] = _indexed_entry(row, document, clauses, documents, today, detect)
    if cache is None:
        return [built[i] for i in keys]
    return [cache.entry(key, partial(built.__getitem__, i)) for i, key in keys.items()]


def _indexed_entry(
    entry: Row,
    document: PolicyDocument,
    clauses: list[Row],
    documents: dict[int, PolicyDocument],
    today: dt.date,
    detect: Callable[[str], frozenset[str]],
) -> IndexedEntry:
    linked = [(clause, documents[clause.document_id]) for clause in clauses]
    limits = [
        until
        for until in (_passed_limit(d, today) for d in (document, *(d for _c, d in linked)))
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
            ClauseInfo(**ClauseInfo.fields(clause, clause_document))
            for clause, clause_document in linked
        ),
        time_limit_passed=min(limits) if limits else None,
        valid_until=(
            document.in_force_until
            if document.legal_status == LegalStatus.time_limited.value
            else None
        ),
    )
    phrasings = (entry.question, *[str(a) for a in (entry.alternatives or [])])
    return IndexedEntry(
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
        aspects=entry_aspects(entry.aspects, phrasings, detect),
    )


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
        self._clause_topics: dict[int, frozenset[str]] = {}
        self.cache = IndexCache(analyzer)  # an edit re-analyses only what it changed

    def current(self) -> RetrievalIndex:
        with self._lock:
            now = self._clock()
            if self._index is not None and now - self._checked_at < self._refresh_seconds:
                return self._index
            today = self._today()
            with self._session_factory() as session:
                stamp = knowledge_stamp(session, today)
                if self._index is None or stamp != self._stamp:
                    self._index = self._rebuild(session, today, stamp)
                    self._stamp = stamp
            self._checked_at = now
            return self._index

    def _rebuild(self, session: Session, today: dt.date, stamp: tuple) -> RetrievalIndex:
        """The index built from the knowledge now. The clause index is kept as it is when
        no document changed (``stamp``) and every document's clauses are placed under the
        same topics: an entry's edit then rebuilds only the entries' index. A document's edit
        re-reads only that document's clauses, and refits the clauses' TF-IDF only when
        their texts changed (at 50,000 clauses a full clause index took 1.7 s to build,
        ``bench/publish_to_live.py``)."""
        topics = clause_topics(session)
        kept = self._index.clause_index if self._index is not None else None
        if not (self._stamp and stamp[1:] == self._stamp[1:] and topics == self._clause_topics):
            kept = None
        with self.cache.build():
            entries = servable_entries(session, today, self.cache)
            index = RetrievalIndex(entries, self._analyzer, self._lexicon, self.cache)
            # each document's clauses as kept (read even when the clause index is kept, so
            # that they stay cached for the next document edit)
            clauses = servable_clauses(session, today, topics, self.cache)
            if kept is None:
                kept = ClauseIndex(clauses, self._analyzer, self._lexicon, self.cache)
            else:  # its texts and their fit stay cached for the next document edit
                fitted(self._analyzer, [clause.text for clause in kept.clauses], self.cache)
            index.clause_index = kept
        self._clause_topics = topics
        return index

    def search(self, question: str, **kwargs: Any) -> RetrievalResult:
        return self.current().search(question, **kwargs)
