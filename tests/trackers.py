"""Build rasa_sdk trackers in code for action tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from changai.vocabulary import INTENT_TOPICS


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None, confidence: float = 0.95
) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "timestamp": 1.0,
        "parse_data": {
            "text": text,
            "raw_text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
        },
    }


def make_tracker(
    text: str,
    intent: str,
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    ranking: list[tuple[str, float]] | None = None,
    extra: dict[str, Any] | None = None,
    sender_id: str = "worker-1",
) -> Tracker:
    latest = user_event(text, intent, entities)
    parse = dict(latest["parse_data"])
    if ranking is not None:
        parse["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    parse.update(extra or {})
    latest["parse_data"] = parse
    events = [*(history or []), latest]
    return Tracker(
        sender_id=sender_id,
        slots={
            "region": None,
            "pending_question": None,
            "pending_topic": None,
            "last_faq_id": None,
            "last_question": None,
            "offer": None,
            **(slots or {}),
        },
        latest_message=parse,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def region_entity(value: str) -> dict[str, Any]:
    return {"entity": "region", "value": value, "start": 0, "end": len(value)}


def topic_intents() -> list[str]:
    return list(INTENT_TOPICS)
