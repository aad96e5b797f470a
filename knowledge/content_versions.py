"""Saved versions of FAQ entries and policy documents: snapshots, diffs and history.

Every save that changes an item (admin, import, seed loader, desk draft: all go
through :mod:`knowledge.catalogue`) stores a full snapshot of it in
``content_versions``; restoring a version saves its snapshot again, as a new
version. An item stored before versions were kept gets its state at that time
recorded as a baseline when it first changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.errors import KnowledgeError
from knowledge.models import ContentVersion, EligibilityCondition, FaqEntry, PolicyDocument
from knowledge.repository import (
    DOCUMENT_CLAUSES,
    DOCUMENT_FIELDS,
    ENTRY_CLAUSE_KEYS,
    FAQ_FIELDS,
)

FAQ = "faq"
DOCUMENT = "document"
CONDITION = "condition"  # a condition of an eligibility check (knowledge.eligibility_writes)
LADDER = "ladder"  # a check's ladder, item = the check (knowledge.eligibility_ladder_review)
Versioned = FaqEntry | PolicyDocument | EligibilityCondition
# A snapshot is the item's key plus every field an edit can change.
FAQ_SNAPSHOT_FIELDS = ("key", *FAQ_FIELDS)
DOCUMENT_SNAPSHOT_FIELDS = ("key", *DOCUMENT_FIELDS, "status")
FIELD_LABELS = {
    "key": "编号",
    "topic": "话题",
    "question": "标准问题",
    "alternatives": "其他问法",
    "answer": "答案",
    "region": "地区",
    "region_sensitive": "各地不同",
    "tags": "标签",
    "aspects": "回答的方面",
    "document_id": "政策文件",
    "clause": "条款",
    "status": "状态",
    "title": "标题",
    "doc_number": "文号",
    "issuer": "发文机关",
    "effective_from": "生效日期",
    "expires_on": "失效日期",
    "url": "链接",
    "source_note": "来源说明",
    "legal_status": "效力状态",
    "in_force_until": "执行期限",
    "replaced_by_id": "被替代为",
    "source_kind": "文本来源",
    "official_title": "官方标题",
    "checked_on": "核对日期",
    "hint": "答不上来时的提示",
    "unmet_reason": "不符合时的说明",
    "test": "判断标准",
    "valid_from": "条件生效日期",
    "valid_until": "条件截止日期",
    DOCUMENT_CLAUSES: "条款原文",
    ENTRY_CLAUSE_KEYS: "依据条款",
}


class VersionNotFound(KnowledgeError):
    pass


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [v if isinstance(v, dict) else str(v) for v in value]
    return value


CONDITION_SNAPSHOT_FIELDS = (
    "key",
    "region",
    "question",
    "hint",
    "unmet_reason",
    "test",
    "valid_from",
    "valid_until",
)


def snapshot(item: Versioned) -> dict[str, Any]:
    """The item's editable fields as JSON-ready values (dates as ISO strings)."""
    if isinstance(item, EligibilityCondition):
        data = {name: _plain(getattr(item, name)) for name in CONDITION_SNAPSHOT_FIELDS}
        data["test"] = dict(item.test or {})
        data["clause"] = item.clause.key
        return data
    fields = FAQ_SNAPSHOT_FIELDS if isinstance(item, FaqEntry) else DOCUMENT_SNAPSHOT_FIELDS
    data = {name: _plain(getattr(item, name)) for name in fields}
    if isinstance(item, FaqEntry):
        data[ENTRY_CLAUSE_KEYS] = [clause.key for clause in item.clauses]
    else:
        data[DOCUMENT_CLAUSES] = [
            {"key": c.key, "number": c.number, "text": c.text} for c in item.clauses
        ]
    return data


def kind_of(item: Versioned) -> str:
    if isinstance(item, EligibilityCondition):
        return CONDITION
    return FAQ if isinstance(item, FaqEntry) else DOCUMENT


def record(
    *,
    session: Session,
    item: Versioned,
    action: str,
    author: str,
    data: dict[str, Any] | None = None,
) -> ContentVersion:
    """Store the item's state (``data``, else its current fields) as its current version."""
    row = ContentVersion(
        kind=kind_of(item),
        item_id=item.id,
        version=item.version,
        data=data if data is not None else snapshot(item),
        action=action,
        author=author,
    )
    session.add(row)
    session.flush()
    return row


def ensure_baseline(*, session: Session, item: Versioned, data: dict[str, Any]) -> None:
    """Record ``data``, the item's state before a change, if its version has no row yet
    (an item stored before versions were kept), so it can be compared and restored."""
    exists = session.execute(
        select(ContentVersion.id).where(
            ContentVersion.kind == kind_of(item),
            ContentVersion.item_id == item.id,
            ContentVersion.version == item.version,
        )
    ).first()
    if exists is None:
        owner = item.check if isinstance(item, EligibilityCondition) else item
        record(
            session=session,
            item=item,
            action="baseline",
            author=owner.updated_by or "system",
            data=data,
        )


def history(*, session: Session, kind: str, item_id: int) -> list[ContentVersion]:
    """Every stored version, newest first."""
    return list(
        session.execute(
            select(ContentVersion)
            .where(ContentVersion.kind == kind, ContentVersion.item_id == item_id)
            .order_by(ContentVersion.version.desc())
        ).scalars()
    )


def get_version(*, session: Session, kind: str, item_id: int, version: int) -> ContentVersion:
    row = session.execute(
        select(ContentVersion).where(
            ContentVersion.kind == kind,
            ContentVersion.item_id == item_id,
            ContentVersion.version == version,
        )
    ).scalar_one_or_none()
    if row is None:
        raise VersionNotFound(f"{kind} {item_id} v{version}")
    return row


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """Field-by-field differences between two snapshots, in the snapshot's field order."""
    names = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(name, FIELD_LABELS.get(name, name), before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]
