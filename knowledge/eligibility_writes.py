"""Writing eligibility conditions: checking an admin's values, saving a version, restoring
an old one and removing a region's variant.

The same pattern as FAQ entries (``knowledge.content_writes``): a real change raises the
condition's version, stores a full snapshot in ``content_versions`` (kind ``condition``) and
an audit line; restoring saves an old (once published) snapshot again as a new version. An
admin's edit or new variant does not come here directly: it waits for review
(``knowledge.eligibility_review``), and :func:`save` runs when it is published. A region's
variant is a copy of a condition with its own region (and its own versions); the check picks,
per condition, the variant of the worker's most specific region (``eligibility_store``).
Checks read conditions from the database on every question, so a published change applies
to the next check at once, with no retraining. Repository functions: the caller owns the
transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import NATIONAL, ConditionStatus
from knowledge import content_versions as versions
from knowledge.catalogue import ValidationFailed
from knowledge.content_writes import audit
from knowledge.eligibility_rules import (
    DATE_OPS,
    NOT_ASKED,
    OPS,
    ClauseRef,
    Condition,
    check_problem,
)
from knowledge.errors import ConditionNotFound
from knowledge.models import EligibilityCheck, EligibilityCondition, PolicyClause

EDITABLE = (
    "question",
    "hint",
    "unmet_reason",
    "test",
    "region",
    "clause",
    "valid_from",
    "valid_until",
)
DATES = ("valid_from", "valid_until")
MAX_TEXT = {"question": 300, "hint": 500, "unmet_reason": 500}
LIST_OPS = ("in", "not_in", "any_in")
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")


def list_checks(*, session: Session) -> list[EligibilityCheck]:
    return list(session.execute(select(EligibilityCheck).order_by(EligibilityCheck.id)).scalars())


def get_condition(*, session: Session, condition_id: int) -> EligibilityCondition:
    row = session.get(EligibilityCondition, condition_id)
    if row is None:
        raise ConditionNotFound(str(condition_id))
    return row


def test_value(answer_kind: str, op: str, raw: Any) -> Any:
    """A test value typed in a form (text) as the engine compares it; ValueError if not."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if op in NOT_ASKED:  # who decides, in words
        return text
    if op in LIST_OPS:
        return [part for part in _LIST_SPLIT.split(text) if part]
    if answer_kind in ("months", "date") or op in DATE_OPS:
        return int(text)
    if answer_kind == "yes_no":
        if text.lower() in ("true", "是", "1"):
            return True
        if text.lower() in ("false", "否", "0"):
            return False
        raise ValueError(text)
    return text


def _kept(row: EligibilityCondition, test: dict[str, Any], op: str) -> dict[str, Any]:
    """A test's other parts (``unsure`` answers of an ``any_in``): as sent, else the stored
    test's while its op stays, so a form that edits op and value keeps them."""
    source = test if "unsure" in test else (row.test or {})
    unsure = source.get("unsure")
    if op != "any_in" or not isinstance(unsure, list):
        return {}
    return {"unsure": [str(v) for v in unsure]}


def _date(raw: Any) -> dt.date | None:
    """A date typed in a form or sent as JSON ("" or None: no date); ValueError if not."""
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw).strip())


def clean_values(
    session: Session, row: EligibilityCondition, values: dict[str, Any], regions: Collection[str]
) -> dict[str, Any]:
    """The edited fields, checked; ``ValidationFailed`` with a Chinese message per field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name in DATES:
        if name in values:
            try:
                clean[name] = _date(values[name])
            except ValueError:
                errors[name] = "请按 2026-01-01 的格式填写日期，不限就留空"
    start = clean.get("valid_from", row.valid_from)
    end = clean.get("valid_until", row.valid_until)
    if start and end and end < start and not set(DATES) & set(errors):
        errors["valid_until"] = "截止日期不能早于生效日期"
    for name in ("question", "hint", "unmet_reason"):
        if name not in values:
            continue
        text = values[name]
        if not isinstance(text, str) or len(text.strip()) > MAX_TEXT[name]:
            errors[name] = f"请填写不超过{MAX_TEXT[name]}字的文字"
        elif name == "question" and not text.strip():
            errors[name] = "问题不能为空"
        else:
            clean[name] = text.strip()
    if "region" in values:
        region = str(values["region"] or "").strip() or NATIONAL
        if region not in regions:
            errors["region"] = f"没有“{region}”这个地区，请填写省、市名称或“全国”"
        else:
            clean["region"] = region
    if "clause" in values:
        clause_id = session.execute(
            select(PolicyClause.id).where(PolicyClause.key == str(values["clause"]))
        ).scalar_one_or_none()
        if clause_id is None:
            errors["clause"] = "没有这个条款编号"
        else:
            clean["clause_id"] = clause_id
    if "test" in values and values["test"] == {} and row.check.ladder:
        clean["test"] = {}  # a ladder's question: its tests live in the targets' paths
    elif "test" in values:
        test = values["test"]
        op = test.get("op") if isinstance(test, dict) else None
        try:
            value = test_value(row.answer_kind, str(op), test.get("value")) if op else None
        except ValueError:
            value = None
        if op not in OPS or value is None or value == [] or (op in NOT_ASKED and not value):
            errors["test"] = "判断标准不完整：请选择比较方式并填写标准值（月数填数字）"
        else:
            problem = check_problem(
                Condition(
                    key=row.key,
                    question=row.question,
                    slot=row.slot,
                    answer_kind=row.answer_kind,
                    test={"op": op, "value": value},
                    clause=ClauseRef(key="", number="", text="", document_title="", doc_number=""),
                )
            )
            if problem:
                errors["test"] = "这个比较方式不适用于这类回答"
            else:
                clean["test"] = {"op": op, "value": value, **_kept(row, test, op)}
    unknown = set(values) - set(EDITABLE)
    for name in sorted(unknown):
        errors[name] = "这一项不能修改"
    if errors:
        raise ValidationFailed(errors, f"eligibility condition {row.check.key}.{row.key}")
    return clean


def save(
    session: Session,
    row: EligibilityCondition,
    clean: dict[str, Any],
    actor: str,
    action: str,
    note: str = "",
) -> bool:
    """Apply checked values to a published condition: a new version and an audit line (with
    ``note`` after the changes); False, writing nothing, when nothing changed."""
    before, changes = apply_values(session, row, clean)
    if not changes:
        return False
    versions.ensure_baseline(session=session, item=row, data=before)
    row.version += 1
    versions.record(session=session, item=row, action=action, author=actor)
    touch(row, actor)
    audit_condition(
        session,
        row,
        actor,
        action,
        f"{row.check.title}·{row.key}（{row.region}） 第{row.version}版："
        + "、".join(c.label for c in changes)
        + note,
    )
    return True


def apply_values(
    session: Session, row: EligibilityCondition, clean: dict[str, Any]
) -> tuple[dict[str, Any], list[versions.FieldChange]]:
    """Set checked values on ``row``: its snapshot before, and the fields they changed."""
    before = versions.snapshot(row)
    for name, value in clean.items():
        setattr(row, name, value)
    session.flush()
    session.expire(row, ["clause"])
    return before, versions.diff(before, versions.snapshot(row))


def audit_condition(
    session: Session, row: EligibilityCondition, actor: str, action: str, detail: str
) -> None:
    """An audit line about a condition (edit, propose, publish, discard, delete …)."""
    audit(
        session=session,
        actor=actor,
        action=action,
        kind=versions.CONDITION,
        item_id=row.id,
        detail=detail,
    )


def touch(row: EligibilityCondition, actor: str) -> None:
    row.check.updated_by = actor
    row.check.updated_at = utcnow()


def refuse_taken(session: Session, row: EligibilityCondition, region: str) -> None:
    """``ValidationFailed`` when the condition already has a variant (or a draft) there."""
    taken = session.execute(
        select(EligibilityCondition.status).where(
            EligibilityCondition.check_id == row.check_id,
            EligibilityCondition.key == row.key,
            EligibilityCondition.region == region,
            EligibilityCondition.id != row.id,
        )
    ).first()
    if taken is not None:
        waiting = "（待审核）" if taken[0] == ConditionStatus.draft.value else ""
        raise ValidationFailed(
            {"region": f"“{region}”已经有这个条件的地区版本{waiting}，请直接修改那一版"},
            f"eligibility condition {row.check.key}.{row.key}",
        )


def restore_condition(
    *,
    session: Session,
    condition_id: int,
    version: int,
    actor: str,
    regions: Collection[str],
) -> bool:
    """Save an old version's snapshot again, as a new version (``VersionNotFound``)."""
    row = get_condition(session=session, condition_id=condition_id)
    old = versions.get_version(
        session=session, kind=versions.CONDITION, item_id=row.id, version=version
    ).data
    values = {name: old[name] for name in EDITABLE if name in old}
    clean = clean_values(session, row, values, regions)
    if clean.get("region", row.region) != row.region:
        refuse_taken(session, row, clean["region"])
    return save(session, row, clean, actor, "restore")


def remove_variant(*, session: Session, condition_id: int, actor: str) -> None:
    """Delete a region's variant (its region's workers get the next region up again); the
    national condition itself cannot be removed (``ValidationFailed``). Its versions stay."""
    row = get_condition(session=session, condition_id=condition_id)
    if row.region == NATIONAL:
        raise ValidationFailed(
            {"region": "全国版本不能删除，只能修改"},
            f"eligibility condition {row.check.key}.{row.key}",
        )
    touch(row, actor)
    draft = row.status == ConditionStatus.draft.value
    audit_condition(
        session,
        row,
        actor,
        "delete",
        f"{row.check.title}·{row.key} 删除{row.region}版本"
        + ("（待审核，未发布）" if draft else f"（第{row.version}版）"),
    )
    check = row.check
    session.delete(row)
    session.flush()
    session.expire(check, ["conditions"])
