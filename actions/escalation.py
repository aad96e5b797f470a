"""Hand a conversation to union staff: store a ticket with its case card and tell the worker.

In working hours the worker hears their place in the queue (custom type ``queue`` with
``position``: how many wait ahead); out of hours, the schedule, the next opening
(``custom.next_opening``) and an offer to leave a phone number for a call back. An out-of-scope
emergency (work injury, unpaid wages, dismissal) also gets one safe first step while the worker
waits, citing its law (``knowledge.first_steps``; ``custom.first_step``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from changai.payloads import custom_payload, unanswered_note
from changai.vocabulary import Topic
from helpdesk import tickets
from helpdesk.working_hours import Schedule, describe_opening
from knowledge import repository
from knowledge.first_steps import first_step_for
from knowledge.service import KnowledgeService, get_service
from knowledge.text_normalise import mask_personal_numbers
from knowledge.topic_cues import cue_finder, programme_topic

REASON_MESSAGES = {
    "out_of_scope": (
        "这类问题（比如欠薪、劳动合同、工伤认定、社保转移、低保等政府救助）"
        "需要工会工作人员根据您的具体情况来帮您，"
    ),
    "request_human": "好的，",
    "low_confidence": "抱歉，我还是没能理解您的问题，",
    "no_answer": "这个问题我的政策库里暂时没有准确答案，为了不给您错误的信息，",
    "unhelpful": "好的，",
}

# Hand-offs about the conversation so far (转人工, 没帮上忙): the ticket is filed under the topic
# the conversation was about. An out-of-scope question is about something else.
FOLLOW_UP_REASONS = frozenset({"request_human", "unhelpful", "low_confidence"})

CONTACT_OFFER = "contact"
CONTACT_BUTTONS = [
    {"title": "留下手机号", "payload": "/share_contact"},
    {"title": "不用了", "payload": "/deny"},
]
HOTLINE = "着急的话，也可以拨打职工服务热线 12351。"
# The ticket's question when the worker asked for a person before asking anything (staff read it).
NO_QUESTION_YET = "（职工还没有说具体问题，直接要求转人工）"


@dataclass(frozen=True)
class OpenedTicket:
    id: int
    created: bool
    waiting: bool
    ahead: int


def open_ticket(
    service: KnowledgeService,
    *,
    conversation_id: str,
    reason: str,
    topic: str | None,
    region: str | None,
    question: str,
    case_card: dict[str, Any],
    note: dict[str, Any] | None = None,
) -> OpenedTicket:
    """Create a ticket unless one is already open; also says how many wait ahead of it.

    A new ticket's question is also an unanswered one: ``note`` is stored with the ticket
    (None when the broker's consumer stores it from the published message instead)."""
    with service.transaction() as session:
        ticket = tickets.open_ticket_for(session=session, conversation_id=conversation_id)
        created = ticket is None
        if ticket is None:
            ticket = tickets.create_ticket(
                session=session,
                conversation_id=conversation_id,
                reason=reason,
                topic=topic,
                region=region,
                question=question,
                case_card=case_card,
            )
            if note is not None:
                repository.record_unanswered(
                    session=session, conversation_id=conversation_id, **note
                )
        return OpenedTicket(
            id=ticket.id,
            created=created,
            waiting=ticket.status == tickets.WAITING,
            ahead=tickets.waiting_ahead(session=session, ticket_id=ticket.id),
        )


def queue_place(ahead: int) -> str:
    return "您是下一位" if ahead == 0 else f"您前面还有 {ahead} 位职工在等待"


def in_hours_reply(opened: OpenedTicket, intro: str) -> str:
    if not opened.waiting:
        return f"工作人员已经在处理您的问题（工单号 {opened.id}），请直接在这里和工作人员说。"
    if opened.created:
        return (
            f"{intro}我已经把您的问题转给工会工作人员（工单号 {opened.id}）。"
            f"{queue_place(opened.ahead)}，工作人员会尽快在这个对话里和您联系，请留意消息。"
            + HOTLINE
        )
    return (
        f"您的问题已经在工会工作人员的处理队列里（工单号 {opened.id}），"
        f"{queue_place(opened.ahead)}，请稍等，工作人员会在这里回复您。" + HOTLINE
    )


def out_of_hours_reply(opened: OpenedTicket, intro: str, schedule: Schedule, now: Any) -> str:
    opening = schedule.next_opening(now)
    when = describe_opening(opening, now, schedule.zone) if opening else "上班后"
    start = (
        f"{intro}我已经把您的问题转给工会工作人员（工单号 {opened.id}）。"
        if opened.created
        else f"您的问题已经在工会工作人员的处理队列里（工单号 {opened.id}）。"
    )
    return (
        f"{start}现在是下班时间，工作人员的上班时间是{schedule.describe()}，"
        f"预计{when}开始处理。回复会发到这个对话里，关掉页面也没关系，回来就能看到。"
        "如果希望工作人员打电话联系您，可以留下手机号。" + HOTLINE
    )


async def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    reason: str,
    question: str | None = None,
    topic: str | None = None,
    best_guesses: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Store the ticket and tell the worker what happens next (queue place or opening hours)."""
    service = get_service()
    question = mask_personal_numbers(
        question or tracker.get_slot("pending_question") or conversation.latest_text(tracker)
    )
    region = conversation.current_region(tracker)
    if topic is None and reason in FOLLOW_UP_REASONS:
        topic = conversation.latest_topic(tracker)
    card = {
        "reason": reason,
        "topic": topic,
        "region": region,
        "entities": conversation.entity_values(tracker),
        "question": question,
        "best_guesses": best_guesses or [],
        "transcript": conversation.transcript(tracker),
    }
    note = unanswered_note(
        question=question,
        topic=topic,
        region=region,
        best_score=(best_guesses or [{}])[0].get("score"),
        reason=reason,
    )
    opened = await asyncio.to_thread(
        lambda: open_ticket(
            service,
            conversation_id=tracker.sender_id,
            reason=reason,
            topic=topic,
            region=region,
            question=question,
            case_card=card,
            note=None if service.settings.unanswered_from_broker else note,
        )
    )
    schedule = Schedule.from_settings(service.settings)
    now = service.now()
    intro = REASON_MESSAGES.get(reason, "") if opened.created else ""
    # an out-of-scope emergency (injury, unpaid wages, dismissal): one safe first step, cited
    first = first_step_for(question) if reason == "out_of_scope" and opened.created else None
    extra_text = f"\n\n{first.text()}" if first else ""
    events: list[dict[str, Any]] = [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("awaiting_region", False),
        SlotSet("offer", None),
        SlotSet("awaiting_contact", None),
    ]
    common: dict[str, Any] = {
        "topic": topic,
        "region": region,
        "escalated": True,
        "reason": reason,
        "first_step": first.payload() if first else None,
        # False: the ticket was already open. analytics/ counts a new one by its ticket_id
        "new_ticket": opened.created,
        "unanswered": note if opened.created else None,
    }
    if schedule.is_open(now) or not opened.waiting:
        dispatcher.utter_message(
            text=in_hours_reply(opened, intro) + extra_text,
            json_message=custom_payload(
                "queue" if opened.waiting else "escalation",
                ticket_id=opened.id,
                position=opened.ahead if opened.waiting else None,
                in_hours=True,
                **common,
            ),
        )
        return events
    opening = schedule.next_opening(now)
    dispatcher.utter_message(
        text=out_of_hours_reply(opened, intro, schedule, now) + extra_text,
        buttons=CONTACT_BUTTONS,
        json_message=custom_payload(
            "escalation",
            ticket_id=opened.id,
            in_hours=False,
            next_opening=opening.isoformat() if opening else None,
            **common,
        ),
    )
    return [*events[:3], SlotSet("offer", CONTACT_OFFER), SlotSet("awaiting_contact", None)]


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
        elif cue_finder().union_aid(question):
            # the union's own hardship aid (工会医疗救助 …), not a government programme
            from actions.policy_answer import answer_question

            return await answer_question(
                dispatcher,
                tracker,
                question=question,
                topic=Topic.hardship_aid.value,
                region=conversation.current_region(tracker),
            )
        elif (named := programme_topic(None, question)) is not None:
            # a question naming one of our programmes (电工证补贴…要交几年社保): answered on its
            # topic, or told honestly that no specific rule was found (issue 11)
            from actions.policy_answer import answer_unless_not_ours

            return await answer_unless_not_ours(
                dispatcher,
                tracker,
                question=question,
                topic=named,
                region=conversation.current_region(tracker),
            )
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
                "unreadable",
                "share_contact",
            }
            and not str(line["text"]).startswith("/")
        ):
            return str(line["text"])
    # 转人工 as the first message: the desk reads that no question was asked yet, not "转人工"
    return NO_QUESTION_YET
