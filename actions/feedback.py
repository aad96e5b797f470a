"""有帮助 / 没帮助 on an answer, and the yes/no that follows an offer of a person."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contact, conversation
from actions.escalation import CONTACT_OFFER, escalate
from actions.policy_answer import ActionAnswerPolicy
from changai.payloads import custom_payload
from knowledge import repository
from knowledge.service import KnowledgeService, get_service

HANDOFF_OFFER = "handoff"


def store_feedback(
    service: KnowledgeService, conversation_id: str, faq_id: Any, helpful: bool
) -> None:
    with service.transaction() as session:
        repository.record_feedback(
            session=session,
            conversation_id=conversation_id,
            faq_id=int(faq_id) if faq_id else None,
            helpful=helpful,
        )


class ActionFeedback(Action):
    def name(self) -> str:
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if conversation.awaiting_region(tracker):  # 不清楚 answers the region question
            return await ActionAnswerPolicy().run(dispatcher, tracker, {})
        helpful = conversation.latest_intent(tracker) == "feedback_helpful"
        faq_id = tracker.get_slot("last_faq_id")
        service = get_service()
        await asyncio.to_thread(store_feedback, service, tracker.sender_id, faq_id, helpful)
        if helpful:
            dispatcher.utter_message(
                text="谢谢您的反馈！还有别的问题，随时问我。",
                json_message=custom_payload("feedback", faq_id=faq_id, helpful=True),
            )
            return [SlotSet("offer", None)]
        dispatcher.utter_message(
            text="抱歉没帮上忙。要不要帮您转给工会工作人员，让他们根据您的情况来解答？",
            buttons=[
                {"title": "好的，转人工", "payload": "/affirm"},
                {"title": "不用了", "payload": "/deny"},
            ],
            json_message=custom_payload("feedback", faq_id=faq_id, helpful=False),
        )
        return [SlotSet("offer", HANDOFF_OFFER)]


class ActionConfirm(Action):
    """Yes or no: to an offer of a person if one is open, otherwise a friendly nod."""

    def name(self) -> str:
        return "action_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if conversation.awaiting_region(tracker):  # 不知道 / 好的 answers the region question
            return await ActionAnswerPolicy().run(dispatcher, tracker, {})
        agreed = conversation.latest_intent(tracker) == "affirm"
        offer = tracker.get_slot("offer")
        if offer == CONTACT_OFFER or contact.awaiting_contact(tracker):
            if agreed:
                return await contact.offer_contact(dispatcher, tracker)
            return contact.decline(dispatcher)
        if offer == HANDOFF_OFFER:
            if agreed:
                return await escalate(
                    dispatcher,
                    tracker,
                    reason="unhelpful",
                    question=tracker.get_slot("last_question"),
                )
            text = "好的。您可以换个说法再问我一次，或者随时点「转人工」找工会工作人员。"
        elif agreed:
            text = "好的～还有什么想了解的，直接打字问我就行。"
        else:
            text = "好的，有需要随时来问我。"
        dispatcher.utter_message(text=text, json_message=custom_payload("acknowledge"))
        return [SlotSet("offer", None)]
