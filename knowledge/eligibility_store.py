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
from changai.vocabulary import NATIONAL, ConditionStatus, DocumentStatus
from knowledge.eligibility_rules import (
    OPS,
    Check,
    ClauseRef,
    Condition,
    Help,
    Ladder,
    Requirement,
    Target,
    check_problem,
)
from knowledge.errors import InvalidEntry
from knowledge.models import (
    EligibilityCheck,
    EligibilityCondition,
    PolicyClause,
    PolicyDocument,
)

ANSWER_KINDS = ("months", "yes_no", "level", "date", "choice", "choices", "region")
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


def pick_variants(
    rows: list[EligibilityCondition], chain: list[str] | None
) -> list[EligibilityCondition]:
    """One row per condition key: the variant of the most specific region in ``chain`` (the
    worker's region, its parents, 全国 last); a key with no variant in the chain is left out.
    Without a chain (region unknown) the national rows."""
    regions = chain or [NATIONAL]
    best: dict[str, EligibilityCondition] = {}
    for row in rows:
        if row.region not in regions:
            continue
        held = best.get(row.key)
        if held is None or regions.index(row.region) < regions.index(held.region):
            best[row.key] = row
    return [row for row in rows if best.get(row.key) is row]


def load_check(
    *, session: Session, key: str, region_chain: list[str] | None = None
) -> Check | None:
    """The active check with this key, its published conditions in order, or None: every
    such condition (``Check.applicable`` picks per slot the worker's regional one), or with
    ``region_chain`` (city, province, 全国) only each key's variant for it. A draft variant
    and a change waiting for review (``knowledge.eligibility_review``) are not read."""
    row = session.execute(
        select(EligibilityCheck).where(
            EligibilityCheck.key == key, EligibilityCheck.status == DocumentStatus.active.value
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    published = [c for c in row.conditions if c.status == ConditionStatus.published.value]
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
            ask_if=list(c.ask_if or []),
            prefill=c.prefill or "",
            region=c.region or NATIONAL,
            helps=_helps(session, c.choices or []),
            valid_from=c.valid_from,
            valid_until=c.valid_until,
        )
        for c in (pick_variants(published, region_chain) if region_chain is not None else published)
    ]
    return Check(
        key=row.key,
        title=row.title,
        topic=row.topic,
        conditions=conditions,
        region=row.region,
        how_to_apply=row.how_to_apply,
        valid_until=row.valid_until,
        ladder=_ladder(session, row.ladder),
        confirm_with=row.confirm_with or "",
    )


def _helps(session: Session, choices: list[dict[str, Any]]) -> dict[str, list[Help]]:
    """Choice value -> the kinds of help it may open (``helps`` in a choice), with clauses."""
    keys = {str(h["clause"]) for c in choices for h in c.get("helps") or []}
    if not keys:
        return {}
    clauses = {
        c.key: c
        for c in session.execute(select(PolicyClause).where(PolicyClause.key.in_(keys))).scalars()
    }
    return {
        str(c["value"]): [
            Help(kind=str(h["kind"]), clause=_clause_ref(clauses[str(h["clause"])]))
            for h in c.get("helps") or []
            if str(h["clause"]) in clauses
        ]
        for c in choices
        if c.get("helps")
    }


def _requirement(spec: dict[str, Any]) -> Requirement:
    return Requirement(
        condition=str(spec["condition"]),
        op=str(spec["op"]),
        value=spec.get("value"),
        text=str(spec.get("text") or ""),
    )


def _ladder(session: Session, spec: dict[str, Any] | None) -> Ladder | None:
    if not spec:
        return None
    keys = [str(t["clause"]) for t in spec.get("targets") or []]
    clauses = {
        c.key: c
        for c in session.execute(select(PolicyClause).where(PolicyClause.key.in_(keys))).scalars()
    }
    return Ladder(
        held_by=str(spec["held_by"]),
        since_held=str(spec.get("since_held") or ""),
        targets=[
            Target(
                key=str(t["key"]),
                level=str(t["level"]),
                label=str(t["label"]),
                clause=_clause_ref(clauses[str(t["clause"])]),
                paths=[[_requirement(r) for r in path] for path in t.get("paths") or []],
            )
            for t in spec.get("targets") or []
        ],
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
        "confirm_with": str(item.get("confirm_with") or "").strip(),
        "ladder": _ladder_spec(session, item),
    }
    changed = False
    ladder = values["ladder"] is not None
    if row is not None and (row.ladder_version > 1 or row.ladder_pending):
        del values["ladder"]  # edited (or waiting for review) in the admin: theirs
    if row is None:
        row = EligibilityCheck(key=key, updated_by=actor, **values)
        session.add(row)
        session.flush()
        changed = True
    elif _update(row, values):
        changed = True
    existing = {(c.key, c.region): c for c in row.conditions}
    for position, spec in enumerate(item.get("conditions") or []):
        changed |= _put_condition(session, row, existing, position, spec, ladder=ladder)
    if changed:
        row.updated_by = actor
        row.updated_at = utcnow()
    return changed


def _put_condition(
    session: Session,
    check: EligibilityCheck,
    existing: dict[tuple[str, str], EligibilityCondition],
    position: int,
    spec: dict[str, Any],
    *,
    ladder: bool = False,
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
        "test": dict(spec.get("test") or {}) if ladder else dict(spec["test"]),
        "hint": str(spec.get("hint") or "").strip(),
        "unmet_reason": str(spec.get("unmet_reason") or "").strip(),
        "clause_id": clause_id,
        "region": str(spec.get("region") or NATIONAL),
        "valid_from": _date(spec.get("valid_from")),
        "valid_until": _date(spec.get("valid_until")),
        "ask_if": [dict(r) for r in spec.get("ask_if") or []] or None,
        "prefill": str(spec.get("prefill") or ""),
    }
    for requirement in values["ask_if"] or []:
        if requirement.get("op") not in OPS - {"within_months"}:
            raise InvalidEntry(f"{where}: ask_if op {requirement.get('op')!r}")
    problem = check_problem(
        Condition(
            key=key,
            question=values["question"],
            slot=values["slot"],
            answer_kind=values["answer_kind"],
            test=values["test"],
            clause=ClauseRef(key="", number="", text="", document_title="", doc_number=""),
        ),
        ladder=ladder,
    )
    if problem:
        raise InvalidEntry(f"seed eligibility {check.key}: {problem}")
    row = existing.get((key, values["region"]))
    if row is not None and (row.version > 1 or row.status != ConditionStatus.published.value):
        return False  # edited (or drafted) in the admin: theirs, left alone
    if row is None:
        session.add(EligibilityCondition(check_id=check.id, key=key, **values))
        session.flush()
        session.expire(check, ["conditions"])
        return True
    return _update(row, values)


def _ladder_spec(session: Session, item: dict[str, Any]) -> dict[str, Any] | None:
    """The check's ladder as stored, after checking its clauses, conditions and ops."""
    spec = item.get("ladder")
    if not spec:
        return None
    where = f"seed eligibility {item['key']}"
    keys = {str(c["key"]) for c in item.get("conditions") or []}
    if spec.get("held_by") not in keys:
        raise InvalidEntry(f"{where}: held_by {spec.get('held_by')!r} is no condition")
    targets = []
    for target in spec.get("targets") or []:
        clause = session.execute(
            select(PolicyClause.id).where(PolicyClause.key == target["clause"])
        ).scalar_one_or_none()
        if clause is None:
            raise InvalidEntry(f"{where}.{target['key']}: no clause {target['clause']}")
        paths = [[dict(r) for r in path] for path in target.get("paths") or []]
        for requirement in (r for path in paths for r in path):
            if requirement.get("condition") not in keys:
                raise InvalidEntry(f"{where}.{target['key']}: no condition {requirement}")
            if requirement.get("op") not in OPS - {"within_months"}:
                raise InvalidEntry(f"{where}.{target['key']}: op {requirement.get('op')!r}")
        if not paths:
            raise InvalidEntry(f"{where}.{target['key']}: no paths")
        targets.append(
            {**{k: target[k] for k in ("key", "level", "label", "clause")}, "paths": paths}
        )
    since = str(spec.get("since_held") or "")
    if since and since not in keys:
        raise InvalidEntry(f"{where}: since_held {since!r} is no condition")
    return {"held_by": str(spec["held_by"]), "since_held": since, "targets": targets}


def load_eligibility_seed(*, session: Session, seed_dir: Path, actor: str) -> tuple[int, int]:
    """(checks seen, checks changed)."""
    items = read_eligibility_seed(seed_dir)
    changed = sum(int(put_check(session=session, item=item, actor=actor)) for item in items)
    return len(items), changed
