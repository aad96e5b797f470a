"""Evaluating an eligibility check rule by rule, each rule with its clause (issue #13).

Pure: a :class:`~knowledge.eligibility_rules.Check` and the worker's answers (canonical values
from ``knowledge.eligibility_answers``) give a :class:`Verdict`: per condition met / not met /
unknown with its clause, the overall result (可以申请 / 暂不符合 + why + what would change it /
需要确认) and the claim deadline when an issue date is known. A rule that is time-limited and
past its date, lapsed or replaced is never stated as current: the verdict then says what the
stored rule says, that it is no longer in force, and asks the worker to confirm this year's
rule (verdict ``unknown``). The card's words are ``knowledge.eligibility_card``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.eligibility_answers import UNKNOWN
from knowledge.eligibility_rules import (
    COMPARE,
    NOT_ASKED,
    Check,
    Condition,
    Help,
    clause_payload,
)

ELIGIBLE, NOT_ELIGIBLE, NEEDS_CONFIRMING = "eligible", "not_eligible", "unknown"


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    answer: str  # as shown to the worker; "" when not answered
    met: bool | None
    note: str = ""  # the deadline left, or why not met

    def as_payload(self) -> dict[str, Any]:
        return {
            "key": self.condition.key,
            "question": self.condition.question,
            "answer": self.answer,
            "met": self.met,
            "note": self.note,
            "asked": self.condition.asked,  # False: never asked, so the card shows no answer
            "clause": clause_payload(self.condition.clause),
        }


@dataclass(frozen=True)
class Verdict:
    check: Check
    verdict: str  # what the worker is told: eligible | not_eligible | unknown
    rule_verdict: str  # what the stored conditions say, current or not
    results: list[ConditionResult]
    reasons: list[str] = field(default_factory=list)  # why not / what is missing
    lapse_notes: list[str] = field(default_factory=list)
    deadline: str = ""
    helps: list[Help] = field(default_factory=list)  # kinds of help the answers may open

    @property
    def current(self) -> bool:
        return not self.lapse_notes


def show_answer(condition: Condition, value: Any) -> str:
    """The worker's answer in words: 12个月, 没交过, 是, 2025年5月, a choice's label."""
    if value is None:
        return ""
    if value == UNKNOWN:
        return "不清楚"
    kind = condition.answer_kind
    if kind == "months":
        named = next((c.get("label") for c in condition.choices if c.get("value") == value), None)
        if named:
            return str(named)
        return "没交过" if value == 0 else f"{value}个月"
    if kind == "yes_no":
        return "是" if value else "否"
    if kind == "date":
        day = _date_of(value)
        if day is None:
            return str(value)
        exact = not str(value).endswith("~")
        return f"{day.year}年{day.month}月" + (f"{day.day}日" if exact else "")
    if kind == "choice":
        label = next((c.get("label") for c in condition.choices if c.get("value") == value), None)
        return str(label or value)
    if kind == "choices" and isinstance(value, list):
        labels = {c.get("value"): c.get("label") for c in condition.choices}
        return "、".join(str(labels.get(v) or v) for v in value)
    return str(value)


def _date_of(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).rstrip("~"))
    except ValueError:
        return None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def remaining_words(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    if days >= 45:
        return f"约{round(days / 30.4)}个月"
    return f"约{max(days, 0)}天"


def test_condition(condition: Condition, value: Any, today: dt.date) -> tuple[bool | None, str]:
    """Met, not met or unknown (None), with a note (the deadline left, when it applies; who
    decides, for a line the knowledge base lacks)."""
    op = str(condition.test.get("op"))
    expected = condition.test.get("value")
    if op in NOT_ASKED:
        return None, condition.unmet_reason
    if value is None or value == UNKNOWN:
        return None, ""
    if op == "any_in" and isinstance(value, list):
        if set(value) & set(expected or ()):
            return True, ""
        return (None, "") if set(value) & set(condition.test.get("unsure") or ()) else (False, "")
    if op == "within_months":
        issued = _date_of(value)
        if issued is None:
            return None, ""
        months = int(str(expected))
        deadline = _add_months(issued, months)
        if deadline < today:
            return False, f"证书核发之日起{months}个月内申领，已超过期限"
        return True, f"证书核发之日起{months}个月内申领，您还剩{remaining_words(deadline, today)}"
    compare = COMPARE.get(op)
    if compare is None:
        raise ValueError(f"condition {condition.key}: unknown test op {op!r}")
    try:
        return bool(compare(value, expected)), ""
    except TypeError:
        return None, ""


def evaluate(
    check: Check, answers: Mapping[str, Any], today: dt.date, regions: Sequence[str] = ()
) -> Verdict:
    """Each condition that holds in the worker's region against the answer in its slot, then
    the overall result and the kinds of help the answers may open. An informational condition
    is shown and never decides; a deciding one whose clause or own period has ended (or not
    begun) makes the verdict 需要确认, saying why."""
    results: list[ConditionResult] = []
    for condition in check.applicable(regions):
        value = answers.get(condition.slot)
        met, note = test_condition(condition, value, today)
        results.append(ConditionResult(condition, show_answer(condition, value), met, note))
    deciding = [r for r in results if r.condition.decides]
    unmet = [r for r in deciding if r.met is False]
    unknown = [r for r in deciding if r.met is None]
    rule_verdict: str
    if unmet:
        rule_verdict = NOT_ELIGIBLE
        reasons = [r.condition.unmet_reason or r.note or r.condition.question for r in unmet]
    elif unknown:
        rule_verdict = NEEDS_CONFIRMING
        reasons = [r.note or f"还不清楚：{r.condition.question}" for r in unknown]
    else:
        rule_verdict, reasons = ELIGIBLE, []
    lapse_notes: list[str] = []
    for result in deciding:
        for lapse in (
            result.condition.clause.lapse_note(today),
            result.condition.validity_note(today),
        ):
            if lapse and lapse not in lapse_notes:
                lapse_notes.append(lapse)
    if check.valid_until is not None and check.valid_until < today and not lapse_notes:
        lapse_notes.append(f"这项检查的规则执行至{check.valid_until.isoformat()}，已到期")
    deadline = next((r.note for r in results if r.met and r.note), "")
    return Verdict(
        check=check,
        verdict=rule_verdict if not lapse_notes else NEEDS_CONFIRMING,
        rule_verdict=rule_verdict,
        results=results,
        reasons=reasons,
        lapse_notes=lapse_notes,
        deadline=deadline,
        helps=[] if rule_verdict == NOT_ELIGIBLE else helps_of(results, answers),
    )


def helps_of(results: Sequence[ConditionResult], answers: Mapping[str, Any]) -> list[Help]:
    """The kinds of help the met answers name, each once, in the order given."""
    found: dict[str, Help] = {}
    for result in results:
        if result.met is not True or not result.condition.helps:
            continue
        value = answers.get(result.condition.slot)
        for item in value if isinstance(value, list) else [value]:
            for help_ in result.condition.helps.get(str(item), ()):
                found.setdefault(help_.kind, help_)
    return list(found.values())
