"""Intent names, topic names and their Chinese labels."""

from __future__ import annotations

from knowledge.models import TOPIC_LABELS

INTENT_TOPICS = {
    "ask_training_subsidy": "training_subsidy",
    "ask_skill_grading": "skill_grading",
    "ask_dormitory": "dormitory",
    "ask_hardship_aid": "hardship_aid",
}
TOPIC_INTENTS = {topic: intent for intent, topic in INTENT_TOPICS.items()}


def topic_label(topic: str | None) -> str:
    return TOPIC_LABELS.get(topic or "", "其他")


def topic_buttons() -> list[dict[str, str]]:
    return [
        {"title": TOPIC_LABELS[topic], "payload": f"/{intent}"}
        for intent, topic in INTENT_TOPICS.items()
    ]
