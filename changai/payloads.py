"""The machine-readable ``custom`` payload every bot message carries, and standard buttons."""

from __future__ import annotations

from typing import Any

from changai.vocabulary import INTENT_TOPICS, TOPIC_LABELS

FEEDBACK_BUTTONS = [
    {"title": "有帮助", "payload": "/feedback_helpful"},
    {"title": "没帮助", "payload": "/feedback_unhelpful"},
    {"title": "转人工", "payload": "/request_human"},
]
HANDOFF_BUTTON = {"title": "转人工", "payload": "/request_human"}


def custom_payload(
    kind: str,
    *,
    topic: str | None = None,
    faq_id: int | None = None,
    document_id: int | None = None,
    region: str | None = None,
    score: float | None = None,
    escalated: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "type": kind,
        "topic": topic,
        "faq_id": faq_id,
        "document_id": document_id,
        "region": region,
        "score": score,
        "escalated": escalated,
        **extra,
    }


def topic_buttons() -> list[dict[str, str]]:
    """One button per topic, each sending that topic's intent."""
    return [
        {"title": TOPIC_LABELS[topic], "payload": f"/{intent}"}
        for intent, topic in INTENT_TOPICS.items()
    ]
