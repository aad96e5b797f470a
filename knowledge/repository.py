"""Reading the knowledge base, and recording workers' feedback and unanswered questions.

Documents and FAQ entries are written only through ``knowledge.catalogue`` (validated,
versioned, audited). The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.errors import DocumentNotFound, FaqNotFound
from knowledge.indexed_entries import SourceInfo
from knowledge.models import (
    AnswerFeedback,
    FaqEntry,
    PolicyClause,
    PolicyDocument,
    UnansweredQuestion,
)

# A document's legal status and where its text came from: the fields added with clauses (#12).
DOCUMENT_SOURCE_FIELDS = (
    "legal_status",
    "in_force_until",
    "replaced_by_id",
    "source_kind",
    "official_title",
    "checked_on",
)
# What a document is: its title, number, issuer, region, dates, address and note.
DOCUMENT_DESCRIPTION_FIELDS = (
    "title",
    "doc_number",
    "issuer",
    "region",
    "effective_from",
    "expires_on",
    "url",
    "source_note",
)
# The fields an edit can change (besides the key); content versions snapshot them.
DOCUMENT_FIELDS = (*DOCUMENT_DESCRIPTION_FIELDS, *DOCUMENT_SOURCE_FIELDS)
# Saved with the item, snapshotted and versioned with it, but not plain columns: a
# document's clauses (list of {key, number, text}) and an entry's linked clause keys.
DOCUMENT_CLAUSES = "clauses"
ENTRY_CLAUSE_KEYS = "clause_keys"
FAQ_FIELDS = (
    "topic",
    "question",
    "alternatives",
    "answer",
    "region",
    "region_sensitive",
    "tags",
    "aspects",
    "document_id",
    "clause",
    "status",
)


def get_document_by_key(*, session: Session, key: str) -> PolicyDocument:
    document = session.execute(
        select(PolicyDocument).where(PolicyDocument.key == key)
    ).scalar_one_or_none()
    if document is None:
        raise DocumentNotFound(key)
    return document


def get_faq(*, session: Session, faq_id: int) -> FaqEntry:
    entry = session.get(FaqEntry, faq_id)
    if entry is None:
        raise FaqNotFound(str(faq_id))
    return entry


def get_faq_by_key(*, session: Session, key: str) -> FaqEntry:
    entry = session.execute(select(FaqEntry).where(FaqEntry.key == key)).scalar_one_or_none()
    if entry is None:
        raise FaqNotFound(key)
    return entry


def list_faqs(
    *, session: Session, topic: str | None = None, status: str | None = None
) -> list[FaqEntry]:
    query = select(FaqEntry).order_by(FaqEntry.topic, FaqEntry.id)
    if topic:
        query = query.where(FaqEntry.topic == topic)
    if status:
        query = query.where(FaqEntry.status == status)
    return list(session.execute(query).scalars())


def get_clause_by_key(*, session: Session, key: str) -> PolicyClause | None:
    return session.execute(select(PolicyClause).where(PolicyClause.key == key)).scalar_one_or_none()


def list_clauses(*, session: Session, document_id: int | None = None) -> list[PolicyClause]:
    query = select(PolicyClause).order_by(PolicyClause.document_id, PolicyClause.position)
    if document_id is not None:
        query = query.where(PolicyClause.document_id == document_id)
    return list(session.execute(query).scalars())


def list_documents(*, session: Session) -> list[PolicyDocument]:
    return list(session.execute(select(PolicyDocument).order_by(PolicyDocument.id)).scalars())


def record_feedback(
    *, session: Session, conversation_id: str, faq_id: int | None, helpful: bool
) -> AnswerFeedback:
    feedback = AnswerFeedback(conversation_id=conversation_id, faq_id=faq_id, helpful=helpful)
    session.add(feedback)
    session.flush()
    return feedback


def record_unanswered(
    *,
    session: Session,
    conversation_id: str,
    question: str,
    topic: str | None,
    region: str | None,
    best_score: float | None,
    reason: str,
    created_at: dt.datetime | None = None,
) -> UnansweredQuestion:
    """``created_at``: when it was asked, if not now (naive UTC)."""
    item = UnansweredQuestion(
        conversation_id=conversation_id,
        question=question,
        topic=topic,
        region=region,
        best_score=best_score,
        reason=reason,
    )
    if created_at is not None:
        item.created_at = created_at
    session.add(item)
    session.flush()
    return item


def citation_fields(document: PolicyDocument | SourceInfo) -> dict[str, Any]:
    """What a citation names of a document: title, number, issuer, region, dates (ISO dates,
    or None) and address, in that order (the answer's ``source`` payload, the export)."""
    return {
        "title": document.title,
        "doc_number": document.doc_number,
        "issuer": document.issuer,
        "region": document.region,
        "effective_from": _iso(document.effective_from),
        "expires_on": _iso(document.expires_on),
        "url": document.url,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
