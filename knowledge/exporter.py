"""Export documents and FAQ entries in the seed's shape (JSON-serialisable)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from knowledge import repository


def export_knowledge(*, session: Session) -> dict[str, list[dict[str, Any]]]:
    documents = repository.list_documents(session=session)
    keys = {d.id: d.key for d in documents}
    return {
        "documents": [
            {
                "key": d.key,
                **repository.citation_fields(d),
                "source_note": d.source_note,
                "legal_status": d.legal_status,
                "in_force_until": d.in_force_until.isoformat() if d.in_force_until else None,
                "replaced_by": keys.get(d.replaced_by_id) if d.replaced_by_id else None,
                "source_kind": d.source_kind,
                "official_title": d.official_title,
                "checked_on": d.checked_on.isoformat() if d.checked_on else None,
                "clauses": [{"key": c.key, "number": c.number, "text": c.text} for c in d.clauses],
            }
            for d in documents
        ],
        "entries": [
            {
                "key": e.key,
                "topic": e.topic,
                "question": e.question,
                "alternatives": list(e.alternatives or []),
                "answer": e.answer,
                "region": e.region,
                "region_sensitive": e.region_sensitive,
                "tags": list(e.tags or []),
                "aspects": list(e.aspects or []),
                "document": keys.get(e.document_id),
                "clause": e.clause,
                "clause_keys": [c.key for c in e.clauses],
                "status": e.status,
                "version": e.version,
                "updated_by": e.updated_by,
                "updated_at": e.updated_at.isoformat() if e.updated_at else None,
            }
            for e in repository.list_faqs(session=session)
        ],
    }
