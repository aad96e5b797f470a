"""Evaluating an eligibility check rule by rule, each rule with its clause (issue #13).

Pure: a :class:`Check` (read from the database by ``knowledge.eligibility_store``) and the
worker's answers (canonical values from ``knowledge.eligibility_answers``) give a
:class:`Verdict`: per condition met / not met / unknown with its clause, the overall result
(可以申请 / 暂不符合 + why + what would change it / 需要确认) and the claim deadline when an
issue date is known. A test is a small declarative spec (``{"op": ">=", "value": 12}``),
never evaluated as code. A rule that is time-limited and past its date, lapsed or replaced
is never stated as current: the verdict then says what the stored rule says, that it is no
longer in force, and asks the worker to confirm this year's rule (verdict ``unknown``).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from changai.vocabulary import LegalStatus
from knowledge.eligibility_answers import UNKNOWN

ELIGIBLE, NOT_ELIGIBLE, NEEDS_CONFIRMING = "eligible", "not_eligible", "unknown"
VERDICT_LABELS = {ELIGIBLE: "可以申请", NOT_ELIGIBLE: "暂不符合", NEEDS_CONFIRMING: "需要确认"}
MARKS = {True: "✓", False: "✗", None: "?"}

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda answer, value: answer in value,
    "not_in": lambda answer, value: answer not in value,
}
DATE_OPS = ("within_months",)
OPS = frozenset(_COMPARE) | frozenset(DATE_OPS)


@dataclass(frozen=True)
class ClauseRef:
    key: str
    number: str
    text: str
    document_title: str
    doc_number: str
    legal_status: str = LegalStatus.in_force.value
    in_force_until: dt.date | None = None
    replaced_by: str = ""  # the replacing document's 文号 (or title)

    def citation(self) -> str:
        name = self.doc_number or f"《{self.document_title}》"
        return f"{name}{self.number}" if self.number else name

    def lapse_note(self, today: dt.date) -> str | None:
        """Why this clause is not current today, or None when it is."""
        name = self.doc_number or f"《{self.document_title}》"
        after = f"，由{self.replaced_by}接续" if self.replaced_by else ""
        if self.legal_status in (LegalStatus.lapsed.value, LegalStatus.replaced.value):
            return f"{name}已失效{after}"
        if (
            self.legal_status == LegalStatus.time_limited.value
            and self.in_force_until is not None
            and self.in_force_until < today
        ):
            end = self.in_force_until
            until = f"{end.year}年{end.month}月{end.day}日"
            return f"{name}是阶段性政策，执行至{until}，已到期{after}"
        return None


@dataclass(frozen=True)
class Condition:
    key: str
    question: str
    slot: str
    answer_kind: str
    test: Mapping[str, Any]
    clause: ClauseRef
    choices: Sequence[Mapping[str, Any]] = ()
    hint: str = ""
    unmet_reason: str = ""
    ask_if: Sequence[Mapping[str, Any]] = ()  # asked only when these requirements hold
    prefill: str = ""  # a pattern for the first message; group "answer" is the answer


@dataclass(frozen=True)
class Requirement:
    """One test of one path to a level: an answer (by condition key) against a spec."""

    condition: str
    op: str
    value: Any
    text: str = ""  # the requirement in words, as the clause puts it

    @property
    def test(self) -> Mapping[str, Any]:
        return {"op": self.op, "value": self.value}


@dataclass(frozen=True)
class Target:
    """A level the worker may apply for: any one path (all its requirements) opens it."""

    key: str
    level: str  # the canonical level (中级工), as the held-level answer names it
    label: str  # 四级/中级工
    clause: ClauseRef
    paths: Sequence[Sequence[Requirement]]


@dataclass(frozen=True)
class Ladder:
    """A check whose outcome is the highest level open now, and when the next one opens."""

    held_by: str  # the condition whose answer is the level already held
    targets: Sequence[Target]  # lowest first
    since_held: str = ""  # the condition counting time since the held certificate


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    topic: str
    conditions: Sequence[Condition]
    region: str = "全国"
    how_to_apply: str = ""
    valid_until: dt.date | None = None
    ladder: Ladder | None = None

    def condition_for(self, slot: str) -> Condition | None:
        return next((c for c in self.conditions if c.slot == slot), None)

    def needed(self, answers: Mapping[str, Any]) -> list[Condition]:
        """The conditions to ask, given the answers so far (by slot): those whose ``ask_if``
        holds; a requirement on an answer not known yet counts as holding."""
        by_key = {c.key: answers.get(c.slot) for c in self.conditions}
        return [
            c
            for c in self.conditions
            if all(run_test(r, by_key.get(str(r.get("condition")))) is not False for r in c.ask_if)
        ]


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    answer: str  # as shown to the worker; "" when not answered
    met: bool | None
    note: str = ""  # the deadline left, or why not met

    def as_payload(self) -> dict[str, Any]:
        clause = self.condition.clause
        return {
            "key": self.condition.key,
            "question": self.condition.question,
            "answer": self.answer,
            "met": self.met,
            "note": self.note,
            "clause": {
                "key": clause.key,
                "document": clause.document_title,
                "doc_number": clause.doc_number,
                "number": clause.number,
                "text": clause.text,
            },
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


def run_test(test: Mapping[str, Any], value: Any) -> bool | None:
    """A comparison test (not a date test) on an answer: met, not met, or unknown (None)."""
    if value is None or value == UNKNOWN:
        return None
    op = str(test.get("op"))
    compare = _COMPARE.get(op)
    if compare is None:
        raise ValueError(f"unknown test op {op!r}")
    try:
        return bool(compare(value, test.get("value")))
    except TypeError:
        return None


def test_condition(condition: Condition, value: Any, today: dt.date) -> tuple[bool | None, str]:
    """Met, not met or unknown (None), with a note (the deadline left, when it applies)."""
    if value is None or value == UNKNOWN:
        return None, ""
    op = str(condition.test.get("op"))
    expected = condition.test.get("value")
    if op == "within_months":
        issued = _date_of(value)
        if issued is None:
            return None, ""
        months = int(str(expected))
        deadline = _add_months(issued, months)
        if deadline < today:
            return False, f"证书核发之日起{months}个月内申领，已超过期限"
        return True, f"证书核发之日起{months}个月内申领，您还剩{remaining_words(deadline, today)}"
    compare = _COMPARE.get(op)
    if compare is None:
        raise ValueError(f"condition {condition.key}: unknown test op {op!r}")
    try:
        return bool(compare(value, expected)), ""
    except TypeError:
        return None, ""


def evaluate(check: Check, answers: Mapping[str, Any], today: dt.date) -> Verdict:
    """Each condition against the answer in its slot, then the overall result."""
    results: list[ConditionResult] = []
    for condition in check.conditions:
        value = answers.get(condition.slot)
        met, note = test_condition(condition, value, today)
        results.append(ConditionResult(condition, show_answer(condition, value), met, note))
    unmet = [r for r in results if r.met is False]
    unknown = [r for r in results if r.met is None]
    rule_verdict: str
    if unmet:
        rule_verdict = NOT_ELIGIBLE
        reasons = [r.condition.unmet_reason or r.note or r.condition.question for r in unmet]
    elif unknown:
        rule_verdict = NEEDS_CONFIRMING
        reasons = [f"还不清楚：{r.condition.question}" for r in unknown]
    else:
        rule_verdict, reasons = ELIGIBLE, []
    lapse_notes: list[str] = []
    for result in results:
        lapse = result.condition.clause.lapse_note(today)
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
    )


def summary(verdict: Verdict) -> str:
    """The headline and the why, in words; a lapsed rule is named as such, never as current."""
    label = VERDICT_LABELS[verdict.rule_verdict]
    lines: list[str] = []
    if verdict.current:
        lines.append(f"结论：{label}")
    else:
        lines.append(f"结论：{VERDICT_LABELS[NEEDS_CONFIRMING]}")
        lines.append(f"按库里的规定，您{label}；但" + "；".join(verdict.lapse_notes) + "。")
        lines.append("今年是否延续、条件有没有变化，请向参保地失业保险经办机构或12333确认。")
    if verdict.rule_verdict == NOT_ELIGIBLE:
        lines.append("原因：" + "；".join(verdict.reasons))
    elif verdict.rule_verdict == NEEDS_CONFIRMING:
        lines.append("；".join(verdict.reasons))
    if verdict.deadline and verdict.rule_verdict != NOT_ELIGIBLE:
        lines.append(f"期限：{verdict.deadline}。")
    return "\n".join(lines)


def card_lines(verdict: Verdict) -> list[str]:
    """One line per condition: mark, question, answer, note and the clause it rests on."""
    lines = []
    for result in verdict.results:
        answer = result.answer or "未回答"
        note = f"（{result.note}）" if result.note else ""
        lines.append(
            f"{MARKS[result.met]} {result.condition.question} 您的回答：{answer}{note}"
            f"  依据：{result.condition.clause.citation()}"
        )
    return lines


def check_problem(condition: Condition, *, ladder: bool = False) -> str | None:
    """What is wrong with a condition's test, for the seed loader (None when fine).

    In a ladder check the tests live in the targets' paths: a question may have none."""
    if ladder and not condition.test:
        return None
    op = condition.test.get("op")
    if op not in OPS:
        return f"{condition.key}: unknown test op {op!r}"
    if "value" not in condition.test:
        return f"{condition.key}: test without a value"
    if op in DATE_OPS and condition.answer_kind != "date":
        return f"{condition.key}: {op} needs answer kind date"
    return None
