"""Low NLU confidence: ask which topic was meant; a second miss in a row goes to staff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from actions.escalation import escalate
from actions.policy_answer import ActionAnswerPolicy
from changai.payloads import HANDOFF_BUTTON, custom_payload
from changai.vocabulary import INTENT_TOPICS, TOPIC_INTENTS, topic_label


def top_two_topics(tracker: Tracker) -> list[str]:
    ranked = [topic for topic, _ in conversation.topic_ranking(tracker)]
    for topic in INTENT_TOPICS.values():
        if topic not in ranked:
            ranked.append(topic)
    return ranked[:2]


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if conversation.awaiting_region(tracker):  # a reply to the region question
            return await ActionAnswerPolicy().run(dispatcher, tracker, {})
        question = conversation.latest_text(tracker)
        ranking = conversation.topic_ranking(tracker)
        guesses = [{"topic": topic, "confidence": round(score, 4)} for topic, score in ranking[:3]]
        if conversation.previous_user_intent(tracker) == "nlu_fallback":
            first = tracker.get_slot("pending_question") or question
            return await escalate(
                dispatcher,
                tracker,
                reason="low_confidence",
                question=f"{first}\n{question}" if first != question else question,
                best_guesses=guesses,
            )
        first, second = top_two_topics(tracker)
        dispatcher.utter_message(
            text=f"您是想问「{topic_label(first)}」还是「{topic_label(second)}」方面的问题吗？点一下告诉我，或者换个说法再问一次。",
            buttons=[
                {"title": topic_label(first), "payload": f"/{TOPIC_INTENTS[first]}"},
                {"title": topic_label(second), "payload": f"/{TOPIC_INTENTS[second]}"},
                HANDOFF_BUTTON,
            ],
            json_message=custom_payload("clarify", candidates=guesses),
        )
        return [SlotSet("pending_question", question)]
