"""Rasa's broker messages read as events, their ids, and what each adds to the metrics.

Rasa 3.6's ``PikaEventBroker`` publishes one persistent message per tracker event, body
``{"sender_id": …, **event.as_dict()}`` as JSON, with no message id and no headers (only
``app_id`` from ``RASA_ENVIRONMENT``). The id used to count an event once is therefore derived:
SHA-256 of the sender, the event's timestamp and type, and a hash of the whole body in a
canonical form, so a redelivered or re-published event gets the same id. A hand-off's id is
its ticket's instead (``ticket:<id>``, :func:`ticket_key`): the hand-off is the desk ticket
opened, which ``analytics.metrics_store`` also counts from the ``tickets`` table when its
message never reached the broker, under the same id, so it is counted once either way.

What counts (the ``custom`` payload every bot message carries, ``changai.payloads``):

- a ``user`` event is a worker message (typed or a tapped button);
- a bot message of type ``answer`` is an answer from the knowledge base
  (``knowledge.answering.render_answer``);
- type ``queue`` or ``escalation`` with ``new_ticket`` true and its ``ticket_id`` is a
  hand-off to union staff (``actions.escalation``; false when the ticket was already open),
  and, like the ``unanswered_questions`` row the action writes for it, an unanswered
  question;
- type ``no_specific_rule`` is an honest "no specific rule" reply, an unanswered question;
- type ``feedback`` with ``helpful`` true or false is 有帮助 / 没帮助;
- type ``rating`` with a ``rating`` of 1–5 is the worker's rating after staff closed.

An unanswered question's message also carries its ``unanswered_questions`` row as
``custom.unanswered`` (``changai.payloads.unanswered_note``); :func:`unanswered_row` reads it,
and :func:`ticket_row` reads the same fields from a hand-off's ticket.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from analytics.models import CONVERSATION_ID_LENGTH

ANSWER = "answer"
HANDOFF_KINDS = frozenset({"queue", "escalation"})
NO_SPECIFIC_RULE = "no_specific_rule"
FEEDBACK = "feedback"
RATING = "rating"
COUNTERS = (
    "worker_messages",
    "answered",
    "unanswered",
    "escalated",
    "helpful",
    "unhelpful",
    "rated",
    "rating_sum",
)
MAX_QUESTION_CHARS = 2000
TICKET_KEY_PREFIX = "ticket:"  # a hash id is 64 hex digits: never this
MAX_BODY_BYTES = 1_000_000  # an event is a few KB; anything this large is not Rasa's


class MalformedEvent(ValueError):
    """A message that is not an event Rasa publishes; it goes to the dead-letter queue."""


@dataclass(frozen=True)
class BrokerEvent:
    event_id: str
    conversation_id: str
    event_type: str
    timestamp: float
    body: dict[str, Any]

    def moment(self) -> dt.datetime:
        """The event's time as naive UTC, as every timestamp column stores it."""
        return dt.datetime.fromtimestamp(self.timestamp, dt.timezone.utc).replace(tzinfo=None)

    def day(self, zone: ZoneInfo) -> dt.date:
        return dt.datetime.fromtimestamp(self.timestamp, zone).date()


@dataclass
class MetricDelta:
    """What one event adds to its conversation's counts for its day."""

    worker_messages: int = 0
    answered: int = 0
    unanswered: int = 0
    escalated: int = 0
    helpful: int = 0
    unhelpful: int = 0
    rated: int = 0
    rating_sum: int = 0
    last_rating: int | None = None

    def increments(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTERS if getattr(self, name)}

    def is_empty(self) -> bool:
        return not self.increments() and self.last_rating is None


def handoff() -> MetricDelta:
    """What a hand-off adds, from its message or from its ticket: one hand-off, and its
    question is an unanswered one."""
    return MetricDelta(escalated=1, unanswered=1)


def event_id(conversation_id: str, event_type: str, timestamp: float, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    body_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    key = f"{conversation_id}\x1f{timestamp!r}\x1f{event_type}\x1f{body_hash}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def ticket_key(ticket_id: int) -> str:
    """The id a hand-off is counted under: its ticket's, whichever fact reports it."""
    return f"{TICKET_KEY_PREFIX}{ticket_id}"


def _handoff_ticket(kind: str, body: dict[str, Any]) -> int | None:
    """The ticket a new hand-off's message reports; None for any other event."""
    if kind != "bot":
        return None
    custom = _custom(body)
    ticket = custom.get("ticket_id")
    if (
        custom.get("type") not in HANDOFF_KINDS
        or custom.get("new_ticket", True) is False
        or type(ticket) is not int
        or ticket <= 0
    ):
        return None
    return ticket


def parse(raw: bytes) -> BrokerEvent:
    """The event in a broker message's body; :class:`MalformedEvent` saying why if none."""
    if len(raw) > MAX_BODY_BYTES:
        raise MalformedEvent(f"body of {len(raw)} bytes is larger than {MAX_BODY_BYTES}")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedEvent(f"body is not UTF-8 JSON: {exc}") from None
    if not isinstance(body, dict):
        raise MalformedEvent(f"body is a JSON {type(body).__name__}, not an object")
    sender = body.get("sender_id")
    if not isinstance(sender, str) or not sender.strip():
        raise MalformedEvent("no sender_id")
    if "\x00" in sender:
        raise MalformedEvent("sender_id contains a NUL character")
    if len(sender) > CONVERSATION_ID_LENGTH:
        raise MalformedEvent(f"sender_id longer than {CONVERSATION_ID_LENGTH} characters")
    kind = body.get("event")
    if not isinstance(kind, str) or not kind or len(kind) > 40 or "\x00" in kind:
        raise MalformedEvent("no event type")
    stamp = body.get("timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        raise MalformedEvent("no numeric timestamp")
    try:
        dt.datetime.fromtimestamp(float(stamp), dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise MalformedEvent(f"timestamp {stamp!r} is not a time") from None
    ticket = _handoff_ticket(kind, body)
    key = event_id(sender, kind, float(stamp), body) if ticket is None else ticket_key(ticket)
    return BrokerEvent(key, sender, kind, float(stamp), body)


def _custom(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    custom = data.get("custom") if isinstance(data, dict) else None
    return custom if isinstance(custom, dict) else {}


def delta(event: BrokerEvent) -> MetricDelta:
    """What ``event`` adds to the metrics (nothing for most events)."""
    if event.event_type == "user":
        return MetricDelta(worker_messages=1)
    if event.event_type != "bot":
        return MetricDelta()
    custom = _custom(event.body)
    kind = custom.get("type")
    if kind == ANSWER:
        return MetricDelta(answered=1)
    if kind == NO_SPECIFIC_RULE:
        return MetricDelta(unanswered=1)
    if _handoff_ticket(event.event_type, event.body) is not None:
        return handoff()
    if kind == FEEDBACK and isinstance(custom.get("helpful"), bool):
        return MetricDelta(helpful=1) if custom["helpful"] else MetricDelta(unhelpful=1)
    rating = custom.get("rating")
    if kind == RATING and type(rating) is int and 1 <= rating <= 5:
        return MetricDelta(rated=1, rating_sum=rating, last_rating=rating)
    return MetricDelta()


def _text(value: Any, limit: int) -> str | None:
    """A text field for the database: no NUL (PostgreSQL refuses it), at most ``limit``."""
    text = value.replace("\x00", "") if isinstance(value, str) else ""
    return text[:limit] or None


def unanswered_row(event: BrokerEvent) -> dict[str, Any] | None:
    """The ``unanswered_questions`` fields an unanswered question's message carries."""
    if not delta(event).unanswered:
        return None
    note = _custom(event.body).get("unanswered")
    return _row(note) if isinstance(note, dict) else None


def ticket_row(
    *,
    question: Any,
    topic: Any,
    region: Any,
    reason: Any,
    case_card: Any,
) -> dict[str, Any] | None:
    """The same fields of a hand-off, read from its ticket: the question (masked when the
    ticket was opened), topic, region and reason as the ticket stores them, and the best
    score as ``actions.escalation`` notes it (the case card's first best guess's)."""
    guesses = case_card.get("best_guesses") if isinstance(case_card, dict) else None
    first = guesses[0] if isinstance(guesses, list) and guesses else None
    score = first.get("score") if isinstance(first, dict) else None
    return _row(
        {
            "question": question,
            "topic": topic,
            "region": region,
            "best_score": score,
            "reason": reason,
        }
    )


def _row(note: dict[str, Any]) -> dict[str, Any] | None:
    question, reason = (
        _text(note.get("question"), MAX_QUESTION_CHARS),
        _text(note.get("reason"), 40),
    )
    if question is None or not question.strip() or reason is None:
        return None
    score = note.get("best_score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        score = None
    return {
        "question": question,
        "topic": _text(note.get("topic"), 40),
        "region": _text(note.get("region"), 50),
        "best_score": None if score is None else float(score),
        "reason": reason,
    }
