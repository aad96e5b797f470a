"""The worker's 1–5 rating after union staff closed the conversation."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from changai.payloads import custom_payload
from helpdesk import tickets
from knowledge.service import KnowledgeService, get_service


def store_rating(service: KnowledgeService, conversation_id: str, rating: int) -> bool:
    with service.transaction() as session:
        return (
            tickets.record_rating(session=session, conversation_id=conversation_id, rating=rating)
            is not None
        )


def rating_value(tracker: Tracker) -> int | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "rating":
            try:
                value = int(entity.get("value"))
            except (TypeError, ValueError):
                return None
            return value if 1 <= value <= 5 else None
    return None


class ActionRecordRating(Action):
    def name(self) -> str:
        return "action_record_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        rating = rating_value(tracker)
        if rating is None:
            dispatcher.utter_message(
                text="请点 1–5 分中的一个来打分。",
                json_message=custom_payload("rating", rating=None),
            )
            return []
        stored = await asyncio.to_thread(store_rating, get_service(), tracker.sender_id, rating)
        dispatcher.utter_message(
            text="谢谢您的评分！还有政策问题，随时问我。",
            json_message=custom_payload("rating", rating=rating, stored=stored),
        )
        return []
