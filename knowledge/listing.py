"""The editor's lists: entries and documents by filter, the review queue, the audit log.

Text filters compare as duplicates are compared (:func:`knowledge.field_values.comparable`:
Simplified, without punctuation or case), and also match a key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.vocabulary import FaqStatus
from knowledge.field_values import comparable
from knowledge.models import AuditEntry, FaqEntry, PolicyDocument


@dataclass(frozen=True)
class Filters:
    text: str = ""
    topic: str = ""
    region: str = ""
    status: str = ""
    document_id: int | None = None


def search_entries(*, session: Session, filters: Filters) -> list[FaqEntry]:
    """Entries matching every filter; text matches question, alternatives, answer or key."""
    query = select(FaqEntry).order_by(FaqEntry.topic, FaqEntry.id)
    if filters.topic:
        query = query.where(FaqEntry.topic == filters.topic)
    if filters.region:
        query = query.where(FaqEntry.region == filters.region)
    if filters.status:
        query = query.where(FaqEntry.status == filters.status)
    if filters.document_id is not None:
        query = query.where(FaqEntry.document_id == filters.document_id)
    entries = list(session.execute(query).scalars())
    needle = comparable(filters.text) if filters.text.strip() else ""
    if not needle:
        return entries
    return [
        e
        for e in entries
        if needle in comparable(" ".join([e.key, e.question, *(e.alternatives or []), e.answer]))
        or filters.text.strip().lower() in e.key.lower()
    ]


def search_documents(
    *, session: Session, text: str = "", status: str = "", region: str = ""
) -> list[PolicyDocument]:
    query = select(PolicyDocument).order_by(PolicyDocument.id)
    if status:
        query = query.where(PolicyDocument.status == status)
    if region:
        query = query.where(PolicyDocument.region == region)
    documents = list(session.execute(query).scalars())
    needle = comparable(text) if text.strip() else ""
    if not needle:
        return documents
    return [
        d
        for d in documents
        if needle in comparable(" ".join([d.key, d.title, d.doc_number or "", d.issuer or ""]))
        or text.strip().lower() in d.key.lower()
    ]


def review_queue(*, session: Session) -> list[FaqEntry]:
    """Drafts waiting for review, desk drafts included, oldest first."""
    return list(
        session.execute(
            select(FaqEntry)
            .where(FaqEntry.status == FaqStatus.draft.value)
            .order_by(FaqEntry.updated_at, FaqEntry.id)
        ).scalars()
    )


def audit_log(*, session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(
        session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars()
    )
