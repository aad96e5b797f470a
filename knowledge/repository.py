"""Repository functions for the knowledge base; the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import TOPICS, FaqStatus
from knowledge.errors import DocumentNotFound, FaqNotFound, InvalidEntry
from knowledge.models import AnswerFeedback, FaqEntry, PolicyDocument, UnansweredQuestion

DOCUMENT_FIELDS = (
    "title",
    "doc_number",
    "issuer",
    "region",
    "effective_from",
    "expires_on",
    "url",
    "source_note",
)
FAQ_FIELDS = (
    "topic",
    "question",
    "alternatives",
    "answer",
    "region",
    "region_sensitive",
    "tags",
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


def upsert_document(
    *, session: Session, key: str, values: dict[str, Any], actor: str
) -> tuple[PolicyDocument, bool]:
    """Create or update a document by key; returns (document, changed)."""
    for date_field in ("effective_from", "expires_on"):
        if isinstance(values.get(date_field), str):
            values[date_field] = dt.date.fromisoformat(values[date_field])
    if values.get("effective_from") and values.get("expires_on"):
        if values["expires_on"] < values["effective_from"]:
            raise InvalidEntry(f"document {key}: expires before it takes effect")
    try:
        document = get_document_by_key(session=session, key=key)
    except DocumentNotFound:
        document = PolicyDocument(key=key, updated_by=actor, **_pick(values, DOCUMENT_FIELDS))
        session.add(document)
        session.flush()
        return document, True
    changed = _apply(document, values, DOCUMENT_FIELDS)
    if changed:
        document.updated_by = actor
        document.updated_at = utcnow()
    return document, changed


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


def _validate_faq(key: str, values: dict[str, Any]) -> None:
    if values.get("topic") not in TOPICS:
        raise InvalidEntry(f"entry {key}: unknown topic {values.get('topic')!r}")
    if values.get("status", FaqStatus.draft.value) not in {s.value for s in FaqStatus}:
        raise InvalidEntry(f"entry {key}: unknown status {values.get('status')!r}")
    if not str(values.get("question", "")).strip() or not str(values.get("answer", "")).strip():
        raise InvalidEntry(f"entry {key}: question and answer are required")
    if values.get("status") == FaqStatus.published.value and not values.get("document_id"):
        raise InvalidEntry(f"entry {key}: a published entry needs a document")


def upsert_faq(
    *, session: Session, key: str, values: dict[str, Any], actor: str
) -> tuple[FaqEntry, bool]:
    """Create or update an entry by key; a real change bumps the version."""
    _validate_faq(key, values)
    try:
        entry = get_faq_by_key(session=session, key=key)
    except FaqNotFound:
        entry = FaqEntry(key=key, version=1, updated_by=actor, **_pick(values, FAQ_FIELDS))
        session.add(entry)
        session.flush()
        return entry, True
    changed = _apply(entry, values, FAQ_FIELDS)
    if changed:
        entry.version += 1
        entry.updated_by = actor
        entry.updated_at = utcnow()
    return entry, changed


def update_faq(*, session: Session, faq_id: int, changes: dict[str, Any], actor: str) -> FaqEntry:
    entry = get_faq(session=session, faq_id=faq_id)
    values = {name: getattr(entry, name) for name in FAQ_FIELDS}
    values.update(changes)
    _validate_faq(entry.key, values)
    if _apply(entry, changes, FAQ_FIELDS):
        entry.version += 1
        entry.updated_by = actor
        entry.updated_at = utcnow()
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
) -> UnansweredQuestion:
    item = UnansweredQuestion(
        conversation_id=conversation_id,
        question=question,
        topic=topic,
        region=region,
        best_score=best_score,
        reason=reason,
    )
    session.add(item)
    session.flush()
    return item


def _pick(values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in fields if name in values}


def _apply(row: Any, values: dict[str, Any], fields: tuple[str, ...]) -> bool:
    changed = False
    for name in fields:
        if name in values and getattr(row, name) != values[name]:
            setattr(row, name, values[name])
            changed = True
    return changed
