"""Eligibility checks in the database: reading one for the evaluator, loading the seed.

Repository functions take the session as a keyword argument and never commit; the caller
owns the transaction. The seed (``knowledge/seed/eligibility.yml``) is loaded idempotently:
a check or condition is added or updated by its key, never deleted, and loading unchanged
content again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import NATIONAL, DocumentStatus
from knowledge.eligibility import Check, ClauseRef, Condition, check_problem
from knowledge.errors import InvalidEntry
from knowledge.models import (
    EligibilityCheck,
    EligibilityCondition,
    PolicyClause,
    PolicyDocument,
)

ANSWER_KINDS = ("months", "yes_no", "level", "date", "choice")
SEED_FILE = "eligibility.yml"


def _clause_ref(clause: PolicyClause) -> ClauseRef:
    document: PolicyDocument = clause.document
    replaced = document.replaced_by_id
    replacement = None
    if replaced is not None:
        session = Session.object_session(clause)
        replacement = session.get(PolicyDocument, replaced) if session is not None else None
    return ClauseRef(
        key=clause.key,
        number=clause.number,
        text=clause.text,
        document_title=document.title,
        doc_number=document.doc_number,
        legal_status=document.legal_status,
        in_force_until=document.in_force_until,
        replaced_by=(replacement.doc_number or replacement.title) if replacement else "",
    )


def load_check(*, session: Session, key: str) -> Check | None:
    """The active check with this key, its conditions in order, or None."""
    row = session.execute(
        select(EligibilityCheck).where(
            EligibilityCheck.key == key, EligibilityCheck.status == DocumentStatus.active.value
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    conditions = [
        Condition(
            key=c.key,
            question=c.question,
            slot=c.slot,
            answer_kind=c.answer_kind,
            test=dict(c.test or {}),
            clause=_clause_ref(c.clause),
            choices=list(c.choices or []),
            hint=c.hint,
            unmet_reason=c.unmet_reason,
        )
        for c in row.conditions
    ]
    return Check(
        key=row.key,
        title=row.title,
        topic=row.topic,
        conditions=conditions,
        region=row.region,
        how_to_apply=row.how_to_apply,
        valid_until=row.valid_until,
    )


def read_eligibility_seed(seed_dir: Path) -> list[dict[str, Any]]:
    path = seed_dir / SEED_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list((yaml.safe_load(handle) or {}).get("checks") or [])


def _update(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def put_check(*, session: Session, item: dict[str, Any], actor: str) -> bool:
    """Insert or update one check and its conditions; True when anything changed."""
    key = str(item["key"])
    row = session.execute(
        select(EligibilityCheck).where(EligibilityCheck.key == key)
    ).scalar_one_or_none()
    values = {
        "title": str(item["title"]),
        "topic": str(item["topic"]),
        "region": str(item.get("region") or NATIONAL),
        "valid_from": _date(item.get("valid_from")),
        "valid_until": _date(item.get("valid_until")),
        "how_to_apply": str(item.get("how_to_apply") or "").strip(),
    }
    changed = False
    if row is None:
        row = EligibilityCheck(key=key, updated_by=actor, **values)
        session.add(row)
        session.flush()
        changed = True
    elif _update(row, values):
        changed = True
    existing = {c.key: c for c in row.conditions}
    for position, spec in enumerate(item.get("conditions") or []):
        changed |= _put_condition(session, row, existing, position, spec)
    if changed:
        row.updated_by = actor
        row.updated_at = utcnow()
    return changed


def _put_condition(
    session: Session,
    check: EligibilityCheck,
    existing: dict[str, EligibilityCondition],
    position: int,
    spec: dict[str, Any],
) -> bool:
    key = str(spec["key"])
    where = f"seed eligibility {check.key}.{key}"
    clause_id = session.execute(
        select(PolicyClause.id).where(PolicyClause.key == spec["clause"])
    ).scalar_one_or_none()
    if clause_id is None:
        raise InvalidEntry(f"{where}: no clause {spec['clause']}")
    if spec["answer_kind"] not in ANSWER_KINDS:
        raise InvalidEntry(f"{where}: answer kind {spec['answer_kind']!r}")
    values = {
        "position": position,
        "question": str(spec["question"]).strip(),
        "slot": str(spec["slot"]),
        "answer_kind": str(spec["answer_kind"]),
        "choices": list(spec.get("choices") or []),
        "test": dict(spec["test"]),
        "hint": str(spec.get("hint") or "").strip(),
        "unmet_reason": str(spec.get("unmet_reason") or "").strip(),
        "clause_id": clause_id,
        "region": str(spec.get("region") or NATIONAL),
        "valid_from": _date(spec.get("valid_from")),
        "valid_until": _date(spec.get("valid_until")),
    }
    problem = check_problem(
        Condition(
            key=key,
            question=values["question"],
            slot=values["slot"],
            answer_kind=values["answer_kind"],
            test=values["test"],
            clause=ClauseRef(key="", number="", text="", document_title="", doc_number=""),
        )
    )
    if problem:
        raise InvalidEntry(f"seed eligibility {check.key}: {problem}")
    row = existing.get(key)
    if row is None:
        session.add(EligibilityCondition(check_id=check.id, key=key, **values))
        session.flush()
        session.expire(check, ["conditions"])
        return True
    return _update(row, values)


def load_eligibility_seed(*, session: Session, seed_dir: Path, actor: str) -> tuple[int, int]:
    """(checks seen, checks changed)."""
    items = read_eligibility_seed(seed_dir)
    changed = sum(int(put_check(session=session, item=item, actor=actor)) for item in items)
    return len(items), changed
