"""The clauses of in-force documents, searched when no FAQ entry fits a question (#12, item 3).

Only clauses that may be told as current are indexed: the document is active, in force today
(``effective_from``/``expires_on``), not lapsed or replaced, and not a time-limited rule past
its end date. A clause belongs to the topics of the published entries that rest on its
document (its own ``document`` or a linked clause): a document no entry rests on is not known
to be about one of the four programmes, so its clauses are not offered.

Scores are the same TF-IDF cosine as entries' (:mod:`knowledge.tfidf`, the same analyser), and
``coverage`` is the idf-weighted share of the question's words that the clause contains
(:mod:`knowledge.word_coverage`): a clause that shares the subject's words but not what the
question names (转租, 落户) covers little of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from changai.vocabulary import NATIONAL, DocumentStatus, FaqStatus, LegalStatus
from knowledge.analysis import Analyzer
from knowledge.index_cache import IndexCache
from knowledge.indexed_entries import ClauseInfo
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.tfidf import fitted
from knowledge.word_coverage import IndexCoverage

NOT_CURRENT = frozenset({LegalStatus.lapsed.value, LegalStatus.replaced.value})
CANDIDATES = 3  # the best few by score are weighed by coverage too


@dataclass(frozen=True)
class IndexedClause(ClauseInfo):
    """A servable clause with what places it: its document, region and topics."""

    document_id: int
    region: str
    url: str | None
    topics: frozenset[str]


@dataclass(frozen=True)
class ClauseHit:
    clause: IndexedClause
    score: float  # TF-IDF cosine with the question
    coverage: float  # share of the question's weighted words the clause contains


def current_document(document: PolicyDocument, today: dt.date) -> bool:
    """The document's rules may be told as current today."""
    if document.status != DocumentStatus.active.value or document.legal_status in NOT_CURRENT:
        return False
    until = document.in_force_until
    if document.legal_status == LegalStatus.time_limited.value and until and until < today:
        return False
    return document.in_force(today)


def clause_topics(session: Session) -> dict[int, frozenset[str]]:
    """Document id -> the topics of the published entries resting on it or on its clauses:
    where its clauses may be quoted."""
    topics: dict[int, set[str]] = defaultdict(set)
    published = FaqEntry.status == FaqStatus.published.value
    for document_id, topic in session.execute(
        select(FaqEntry.document_id, FaqEntry.topic).where(published).distinct()
    ):
        topics[document_id].add(topic)
    for document_id, topic in session.execute(
        select(PolicyClause.document_id, FaqEntry.topic)
        .join(FaqEntryClause, FaqEntryClause.clause_id == PolicyClause.id)
        .join(FaqEntry, FaqEntry.id == FaqEntryClause.entry_id)
        .where(published)
        .distinct()
    ):
        topics[document_id].add(topic)
    return {document_id: frozenset(found) for document_id, found in topics.items()}


def servable_clauses(
    session: Session,
    today: dt.date,
    topics: dict[int, frozenset[str]] | None = None,
    cache: IndexCache | None = None,
) -> list[IndexedClause]:
    """Every clause of a current document that a published entry's topic can place
    (``topics``: ``clause_topics(session)``, when already read), by document and position.

    ``cache``: the live index's; a document's clauses are kept as built while the document
    and its topics are unchanged (a clause's text changes only with its document's version),
    so that a rebuild reads the clause rows of changed documents only: at 50,000 clauses,
    reading and building them all took 1.3 s (``bench/publish_to_live.py``)."""
    topics = clause_topics(session) if topics is None else topics
    documents = [
        d
        for d in session.execute(select(PolicyDocument).order_by(PolicyDocument.id)).scalars()
        if topics.get(d.id) and current_document(d, today)
    ]
    keys = {d.id: ("clauses", d.id, d.version, d.updated_at, topics[d.id]) for d in documents}
    missing = [d.id for d in documents if cache is None or not cache.has_entry(keys[d.id])]
    query = select(
        PolicyClause.id,
        PolicyClause.key,
        PolicyClause.number,
        PolicyClause.text,
        PolicyClause.document_id,
    ).order_by(PolicyClause.document_id, PolicyClause.position)
    if cache is not None:
        query = query.where(PolicyClause.document_id.in_(missing))
    rows: dict[int, list[Row]] = defaultdict(list)
    for row in session.execute(query) if missing else ():
        rows[row.document_id].append(row)

    def build(document: PolicyDocument) -> list[IndexedClause]:
        return [
            IndexedClause(
                **ClauseInfo.fields(row, document),
                document_id=document.id,
                region=document.region or NATIONAL,
                url=document.url,
                topics=topics[document.id],
            )
            for row in rows[document.id]
            if (row.text or "").strip()
        ]

    if cache is None:
        return [clause for document in documents for clause in build(document)]
    return [
        clause
        for document in documents
        for clause in cache.entry(keys[document.id], partial(build, document))
    ]


class ClauseIndex:
    """An immutable index over a snapshot of servable clauses."""

    def __init__(
        self,
        clauses: list[IndexedClause],
        analyzer: Analyzer,
        lexicon: Lexicon,
        texts: IndexCache | None = None,
    ) -> None:
        self.clauses = clauses
        self._lexicon = lexicon
        self._vectoriser = fitted(analyzer, [c.text for c in clauses], texts) if clauses else None
        self._region_codes = {
            name: code for code, name in enumerate(sorted({c.region for c in clauses}))
        }
        self._regions = np.array([self._region_codes[c.region] for c in clauses], dtype=np.int64)
        self._topic_masks = {
            topic: np.array([topic in c.topics for c in clauses], dtype=bool)
            for topic in {t for c in clauses for t in c.topics}
        }
        self._coverage = IndexCoverage(self._vectoriser, lexicon) if self._vectoriser else None

    def __len__(self) -> int:
        return len(self.clauses)

    def best(self, question: str, *, topic: str | None, region: str | None) -> ClauseHit | None:
        """The clause of ``topic`` for the worker's region (or national) that matches best."""
        if self._vectoriser is None or topic not in self._topic_masks:
            return None
        chain = [
            self._region_codes[r]
            for r in self._lexicon.region_chain(region)
            if r in self._region_codes
        ]
        mask = self._topic_masks[topic] & np.isin(self._regions, chain)
        scores = np.where(mask, self._vectoriser.scores(question), 0.0)
        if scores.size > CANDIDATES:
            best = np.argpartition(-scores, CANDIDATES)[:CANDIDATES]
        else:
            best = np.arange(scores.size)
        best = best[np.lexsort((best, -scores[best]))]  # by score, then position
        top = [int(i) for i in best if scores[i] > 0]
        if not top:
            return None
        hits = [
            ClauseHit(self.clauses[i], round(float(scores[i]), 4), self.coverage(question, i))
            for i in top
        ]
        return max(hits, key=lambda h: (round(h.score * h.coverage, 4), h.score))

    def coverage(self, question: str, position: int) -> float:
        assert self._coverage is not None
        clause = self.clauses[position]
        return round(self._coverage.share(question, position, lambda: clause.text), 4)
