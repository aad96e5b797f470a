"""Running a rasa_sdk action against a tracker built in code, and reading what it did."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from helpdesk.models import Ticket

# Every message an action sends carries these keys in its custom payload.
PAYLOAD_KEYS = {"topic", "faq_id", "document_id", "region", "score", "escalated"}


def run(action, tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    for message in dispatcher.messages:
        assert PAYLOAD_KEYS <= set(message["custom"]), message
        assert message["text"]
    return events, dispatcher.messages


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def tickets(service) -> list[Ticket]:
    with service.session_factory() as session:
        return list(session.execute(select(Ticket)).scalars())
