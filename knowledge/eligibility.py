"""The eligibility engine's public names (issue #13), in one place for its callers.

The engine is three small modules: ``knowledge.eligibility_rules`` (a check, its conditions,
clauses and declarative tests), ``knowledge.eligibility_verdict`` (evaluating the worker's
answers rule by rule) and ``knowledge.eligibility_card`` (the verdict in words). The action
server and the tests import from here; the knowledge package's own modules import from the
module that defines a name.
"""

from __future__ import annotations

from knowledge.eligibility_answers import UNKNOWN
from knowledge.eligibility_card import MARKS, VERDICT_LABELS, card_lines, helps_line, summary
from knowledge.eligibility_rules import (
    DATE_OPS,
    INFO,
    LOCAL,
    OPS,
    Check,
    ClauseRef,
    Condition,
    Help,
    Ladder,
    Requirement,
    Target,
    check_problem,
    clause_payload,
    run_test,
)
from knowledge.eligibility_verdict import (
    ELIGIBLE,
    NEEDS_CONFIRMING,
    NOT_ELIGIBLE,
    ConditionResult,
    Verdict,
    evaluate,
    helps_of,
    remaining_words,
    show_answer,
    test_condition,
)

__all__ = [
    "DATE_OPS",
    "ELIGIBLE",
    "INFO",
    "LOCAL",
    "MARKS",
    "NEEDS_CONFIRMING",
    "NOT_ELIGIBLE",
    "OPS",
    "UNKNOWN",
    "VERDICT_LABELS",
    "Check",
    "ClauseRef",
    "Condition",
    "ConditionResult",
    "Help",
    "Ladder",
    "Requirement",
    "Target",
    "Verdict",
    "card_lines",
    "check_problem",
    "clause_payload",
    "evaluate",
    "helps_line",
    "helps_of",
    "remaining_words",
    "run_test",
    "show_answer",
    "summary",
    "test_condition",
]
