"""The events a cached tracker is made of: where its window starts, and what stands before it.

``rasa_project.tracker_store.CachingSQLTrackerStore`` hands Rasa a tracker of the recent events
only. This module holds the pieces that decide and build that window: ``EarlierLines`` (the
worker and bot messages before it, for the actions' transcript), ``window_start`` (where the
window may begin), ``state_events`` (the slots, pause and active loop at the cut), the cached
state of one conversation (``Conversation``, grown by ``extend`` and handed out by
``window_tracker``) and a ``deserialise_events`` that resolves event classes from a
type-name table instead of walking every ``Event`` subclass.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from changai.vocabulary import EARLIER_LINES_EVENT, TRANSCRIPT_LIMIT

MIN_USER_TURNS = 3
WINDOW_SLACK_LINES = 2  # cut the window again once it holds this many lines more than needed


class EarlierLines(Event):
    """The worker and bot messages before the window, for the actions' transcript.

    Only ever part of a tracker handed to Rasa by ``retrieve``, never stored:
    Rasa's policies skip events they do not know, and the action server reads
    the lines (``actions.conversation.transcript``).
    """

    type_name = EARLIER_LINES_EVENT

    def __init__(
        self,
        lines: list[dict[str, Any]],
        timestamp: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(timestamp, metadata)
        self.lines = lines

    def __str__(self) -> str:
        return f"EarlierLines({len(self.lines)} lines)"

    def __hash__(self) -> int:
        return hash((self.type_name, len(self.lines)))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, EarlierLines) and self.lines == other.lines

    def as_story_string(self) -> None:
        return None

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "lines": self.lines}

    @classmethod
    def _from_parameters(cls, parameters: dict[str, Any]) -> EarlierLines:
        return cls(
            list(parameters.get("lines") or []),
            parameters.get("timestamp"),
            parameters.get("metadata"),
        )


class _EventTypes:
    """``type_name`` -> event class, resolved as ``Event.resolve_by_type`` does."""

    def __init__(self) -> None:
        self._table: dict[str, type[Event]] | None = None

    def deserialise(self, parameters: dict[str, Any]) -> Event | None:
        if self._table is None:
            table: dict[str, type[Event]] = {}
            for cls in all_subclasses(Event):
                table.setdefault(cls.type_name, cls)
            self._table = table
        cls = self._table.get(parameters.get("event", ""))
        if cls is None:
            return Event.from_parameters(parameters)  # unknown here: stock resolution
        return cls._from_parameters(parameters)


EVENT_TYPES = _EventTypes()


def deserialise_events(rows: Iterable[dict[str, Any]]) -> list[Event]:
    """Like ``rasa.shared.core.events.deserialise_events``, without the subclass walk."""
    events = []
    for parameters in rows:
        if "event" in parameters:
            event = EVENT_TYPES.deserialise(parameters)
            if event is not None:
                events.append(event)
    return events


def is_line(event: Event) -> bool:
    """A message the transcript shows (worker or bot)."""
    return isinstance(event, UserUttered | BotUttered)


def window_start(events: Sequence[Event], min_lines: int, min_user_turns: int) -> int:
    """Index of the first event Rasa needs to see: a user turn's start, or 0.

    Everything from the returned index on holds at least ``min_lines`` worker
    and bot messages and ``min_user_turns`` user messages.
    """
    lines = turns = 0
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if not is_line(event):
            continue
        lines += 1
        if isinstance(event, UserUttered):
            turns += 1
            if lines >= min_lines and turns >= min_user_turns:
                previous = events[index - 1] if index else None
                if (
                    isinstance(previous, ActionExecuted)
                    and previous.action_name == ACTION_LISTEN_NAME
                ):
                    return index - 1
                return index
    return 0


def state_events(base: DialogueStateTracker, domain: Domain) -> list[Event]:
    """Events that recreate ``base``'s slots, pause and active loop on an empty tracker."""
    timestamp = base.events[-1].timestamp if base.events else None
    events: list[Event] = []
    initial = {slot.name: slot.initial_value for slot in domain.slots}
    for name, slot in base.slots.items():
        if slot.value != initial.get(name):
            events.append(SlotSet(name, slot.value, timestamp=timestamp))
    if base.active_loop_name:
        events.append(ActiveLoop(base.active_loop_name, timestamp=timestamp))
    if base.is_paused():
        events.append(ConversationPaused(timestamp=timestamp))
    return events


def transcript_fields(event: Event) -> dict[str, Any]:
    """What ``actions.conversation.transcript`` reads of a worker or bot message."""
    data = event.as_dict()
    line = {key: data.get(key) for key in ("event", "timestamp", "text")}
    if isinstance(event, UserUttered):
        parse = data.get("parse_data") or {}
        line["parse_data"] = {
            "raw_text": parse.get("raw_text"),
            "intent": {"name": (parse.get("intent") or {}).get("name")},
        }
    return line


@dataclass
class Conversation:
    """The cached state of one conversation's latest session."""

    base: DialogueStateTracker  # replayed up to the cut
    tail: list[Event] = field(default_factory=list)  # events after the cut
    earlier: deque = field(default_factory=lambda: deque(maxlen=TRANSCRIPT_LIMIT))
    version: int = 0
    last_id: int = 0  # the last ``events`` row of this conversation seen (shared database)


def is_empty(conversation: Conversation) -> bool:
    return not conversation.tail and not conversation.base.events


def extend(
    conversation: Conversation,
    events: list[Event],
    window_lines: int,
    empty_tracker: Callable[[str], DialogueStateTracker],
) -> None:
    """Append stored events; a new session starts the window afresh, as stock reads it."""
    starts = [i for i, e in enumerate(events) if isinstance(e, SessionStarted)]
    if starts:
        conversation.base = empty_tracker(conversation.base.sender_id)
        conversation.tail = list(events[starts[-1] :])
        conversation.earlier.clear()
    else:
        conversation.tail.extend(events)
    conversation.version += 1
    lines = sum(1 for e in conversation.tail if is_line(e))
    if lines >= window_lines + WINDOW_SLACK_LINES:
        cut = window_start(conversation.tail, window_lines, MIN_USER_TURNS)
        for event in conversation.tail[:cut]:
            conversation.base.update(event)
            if is_line(event):
                conversation.earlier.append(transcript_fields(event))
        del conversation.tail[:cut]


def window_tracker(
    conversation: Conversation, tracker: DialogueStateTracker, domain: Domain
) -> DialogueStateTracker:
    """``tracker`` (empty) filled with the window: earlier lines, state at the cut, the tail."""
    if conversation.earlier:
        timestamp = conversation.base.events[-1].timestamp
        tracker.update(EarlierLines(list(conversation.earlier), timestamp=timestamp))
    for event in state_events(conversation.base, domain):
        tracker.update(event)
    for event in conversation.tail:
        tracker.update(event)
    return tracker
