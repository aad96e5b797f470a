"""Running the eligibility form's actions as the action server does, and reading REST replies."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility_questions import ASK_ACTIONS
from tests.support.actions import PAYLOAD_KEYS
from tests.trackers import make_tracker

DOMAIN: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "rasa_project/domain/eligibility.yml").read_text(
        encoding="utf-8"
    )
)
FORM_SLOTS: list[str] = DOMAIN["forms"]["eligibility_form"]["required_slots"]


def run(action, tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Only the validation action gets the domain, as with enable_selective_domain."""
    dispatcher = CollectingDispatcher()
    domain = DOMAIN if action.name().startswith("validate_") else {}
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    for message in dispatcher.messages:
        assert PAYLOAD_KEYS <= set(message["custom"]), message
        assert message["text"]
    return events, dispatcher.messages


def ask(slot: str):
    """The question action of a form slot."""
    return next(a() for a in ASK_ACTIONS if a().name() == f"action_ask_{slot}")


def only(messages: list[dict]) -> dict:
    assert len(messages) == 1, messages
    return messages[0]


def check_tracker(
    check: str, intent: str, text: str, requested: str | None, chosen: bool, **filled: Any
):
    """A tracker inside ``check``'s form with ``requested`` asked (None: being started, the
    message naming the check) and ``filled``; ``chosen``: the check is already in its slot."""
    values: dict[str, Any] = {slot: None for slot in FORM_SLOTS}
    values.update(filled)
    started = [{"entity": "check", "value": check}] if requested is None else []
    return make_tracker(
        text,
        intent,
        entities=started,
        slots={
            **values,
            "requested_slot": requested,
            "eligibility_check": check if chosen else None,
        },
    )


def form_tracker(text: str, requested: str | None, **filled: Any):
    """The 技能提升补贴 form with ``requested`` asked (None: being started) and ``filled``."""
    return check_tracker(
        "skill_upgrade_subsidy", "ask_training_subsidy", text, requested, False, **filled
    )


def check_question(
    stack: Any, worker: str, text: str, condition: str, topic: str, check: str
) -> dict:
    """The reply to ``text`` through the REST channel: ``check``'s question on ``condition``."""
    message = only(stack.post(worker, text))
    custom = message["custom"]
    assert custom["type"] == "eligibility_question", message
    assert custom["condition"] == condition, message
    assert custom["topic"] == topic and custom["check"] == check
    return message


def condition_rows(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A verdict card's conditions by key."""
    return {row["key"]: row for row in card["custom"]["conditions"]}
