"""What a retrieval index holds and returns: entries with their sources and clauses, and hits.

``knowledge/retrieval.py`` ranks ``IndexedEntry`` rows; ``knowledge/live_index.py`` builds them
from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol


class _ClauseRow(Protocol):
    id: int
    key: str
    number: str | None
    text: str


class _DocumentRow(Protocol):
    title: str
    doc_number: str | None


@dataclass(frozen=True)
class ClauseInfo:
    """A clause an entry rests on, with the document it belongs to (#12)."""

    id: int
    key: str
    number: str  # as printed; "" when not known
    text: str
    document_title: str
    doc_number: str

    @staticmethod
    def fields(clause: _ClauseRow, document: _DocumentRow) -> dict[str, Any]:
        """A stored clause (or a row of its columns) of ``document``, as these fields."""
        return {
            "id": clause.id,
            "key": clause.key,
            "number": clause.number or "",
            "text": clause.text,
            "document_title": document.title,
            "doc_number": document.doc_number or "",
        }

    def payload(self) -> dict[str, Any]:
        """The clause as the REST payload's ``source.clauses`` carries it (查看原文)."""
        return {
            "id": self.id,
            "key": self.key,
            "number": self.number,
            "text": self.text,
            "document_title": self.document_title,
            "doc_number": self.doc_number,
        }


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
    clauses: tuple[ClauseInfo, ...] = ()
    # The end date of a time-limited rule the entry rests on, when it has passed on the day
    # the index was built: the answer says until when it applied (#12).
    time_limit_passed: dt.date | None = None
    # The document's own end date when it is a time-limited rule (``in_force_until``).
    valid_until: dt.date | None = None


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
    # what the entry answers (stored, or else its phrasings' aspects: knowledge/aspects.py)
    aspects: frozenset[str] = frozenset()


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
