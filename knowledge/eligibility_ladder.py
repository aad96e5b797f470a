"""A check whose outcome is a level (issue #13, skill grading): which level the worker may
apply for now and when the next one opens, each requirement with its clause.

Pure, like ``knowledge.eligibility_verdict``. A :class:`~knowledge.eligibility_rules.Ladder`
lists the levels lowest first; a level opens by any one of its paths, a path by all its
requirements.
Levels at or below the one already held are not offered again. The next level is the one
above what is open now (or above what is held): when all that its nearest path lacks is time
in the trade, the verdict says how long (再干满2年); otherwise it names what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.eligibility_answers import UNKNOWN
from knowledge.eligibility_card import MARKS
from knowledge.eligibility_rules import (
    Check,
    ClauseRef,
    Condition,
    Ladder,
    Requirement,
    Target,
    clause_payload,
    run_test,
)
from knowledge.eligibility_verdict import ELIGIBLE, NEEDS_CONFIRMING, NOT_ELIGIBLE, show_answer

HELD, MET, NOT_MET, UNSURE = "held", "met", "not_met", "unknown"
_GROWS = (">=", ">")  # a months answer tested this way is met by waiting


@dataclass(frozen=True)
class RequirementResult:
    target: Target
    requirement: Requirement
    condition: Condition
    answer: str  # as shown to the worker; "" when not answered
    met: bool | None

    def as_payload(self) -> dict[str, Any]:
        return {
            "key": f"{self.target.key}.{self.condition.key}",
            "question": self.requirement.text or self.condition.question,
            "answer": self.answer,
            "met": self.met,
            "note": self.target.label,
            "clause": clause_payload(self.target.clause),
        }


@dataclass(frozen=True)
class PathResult:
    results: list[RequirementResult]
    wait_months: int | None  # months of work that would open it; None when waiting won't

    @property
    def met(self) -> bool:
        return all(r.met is True for r in self.results)

    @property
    def possible(self) -> bool:
        return all(r.met is not False for r in self.results)

    @property
    def missing(self) -> list[RequirementResult]:
        return [r for r in self.results if r.met is not True]


@dataclass(frozen=True)
class TargetResult:
    target: Target
    status: str  # held | met | not_met | unknown
    paths: list[PathResult]

    def best_path(self) -> PathResult | None:
        """The path that opened it, else the one opened soonest by time, else the nearest."""
        if not self.paths:
            return None
        met = [p for p in self.paths if p.met]
        if met:
            return met[0]
        waiting = [p for p in self.paths if p.wait_months is not None]
        if waiting:
            return min(waiting, key=lambda p: p.wait_months or 0)
        possible = [p for p in self.paths if p.possible]
        pool = possible or self.paths
        return min(pool, key=lambda p: len(p.missing))

    def as_payload(self) -> dict[str, Any]:
        clause = self.target.clause
        return {
            "key": self.target.key,
            "level": self.target.level,
            "label": self.target.label,
            "status": self.status,
            "clause": {"key": clause.key, "number": clause.number, "text": clause.text},
        }


@dataclass(frozen=True)
class LevelVerdict:
    check: Check
    verdict: str  # what the worker is told: eligible | not_eligible | unknown
    rule_verdict: str  # what the stored rules say, current or not
    held: Target | None
    levels: list[TargetResult]
    granted: TargetResult | None
    next: TargetResult | None
    reasons: list[str] = field(default_factory=list)
    lapse_notes: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return not self.lapse_notes

    @property
    def wait_months(self) -> int | None:
        path = self.next.best_path() if self.next else None
        return path.wait_months if path and not path.met else None

    def rows(self) -> list[RequirementResult]:
        """The requirements shown on the card: the path that opened the level granted, then
        the nearest path to the next level."""
        rows: list[RequirementResult] = []
        for result in (self.granted, self.next):
            path = result.best_path() if result else None
            if path is not None:
                rows.extend(path.results)
        return rows


def _months_words(months: int) -> str:
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest}个月"
    return f"{years}年" + (f"{rest}个月" if rest else "")


def show(condition: Condition, value: Any) -> str:
    """The answer in words: a choice's label (没有证书, 技工学校、中专、职高), years and months
    (7年, 1年6个月), else as ``knowledge.eligibility.show_answer`` says it."""
    if value is None or value == UNKNOWN:
        return show_answer(condition, value)
    label = next((c.get("label") for c in condition.choices if c.get("value") == value), None)
    if label and condition.answer_kind in ("level", "choice", "months"):
        return str(label)
    if condition.answer_kind == "months" and isinstance(value, int):
        return _months_words(value)
    return show_answer(condition, value)


def _path_result(
    target: Target,
    path: Sequence[Requirement],
    conditions: Mapping[str, Condition],
    values: Mapping[str, Any],
    ladder: Ladder,
) -> PathResult:
    results: list[RequirementResult] = []
    wait = 0
    # time counted from a certificate not held yet cannot be judged: shown as open (?)
    held_missing = any(
        r.condition == ladder.held_by
        and run_test(r.test, values.get(conditions[r.condition].slot)) is False
        for r in path
    )
    for requirement in path:
        condition = conditions[requirement.condition]
        value = values.get(condition.slot)
        if held_missing and requirement.condition == ladder.since_held:
            results.append(RequirementResult(target, requirement, condition, "", None))
            wait = -1
            continue
        met = run_test(requirement.test, value)
        results.append(
            RequirementResult(target, requirement, condition, show(condition, value), met)
        )
        if met is True:
            continue
        grows = condition.answer_kind == "months" and requirement.op in _GROWS
        if met is False and grows and isinstance(value, int):
            need = int(requirement.value) + (1 if requirement.op == ">" else 0)
            wait = max(wait, need - value)
        else:
            wait = -1  # waiting alone will not open this path
    return PathResult(results, None if wait < 0 else wait)


def evaluate_ladder(check: Check, values: Mapping[str, Any], today: Any) -> LevelVerdict:
    """The levels open now (by slot ``values``), the highest of them and the next one."""
    ladder = check.ladder
    if ladder is None:
        raise ValueError(f"check {check.key} has no ladder")
    conditions = {c.key: c for c in check.conditions}
    held_condition = conditions[ladder.held_by]
    held_value = values.get(held_condition.slot)
    held_index = next((i for i, t in enumerate(ladder.targets) if t.level == held_value), -1)
    levels: list[TargetResult] = []
    for index, target in enumerate(ladder.targets):
        paths = [_path_result(target, p, conditions, values, ladder) for p in target.paths]
        if index <= held_index:
            status = HELD
        elif any(p.met for p in paths):
            status = MET
        elif any(p.possible for p in paths):
            status = UNSURE
        else:
            status = NOT_MET
        levels.append(TargetResult(target, status, paths))
    open_now = [r for r in levels if r.status == MET]
    granted = open_now[-1] if open_now else None
    above = levels.index(granted) + 1 if granted else held_index + 1
    nxt = levels[above] if above < len(levels) else None
    reasons: list[str] = []
    if granted is not None:
        rule_verdict = ELIGIBLE
    elif any(r.status == UNSURE for r in levels):
        rule_verdict = NEEDS_CONFIRMING
    else:
        rule_verdict = NOT_ELIGIBLE
    asked = {c.key for c in check.needed(values)}
    if nxt is not None and nxt.status != MET:
        path = nxt.best_path()
        unknown = [r for r in path.missing if r.met is None and r.answer] if path else []
        unknown += [
            r
            for r in (path.missing if path else [])
            if r.met is None
            and not r.answer
            and r.condition.key in asked
            and r.condition.key != ladder.since_held
        ]
        if unknown:
            reasons.append("还不清楚：" + "；".join(r.condition.question for r in unknown))
    lapse_notes: list[str] = []
    clauses: list[ClauseRef] = [r.target.clause for r in levels if r.status != HELD]
    clauses += [c.clause for c in check.conditions]
    for clause in clauses:
        note = clause.lapse_note(today)
        if note and note not in lapse_notes:
            lapse_notes.append(note)
    if check.valid_until is not None and check.valid_until < today and not lapse_notes:
        lapse_notes.append(f"这项检查的规则执行至{check.valid_until.isoformat()}，已到期")
    return LevelVerdict(
        check=check,
        verdict=rule_verdict if not lapse_notes else NEEDS_CONFIRMING,
        rule_verdict=rule_verdict,
        held=ladder.targets[held_index] if held_index >= 0 else None,
        levels=levels,
        granted=granted,
        next=nxt,
        reasons=reasons,
        lapse_notes=lapse_notes,
    )


def _next_line(verdict: LevelVerdict) -> str:
    nxt = verdict.next
    if nxt is None:
        if verdict.held is not None and verdict.granted is None:
            return f"您已经是{verdict.held.label}，这是职业技能等级里最高的一级。"
        return ""
    label = nxt.target.label
    if nxt.status == MET:
        return ""
    wait = verdict.wait_months
    if wait is not None:
        return f"再干满{_months_words(wait)}，就可以申报{label}。"
    path = nxt.best_path()
    missing = [r.requirement.text or r.condition.question for r in path.missing] if path else []
    return f"申报{label}还需要：" + "；".join(missing) + "。"


def level_summary(verdict: LevelVerdict) -> str:
    """The headline (the level open now), the next level, and a lapsed rule named as such."""
    lines: list[str] = []
    if verdict.granted is not None:
        headline = f"您现在可以申报{verdict.granted.target.label}"
    elif verdict.rule_verdict == NOT_ELIGIBLE and verdict.next is not None:
        headline = f"您暂时还不能申报{verdict.next.target.label}"
    elif verdict.rule_verdict == NOT_ELIGIBLE:
        headline = "没有更高的等级可以申报"
    else:
        headline = "还需要确认几项情况，才能说您能申报哪一级"
    if verdict.current:
        lines.append(f"结论：{headline}。")
    else:
        lines.append("结论：需要确认")
        lines.append(f"按库里的规定，{headline}；但" + "；".join(verdict.lapse_notes) + "。")
        lines.append("现行条件请向当地人社部门或12333确认。")
    following = _next_line(verdict)
    if following:
        lines.append(following)
    lines.extend(verdict.reasons)
    return "\n".join(lines)


def level_card_lines(verdict: LevelVerdict) -> list[str]:
    """One line per requirement shown: mark, the requirement, the answer, the clause."""
    lines = []
    for row in verdict.rows():
        answer = row.answer or "—"
        text = row.requirement.text or row.condition.question
        lines.append(
            f"{MARKS[row.met]} {row.target.label}：{text} 您的回答：{answer}"
            f"  依据：{row.target.clause.citation()}"
        )
    return lines
