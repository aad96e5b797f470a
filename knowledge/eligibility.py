"""Evaluating an eligibility check rule by rule, each rule with its clause (issue #13).

Pure: a :class:`Check` (read from the database by ``knowledge.eligibility_store``) and the
worker's answers (canonical values from ``knowledge.eligibility_answers``) give a
:class:`Verdict`: per condition met / not met / unknown with its clause, the overall result
(可以申请 / 暂不符合 + why + what would change it / 需要确认) and the claim deadline when an
issue date is known. A condition may hold for one region only: for a worker there it replaces
the national condition that fills the same slot (a local income line); a national condition
tested ``decided_locally`` is never asked and stays unknown, saying who decides. An answer may
open kinds of help (a choice's ``helps``), each with its clause. A test is a small declarative
spec (``{"op": ">=", "value": 12}``), never evaluated as code. A rule that is time-limited
and past its date, lapsed or replaced is never stated as current: the verdict then says what
the stored rule says, that it is no longer in force, and asks the worker to confirm this
year's rule (verdict ``unknown``).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from changai.vocabulary import NATIONAL, LegalStatus
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
    # several answers (a ``choices`` condition): met when one of them is in the value
    "any_in": lambda answer, value: bool(set(answer) & set(value)),
}
DATE_OPS = ("within_months",)
LOCAL = "decided_locally"  # no line in the knowledge base: not asked, unknown, value = who decides
OPS = frozenset(_COMPARE) | frozenset(DATE_OPS) | {LOCAL}


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
    region: str = NATIONAL  # where the condition holds; a region's one replaces the national one
    helps: Mapping[str, Sequence[Help]] = field(default_factory=dict)  # choice value -> help

    @property
    def asked(self) -> bool:
        """False when nothing the worker says could be tested (no line in the base)."""
        return self.test.get("op") != LOCAL


@dataclass(frozen=True)
class Help:
    """A kind of help an answer may open (大病救助 …), with the clause that names it."""

    kind: str
    clause: ClauseRef

    def as_payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "clause": clause_payload(self.clause)}


def clause_payload(clause: ClauseRef) -> dict[str, Any]:
    return {
        "key": clause.key,
        "document": clause.document_title,
        "doc_number": clause.doc_number,
        "number": clause.number,
        "text": clause.text,
    }


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

    def condition_for(self, slot: str, regions: Sequence[str] = ()) -> Condition | None:
        return next((c for c in self.applicable(regions) if c.slot == slot), None)

    def applicable(self, regions: Sequence[str] = ()) -> list[Condition]:
        """The conditions that hold for a worker in ``regions`` (the region, its parents,
        全国): per slot the most specific one; a condition of another region never."""
        chain = [*regions, NATIONAL] if NATIONAL not in regions else list(regions)
        best: dict[str, tuple[int, Condition]] = {}
        for condition in self.conditions:
            if condition.region not in chain:
                continue
            rank = chain.index(condition.region)
            if condition.slot not in best or rank < best[condition.slot][0]:
                best[condition.slot] = (rank, condition)
        return [c for c in self.conditions if best.get(c.slot, (0, None))[1] is c]

    def region_condition(self) -> Condition | None:
        """The question whose answer is where the worker works, when the check has one."""
        return next((c for c in self.conditions if c.answer_kind == "region"), None)

    def needed(self, answers: Mapping[str, Any], regions: Sequence[str] = ()) -> list[Condition]:
        """The conditions to ask, given the answers so far (by slot): those that hold for
        the worker's region, can be answered, and whose ``ask_if`` holds; a requirement on an
        answer not known yet counts as holding."""
        by_key = {c.key: answers.get(c.slot) for c in self.conditions}
        return [
            c
            for c in self.applicable(regions)
            if c.asked
            and all(run_test(r, by_key.get(str(r.get("condition")))) is not False for r in c.ask_if)
        ]


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
    """Met, not met or unknown (None), with a note (the deadline left, when it applies; who
    decides, for a line the knowledge base lacks)."""
    op = str(condition.test.get("op"))
    expected = condition.test.get("value")
    if op == LOCAL:
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
    compare = _COMPARE.get(op)
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
    the overall result and the kinds of help the answers may open."""
    results: list[ConditionResult] = []
    for condition in check.applicable(regions):
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
        reasons = [r.note or f"还不清楚：{r.condition.question}" for r in unknown]
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


def helps_line(verdict: Verdict) -> str:
    """可能适用的帮扶：大病救助（依据…）…, or "" when none."""
    if not verdict.helps:
        return ""
    named = "；".join(f"{h.kind}（依据：{h.clause.citation()}）" for h in verdict.helps)
    return f"可能适用的帮扶：{named}。"


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
