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


def form_tracker(text: str, requested: str | None, **filled: Any):
    """The 技能提升补贴 form with ``requested`` asked (None: being started) and ``filled``."""

    values = {slot: None for slot in FORM_SLOTS}
    values.update(filled)
    started = [{"entity": "check", "value": "skill_upgrade_subsidy"}] if requested is None else []
    return make_tracker(
        text,
        "ask_training_subsidy",
        entities=started,
        slots={**values, "requested_slot": requested, "eligibility_check": None},
    )
