"""Writing one checked item: its fields, clause rows and links, then a version and audit.

Only :mod:`knowledge.catalogue` calls :func:`create` and :func:`update`, after the item's
checks passed; :func:`audit` also records imports (:mod:`knowledge.spreadsheets`).
The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from knowledge import content_versions as versions
from knowledge.models import AuditEntry, FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.repository import DOCUMENT_CLAUSES, ENTRY_CLAUSE_KEYS


def audit(
    *, session: Session, actor: str, action: str, kind: str, item_id: int | None, detail: str
) -> AuditEntry:
    row = AuditEntry(actor=actor, action=action, kind=kind, item_id=item_id, detail=detail)
    session.add(row)
    session.flush()
    return row


def create(
    session: Session,
    item: FaqEntry | PolicyDocument,
    *,
    actor: str,
    kind: str,
    detail: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Store a new item as version 1, with its audit line."""
    session.add(item)
    session.flush()
    for name, value in (extra or {}).items():
        _assign(session, item, name, value)
    _reload_children(session, item)
    versions.record(session=session, item=item, action="create", author=actor)
    audit(session=session, actor=actor, action="create", kind=kind, item_id=item.id, detail=detail)


def update(
    session: Session,
    item: FaqEntry | PolicyDocument,
    values: dict[str, Any],
    *,
    actor: str,
    kind: str,
    action_of: Callable[[dict[str, Any]], str],
    label: str,
) -> bool:
    """Apply ``values``; a real change is a new version (full snapshot) and an audit line.

    Saving unchanged values writes nothing (no version, no audit line, no baseline).
    """
    before = versions.snapshot(item)
    for name, value in values.items():
        _assign(session, item, name, value)
    _reload_children(session, item)
    changes = versions.diff(before, versions.snapshot(item))
    if not changes:
        return False
    versions.ensure_baseline(session=session, item=item, data=before)
    item.version += 1
    item.updated_by = actor
    item.updated_at = utcnow()
    done = action_of(before)
    versions.record(session=session, item=item, action=done, author=actor)
    audit(
        session=session,
        actor=actor,
        action=done,
        kind=kind,
        item_id=item.id,
        detail=f"{label} 第{item.version}版：" + "、".join(c.label for c in changes),
    )
    return True


def _assign(session: Session, item: FaqEntry | PolicyDocument, name: str, value: Any) -> None:
    """Set one cleaned value; clauses and clause links are rows of their own."""
    if name == DOCUMENT_CLAUSES:
        if value is not None:
            _sync_clauses(session, item, value)
    elif name == ENTRY_CLAUSE_KEYS:
        if value is not None:
            _sync_links(session, item, value)
    else:
        setattr(item, name, value)


def _reload_children(session: Session, item: FaqEntry | PolicyDocument) -> None:
    """Write the clause rows and read them back, so snapshots see the new state."""
    session.flush()
    session.expire(item, ["clause_links"] if isinstance(item, FaqEntry) else ["clauses"])


def _sync_clauses(session: Session, document: PolicyDocument, items: list[dict]) -> None:
    """Make the document's clauses exactly ``items`` (matched by key, kept in order)."""
    current = {c.key: c for c in document.clauses}
    wanted = {item["key"] for item in items}
    for key, clause in current.items():
        if key not in wanted:
            session.delete(clause)
    for position, item in enumerate(items, start=1):
        clause = current.get(item["key"])
        if clause is None:
            session.add(
                PolicyClause(
                    document_id=document.id,
                    key=item["key"],
                    number=item["number"],
                    text=item["text"],
                    position=position,
                )
            )
            continue
        for attr, value in (("number", item["number"]), ("text", item["text"])):
            if getattr(clause, attr) != value:
                setattr(clause, attr, value)
        if clause.position != position:
            clause.position = position


def _sync_links(session: Session, entry: FaqEntry, keys: list[str]) -> None:
    """Make the entry rest on exactly the clauses ``keys`` (in that order)."""
    if [c.key for c in entry.clauses] == keys:
        return
    ids = {
        c.key: c.id
        for c in session.execute(select(PolicyClause).where(PolicyClause.key.in_(keys))).scalars()
    }
    for link in list(entry.clause_links):
        session.delete(link)
    session.flush()
    for position, key in enumerate(keys, start=1):
        session.add(FaqEntryClause(entry_id=entry.id, clause_id=ids[key], position=position))
