"""Ranked retrieval of published, in-force FAQ entries, kept in step with the database.

Question text, topic, region and entities in; hits with scores out. Each entry
is indexed by its standard question and alternative phrasings (best phrasing
counts) and, with a lower weight, by its answer. Region fallback: the
worker's own region first, then its province, then 全国.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.analysis import Analyzer
from knowledge.lexicon import Lexicon
from knowledge.models import NATIONAL, FaqEntry, FaqStatus, PolicyDocument

PHRASING_WEIGHT = 0.7
ANSWER_WEIGHT = 0.3
TAG_MATCH_BONUS = 0.08
TAG_CONFLICT_PENALTY = 0.08
REGION_BONUS = {"exact": 0.06, "parent": 0.03, "national": 0.0, "other": 0.0}
ANY_REGION = "*"  # search every region's entries (to learn whether local rules exist)


@dataclass(frozen=True)
class SourceInfo:
    document_id: int
    title: str
    doc_number: str
    issuer: str
    region: str
    effective_from: dt.date | None
    expires_on: dt.date | None
    url: str | None


@dataclass(frozen=True)
class IndexedEntry:
    id: int
    key: str
    topic: str
    question: str
    answer: str
    region: str
    region_sensitive: bool
    tags: frozenset[str]
    clause: str
    version: int
    source: SourceInfo
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    entry: IndexedEntry
    score: float
    text_score: float
    region_match: str  # exact | parent | national | other (only with ANY_REGION)


@dataclass(frozen=True)
class RetrievalResult:
    hits: list[Hit]
    region: str | None
    chain: list[str]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class _Vectoriser:
    """TF-IDF over analyser features, L2-normalised rows, built once per index."""

    def __init__(self, analyzer: Analyzer, documents: list[str]) -> None:
        self._analyzer = analyzer
        feature_lists = [analyzer.features(d) for d in documents]
        vocabulary: dict[str, int] = {}
        for features in feature_lists:
            for feature in features:
                vocabulary.setdefault(feature, len(vocabulary))
        self.vocabulary = vocabulary
        doc_freq = np.zeros(len(vocabulary))
        for features in feature_lists:
            for index in {vocabulary[f] for f in features}:
                doc_freq[index] += 1
        self.idf = np.log((1 + len(documents)) / (1 + doc_freq)) + 1.0
        self.matrix = self._rows(feature_lists)

    def _rows(self, feature_lists: list[list[str]]) -> sparse.csr_matrix:
        indptr, indices, values = [0], [], []
        for features in feature_lists:
            counts: dict[int, int] = {}
            for feature in features:
                index = self.vocabulary.get(feature)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            row = {i: (1 + np.log(c)) * self.idf[i] for i, c in counts.items()}
            norm = float(np.sqrt(sum(v * v for v in row.values()))) or 1.0
            indices.extend(row)
            values.extend(v / norm for v in row.values())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (values, indices, indptr), shape=(len(feature_lists), len(self.vocabulary))
        )

    def query(self, text: str) -> sparse.csr_matrix:
        return self._rows([self._analyzer.features(text)])


class RetrievalIndex:
    """An immutable index over a snapshot of servable entries."""

    def __init__(self, entries: list[IndexedEntry], analyzer: Analyzer, lexicon: Lexicon) -> None:
        self.entries = entries
        self._lexicon = lexicon
        self._tag_types = {
            canonical: entity_type
            for entity_type, table in lexicon.surfaces.items()
            if entity_type != "region"
            for canonical in table.values()
        }
        phrasings: list[str] = []
        self._phrasing_owner: list[int] = []
        for position, entry in enumerate(entries):
            for phrasing in entry.phrasings:
                phrasings.append(phrasing)
                self._phrasing_owner.append(position)
        answers = [f"{e.question} {e.answer}" for e in entries]
        self._phrasings = _Vectoriser(analyzer, phrasings) if phrasings else None
        self._answers = _Vectoriser(analyzer, answers) if answers else None
        self._owner = np.array(self._phrasing_owner, dtype=np.int64)
        self._topics = np.array([e.topic for e in entries], dtype=object)
        self._regions = np.array([e.region for e in entries], dtype=object)

    def __len__(self) -> int:
        return len(self.entries)

    def _text_scores(self, question: str) -> np.ndarray:
        if self._phrasings is None or self._answers is None:
            return np.zeros(0)
        phrasing_scores = self._phrasings.matrix @ self._phrasings.query(question).T
        phrasing_scores = phrasing_scores.toarray().ravel()
        best = np.zeros(len(self.entries))
        np.maximum.at(best, self._owner, phrasing_scores)
        answer_scores = self._answers.matrix @ self._answers.query(question).T
        return PHRASING_WEIGHT * best + ANSWER_WEIGHT * answer_scores.toarray().ravel()

    def _tag_adjustment(self, entry: IndexedEntry, values: set[str]) -> float:
        if not values or not entry.tags:
            return 0.0
        matched = entry.tags & values
        asked_types = {self._tag_types.get(v) for v in values - matched}
        conflicting = {t for t in entry.tags - matched if self._tag_types.get(t) in asked_types}
        bonus = min(2, len(matched)) * TAG_MATCH_BONUS
        penalty = TAG_CONFLICT_PENALTY if conflicting and not matched else 0.0
        return bonus - penalty

    def search(
        self,
        question: str,
        topic: str | None = None,
        region: str | None = None,
        entities: Mapping[str, Iterable[str]] | None = None,
        limit: int = 5,
    ) -> RetrievalResult:
        any_region = region == ANY_REGION
        chain = self._lexicon.region_chain(None if any_region else region)
        if not self.entries:
            return RetrievalResult([], region, chain)
        mask = (
            np.ones(len(self.entries), dtype=bool) if any_region else np.isin(self._regions, chain)
        )
        if topic:
            mask &= self._topics == topic
        candidates = np.flatnonzero(mask)
        if candidates.size == 0:
            return RetrievalResult([], region, chain)
        text_scores = self._text_scores(question)
        values = {str(v) for key, vs in (entities or {}).items() if key != "region" for v in vs}
        hits = []
        for position in candidates:
            entry = self.entries[position]
            if entry.region == NATIONAL:
                match = "national"
            elif entry.region not in chain:
                match = "other"
            else:
                match = "exact" if chain.index(entry.region) == 0 else "parent"
            text_score = float(text_scores[position])
            score = text_score + REGION_BONUS[match] + self._tag_adjustment(entry, values)
            hits.append(Hit(entry, round(min(score, 1.0), 4), text_score, match))
        hits.sort(key=lambda h: (-h.score, h.entry.id))
        return RetrievalResult(hits[:limit], region, chain)


def _servable_entries(session: Session, today: dt.date) -> list[IndexedEntry]:
    rows = session.execute(
        select(FaqEntry, PolicyDocument)
        .join(PolicyDocument, FaqEntry.document_id == PolicyDocument.id)
        .where(FaqEntry.status == FaqStatus.published.value)
        .where(PolicyDocument.status == "active")
        .order_by(FaqEntry.id)
    ).all()
    entries = []
    for entry, document in rows:
        if not document.in_force(today):
            continue
        source = SourceInfo(
            document_id=document.id,
            title=document.title,
            doc_number=document.doc_number or "",
            issuer=document.issuer or "",
            region=document.region,
            effective_from=document.effective_from,
            expires_on=document.expires_on,
            url=document.url,
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
                    entries = _servable_entries(session, today)
                    self._index = RetrievalIndex(entries, self._analyzer, self._lexicon)
                    self._stamp = stamp
            self._checked_at = now
            return self._index

    def search(self, question: str, **kwargs) -> RetrievalResult:  # type: ignore[no-untyped-def]
        return self.current().search(question, **kwargs)
