"""Eligibility rules as data (issue #13): a check, its conditions, their clauses and tests.

A :class:`Check` (read from the database by ``knowledge.eligibility_store``) lists its
conditions; each asks one question, fills one slot and rests on one clause. A condition may
hold for one region only: for a worker there it replaces the national condition that fills
the same slot (a local income line); a national condition tested ``decided_locally`` is never
asked and stays unknown, saying who decides. One tested ``informational`` is a thing workers
ask about that no stored clause makes a condition (union membership for hardship aid): never
asked, shown with who decides, and never deciding the verdict. A condition may hold for a
period only (``valid_from`` / ``valid_until``). An answer may open kinds of help (a choice's
``helps``), each with its clause. A test is a small declarative spec (``{"op": ">=",
"value": 12}``), never evaluated as code: :func:`run_test` compares, :func:`check_problem`
says what is wrong with one. Evaluating the answers is ``knowledge.eligibility_verdict``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from changai.vocabulary import NATIONAL, LegalStatus
from knowledge.eligibility_answers import UNKNOWN

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
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
# no stored clause makes it a condition: not asked, shown with who decides (value), never decides
INFO = "informational"
NOT_ASKED = (LOCAL, INFO)
OPS = frozenset(COMPARE) | frozenset(DATE_OPS) | set(NOT_ASKED)


def day_words(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
            until = day_words(self.in_force_until)
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
    valid_from: dt.date | None = None  # the condition itself holds from / until (both inclusive)
    valid_until: dt.date | None = None

    @property
    def asked(self) -> bool:
        """False when nothing the worker says could be tested (no line in the base, or no
        stored rule that makes it a condition)."""
        return self.test.get("op") not in NOT_ASKED

    @property
    def decides(self) -> bool:
        """False for an informational condition: shown on the card, never in the verdict."""
        return self.test.get("op") != INFO

    def validity_note(self, today: dt.date) -> str | None:
        """Why this condition does not hold today (ended, or not yet begun), or None."""
        if self.valid_until is not None and self.valid_until < today:
            return f"“{self.question}”这一条件执行至{day_words(self.valid_until)}，已到期"
        if self.valid_from is not None and self.valid_from > today:
            return f"“{self.question}”这一条件自{day_words(self.valid_from)}起才施行"
        return None


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
    confirm_with: str = ""  # who can say whether a lapsed rule was continued (当地工会或12351)

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


def run_test(test: Mapping[str, Any], value: Any) -> bool | None:
    """A comparison test (not a date test) on an answer: met, not met, or unknown (None)."""
    if value is None or value == UNKNOWN:
        return None
    op = str(test.get("op"))
    compare = COMPARE.get(op)
    if compare is None:
        raise ValueError(f"unknown test op {op!r}")
    try:
        return bool(compare(value, test.get("value")))
    except TypeError:
        return None


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
