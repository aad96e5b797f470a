"""What the 资格核对 admin views share (``views.admin_checks`` pages, ``views.admin_checks_api``
JSON): the test ops in words, a condition as JSON with the change waiting for review, the
review table's rows (live beside proposed), and the work each route does in a thread over
``knowledge.eligibility_review`` and ``knowledge.eligibility_writes``."""

from __future__ import annotations

from typing import Any

from connectors.console.admin_context import AdminContext, pending_json, version_json
from knowledge import content_versions as versions
from knowledge import eligibility_review as review
from knowledge import eligibility_writes as writes
from knowledge.models import EligibilityCondition

OPS = [
    (">=", "大于等于"),
    (">", "大于"),
    ("<=", "小于等于"),
    ("<", "小于"),
    ("==", "等于"),
    ("!=", "不等于"),
    ("in", "属于"),
    ("not_in", "不属于"),
    ("any_in", "含其中之一"),
    ("within_months", "在几个月内"),
    ("decided_locally", "由当地认定（不问职工，结论为需要确认）"),
    ("informational", "仅作说明（不问职工，不影响结论）"),
]
OP_LABELS = dict(OPS)
# the rows of the review table: live and proposed side by side
REVIEW_ROWS = [
    ("question", "问题"),
    ("test_op", "比较方式"),
    ("test_value", "标准值"),
    ("clause", "依据条款"),
    ("region", "地区"),
    ("valid_from", "条件生效日期"),
    ("valid_until", "条件截止日期"),
    ("hint", "答不上来时的提示"),
    ("unmet_reason", "不符合时的说明"),
]


def value_text(value: Any) -> str:
    return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)


def test_text(test: dict[str, Any] | None) -> str:
    if not test:
        return "（由等级路径判断）"
    value = test.get("value")
    return f"{OP_LABELS.get(str(test.get('op')), test.get('op'))} {value_text(value)}"


def _shown(snapshot: dict[str, Any]) -> dict[str, str]:
    """A snapshot as the review table shows it, field by field."""
    if not snapshot:
        return dict.fromkeys((name for name, _label in REVIEW_ROWS), "—")
    test = snapshot.get("test") or {}
    shown = {name: str(snapshot.get(name) or "") for name, _label in REVIEW_ROWS}
    shown["test_op"] = str(OP_LABELS.get(str(test.get("op")), test.get("op") or "由等级路径判断"))
    shown["test_value"] = value_text(test.get("value", ""))
    for name in ("valid_from", "valid_until"):
        shown[name] = shown[name] or "不限"
    return shown


def review_rows(found: review.Review) -> list[tuple[str, str, str, bool]]:
    """(label, live, proposed, changed) for each reviewed field."""
    live, proposed = _shown(found.live), _shown(found.proposed)
    return [
        (label, live[name], proposed[name], live[name] != proposed[name])
        for name, label in REVIEW_ROWS
    ]


def condition_json(session: Any, row: EligibilityCondition) -> dict[str, Any]:
    found = review.review_of(session=session, row=row)
    return {
        "id": row.id,
        "check": row.check.key,
        **versions.snapshot(row),
        "answer_kind": row.answer_kind,
        "slot": row.slot,
        "version": row.version,
        "status": row.status,
        "pending": None
        if found is None
        else {
            "variant": found.variant,
            **pending_json(found),
            "changes": [
                {"field": c.field, "label": c.label, "before": c.before, "after": c.after}
                for c in found.changes
            ],
        },
    }


def regions(c: AdminContext) -> set[str]:
    return set(c.lexicon.regions)


# ---- the work, in a thread (pages and JSON) ----------------------------------------


def read(c: AdminContext, condition_id: int) -> dict[str, Any]:
    """One condition as JSON, with its versions."""
    with c.sessions() as session:
        row = writes.get_condition(session=session, condition_id=condition_id)
        rows = versions.history(session=session, kind=versions.CONDITION, item_id=row.id)
        return {**condition_json(session, row), "versions": [version_json(r) for r in rows]}


def propose(c: AdminContext, condition_id: int, values: dict[str, Any], actor: str) -> bool:
    with c.sessions.begin() as session:
        return review.propose_change(
            session=session,
            condition_id=condition_id,
            values=values,
            actor=actor,
            regions=regions(c),
        )


def variant(
    c: AdminContext, condition_id: int, region: str, values: dict[str, Any], actor: str
) -> int:
    with c.sessions.begin() as session:
        row = review.propose_variant(
            session=session,
            condition_id=condition_id,
            region=region,
            values=values,
            actor=actor,
            regions=regions(c),
        )
        return row.id


def approve(c: AdminContext, condition_id: int, actor: str) -> bool:
    with c.sessions.begin() as session:
        return review.approve_change(
            session=session, condition_id=condition_id, actor=actor, regions=regions(c)
        )


def discard(c: AdminContext, condition_id: int, actor: str) -> bool:
    with c.sessions.begin() as session:
        return review.discard_change(session=session, condition_id=condition_id, actor=actor)


def restore(c: AdminContext, condition_id: int, version: int, actor: str) -> bool:
    with c.sessions.begin() as session:
        return writes.restore_condition(
            session=session,
            condition_id=condition_id,
            version=version,
            actor=actor,
            regions=regions(c),
        )


def remove(c: AdminContext, condition_id: int, actor: str) -> None:
    with c.sessions.begin() as session:
        writes.remove_variant(session=session, condition_id=condition_id, actor=actor)
