"""Another question in the middle of an eligibility check, and the way back (issue #13).

While the form waits for an answer, a worker may ask something else (技能等级证书怎么查真伪
while asked for the months of unemployment insurance). ``read_reply`` tells it
from an answer (``knowledge.interruptions``); the form then ends as after 算了 (the answers
given so far are kept in their slots, the check's key too), and the end-of-check action
answers the question as usual (``answer_as_usual``), followed by a short note with the
button 继续刚才的检查. That button and the typed 继续 / 接着查 / 回到刚才的问题 (the intent
``affirm`` with the ``resume`` entity, from rasa_project/components/resume_cue.py) take the
check up again: ``ActionResumeCheck``
starts the form, which keeps the answers given and asks the next open question.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from actions.clarify import ActionClarify
from actions.eligibility_session import (
    CHECK_SLOT,
    EXIT_SLOT,
    FORM,
    check_entity,
    condition_for,
    current_check,
    parse_reply,
    payload,
)
from actions.escalation import ActionEscalate
from actions.policy_answer import answer_latest
from changai.payloads import custom_payload
from knowledge import eligibility_answers as answers
from knowledge.eligibility import Check
from knowledge.interruptions import (
    RESUME_ENTITY,
    RESUME_INTENT,
    RESUME_VALUE,
    is_other_question,
)

PAUSED = "question"  # the exit slot's value when another question paused the check
RESUME_BUTTON = {
    "title": "继续刚才的检查",
    "payload": f"/{RESUME_INTENT}"
    + json.dumps({RESUME_ENTITY: RESUME_VALUE}, separators=(",", ":")),
}


def resumes(tracker: Tracker) -> bool:
    """The latest message asks to go on with the waiting check (继续, or the button)."""
    return any(True for _ in tracker.get_latest_entity_values(RESUME_ENTITY))


ANSWER, OTHER_QUESTION, ASK_AGAIN = "answer", "other_question", "ask_again"


def read_reply(text: str, tracker: Tracker, check: Check, requested: str) -> str:
    """What a reply to the question on ``requested`` is: an answer to validate (also no
    answer at all, 呵呵: it is asked again with the hint), another question, or 继续 / the
    same check asked for again (the open question is asked again, no try counted).

    不知道 / 跳过 is an answer (the condition stays unknown); a text that fits the answer kind
    is an answer unless it asks for information (``knowledge.interruptions``)."""
    condition = condition_for(check, requested, tracker)
    if answers.is_skip(text) or condition is None:
        return ANSWER
    fits = parse_reply(condition, text) is not None
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name")
    if not fits and (resumes(tracker) or check_entity(tracker) == check.key):
        return ASK_AGAIN
    # NLU's topic counts only when it is another topic than the check's: in the hardship
    # check, 日子实在过不下去了 reads as a hardship question and is an answer that missed
    about = name if conversation.topic_of_intent(name) != check.topic else None
    other = is_other_question(
        text, fits_answer=fits, intent=about, confidence=float(intent.get("confidence") or 0.0)
    )
    return OTHER_QUESTION if other else ANSWER


# The action the rules (rasa_project/data/rules) run for a question's intent, where it is not
# the answer action; a test holds this to the rules.
USUAL_ACTIONS = {
    "out_of_scope": "action_escalate",
    "bot_identity": "utter_iamabot",
    "nlu_fallback": "action_clarify",
}
ANSWER_ACTION = "action_answer_policy"


async def answer_as_usual(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The reply the question would get outside a check, by its intent as the rules route it:
    out of scope to staff, 你是机器人吗 its response, an unsure reading the clarifying action,
    everything else the answer action (which starts no check here: a second check would
    overwrite the first one's answers)."""
    usual = USUAL_ACTIONS.get(conversation.latest_intent(tracker) or "", ANSWER_ACTION)
    if usual == "action_escalate":
        return await ActionEscalate().run(dispatcher, tracker, {})
    if usual == "action_clarify":
        return await ActionClarify().run(dispatcher, tracker, {})
    if usual.startswith("utter_"):
        dispatcher.utter_message(response=usual)
        return []
    return await answer_latest(dispatcher, tracker)


async def pause_for_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, check: Check
) -> list[EventType]:
    """The other question answered, then the way back to the check with its answers kept."""
    events = await answer_as_usual(dispatcher, tracker)
    dispatcher.utter_message(
        text=f"刚才的{check.title}核对先停在这里，您已经回答的内容我都记着。"
        "想接着核对，点“继续刚才的检查”或者说“继续”。",
        buttons=[RESUME_BUTTON],
        json_message=payload(check, "eligibility_paused"),
    )
    return events


class ActionResumeCheck(Action):
    """继续 / 继续刚才的检查: the stopped or paused check goes on at its next open question."""

    def name(self) -> str:
        return "action_resume_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        check = await current_check(tracker) if tracker.get_slot(CHECK_SLOT) else None
        if check is None:
            dispatcher.utter_message(
                text="目前没有做到一半的资格核对。您想问什么政策，直接告诉我就行。",
                json_message=custom_payload("eligibility_nothing_to_resume"),
            )
            # the rule that follows this action starts the form: nothing to start
            return [FollowupAction("action_listen")]
        return [SlotSet(CHECK_SLOT, check.key), SlotSet(EXIT_SLOT, None), FollowupAction(FORM)]
