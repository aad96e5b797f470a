"""Answer a policy question from the knowledge base, asking for the region when it matters."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation
from actions.escalation import escalate
from changai.payloads import custom_payload, topic_buttons
from changai.vocabulary import NATIONAL, Topic, topic_label
from knowledge import repository
from knowledge.answering import Reply, find_answer
from knowledge.service import KnowledgeService, get_service
from knowledge.text_normalise import mask_mobiles
from knowledge.topic_cues import cue_finder

OVERVIEW_QUESTIONS = 4


def best_guesses(reply: Reply) -> list[dict[str, Any]]:
    hits = ([reply.hit] if reply.hit else []) + reply.runners_up
    return [
        {"faq_id": h.entry.id, "question": h.entry.question, "score": round(h.score, 4)}
        for h in hits[:3]
    ]


def topic_overview(service: KnowledgeService, topic: str) -> list[dict[str, str]]:
    entries = [
        e for e in service.index.current().entries if e.topic == topic and e.region == NATIONAL
    ]
    return [{"title": e.question, "payload": e.question} for e in entries[:OVERVIEW_QUESTIONS]]


def is_government_aid(topic: str | None, question: str) -> bool:
    """A typed hardship question on government aid (低保, 临时救助 …), not the union's."""
    return topic == Topic.hardship_aid.value and cue_finder().government_aid_only(question)


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        service = get_service()
        intent = conversation.latest_intent(tracker)
        text = conversation.latest_text(tracker)
        region = conversation.current_region(tracker)
        pending = tracker.get_slot("pending_question")
        prefix = ""

        if intent == "inform_region":
            if not pending:
                label = region or "您说的地区"
                dispatcher.utter_message(
                    text=f"好的，记下了：{label}。您想了解哪方面的政策？",
                    buttons=topic_buttons(),
                    json_message=custom_payload("region_noted", region=region),
                )
                return []
            question, topic = pending, tracker.get_slot("pending_topic")
            if region is None:
                prefix = "没认出您说的地区，先给您全国通用的规定：\n"
                region = NATIONAL
        elif conversation.is_button_payload(text):
            topic = conversation.topic_of_intent(intent)
            question = pending
            if not question:
                buttons = await asyncio.to_thread(topic_overview, service, topic or "")
                dispatcher.utter_message(
                    text=f"关于{topic_label(topic)}，大家常问下面这些问题，点一下就能看答案，也可以直接打字问我：",
                    buttons=buttons,
                    json_message=custom_payload("topic_overview", topic=topic, region=region),
                )
                return []
        else:
            topic = conversation.topic_of_intent(intent)
            question = text
            if is_government_aid(topic, question):
                return await escalate(dispatcher, tracker, reason="out_of_scope", question=question)

        return await answer_question(
            dispatcher, tracker, question=question, topic=topic, region=region, prefix=prefix
        )


async def answer_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    question: str,
    topic: str | None,
    region: str | None,
    prefix: str = "",
) -> list[dict[str, Any]]:
    """Answer ``question`` on ``topic``: a cited answer, the region question, or staff."""
    service = get_service()
    events: list[dict[str, Any]] = []
    reply = await asyncio.to_thread(
        lambda: find_answer(
            service.index,
            service.lexicon,
            question,
            topic=topic,
            region=region,
            entities=conversation.entity_values(tracker),
            threshold=service.settings.retrieval_threshold,
            fit_threshold=service.settings.fit_threshold,
        )
    )
    if reply.kind == "no_answer":
        return await escalate(
            dispatcher,
            tracker,
            reason="no_answer",
            question=question,
            topic=topic,
            best_guesses=best_guesses(reply),
        )
    if reply.kind == "no_specific_rule":
        return await send_honest_reply(dispatcher, tracker, service, reply, question, region)
    if reply.kind == "ask_region":
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom)
        return [SlotSet("pending_question", question), SlotSet("pending_topic", topic)]

    dispatcher.utter_message(
        text=prefix + reply.text, buttons=reply.buttons, json_message=reply.custom
    )
    events += [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("last_faq_id", reply.custom["faq_id"]),
        SlotSet("last_question", question),
        SlotSet("offer", None),
    ]
    if region and tracker.get_slot("region") != region:
        events.append(SlotSet("region", region))
    return events


async def send_honest_reply(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service: KnowledgeService,
    reply: Reply,
    question: str,
    region: str | None,
) -> list[dict[str, Any]]:
    """No specific rule for this question: say so, and note it for the knowledge team.

    The worker gets the office, the closest entry as a button and 转人工; no ticket is
    opened unless they ask for a person.
    """
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom)
    topic = reply.custom.get("topic")

    def record() -> None:
        with service.transaction() as session:
            repository.record_unanswered(
                session=session,
                conversation_id=tracker.sender_id,
                question=mask_mobiles(question),
                topic=topic,
                region=region,
                best_score=reply.custom.get("score"),
                reason="no_specific_rule",
            )

    await asyncio.to_thread(record)
    events: list[dict[str, Any]] = [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("last_faq_id", None),
        SlotSet("last_question", question),
    ]
    if region and tracker.get_slot("region") != region:
        events.append(SlotSet("region", region))
    return events
