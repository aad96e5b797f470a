"""Shared helpers for the tracker-store tests: a domain, turns as Rasa records them, and
the comparison of a cached tracker with stock's whole tracker."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from sqlalchemy import create_engine, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url

from actions.conversation import transcript
from rasa_project.tracker_store import CachingSQLTrackerStore
from rasa_project.tracker_window import MIN_USER_TURNS, EarlierLines

ROOT = Path(__file__).resolve().parent.parent.parent
DOMAIN = Domain.load(str(ROOT / "rasa_project" / "domain"))
SENDER = "worker-equivalence"


def sqlite_kwargs(path: Path) -> dict[str, Any]:
    return {"dialect": "sqlite", "db": str(path)}


def postgres_kwargs(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    return {
        "dialect": "postgresql",
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
    }


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def turn_events(turn: int, clock: Callable[[], float], paused: bool) -> list[Event]:
    """One worker turn as Rasa records it; a paused conversation gets no bot reply."""
    text_ = f"第{turn}个问题：技能补贴怎么申请"
    events: list[Event] = [
        UserUttered(
            text_,
            intent={"name": "ask_training_subsidy", "confidence": 0.9},
            parse_data={
                "text": text_,
                "raw_text": text_,
                "intent": {"name": "ask_training_subsidy", "confidence": 0.9},
                "entities": [],
            },
            timestamp=clock(),
        )
    ]
    if not paused:
        events += [
            ActionExecuted("action_answer_policy", timestamp=clock()),
            BotUttered(f"第{turn}个回答", {"custom": {"turn": turn}}, timestamp=clock()),
        ]
        if turn % 7 == 0:
            events.append(SlotSet("region", ["广州", "上海", "汕头"][turn % 3], timestamp=clock()))
        if turn % 11 == 0:
            events.append(SlotSet("pending_question", text_, timestamp=clock()))
        if turn % 13 == 0:
            events.append(SlotSet("pending_question", None, timestamp=clock()))
    events.append(ActionExecuted("action_listen", timestamp=clock()))
    return events


def session_start_events(clock: Callable[[], float], region: str | None) -> list[Event]:
    events: list[Event] = [
        ActionExecuted("action_session_start", timestamp=clock()),
        SessionStarted(timestamp=clock()),
    ]
    if region:
        events.append(SlotSet("region", region, timestamp=clock()))
    events.append(ActionExecuted("action_listen", timestamp=clock()))
    return events


def stored_rows(engine_url: str) -> list[tuple[str, str]]:
    engine = create_engine(engine_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": SENDER},
        ).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def sdk_tracker(tracker: DialogueStateTracker) -> Tracker:
    """What the action server sees."""
    return Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))


def assert_same_view(ours: DialogueStateTracker, stock: DialogueStateTracker) -> None:
    assert ours.current_slot_values() == stock.current_slot_values()
    assert ours.is_paused() == stock.is_paused()
    assert ours.active_loop_name == stock.active_loop_name
    assert ours.latest_action_name == stock.latest_action_name
    assert ours.followup_action == stock.followup_action
    assert ours.latest_message.as_dict() == stock.latest_message.as_dict()
    assert transcript(sdk_tracker(ours)) == transcript(sdk_tracker(stock))
    tail = list(ours.events)
    while tail and not isinstance(tail[0], ActionExecuted | UserUttered | SessionStarted):
        assert isinstance(tail[0], EarlierLines | SlotSet | ConversationPaused)
        tail.pop(0)  # the state at the cut, recreated
    stock_events = [e.as_dict() for e in stock.events]
    assert [e.as_dict() for e in tail] == stock_events[len(stock_events) - len(tail) :]
    assert sum(isinstance(e, UserUttered) for e in tail) >= min(
        MIN_USER_TURNS, sum(isinstance(e, UserUttered) for e in stock.events)
    )


def count_event_reads(store: CachingSQLTrackerStore) -> list[str]:
    """Every SELECT on the events table that ``store`` sends from now on."""
    reads: list[str] = []

    @sa_event.listens_for(store.engine, "before_cursor_execute")
    def _record(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "events" in statement:
            reads.append(statement)

    return reads


def stored_events(url: str, sender: str = SENDER) -> list[dict[str, Any]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).all()
    engine.dispose()
    return [json.loads(row[0]) for row in rows]
