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


def unanswered_note(
    *,
    question: str,
    topic: str | None,
    region: str | None,
    best_score: float | None,
    reason: str,
) -> dict[str, Any]:
    """An unanswered question as a message's ``custom.unanswered``: the fields of its
    ``unanswered_questions`` row, written by the action or, in production, by the broker's
    consumer from the published message (``analytics/``). ``question`` is already masked."""
    return {
        "question": question,
        "topic": topic,
        "region": region,
        "best_score": best_score,
        "reason": reason,
    }


def topic_buttons() -> list[dict[str, str]]:
    """One button per topic, each sending that topic's intent."""
    return [
        {"title": TOPIC_LABELS[topic], "payload": f"/{intent}"}
        for intent, topic in INTENT_TOPICS.items()
    ]
