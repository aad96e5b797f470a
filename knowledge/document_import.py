"""Bringing in a new policy document: preview its clauses from a file or pasted text, then
store it (fields and the clauses as the admin fixed them) through
:func:`knowledge.catalogue.save_document`, the one validating, versioned, audited save.

The preview stores nothing; a confirm with any problem raises before anything is written
(the caller owns the transaction and rolls back on an exception).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from knowledge import catalogue, content_writes
from knowledge import content_versions as versions
from knowledge.clause_split import DraftClause, split_clauses
from knowledge.document_text import DocumentUnreadable, extract_text, pasted_text
from knowledge.field_values import key_problem
from knowledge.lexicon import Lexicon
from knowledge.models import PolicyDocument
from knowledge.repository import DOCUMENT_CLAUSES

IMPORT_ACTION = "import"


def preview(
    *, session: Session, document_key: str, filename: str = "", data: bytes = b"", text: str = ""
) -> list[DraftClause]:
    """The clauses of a file (``filename``/``data``) or of pasted ``text``, as split.

    Raises :class:`DocumentUnreadable` or :class:`~knowledge.clause_split.NumberingUnreadable`
    with the Chinese reason.
    """
    problem = key_problem(session, PolicyDocument, document_key.strip(), None, holder="另一份文件")
    if problem:
        raise DocumentUnreadable(f"文件编号：{problem}")
    body = extract_text(filename, data) if filename else pasted_text(text)
    return split_clauses(body, document_key.strip())


def confirm(
    *,
    session: Session,
    lexicon: Lexicon,
    fields: dict[str, Any],
    clauses: list[DraftClause],
    actor: str,
    source: str,
) -> PolicyDocument:
    """Store a new document with ``clauses``; ``ValidationFailed`` when anything is wrong."""
    if not clauses:
        raise catalogue.ValidationFailed({DOCUMENT_CLAUSES: "至少要有一个条款"}, item="import")
    raw = {**fields, DOCUMENT_CLAUSES: [clause.as_item() for clause in clauses]}
    document, _ = catalogue.save_document(session=session, lexicon=lexicon, raw=raw, actor=actor)
    content_writes.audit(
        session=session,
        actor=actor,
        action=IMPORT_ACTION,
        kind=versions.DOCUMENT,
        item_id=document.id,
        detail=f"导入政策文件 {document.key}：{len(clauses)} 个条款（来自{source}）",
    )
    return document
