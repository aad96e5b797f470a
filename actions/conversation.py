"""Reading what the worker said from a rasa_sdk tracker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from changai.vocabulary import EARLIER_LINES_EVENT, INTENT_TOPICS, TOPICS, TRANSCRIPT_LIMIT
from knowledge.lexicon import load_lexicon
from knowledge.text_normalise import mask_personal_numbers, question_beside_number


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    """What the worker typed, before normalisation where the NLU kept it."""
    message = tracker.latest_message
    return str(message.get("raw_text") or message.get("text") or "")


def asked_text(tracker: Tracker) -> str:
    """The worker's question: what they typed, without an ID-card, bank-card or phone number
    and the words introducing it (我身份证1101…，宿舍咋申请 -> 宿舍咋申请). The number and 身份证
    are not what is asked: left in, they read as a question about materials."""
    text = latest_text(tracker)
    if mask_personal_numbers(text) is text:  # no such number in it
        return text
    return question_beside_number(text) or text


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def entity_values(tracker: Tracker) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name and value is not None and name != "input_issue":
            values.setdefault(name, [])
            if str(value) not in values[name]:
                values[name].append(str(value))
    return values


def current_region(tracker: Tracker) -> str | None:
    """The region named in the latest message (the most specific one), else the slot's."""
    regions = entity_values(tracker).get("region")
    if regions:
        return load_lexicon().most_specific(regions) or regions[0]
    slot = tracker.get_slot("region")
    return str(slot) if slot else None


def awaiting_region(tracker: Tracker) -> bool:
    """The worker was asked for the region and has not answered: the next reply answers it."""
    return bool(tracker.get_slot("awaiting_region")) and bool(tracker.get_slot("pending_question"))


def topic_of_intent(intent: str | None) -> str | None:
    return INTENT_TOPICS.get(intent or "")


def topic_ranking(tracker: Tracker) -> list[tuple[str, float]]:
    ranking = tracker.latest_message.get("intent_ranking") or []
    topics = []
    for item in ranking:
        topic = INTENT_TOPICS.get(item.get("name", ""))
        if topic:
            topics.append((topic, float(item.get("confidence") or 0.0)))
    return topics


def intent_ranking(tracker: Tracker) -> list[tuple[str, float]]:
    """Every intent the NLU ranked for the latest message, with its confidence."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return [(str(i.get("name")), float(i.get("confidence") or 0.0)) for i in ranking]


def previous_user_intent(tracker: Tracker) -> str | None:
    """The intent of the user message before the latest one."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if not seen_latest:
            seen_latest = True
            continue
        return ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    return None


def _events_with_earlier_lines(tracker: Tracker) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for event in tracker.events:
        if event.get("event") == EARLIER_LINES_EVENT:
            events.extend(event.get("lines") or [])
        else:
            events.append(event)
    return events


def latest_topic(tracker: Tracker) -> str | None:
    """The topic the conversation was last about: the question waiting for its region, else
    the latest reply that named a topic, else the latest question whose intent names one.
    A hand-off (转人工, 没帮上忙) carries it to the desk, which files the ticket under it."""
    pending = tracker.get_slot("pending_topic")
    if pending in TOPICS:
        return str(pending)
    for event in reversed(_events_with_earlier_lines(tracker)):
        if event.get("event") == "bot":
            topic = ((event.get("data") or {}).get("custom") or {}).get("topic")
        elif event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            topic = topic_of_intent(intent)
        else:
            continue
        if topic in TOPICS:
            return str(topic)
    return None


def transcript(tracker: Tracker) -> list[dict[str, Any]]:
    """The last ``TRANSCRIPT_LIMIT`` worker and bot messages of this session, numbers masked."""
    lines: list[dict[str, Any]] = []
    for event in _events_with_earlier_lines(tracker):
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            lines.append(
                {
                    "role": "worker",
                    "text": mask_personal_numbers(parse.get("raw_text") or event.get("text") or ""),
                    "intent": (parse.get("intent") or {}).get("name"),
                    "time": event.get("timestamp"),
                }
            )
        elif kind == "bot":
            lines.append(
                {"role": "bot", "text": event.get("text") or "", "time": event.get("timestamp")}
            )
    return lines[-TRANSCRIPT_LIMIT:]
