"""待复核: FAQ entries to review again because something they rest on changed.

A clause's text or number edited flags the entries linked to it; a document that becomes
lapsed or replaced, or whose end date (失效日期, or 执行期限 of a time-limited rule) has
passed, flags the entries that belong to it or rest on its clauses. Each new flag is an
audit line; an entry has at most one open flag per cause and source. A save that changes
the entry, or the admin's 已核对, clears its flags (an audit line too).
:mod:`knowledge.catalogue` calls these inside its save; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import LegalStatus
from knowledge import content_versions as versions
from knowledge.book_titles import book_title
from knowledge.content_writes import audit
from knowledge.models import FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument, ReviewFlag

CLAUSE = "clause"
DOCUMENT = "document"
EXPIRED = "expired"  # flagged once per entry and document, even after a review
FLAG_ACTION = "flag"
CLEAR_ACTION = "reviewed"


# How much of a removed clause's text the flag quotes, so the reviewer sees what it said.
REMOVED_QUOTE_CHARS = 80


@dataclass(frozen=True)
class ClauseBefore:
    """A clause as it was before a save, with the entries resting on it."""

    number: str
    text: str
    entry_ids: tuple[int, ...]


def clause_state(session: Session, document: PolicyDocument) -> dict[str, ClauseBefore]:
    """key -> the document's clauses and who rests on them, to compare after a save (the
    links of a removed clause are gone after it, so they are read before)."""
    links: dict[int, list[int]] = {}
    ids = [c.id for c in document.clauses]
    if ids:
        rows = session.execute(
            select(FaqEntryClause.clause_id, FaqEntryClause.entry_id).where(
                FaqEntryClause.clause_id.in_(ids)
            )
        )
        for clause_id, entry_id in rows:
            links.setdefault(clause_id, []).append(entry_id)
    return {
        c.key: ClauseBefore(c.number, c.text, tuple(links.get(c.id, ()))) for c in document.clauses
    }


def flag_changed_clauses(
    session: Session,
    before: dict[str, ClauseBefore],
    document: PolicyDocument,
    *,
    actor: str,
) -> int:
    """Flag the entries resting on each clause whose number or text the save changed, or
    that the save removed (the flag quotes what the removed clause said)."""
    after = {c.key: (c.number, c.text) for c in document.clauses}
    flagged = 0
    for key, old in before.items():
        if not old.entry_ids or after.get(key) == (old.number, old.text):
            continue
        if key in after:
            reason = f"所依据的条款 {after[key][0] or key}（{key}）已修改"
        else:
            quote = old.text[:REMOVED_QUOTE_CHARS] + (
                "…" if len(old.text) > REMOVED_QUOTE_CHARS else ""
            )
            reason = f"所依据的条款 {old.number or key}（{key}）已删除，原文：“{quote}”"
        flagged += _flag(
            session, old.entry_ids, cause=CLAUSE, source_key=key, reason=reason, actor=actor
        )
    return flagged


def flag_document_entries(
    session: Session, document: PolicyDocument, reason: str, *, actor: str, cause: str = DOCUMENT
) -> int:
    """Flag every entry that belongs to ``document`` or rests on one of its clauses."""
    linked = (
        select(FaqEntryClause.entry_id)
        .join(PolicyClause, PolicyClause.id == FaqEntryClause.clause_id)
        .where(PolicyClause.document_id == document.id)
    )
    entry_ids = session.execute(
        select(FaqEntry.id).where(or_(FaqEntry.document_id == document.id, FaqEntry.id.in_(linked)))
    ).scalars()
    return _flag(
        session, entry_ids, cause=cause, source_key=document.key, reason=reason, actor=actor
    )


def status_change_reason(session: Session, before_status: str, document: PolicyDocument) -> str:
    """Why a save's legal status change flags entries ('' when it does not)."""
    if before_status == document.legal_status:
        return ""
    if document.legal_status == LegalStatus.replaced.value:
        replacement = session.get(PolicyDocument, document.replaced_by_id or 0)
        newer = replacement.title if replacement is not None else ""
        return f"所依据的文件{book_title(document.title)}已被替代" + (
            f"（新文件{book_title(newer)}）" if newer else ""
        )
    if document.legal_status == LegalStatus.lapsed.value:
        return f"所依据的文件{book_title(document.title)}已失效"
    return ""


def flag_past_end_dates(session: Session, today: dt.date, *, actor: str = "system") -> int:
    """Flag the entries of every document whose end date has passed (once per document)."""
    flagged = 0
    documents = session.execute(
        select(PolicyDocument).where(
            or_(PolicyDocument.expires_on < today, PolicyDocument.in_force_until < today)
        )
    ).scalars()
    for document in documents:
        ended = min(d for d in (document.expires_on, document.in_force_until) if d is not None)
        reason = f"所依据的文件{book_title(document.title)}已于{ended:%Y-%m-%d}到期"
        flagged += flag_document_entries(session, document, reason, actor=actor, cause=EXPIRED)
    return flagged


def clear_entry_flags(session: Session, entry: FaqEntry, *, actor: str) -> int:
    """The entry was reviewed (edited, or checked as it is): its open flags are cleared."""
    flags = list(
        session.execute(
            select(ReviewFlag).where(
                ReviewFlag.entry_id == entry.id, ReviewFlag.cleared_at.is_(None)
            )
        ).scalars()
    )
    for flag in flags:
        flag.cleared_at = utcnow()
        flag.cleared_by = actor
    if flags:
        audit(
            session=session,
            actor=actor,
            action=CLEAR_ACTION,
            kind=versions.FAQ,
            item_id=entry.id,
            detail=f"条目 {entry.key} 已复核（{len(flags)} 项待复核已清除）",
        )
    return len(flags)


def open_flags(session: Session) -> list[ReviewFlag]:
    """Open flags, newest first (their entries loaded with them)."""
    return list(
        session.execute(
            select(ReviewFlag)
            .where(ReviewFlag.cleared_at.is_(None))
            .order_by(ReviewFlag.created_at.desc(), ReviewFlag.id.desc())
        ).scalars()
    )


def _flag(
    session: Session,
    entry_ids: Iterable[int],
    *,
    cause: str,
    source_key: str,
    reason: str,
    actor: str,
) -> int:
    wanted = set(entry_ids)
    if not wanted:
        return 0
    same = select(ReviewFlag.entry_id).where(
        ReviewFlag.entry_id.in_(wanted),
        ReviewFlag.cause == cause,
        ReviewFlag.source_key == source_key,
    )
    if cause != EXPIRED:  # an end date passes once; other causes may come again
        same = same.where(ReviewFlag.cleared_at.is_(None))
    already = set(session.execute(same).scalars())
    for entry_id in sorted(wanted - already):
        session.add(
            ReviewFlag(
                entry_id=entry_id,
                cause=cause,
                source_key=source_key,
                reason=reason[:500],
                flagged_by=actor,
            )
        )
        audit(
            session=session,
            actor=actor,
            action=FLAG_ACTION,
            kind=versions.FAQ,
            item_id=entry_id,
            detail=f"待复核：{reason}"[:1000],
        )
    return len(wanted - already)
