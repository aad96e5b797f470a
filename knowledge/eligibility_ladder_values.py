"""Checking an admin's edit of a ladder's target (issue #13, skill grading): its paths, each
a list of requirements ``{condition, op, value, text}``.

A requirement tests one of the check's conditions (by key) with an op the ladder supports for
that condition's kind of answer, against a value of the right kind: a month count (0-600), a
level the check knows, one of an answer's choices (an education), yes or no. Values typed in a
form come as text (``48``, ``技工学校、中专``, ``是``); a choice may be named by its label.
Problems are one Chinese message per requirement (``ValidationFailed``, keys ``p{i}.r{j}``
counted from 0 in the paths as sent, ``paths`` for the target as a whole). Pure apart from
reading the check's rows.
"""

from __future__ import annotations

import re
from typing import Any

from changai.vocabulary import ConditionStatus
from knowledge.catalogue import ValidationFailed
from knowledge.models import EligibilityCheck, EligibilityCondition

MAX_MONTHS = 600
MAX_TEXT = 200
LIST_OPS = ("in", "not_in")
# the ops a ladder's requirement may use, by the tested condition's kind of answer
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "months": (">=", ">", "<=", "<", "==", "!="),
    "level": ("==", "!=", "in", "not_in"),
    "choice": ("==", "!=", "in", "not_in"),
    "yes_no": ("==", "!="),
}
YES = ("true", "是", "1", "yes")
NO = ("false", "否", "0", "no")
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")


def conditions_of(check: EligibilityCheck) -> dict[str, EligibilityCondition]:
    """The check's published conditions by key (a region's variant answers the same way)."""
    found: dict[str, EligibilityCondition] = {}
    for row in check.conditions:
        if row.status == ConditionStatus.published.value and row.key not in found:
            found[row.key] = row
    return found


def known_values(check: EligibilityCheck, row: EligibilityCondition) -> dict[str, str]:
    """value -> label of what a requirement on ``row`` may name: its choices, and for a level
    also every level of the check's ladder (高级技师 is no answer, but a target)."""
    known = {str(c["value"]): str(c.get("label") or c["value"]) for c in row.choices or []}
    if row.answer_kind == "level":
        for target in (check.ladder or {}).get("targets") or []:
            known.setdefault(str(target["level"]), str(target.get("label") or target["level"]))
    return known


def _months(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("月数请填0到600之间的整数")
    try:
        months = raw if isinstance(raw, int) else int(str(raw).strip())
    except ValueError:
        raise ValueError("月数请填0到600之间的整数") from None
    if not 0 <= months <= MAX_MONTHS:
        raise ValueError("月数请填0到600之间的整数")
    return months


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("请填“是”或“否”")


def _choices(check: EligibilityCheck, row: EligibilityCondition, op: str, raw: Any) -> Any:
    known = known_values(check, row)
    by_label = {label: value for value, label in known.items()}
    by_label.update({str(c["label"]): str(c["value"]) for c in row.choices or [] if c.get("label")})
    if isinstance(raw, list):
        items = raw
    else:  # a label may hold a separator itself (大专、高职): labels first, longest first
        text = str(raw)
        for label in sorted(by_label, key=len, reverse=True):
            text = text.replace(label, f",{by_label[label]},")
        items = [part for part in _LIST_SPLIT.split(text) if part]
    values = []
    for item in (str(i).strip() for i in items):
        value = item if item in known else by_label.get(item)
        if value is None:
            what = "等级" if row.answer_kind == "level" else "选项"
            named = (v if label == v else f"{v}（{label}）" for v, label in known.items())
            raise ValueError(f"没有“{item}”这个{what}，可填：" + "；".join(named))
        if value not in values:
            values.append(value)
    if not values:
        raise ValueError("请填写标准值")
    if op in LIST_OPS:
        return values
    if len(values) > 1:
        raise ValueError("“等于/不等于”只能填一个值；几个值请选“属于/不属于”")
    return values[0]


def requirement_value(check: EligibilityCheck, row: EligibilityCondition, op: str, raw: Any) -> Any:
    """The value as the ladder compares it; ValueError with a Chinese message if not."""
    if row.answer_kind == "months":
        return _months(raw)
    if row.answer_kind == "yes_no":
        return _yes_no(raw)
    return _choices(check, row, op, raw)


def _problem(
    check: EligibilityCheck, conditions: dict[str, EligibilityCondition], raw: Any
) -> tuple[dict[str, Any] | None, str]:
    """A requirement as stored, or the problem with it."""
    if not isinstance(raw, dict):
        return None, "这一项不完整：请选择条件、比较方式，填写标准值和说明"
    key = str(raw.get("condition") or "").strip()
    row = conditions.get(key)
    if row is None:
        return None, f"没有“{key}”这个条件，请从列表里选" if key else "请选择条件"
    op = str(raw.get("op") or "").strip()
    if op not in OPS_BY_KIND.get(row.answer_kind, ()):
        return None, "这个比较方式不适用于这类回答"
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip() or len(text.strip()) > MAX_TEXT:
        return None, f"请用一句话写明这项要求（不超过{MAX_TEXT}字）"
    try:
        value = requirement_value(check, row, op, raw.get("value"))
    except ValueError as problem:
        return None, str(problem)
    return {"condition": key, "op": op, "value": value, "text": text.strip()}, ""


def clean_paths(check: EligibilityCheck, target_key: str, paths: Any) -> list[list[dict[str, Any]]]:
    """A target's paths, checked (``ValidationFailed``: nothing is stored)."""
    where = f"eligibility ladder {check.key}.{target_key}"
    if not isinstance(paths, list) or not all(isinstance(p, list) for p in paths):
        raise ValidationFailed({"paths": "路径的格式不对：每条路径是一组要求"}, where)
    conditions = conditions_of(check)
    errors: dict[str, str] = {}
    clean: list[list[dict[str, Any]]] = []
    for i, path in enumerate(paths):
        kept = []
        for j, raw in enumerate(path):
            requirement, problem = _problem(check, conditions, raw)
            if problem:
                errors[f"p{i}.r{j}"] = f"第{i + 1}条路径第{j + 1}项：{problem}"
            elif requirement is not None:
                kept.append(requirement)
        if path:
            clean.append(kept)
    if not errors and not clean:
        errors["paths"] = "每个等级至少要有一条路径，每条路径至少一项要求"
    if errors:
        raise ValidationFailed(errors, where)
    return clean


def clean_ladder(check: EligibilityCheck, spec: dict[str, Any]) -> dict[str, Any]:
    """A whole ladder (a pending one being published, an old version being restored) checked
    against the check's conditions today; ``ValidationFailed`` names the level."""
    conditions = conditions_of(check)
    live = {str(t["key"]) for t in (check.ladder or {}).get("targets") or []}
    where = f"eligibility ladder {check.key}"
    if (
        str(spec.get("held_by")) not in conditions
        or {str(t.get("key")) for t in spec.get("targets") or []} != live
    ):
        raise ValidationFailed({"ladder": "这一版的等级与现在的等级对不上，不能使用"}, where)
    targets = []
    for target in spec["targets"]:
        try:
            paths = clean_paths(check, str(target["key"]), target.get("paths"))
        except ValidationFailed as failed:
            label = target.get("label") or target["key"]
            raise ValidationFailed(
                {str(target["key"]): f"{label}：" + "；".join(failed.errors.values())}, where
            ) from None
        targets.append({**target, "paths": paths})
    return {**spec, "targets": targets}


def with_target(ladder: dict[str, Any], target_key: str, paths: list[Any]) -> dict[str, Any]:
    """A copy of ``ladder`` with one target's paths replaced."""
    return {
        **ladder,
        "targets": [
            {**t, "paths": paths} if t["key"] == target_key else dict(t) for t in ladder["targets"]
        ],
    }


def changed_targets(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of ``after`` whose paths differ from ``before``'s, in ladder order."""
    old = {t["key"]: t.get("paths") for t in (before or {}).get("targets") or []}
    return [t for t in (after or {}).get("targets") or [] if old.get(t["key"]) != t.get("paths")]
