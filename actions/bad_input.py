"""Kind replies to messages that cannot be read as a question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import contact, conversation
from actions.policy_answer import answer_question
from changai.payloads import HANDOFF_BUTTON, custom_payload, topic_buttons
from knowledge.decision import INPUT_ISSUE_REPLIES
from knowledge.text_normalise import question_beside_number


def input_issue(tracker: Tracker) -> str:
    issue = tracker.latest_message.get("input_issue")
    if issue:
        return str(issue)
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "input_issue":
            return str(entity.get("value"))
    return "symbols_only"


class ActionHandleUnreadable(Action):
    def name(self) -> str:
        return "action_handle_unreadable"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        issue = input_issue(tracker)
        if issue == "mobile_number":
            asked = (
                ""
                if contact.awaiting_contact(tracker)
                else question_beside_number(conversation.latest_text(tracker))
            )
            events = await contact.receive_number(dispatcher, tracker)
            if asked:  # 我电话138…，技能提升补贴怎么申请: the question is still answered
                events += await answer_question(
                    dispatcher,
                    tracker,
                    question=asked,
                    topic=None,
                    region=conversation.current_region(tracker),
                )
            return events
        if issue == "number_only" and contact.awaiting_contact(tracker):
            return contact.ask_again(dispatcher)
        buttons: list[dict[str, str]] = []
        if issue == "too_long":
            buttons = [HANDOFF_BUTTON]
        elif issue in {"emoji_only", "empty", "symbols_only"}:
            buttons = topic_buttons()
        dispatcher.utter_message(
            text=INPUT_ISSUE_REPLIES.get(issue, INPUT_ISSUE_REPLIES["symbols_only"]),
            buttons=buttons,
            json_message=custom_payload("input_issue", issue=issue),
        )
        return []
