"""The one save path for FAQ entries and policy documents: validation, versions, audit.

Every writer goes through here: the admin editor and JSON API, spreadsheet
import, the seed loader (:mod:`knowledge.seed_loader`) and the desk's
存为FAQ草稿 (:mod:`helpdesk.tickets`). Every save validates the whole item
(:mod:`knowledge.entry_validation`, :mod:`knowledge.document_validation`) and
reports each problem against its field, in Chinese (:class:`ValidationFailed`,
whose text also names the item and the fields, for operators); a real change
bumps the item's version, stores a snapshot (:mod:`knowledge.content_versions`)
and writes an audit entry (:mod:`knowledge.content_writes`). The caller owns the
transaction. The editor's lists are :mod:`knowledge.listing`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.vocabulary import FAQ_STATUS_LABELS, DocumentStatus, FaqStatus
from knowledge import content_versions as versions
from knowledge import content_writes, review_flags
from knowledge.document_validation import clean_document
from knowledge.entry_validation import clean_entry
from knowledge.errors import DocumentNotFound, FaqNotFound, KnowledgeError
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, PolicyDocument
from knowledge.repository import DOCUMENT_CLAUSES, ENTRY_CLAUSE_KEYS

# tests/test_clauses.py reads the serving state here.
from knowledge.validity import document_problem as document_problem
from knowledge.validity import serving_state as serving_state


class ValidationFailed(KnowledgeError):
    """One Chinese message per field that is wrong (``errors``, shown under each field).

    ``str()`` names the item (``item``, e.g. "FAQ entry ts-amount") and each field, for
    operators reading a log or a terminal.
    """

    def __init__(self, errors: dict[str, str], item: str = "") -> None:
        fields = "; ".join(
            f"{name} ({versions.FIELD_LABELS[name]}): {message}"
            if name in versions.FIELD_LABELS
            else f"{name}: {message}"
            for name, message in errors.items()
        )
        super().__init__(f"{item}: {fields}" if item else fields)
        self.errors = errors
        self.item = item


def _action_for(before_status: str | None, after_status: str, default: str) -> str:
    if before_status is None:
        return "create"
    if before_status != after_status and after_status in {
        FaqStatus.published.value,
        FaqStatus.archived.value,
    }:
        return "publish" if after_status == "published" else "archive"
    return default


def save_entry(
    *,
    session: Session,
    lexicon: Lexicon,
    raw: dict[str, Any],
    actor: str,
    entry_id: int | None = None,
    today: dt.date | None = None,
    action: str = "edit",
) -> tuple[FaqEntry, bool]:
    """Create (``entry_id`` None) or update a whole entry; returns (entry, changed)."""
    today = today or dt.date.today()
    entry = session.get(FaqEntry, entry_id) if entry_id is not None else None
    if entry_id is not None and entry is None:
        raise FaqNotFound(str(entry_id))
    values, errors = clean_entry(session, lexicon, raw, entry_id, today)
    if errors:
        raise ValidationFailed(errors, item=f"FAQ entry {values['key'] or '(no key)'}")
    if entry is None:
        clause_keys = values.pop(ENTRY_CLAUSE_KEYS)
        entry = FaqEntry(version=1, updated_by=actor, **values)
        values = {ENTRY_CLAUSE_KEYS: clause_keys}
        content_writes.create(
            session,
            entry,
            actor=actor,
            kind=versions.FAQ,
            detail=f"新建条目 {entry.key}（{FAQ_STATUS_LABELS[entry.status]}）",
            extra=values,
        )
        return entry, True
    changed = content_writes.update(
        session,
        entry,
        values,
        actor=actor,
        kind=versions.FAQ,
        action_of=lambda before: _action_for(before["status"], entry.status, action),
        label=f"条目 {entry.key}",
    )
    if changed:  # edited after its clause or document changed: reviewed (待复核 cleared)
        review_flags.clear_entry_flags(session, entry, actor=actor)
    return entry, changed


def set_entry_status(
    *, session: Session, lexicon: Lexicon, entry_id: int, status: str, actor: str, today: dt.date
) -> FaqEntry:
    entry = session.get(FaqEntry, entry_id)
    if entry is None:
        raise FaqNotFound(str(entry_id))
    raw = {**versions.snapshot(entry), "status": status}
    return save_entry(
        session=session, lexicon=lexicon, raw=raw, actor=actor, entry_id=entry_id, today=today
    )[0]


def save_document(
    *,
    session: Session,
    lexicon: Lexicon,
    raw: dict[str, Any],
    actor: str,
    document_id: int | None = None,
    action: str = "edit",
) -> tuple[PolicyDocument, bool]:
    document = session.get(PolicyDocument, document_id) if document_id is not None else None
    if document_id is not None and document is None:
        raise DocumentNotFound(str(document_id))
    values, errors = clean_document(session, lexicon, raw, document_id)
    if errors:
        raise ValidationFailed(errors, item=f"document {values['key'] or '(no key)'}")
    if document is None:
        clauses = values.pop(DOCUMENT_CLAUSES, None)
        document = PolicyDocument(version=1, updated_by=actor, **values)
        content_writes.create(
            session,
            document,
            actor=actor,
            kind=versions.DOCUMENT,
            detail=f"新建政策文件 {document.key}",
            extra={DOCUMENT_CLAUSES: clauses},
        )
        return document, True
    clauses_before = review_flags.clause_state(session, document)
    legal_before = document.legal_status
    changed = content_writes.update(
        session,
        document,
        values,
        actor=actor,
        kind=versions.DOCUMENT,
        action_of=lambda before: (
            "archive"
            if before["status"] != document.status == DocumentStatus.archived.value
            else action
        ),
        label=f"政策文件 {document.key}",
    )
    if changed:  # 待复核: the entries resting on what changed
        review_flags.flag_changed_clauses(session, clauses_before, document, actor=actor)
        reason = review_flags.status_change_reason(session, legal_before, document)
        if reason:
            review_flags.flag_document_entries(session, document, reason, actor=actor)
    return document, changed


def put_entry(
    *,
    session: Session,
    lexicon: Lexicon,
    key: str,
    changes: dict[str, Any],
    actor: str,
    today: dt.date | None = None,
) -> tuple[FaqEntry, bool]:
    """Create the entry ``key`` from ``changes``, or save ``changes`` over its current fields.

    For writers that know entries by key (the seed loader, desk drafts, scripts); the
    save is :func:`save_entry`'s, so validated, versioned and audited like any other.
    """
    entry = session.execute(select(FaqEntry).where(FaqEntry.key == key)).scalar_one_or_none()
    current = versions.snapshot(entry) if entry is not None else {}
    return save_entry(
        session=session,
        lexicon=lexicon,
        raw={**current, **changes, "key": key},
        actor=actor,
        entry_id=entry.id if entry is not None else None,
        today=today,
    )


def put_document(
    *, session: Session, lexicon: Lexicon, key: str, changes: dict[str, Any], actor: str
) -> tuple[PolicyDocument, bool]:
    """Create the document ``key`` from ``changes``, or save ``changes`` over its fields."""
    document = session.execute(
        select(PolicyDocument).where(PolicyDocument.key == key)
    ).scalar_one_or_none()
    current = versions.snapshot(document) if document is not None else {}
    return save_document(
        session=session,
        lexicon=lexicon,
        raw={**current, **changes, "key": key},
        actor=actor,
        document_id=document.id if document is not None else None,
    )


def restore(
    *,
    session: Session,
    lexicon: Lexicon,
    kind: str,
    item_id: int,
    version: int,
    actor: str,
    today: dt.date | None = None,
) -> FaqEntry | PolicyDocument:
    """Save an old version's snapshot again, as a new version (validated like any save)."""
    data = dict(
        versions.get_version(session=session, kind=kind, item_id=item_id, version=version).data
    )
    item, _ = save_item(
        session=session,
        lexicon=lexicon,
        kind=kind,
        raw=data,
        actor=actor,
        item_id=item_id,
        today=today,
        action="restore",
    )
    return item


def save_item(
    *,
    session: Session,
    lexicon: Lexicon,
    kind: str,
    raw: dict[str, Any],
    actor: str,
    item_id: int | None,
    today: dt.date | None,
    action: str,
) -> tuple[FaqEntry | PolicyDocument, bool]:
    """``save_entry`` or ``save_document``, by the item's kind (``content_versions.FAQ`` or
    ``content_versions.DOCUMENT``)."""
    if kind == versions.FAQ:
        return save_entry(
            session=session,
            lexicon=lexicon,
            raw=raw,
            actor=actor,
            entry_id=item_id,
            today=today,
            action=action,
        )
    return save_document(
        session=session, lexicon=lexicon, raw=raw, actor=actor, document_id=item_id, action=action
    )
