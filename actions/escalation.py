"""Hand a conversation to union staff: store a ticket with its case card and tell the worker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from actions.knowledge_service import KnowledgeService, get_service, run_blocking
from actions.payloads import custom_payload
from knowledge import repository

REASON_MESSAGES = {
    "out_of_scope": "这类问题（比如欠薪、劳动合同、工伤认定、社保转移）需要工会工作人员根据您的具体情况来帮您，",
    "request_human": "好的，",
    "low_confidence": "抱歉，我还是没能理解您的问题，",
    "no_answer": "这个问题我的政策库里暂时没有准确答案，为了不给您错误的信息，",
    "unhelpful": "好的，",
}


def open_ticket(
    service: KnowledgeService,
    *,
    conversation_id: str,
    reason: str,
    topic: str | None,
    region: str | None,
    question: str,
    case_card: dict[str, Any],
) -> tuple[int, bool]:
    """Create a ticket unless one is already open; returns (ticket id, created)."""
    with service.transaction() as session:
        existing = repository.open_ticket_for(session=session, conversation_id=conversation_id)
        if existing is not None:
            return existing.id, False
        ticket = repository.create_ticket(
            session=session,
            conversation_id=conversation_id,
            reason=reason,
            topic=topic,
            region=region,
            question=question,
            case_card=case_card,
        )
        repository.record_unanswered(
            session=session,
            conversation_id=conversation_id,
            question=question,
            topic=topic,
            region=region,
            best_score=(case_card.get("best_guesses") or [{}])[0].get("score"),
            reason=reason,
        )
        return ticket.id, True


async def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    reason: str,
    question: str | None = None,
    topic: str | None = None,
    best_guesses: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Store the ticket and tell the worker what happens next."""
    service = get_service()
    question = question or tracker.get_slot("pending_question") or conversation.latest_text(tracker)
    region = conversation.current_region(tracker)
    card = {
        "reason": reason,
        "topic": topic,
        "region": region,
        "entities": conversation.entity_values(tracker),
        "question": question,
        "best_guesses": best_guesses or [],
        "transcript": conversation.transcript(tracker),
    }
    ticket_id, created = await run_blocking(
        lambda: open_ticket(
            service,
            conversation_id=tracker.sender_id,
            reason=reason,
            topic=topic,
            region=region,
            question=question,
            case_card=card,
        )
    )
    if created:
        text = (
            f"{REASON_MESSAGES.get(reason, '')}我已经把您的问题转给工会工作人员（工单号 {ticket_id}）。"
            "工作人员会在这个对话里回复您，请留意消息；关掉页面也没关系，回复会保留。"
            "着急的话，也可以拨打职工服务热线 12351。"
        )
    else:
        text = (
            f"您的问题已经在工会工作人员的处理队列里（工单号 {ticket_id}），请稍等，"
            "工作人员会在这里回复您。着急的话可以拨打 12351。"
        )
    dispatcher.utter_message(
        text=text,
        json_message=custom_payload(
            "escalation",
            topic=topic,
            region=region,
            escalated=True,
            ticket_id=ticket_id,
            reason=reason,
        ),
    )
    return [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("offer", None),
    ]


class ActionEscalate(Action):
    """Explicit requests for a person and out-of-scope questions."""

    def name(self) -> str:
        return "action_escalate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = conversation.latest_intent(tracker)
        reason = "out_of_scope" if intent == "out_of_scope" else "request_human"
        question = conversation.latest_text(tracker)
        if reason == "request_human" or conversation.is_button_payload(question):
            question = tracker.get_slot("pending_question") or _last_real_question(tracker)
        return await escalate(dispatcher, tracker, reason=reason, question=question)


def _last_real_question(tracker: Tracker) -> str:
    """The latest worker message that was a question rather than a request for a person."""
    for line in reversed(conversation.transcript(tracker)):
        if (
            line["role"] == "worker"
            and line["intent"]
            not in {
                "request_human",
                "affirm",
                "deny",
                "feedback_unhelpful",
                "feedback_helpful",
                "greet",
            }
            and not str(line["text"]).startswith("/")
        ):
            return str(line["text"])
    return conversation.latest_text(tracker)
