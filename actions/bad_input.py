"""Kind replies to messages that cannot be read as a question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import contact
from actions.payloads import HANDOFF_BUTTON, custom_payload
from actions.topics import topic_buttons

REPLIES: dict[str, str] = {
    "empty": "您好像还没有输入内容。直接打字告诉我您想问什么就行，比如：技能提升补贴怎么领？",
    "too_long": "您发的内容有点长，我一次看不完整。请用一两句话说说您最想问的问题；情况比较复杂的话，可以点「转人工」让工会工作人员帮您看。",
    "emoji_only": "收到您的表情啦！您想了解哪方面的政策？点下面的按钮，或者直接打字问我。",
    "foreign": "目前我只能看懂中文，麻烦您用中文提问，比如：宿舍怎么申请？（Sorry, I can only answer questions in Chinese.）",
    "number_only": "您发来的是一串数字，我没看明白您想问什么。请用文字说说您的问题。为了保护您的隐私，请不要在这里发送身份证号、银行卡号等个人信息。",
    "symbols_only": "我没看明白您发的内容。请直接打字告诉我您想问什么，比如：困难职工怎么申请帮扶？",
    "mobile_number": contact.UNASKED_TEXT,
}


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
            return await contact.receive_number(dispatcher, tracker)
        if issue == "number_only" and contact.awaiting_contact(tracker):
            return contact.ask_again(dispatcher)
        buttons: list[dict[str, str]] = []
        if issue == "too_long":
            buttons = [HANDOFF_BUTTON]
        elif issue in {"emoji_only", "empty", "symbols_only"}:
            buttons = topic_buttons()
        dispatcher.utter_message(
            text=REPLIES.get(issue, REPLIES["symbols_only"]),
            buttons=buttons,
            json_message=custom_payload("input_issue", issue=issue),
        )
        return []
