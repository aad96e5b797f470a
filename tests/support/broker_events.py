"""Rasa events serialised the way Rasa's tracker store hands them to its event broker.

``{"sender_id": …, **event.as_dict()}`` (``rasa.core.tracker_store._stream_new_events``); a bot
message carries the ``custom`` payload the actions send (``changai.payloads``), as Rasa stores
an action's ``json_message`` under ``data.custom``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from changai.payloads import FEEDBACK_BUTTONS, custom_payload


def body(sender: str, event: Any) -> dict[str, Any]:
    return {"sender_id": sender, **event.as_dict()}


def worker(sender: str, text: str, at: float, intent: str = "ask_training_subsidy") -> dict:
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    return body(sender, UserUttered(text, parse_data=parse_data, timestamp=at))


def bot(sender: str, text: str, custom: dict[str, Any], at: float) -> dict[str, Any]:
    data = {"buttons": list(FEEDBACK_BUTTONS), "custom": custom}
    return body(sender, BotUttered(text, data=data, timestamp=at))


def answer(sender: str, at: float, faq_id: int = 7) -> dict[str, Any]:
    custom = custom_payload("answer", topic="training_subsidy", faq_id=faq_id, score=0.61)
    return bot(sender, "技能提升补贴的标准是……\n\n来源：……", custom, at)


def honest_reply(sender: str, at: float) -> dict[str, Any]:
    custom = custom_payload("no_specific_rule", topic="dormitory", score=0.3)
    return bot(sender, "您问的这个问题，我的政策库里没有找到针对性的具体规定。", custom, at)


def handoff(
    sender: str, at: float, new_ticket: bool = True, ticket_id: int | None = 3
) -> dict[str, Any]:
    custom = custom_payload(
        "queue", escalated=True, ticket_id=ticket_id, position=0, reason="request_human"
    )
    custom["new_ticket"] = new_ticket
    text = f"好的，我已经把您的问题转给工会工作人员（工单号 {ticket_id}）。您是下一位"
    return bot(sender, text, custom, at)


def ticket_of(sender: str) -> int:
    """A ticket id of the conversation's own (a hand-off is counted once per ticket id)."""
    return 1 + int.from_bytes(hashlib.sha256(sender.encode("utf-8")).digest()[:4], "big")


def feedback(sender: str, at: float, helpful: bool) -> dict[str, Any]:
    custom = custom_payload("feedback", faq_id=7, helpful=helpful)
    return bot(sender, "谢谢您的反馈！", custom, at)


def rating(sender: str, at: float, value: int | None) -> dict[str, Any]:
    custom = custom_payload("rating", rating=value, stored=value is not None)
    return bot(sender, "谢谢您的评分！", custom, at)


def staff(sender: str, at: float) -> dict[str, Any]:
    """A staff reply as the console appends it (``connectors.console.rasa_client``)."""
    custom = custom_payload("staff", escalated=True, staff_name="王芳")
    return body(sender, BotUttered("您好，我是王芳", data={"custom": custom}, timestamp=at))


def action(sender: str, name: str, at: float) -> dict[str, Any]:
    return body(sender, ActionExecuted(name, timestamp=at))


def slot(sender: str, name: str, value: Any, at: float) -> dict[str, Any]:
    return body(sender, SlotSet(name, value, timestamp=at))


COUNTED_EVENTS = 9  # of the 13 events of :func:`conversation`


def conversation(sender: str, start: float) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A conversation's events, with what it holds counted here by hand (not by analytics/):
    4 worker messages, 1 answer, 1 honest reply and 1 new hand-off (2 unanswered), 1 helpful,
    1 rating of 4 (9 events that count), and Rasa's own action and slot events and a staff
    message around them (4 that do not)."""
    t = start
    events = [
        action(sender, "action_session_start", t),
        worker(sender, "我考了中级工证书能领多少技能提升补贴", t + 1),
        action(sender, "action_answer_policy", t + 1.1),
        answer(sender, t + 1.2),
        slot(sender, "last_faq_id", 7, t + 1.3),
        worker(sender, "/feedback_helpful", t + 2, intent="feedback_helpful"),
        feedback(sender, t + 2.1, helpful=True),
        worker(sender, "宿舍能住多久", t + 3),
        honest_reply(sender, t + 3.1),
        worker(sender, "/request_human", t + 4, intent="request_human"),
        handoff(sender, t + 4.1, ticket_id=ticket_of(sender)),
        staff(sender, t + 5),
        rating(sender, t + 6, 4),
    ]
    expected = {
        "worker_messages": 4,
        "answered": 1,
        "unanswered": 2,
        "escalated": 1,
        "helpful": 1,
        "unhelpful": 0,
        "rated": 1,
        "rating_sum": 4,
    }
    return events, expected
