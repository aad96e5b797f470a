"""The shared vocabulary agrees with the Rasa data that routes intents to actions."""

from __future__ import annotations

from pathlib import Path

import yaml

from changai.vocabulary import (
    ESCALATE_INTENTS,
    FALLBACK_INTENT,
    INTENT_TOPICS,
    TOPIC_LABELS,
    TOPICS,
    topic_label,
)

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rasa_project" / "data" / "rules"
DOMAIN = ROOT / "rasa_project" / "domain"


def rule_routes() -> dict[str, set[str]]:
    """intent -> the actions the single-turn rules run for it."""
    routes: dict[str, set[str]] = {}
    for path in RULES.glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
                routes.setdefault(steps[0]["intent"], set()).add(steps[1]["action"])
    return routes


def domain_intents() -> set[str]:
    intents: set[str] = set()
    for path in DOMAIN.glob("*.yml"):
        intents |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or [])
    return intents


def test_every_topic_intent_is_answered_by_the_answer_action() -> None:
    routes = rule_routes()
    assert set(INTENT_TOPICS.values()) == set(TOPICS) == set(TOPIC_LABELS)
    for intent in INTENT_TOPICS:
        assert intent in domain_intents()
        assert routes[intent] == {"action_answer_policy"}


def test_escalating_and_fallback_intents_match_the_rules() -> None:
    routes = rule_routes()
    escalating = {intent for intent, actions in routes.items() if actions == {"action_escalate"}}
    assert escalating == ESCALATE_INTENTS
    assert routes[FALLBACK_INTENT] == {"action_clarify"}


def test_topic_label_falls_back_kindly() -> None:
    assert topic_label("dormitory") == "职工宿舍"
    assert topic_label(None) == "其他"
    assert topic_label("") == "其他"
    assert topic_label("unknown_topic") == "unknown_topic"
