"""What the ladder's admin views share (``views.admin_ladder`` pages, ``views.admin_ladder_api``
JSON): a ladder in words (each level, its clause, its paths and their requirements), the
edit form's fields read back as paths, the ladder as JSON with the edit waiting for review,
and the work each route does in a thread over ``knowledge.eligibility_ladder_review``."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.console.admin_context import AdminContext, pending_json, version_json
from connectors.console.check_admin import OP_LABELS
from knowledge import eligibility_ladder_review as review
from knowledge.eligibility_ladder_values import OPS_BY_KIND, conditions_of, known_values
from knowledge.models import EligibilityCheck, PolicyClause

# the ops a requirement may use, in words (the form's choices)
LADDER_OPS = [(op, OP_LABELS[op]) for op in (">=", ">", "<=", "<", "==", "!=", "in", "not_in")]
_FIELD = re.compile(r"^p(\d{1,2})\.r(\d{1,2})\.(condition|op|value|text)$")
_FILLED = ("condition", "value", "text")


def value_words(check: EligibilityCheck, condition: Any, value: Any) -> str:
    """A requirement's value as an admin reads it: 48个月（4年）, 是, 技工学校、中专、职高."""
    if condition is None:
        return str(value)
    if condition.answer_kind == "months" and isinstance(value, int):
        years, months = divmod(value, 12)
        return f"{value}个月" + (f"（{years}年）" if years and not months else "")
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = known_values(check, condition)
    items = value if isinstance(value, list) else [value]
    return "、".join(labels.get(str(v), str(v)) for v in items)


def form_value(value: Any) -> str:
    """A requirement's value as the form's text field holds it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _clause(session: Session, key: str) -> dict[str, str] | None:
    clause = session.execute(
        select(PolicyClause).where(PolicyClause.key == key)
    ).scalar_one_or_none()
    if clause is None:
        return None
    return {
        "key": clause.key,
        "number": clause.number,
        "text": clause.text,
        "document": clause.document.title,
        "doc_number": clause.document.doc_number,
    }


def ladder_view(session: Session, row: EligibilityCheck, spec: dict[str, Any]) -> list[dict]:
    """Each level of ``spec`` in words: label, clause, and its paths, each requirement with
    its text and its test (``level_months 大于等于 48个月（4年）``)."""
    conditions = conditions_of(row)
    return [
        {
            "key": target["key"],
            "level": target["level"],
            "label": target.get("label") or target["level"],
            "clause": _clause(session, str(target.get("clause") or "")),
            "paths": [
                [
                    {
                        **requirement,
                        "test": f"{requirement['condition']} "
                        f"{OP_LABELS.get(requirement['op'], requirement['op'])} "
                        + value_words(
                            row, conditions.get(requirement["condition"]), requirement["value"]
                        ),
                    }
                    for requirement in path
                ]
                for path in target.get("paths") or []
            ],
        }
        for target in spec.get("targets") or []
    ]


def path_lines(target: dict[str, Any]) -> list[str]:
    """A level's paths as lines: 路径1：持有五级/初级工证书；且取得…满4年."""
    return [
        f"路径{i + 1}：" + "；且".join(r["text"] for r in path)
        for i, path in enumerate(target["paths"])
    ]


def condition_choices(row: EligibilityCheck) -> list[tuple[str, str]]:
    """(key, key and question) for the form's condition select: those a ladder may test."""
    return [
        (key, f"{key}：{c.question[:24]}")
        for key, c in conditions_of(row).items()
        if c.answer_kind in OPS_BY_KIND
    ]


def form_paths(form: Any) -> list[list[dict[str, str]]]:
    """The paths a target's form sent: rows by path and position, less the rows and paths
    ticked 删除 and the blank rows (no condition, value or text) left for adding."""
    rows: dict[int, dict[int, dict[str, str]]] = {}
    for name in form:
        found = _FIELD.match(str(name))
        if found:
            at, position, part = int(found[1]), int(found[2]), found[3]
            rows.setdefault(at, {}).setdefault(position, {})[part] = str(form[name]).strip()
    paths: list[list[dict[str, str]]] = []
    for i in sorted(rows):
        if form.get(f"p{i}.remove"):
            continue
        path = [
            requirement
            for j, requirement in sorted(rows[i].items())
            if not form.get(f"p{i}.r{j}.remove") and any(requirement.get(k) for k in _FILLED)
        ]
        if path:
            paths.append(path)
    return paths


def ladder_json(session: Session, row: EligibilityCheck) -> dict[str, Any]:
    found = review.review_of(row)
    return {
        "id": row.id,
        "check": row.key,
        "title": row.title,
        "version": row.ladder_version,
        "ladder": row.ladder,
        "pending": None if found is None else {**pending_json(found), "changed": found.changed},
        "versions": [version_json(r) for r in review.history(session=session, check_id=row.id)],
    }


# ---- the work, in a thread (pages and JSON) ----------------------------------------


def read(c: AdminContext, check_id: int) -> dict[str, Any]:
    with c.sessions() as session:
        return ladder_json(session, review.get_ladder_check(session=session, check_id=check_id))


def propose(c: AdminContext, check_id: int, target_key: str, paths: Any, actor: str) -> bool:
    with c.sessions.begin() as session:
        return review.propose_target(
            session=session, check_id=check_id, target_key=target_key, paths=paths, actor=actor
        )


def approve(c: AdminContext, check_id: int, actor: str) -> bool:
    with c.sessions.begin() as session:
        return review.approve_ladder(session=session, check_id=check_id, actor=actor)


def discard(c: AdminContext, check_id: int, actor: str) -> None:
    with c.sessions.begin() as session:
        review.discard_ladder(session=session, check_id=check_id, actor=actor)


def restore(c: AdminContext, check_id: int, version: int, actor: str) -> bool:
    with c.sessions.begin() as session:
        return review.restore_ladder(
            session=session, check_id=check_id, version=version, actor=actor
        )
