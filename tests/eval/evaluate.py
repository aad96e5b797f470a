"""`make eval`: topic accuracy and escalation on the held-out development set.

Two views of the same questions:

- **through the REST channel** (the headline): the real Rasa server and action
  server on loopback, each question in a new conversation, the outcome read
  from the reply's ``custom`` payload as a client would read it;
- **in process**: the trained model's NLU and the same answer logic as the
  actions (``knowledge.decision.decide``), which also gives the intent confidence.

Writes ``docs/quality.md`` (measures, confusion tables, worst misses, answers
that changed against the baseline) and fails when topic accuracy is below the
floor or more than ``MAX_DROP`` below ``tests/eval/baseline.json``.
``--update-baseline`` records the current results as the new baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from changai.ask import LocalAssistant
from changai.vocabulary import TOPICS
from knowledge.decision import AskResult
from tests.eval import answers, rest_client

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = Path(__file__).resolve().parent / "dev_set.yml"
REPORT = ROOT / "docs" / "quality.md"
BASELINE = Path(__file__).resolve().parent / "baseline.json"
MAX_DROP = 0.02  # topic accuracy may not fall more than two points below the baseline
WORST_MISSES = 15
VIEWS = ("rest", "local")
ACCURACY_FLOOR = 0.90
RECALL_FLOOR = 0.85
NOT_ANSWERS = {"ask_region", "no_specific_rule", "clause_text"}


@dataclass
class Outcome:
    text: str
    label: str
    predicted: str  # a topic, "escalated", "clarify" or "other"
    cited: bool | None  # None: the reply asked for the region first, so it is no answer yet
    confidence: float


def predicted_label(result: AskResult) -> str:
    if result.kind == "escalate":
        return "escalated"
    if result.kind == "clarify":
        return "clarify"
    topic = result.custom.get("topic")
    return topic if topic in TOPICS else "other"


def load_dev_set(path: Path = DEV_SET) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["questions"]


def run(assistant: LocalAssistant, questions: list[dict[str, str]]) -> list[Outcome]:
    outcomes = []
    for item in questions:
        result = assistant.ask(item["text"])
        outcomes.append(
            Outcome(
                text=item["text"],
                label=item["label"],
                predicted=predicted_label(result),
                cited=None
                if result.kind in NOT_ANSWERS
                else bool(result.custom.get("source", {}).get("title")),
                confidence=float((result.parse.get("intent") or {}).get("confidence") or 0),
            )
        )
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict[str, float]:
    in_scope = [o for o in outcomes if o.label in TOPICS]
    out_scope = [o for o in outcomes if o.label == "out_of_scope"]
    escalated = [o for o in outcomes if o.predicted == "escalated"]
    answered = [o for o in outcomes if o.predicted in TOPICS and o.cited is not None]
    correct_topic = sum(o.predicted == o.label for o in in_scope)
    overall_correct = correct_topic + sum(o.predicted == "escalated" for o in out_scope)
    return {
        "questions": len(outcomes),
        "topic_accuracy": correct_topic / len(in_scope),
        "overall_accuracy": overall_correct / len(outcomes),
        "escalation_recall": sum(o.predicted == "escalated" for o in out_scope) / len(out_scope),
        "escalation_precision": (
            sum(o.label == "out_of_scope" for o in escalated) / len(escalated) if escalated else 0.0
        ),
        "cited_share": sum(bool(o.cited) for o in answered) / len(answered) if answered else 0.0,
        "clarify_share": sum(o.predicted == "clarify" for o in outcomes) / len(outcomes),
    }


def confusion(outcomes: list[Outcome]) -> dict[str, Counter]:
    table: dict[str, Counter] = defaultdict(Counter)
    for o in outcomes:
        table[o.label][o.predicted] += 1
    return table


def is_miss(outcome: Outcome) -> bool:
    if outcome.label in TOPICS:
        return outcome.predicted != outcome.label
    return outcome.label == "out_of_scope" and outcome.predicted != "escalated"


def rest_outcomes(rasa_url: str, local: list[Outcome]) -> list[Outcome]:
    """The same questions through the REST channel (real servers)."""
    replies = rest_client.ask_all(rasa_url, [o.text for o in local])
    return [
        Outcome(o.text, o.label, predicted, cited=_cited(messages), confidence=o.confidence)
        for o, (predicted, messages) in zip(local, replies, strict=True)
    ]


def _cited(messages: list[dict]) -> bool | None:
    """Whether the answer shows its source; None for a reply that is no answer yet (it asks
    the region) or no answer at all (no specific rule was found: nothing to cite)."""
    if any((m.get("custom") or {}).get("type") in NOT_ANSWERS for m in messages):
        return None
    return any("来源：《" in str(m.get("text") or "") for m in messages)


def latest_model_path() -> Path:
    from rasa_project.training import model_path

    return model_path(ROOT / "models")


def regressions(
    numbers: dict[str, dict[str, float]], baseline: dict | None, max_drop: float = MAX_DROP
) -> list[str]:
    """Why the results fail against the baseline (empty when they pass)."""
    if not baseline:
        return []
    failures = []
    for view, current in numbers.items():
        before = baseline.get("metrics", {}).get(view, {}).get("topic_accuracy")
        if before is None:
            continue
        if current["topic_accuracy"] < before - max_drop - 1e-9:
            failures.append(
                f"{view}: topic accuracy {current['topic_accuracy']:.3f} is more than "
                f"{max_drop * 100:.0f} points below the baseline {before:.3f}"
            )
    return failures


def changed_answers(
    outcomes: dict[str, list[Outcome]], baseline: dict | None
) -> list[tuple[str, str, str, str]]:
    """(view, question, baseline label, current label) for every answer that changed."""
    if not baseline:
        return []
    changes = []
    for view, items in outcomes.items():
        before = baseline.get("predictions", {}).get(view, {})
        for o in items:
            if o.text in before and before[o.text] != o.predicted:
                changes.append((view, o.text, before[o.text], o.predicted))
    return changes


def baseline_of(
    outcomes: dict[str, list[Outcome]], numbers: dict[str, dict], answer_numbers: dict | None
) -> dict:
    if answer_numbers:
        numbers = {**numbers, "answers": answer_numbers}
    return {
        "metrics": {
            view: {k: round(v, 4) for k, v in n.items() if isinstance(v, float)}
            for view, n in numbers.items()
        },
        "predictions": {
            view: {o.text: o.predicted for o in items} for view, items in outcomes.items()
        },
    }


def load_baseline(path: Path = BASELINE) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _measures(numbers: dict[str, dict[str, float]]) -> list[str]:
    rows = [
        (
            "topic accuracy (in-scope questions answered on the right topic)",
            "topic_accuracy",
            ACCURACY_FLOOR,
        ),
        (
            "escalation recall (out-of-scope questions sent to staff)",
            "escalation_recall",
            RECALL_FLOOR,
        ),
        ("escalation precision (escalations that were out of scope)", "escalation_precision", None),
        ("overall accuracy (topics and escalations together)", "overall_accuracy", None),
        ("share of answers citing their source (region questions excluded)", "cited_share", None),
        ("share answered with a clarifying question", "clarify_share", None),
    ]
    views = [v for v in VIEWS if v in numbers]
    heads = {"rest": "through the REST channel", "local": "in process (NLU + answer logic)"}
    lines = [
        "| measure | " + " | ".join(heads[v] for v in views) + " | floor |",
        "| --- | " + " | ".join("---" for _ in views) + " | --- |",
    ]
    for title, key, floor in rows:
        values = " | ".join(f"{numbers[v][key]:.3f}" for v in views)
        lines.append(f"| {title} | {values} | {floor if floor is not None else ''} |")
    return lines


def _confusion_table(outcomes: list[Outcome]) -> list[str]:
    columns = [*TOPICS, "escalated", "clarify", "other"]
    table = confusion(outcomes)
    lines = [
        "| label | " + " | ".join(columns) + " |",
        "| --- | " + " | ".join("---" for _ in columns) + " |",
    ]
    for label in [*TOPICS, "out_of_scope"]:
        lines.append(f"| {label} | " + " | ".join(str(table[label][c]) for c in columns) + " |")
    return lines


def render(
    outcomes: dict[str, list[Outcome]],
    numbers: dict[str, dict[str, float]],
    model: str,
    changes: list[tuple[str, str, str, str]],
    baseline: dict | None,
) -> str:
    headline = "rest" if "rest" in outcomes else "local"
    count = len(outcomes[headline])
    lines = [
        "# Quality on the development set",
        "",
        f"Generated by `make eval` from `tests/eval/dev_set.yml` ({count} held-out "
        f"questions, none in the training data) with model `{model}`.",
        "",
        "Through the REST channel, the real Rasa server and action server answer each question",
        "in a new conversation, and the outcome is read from the reply's `custom` payload as a",
        "client reads it. In process, the same model's NLU and the actions' answer logic give the",
        "same view plus the intent confidence.",
        "",
        *_measures(numbers),
        "",
    ]
    if baseline:
        before = baseline["metrics"].get(headline, {}).get("topic_accuracy")
        lines += [
            f"Regression gate: `make eval` fails when topic accuracy falls more than "
            f"{MAX_DROP * 100:.0f} points below `tests/eval/baseline.json` "
            f"({headline}: {before:.3f}). "
            f"Answers that differ from the baseline: **{len(changes)}**.",
            "",
        ]
    lines += [
        "Per-intent precision, recall and F1 from Rasa's NLU cross-validation are in",
        "[nlu_cross_validation.md](nlu_cross_validation.md) (`make crossval`). Entities come",
        "from the lexicon's entity ruler and the NLU data has no entity annotations, so there",
        "are no per-entity figures yet (the ruler is tested in `tests/test_lexicon.py`).",
        "",
    ]
    for view in VIEWS:
        if view not in outcomes:
            continue
        title = "through the REST channel" if view == "rest" else "in process"
        lines += [
            f"## Confusion, {title} (rows: label, columns: what the assistant did)",
            "",
            *_confusion_table(outcomes[view]),
            "",
        ]
    misses = [o for o in outcomes[headline] if is_miss(o)]
    worst = sorted(misses, key=lambda o: (-o.confidence, o.text))[:WORST_MISSES]
    lines += [
        f"## Worst misses ({len(worst)} of {len(misses)}, {headline}, most confident first)",
        "",
        "Confidently wrong answers first: these are the ones to act on (more training",
        "examples, a synonym, or an FAQ phrasing).",
        "",
        "| question | label | did | intent confidence |",
        "| --- | --- | --- | --- |",
    ]
    for o in worst:
        lines.append(
            f"| {o.text.replace('|', '/')} | {o.label} | {o.predicted} | {o.confidence:.2f} |"
        )
    if changes:
        lines += ["", "## Answers changed against the baseline", ""]
        lines += ["| view | question | baseline | now |", "| --- | --- | --- | --- |"]
        for view, text, before, now in changes:
            lines.append(f"| {view} | {text.replace('|', '/')} | {before} | {now} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument("--no-rest", action="store_true", help="in-process view only (quick)")
    args = parser.parse_args()
    assistant = LocalAssistant()
    questions = load_dev_set()
    outcomes = {"local": run(assistant, questions)}
    judged: list[answers.Judged] = []
    if not args.no_rest:
        with rest_client.rasa_and_actions(latest_model_path()) as rasa_url:
            outcomes = {"rest": rest_outcomes(rasa_url, outcomes["local"]), **outcomes}
            judged = answers.run(rasa_url, answers.load_real_set())
    numbers = {view: metrics(items) for view, items in outcomes.items()}
    answer_numbers = answers.metrics(judged) if judged else None
    baseline = None if args.update_baseline else load_baseline(args.baseline)
    changes = changed_answers(outcomes, baseline)
    report = render(outcomes, numbers, assistant.model_path.name, changes, baseline)
    if judged and answer_numbers:
        report += "\n" + "\n".join(answers.render(judged, answer_numbers))
    args.report.write_text(report, encoding="utf-8")
    for view, values in numbers.items():
        print(f"[{view}]")
        for key, value in values.items():
            print(
                f"  {key:22s} {value:.3f}" if isinstance(value, float) else f"  {key:22s} {value}"
            )
    if answer_numbers:
        print("[real questions]")
        for key, value in answer_numbers.items():
            print(f"  {key:26s} {value:.3f}")
    print(f"answers changed against the baseline: {len(changes)}")
    print(f"report written to {args.report.relative_to(ROOT)}")
    if args.update_baseline:
        args.baseline.write_text(
            json.dumps(
                baseline_of(outcomes, numbers, answer_numbers),
                ensure_ascii=False,
                indent=1,
                sort_keys=True,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"baseline written to {args.baseline.relative_to(ROOT)}")
    failures = [
        f"{view}: below the quality floor"
        for view, n in numbers.items()
        if n["topic_accuracy"] < ACCURACY_FLOOR or n["escalation_recall"] < RECALL_FLOOR
    ]
    failures += regressions(numbers, baseline)
    if answer_numbers:
        failures += answers.regressions(answer_numbers, baseline, MAX_DROP)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
