"""Low NLU confidence: answer when the worker's words point at one subject, else ask which.

Clarify only when two subjects truly compete on this question (issue 11): the words of the
message decide (``knowledge.topic_cues``). One subject: answer on it, or hand an out-of-scope
question to staff. Two: ask, naming each with the worker's own words. A second unsure message
right after a clarifying question is answered when its words name one subject (证书的), and
otherwise goes to staff.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from actions.escalation import escalate
from actions.policy_answer import ActionAnswerPolicy, answer_question, answer_unless_not_ours
from changai.payloads import HANDOFF_BUTTON, custom_payload
from changai.vocabulary import TOPIC_INTENTS, topic_label
from knowledge.topic_cues import ANSWER, ESCALATE, OUT_OF_SCOPE, Choice, resolve_unsure


def clarify_text_and_buttons(choice: Choice) -> tuple[str, list[dict[str, str]]]:
    """The clarifying question: the worker's words for each subject when there are any."""
    names, buttons = [], []
    for subject in choice.subjects:
        words = choice.cues.label(subject) if choice.cues and choice.cues.words.get(subject) else ""
        if subject == OUT_OF_SCOPE:
            title, payload = f"{words}（转人工）", "/out_of_scope"
        else:
            title, payload = words or topic_label(subject), f"/{TOPIC_INTENTS[subject]}"
        names.append(f"「{title}」")
        buttons.append({"title": title, "payload": payload})
    if not any(b["payload"] == "/out_of_scope" for b in buttons):
        buttons.append(HANDOFF_BUTTON)
    asked = "还是".join(names)
    return f"您是想问{asked}方面的问题吗？点一下告诉我，或者换个说法再问一次。", buttons


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
        pending = tracker.get_slot("pending_question")
        choice = resolve_unsure(question, conversation.intent_ranking(tracker))
        if conversation.previous_user_intent(tracker) == "nlu_fallback" and pending:
            if choice.kind == ANSWER:  # the reply to 「…」还是「…」 names one subject
                return await answer_question(
                    dispatcher,
                    tracker,
                    question=pending,
                    topic=choice.subjects[0],
                    region=conversation.current_region(tracker),
                )
            return await escalate(
                dispatcher,
                tracker,
                reason="low_confidence",
                question=f"{pending}\n{question}" if pending != question else question,
                best_guesses=guesses,
            )
        if choice.kind == ESCALATE:
            return await escalate(dispatcher, tracker, reason="out_of_scope", question=question)
        if choice.kind == ANSWER:
            return await answer_unless_not_ours(
                dispatcher,
                tracker,
                question=question,
                topic=choice.subjects[0],
                region=conversation.current_region(tracker),
            )
        text, buttons = clarify_text_and_buttons(choice)
        dispatcher.utter_message(
            text=text,
            buttons=buttons,
            json_message=custom_payload(
                "clarify",
                candidates=guesses,
                subjects=[
                    {
                        "subject": s,
                        "words": (choice.cues.words.get(s) if choice.cues else None) or [],
                    }
                    for s in choice.subjects
                ],
            ),
        )
        return [SlotSet("pending_question", question)]
