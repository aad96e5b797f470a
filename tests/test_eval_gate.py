"""The evaluation's regression gate and how a REST reply is read (no servers needed)."""

from __future__ import annotations

from tests.eval.evaluate import Outcome, changed_answers, is_miss, regressions
from tests.eval.rest_client import label_of_reply

BASELINE = {
    "metrics": {"rest": {"topic_accuracy": 0.939}, "local": {"topic_accuracy": 0.939}},
    "predictions": {"rest": {"宿舍咋申请": "dormitory", "欠薪咋办": "escalated"}},
}


def numbers(rest: float, local: float = 0.939) -> dict[str, dict[str, float]]:
    return {"rest": {"topic_accuracy": rest}, "local": {"topic_accuracy": local}}


def test_a_drop_of_more_than_two_points_fails() -> None:
    failures = regressions(numbers(0.918), BASELINE)
    assert len(failures) == 1 and failures[0].startswith("rest: topic accuracy 0.918")


def test_a_drop_of_two_points_or_less_passes() -> None:
    assert regressions(numbers(0.920), BASELINE) == []
    assert regressions(numbers(0.960), BASELINE) == []


def test_each_view_is_gated() -> None:
    assert [f.split(":")[0] for f in regressions(numbers(0.939, 0.90), BASELINE)] == ["local"]


def test_no_baseline_means_no_gate() -> None:
    assert regressions(numbers(0.10), None) == []


def test_changed_answers_are_listed() -> None:
    outcomes = {
        "rest": [
            Outcome("宿舍咋申请", "dormitory", "dormitory", True, 0.9),
            Outcome("欠薪咋办", "out_of_scope", "training_subsidy", True, 0.8),
        ]
    }
    assert changed_answers(outcomes, BASELINE) == [
        ("rest", "欠薪咋办", "escalated", "training_subsidy")
    ]


def test_misses() -> None:
    assert is_miss(Outcome("q", "dormitory", "escalated", False, 1.0))
    assert not is_miss(Outcome("q", "out_of_scope", "escalated", False, 1.0))
    assert is_miss(Outcome("q", "out_of_scope", "clarify", False, 0.5))


def test_reply_labels_as_a_client_reads_them() -> None:
    answer = {"text": "…", "custom": {"type": "answer", "topic": "dormitory", "escalated": False}}
    ask_region = {"custom": {"type": "ask_region", "topic": "training_subsidy"}}
    escalation = {"custom": {"type": "escalation", "topic": None, "escalated": True}}
    clarify = {"custom": {"type": "clarify", "topic": None}}
    assert label_of_reply([answer]) == "dormitory"
    assert label_of_reply([ask_region]) == "training_subsidy"
    assert label_of_reply([escalation]) == "escalated"
    assert label_of_reply([clarify]) == "clarify"
    assert label_of_reply([{"text": "你好"}]) == "other"
    assert label_of_reply([]) == "other"
