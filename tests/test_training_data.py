"""The NLU training data and the held-out development set meet their rules."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from changai.vocabulary import INTENT_TOPICS
from knowledge.text_normalise import normalise
from tests.support.training import key, training_examples

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "rasa_project" / "data" / "nlu"
TOPIC_INTENTS = list(INTENT_TOPICS)


def test_at_least_forty_examples_per_topic_intent() -> None:
    counts = Counter(intent for intent, _ in training_examples())
    for intent in TOPIC_INTENTS:
        assert counts[intent] >= 40, intent


def test_some_training_examples_are_traditional() -> None:
    traditional = [
        t for _, t in training_examples() if normalise(t) != t and "補" in t or "證" in t
    ]
    assert len(traditional) >= 10


def test_development_set_is_held_out_and_large_enough() -> None:
    dev = yaml.safe_load((ROOT / "tests" / "eval" / "dev_set.yml").read_text(encoding="utf-8"))
    questions = dev["questions"]
    assert len(questions) >= 150
    labels = Counter(q["label"] for q in questions)
    assert set(labels) == {
        "training_subsidy",
        "skill_grading",
        "dormitory",
        "hardship_aid",
        "out_of_scope",
    }
    trained = {key(text) for _, text in training_examples()}
    leaked = [q["text"] for q in questions if key(q["text"]) in trained]
    assert leaked == []
