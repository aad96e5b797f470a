"""Answer a policy question from the knowledge base, asking for the region when it matters."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation, unanswered
from actions.eligibility_session import start_check
from actions.escalation import escalate
from changai.payloads import custom_payload, topic_buttons, unanswered_note
from changai.vocabulary import INTENT_TOPICS, NATIONAL, topic_label
from knowledge.multi_part import compose, region_needed
from knowledge.region_reply import RegionReply, region_reader
from knowledge.replies import Reply
from knowledge.service import KnowledgeService, get_service
from knowledge.text_normalise import mask_mobiles, normalise
from knowledge.topic_cues import not_ours, programme_topic

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


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        started = await start_check(tracker)  # 我能不能领…: an eligibility check (#13)
        if started is not None:
            return started
        return await answer_latest(dispatcher, tracker)


async def answer_latest(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Answer the latest message: a policy question, a region given, a topic button.

    Also what a paused eligibility check answers (``actions.eligibility_pause``): the
    question the worker asked instead of answering the check's own."""
    service = get_service()
    intent = conversation.latest_intent(tracker)
    text = conversation.latest_text(tracker)
    region = conversation.current_region(tracker)
    pending = tracker.get_slot("pending_question")
    prefix = ""
    remember = True
    events: list[dict[str, Any]] = []

    awaiting = conversation.awaiting_region(tracker)
    region_reply = await asyncio.to_thread(_read_region_reply, service, text)
    if intent == "inform_region" or (awaiting and intent not in INTENT_TOPICS):
        # a reply to 请问您在哪个省或城市工作？, or a change of region (换成广东的)
        if region_reply is not None and region_reply.wants_national:
            region = NATIONAL
        elif region_reply is not None and region_reply.region:
            region = region_reply.region
        unsure = region_reply is None and intent != "inform_region"  # 好的, 说不上来 …
        if unsure or (region_reply is not None and region_reply.kind == "unknown"):
            prefix = "没关系，先给您全国通用的规定：\n"
            region, remember = NATIONAL, False  # 不知道 is not a region to keep
        elif region is None:
            prefix = "没认出您说的地区，先给您全国通用的规定：\n"
        keeps = remember and region_reply is not None
        if region and region != tracker.get_slot("region") and keeps:
            events.append(SlotSet("region", region))
        if pending:
            question, topic = pending, tracker.get_slot("pending_topic")
        elif tracker.get_slot("last_question") and region:
            # the region changed after an answer: answer that question again for it
            question = str(tracker.get_slot("last_question"))
            topic = await asyncio.to_thread(_topic_of_entry, service, tracker)
            prefix = f"好的，按{region_label(region)}给您重新查：\n"
        else:
            label = region_label(region) if region else "您说的地区"
            dispatcher.utter_message(
                text=f"好的，记下了：{label}。您想了解哪方面的政策？",
                buttons=topic_buttons(),
                json_message=custom_payload("region_noted", region=region),
            )
            return [*events, SlotSet("awaiting_region", False)]
        region = region or NATIONAL
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
        return await answer_unless_not_ours(
            dispatcher,
            tracker,
            question=conversation.asked_text(tracker),
            topic=topic,
            region=region,
        )

    return await answer_question(
        dispatcher,
        tracker,
        question=question,
        topic=topic,
        region=region,
        prefix=prefix,
        events=events,
        remember=remember,
    )


async def answer_unless_not_ours(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    question: str,
    topic: str | None,
    region: str | None,
) -> list[dict[str, Any]]:
    """A question the worker typed, on ``topic``: answered, unless its words say it is not
    ours (``knowledge.topic_cues.not_ours``), then handed to staff as out of scope. A question
    naming the programme of one other topic only is answered on that topic
    (``knowledge.topic_cues.programme_topic``: 公租房补贴 is housing, not the skills subsidy)."""
    topic = programme_topic(topic, question) or topic
    if not_ours(topic, question):
        return await escalate(dispatcher, tracker, reason="out_of_scope", question=question)
    return await answer_question(dispatcher, tracker, question=question, topic=topic, region=region)


async def answer_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    question: str,
    topic: str | None,
    region: str | None,
    prefix: str = "",
    events: list[dict[str, Any]] | None = None,
    remember: bool = True,
) -> list[dict[str, Any]]:
    """Answer ``question`` on ``topic``: a cited answer, the region question, or staff.

    ``events`` are slot events already decided (a new region); ``remember`` is False when
    the region used is not the worker's to keep (不知道 -> the national rule).
    """
    service = get_service()
    events = list(events or [])
    entities = conversation.entity_values(tracker)

    parts = await asyncio.to_thread(
        service.find_parts, question, topic=topic, region=region, entities=entities
    )
    if parts is not None:
        asked_region = region_needed(parts)
        messages = None if asked_region else compose(parts, topic, region, entities)
        if messages is not None:
            events += await send_part_replies(dispatcher, tracker, service, messages, prefix)
            events.append(SlotSet("last_question", question))
            return _remember_region(events, tracker, region, remember)
        if asked_region is not None:
            return _ask_region(dispatcher, asked_region, events, question, topic)
    if parts is not None:
        # Several questions, none answered: the whole message is not searched again, where an
        # entry could fit the words of both and answer neither (安居房和人才房区别…公租房和人才房
        # 哪个好 -> 公租房 vs 保租房). The first part's honest reply (or hand-off) stands.
        reply = next((p.reply for p in parts if p.reply.kind == "no_specific_rule"), parts[0].reply)
    else:
        reply = await asyncio.to_thread(
            service.find, question, topic=topic, region=region, entities=entities
        )
    if reply.kind == "out_of_scope":
        return await escalate(dispatcher, tracker, reason="out_of_scope", question=question)
    if reply.kind == "no_answer":
        return await escalate(
            dispatcher,
            tracker,
            reason="no_answer",
            question=question,
            topic=topic,
            best_guesses=best_guesses(reply),
        )
    if reply.kind in ("no_specific_rule", "clause_text"):  # a clause quoted is still unanswered
        events += await send_honest_reply(
            dispatcher, tracker, service, reply, question, region, prefix
        )
        return _remember_region(events, tracker, region, remember)
    if reply.kind == "ask_region":
        return _ask_region(dispatcher, reply, events, question, topic)

    dispatcher.utter_message(
        text=prefix + reply.text, buttons=reply.buttons, json_message=reply.custom
    )
    events += [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("awaiting_region", False),
        SlotSet("last_faq_id", reply.custom["faq_id"]),
        SlotSet("last_question", question),
        SlotSet("offer", None),
    ]
    return _remember_region(events, tracker, region, remember)


def _ask_region(
    dispatcher: CollectingDispatcher,
    reply: Reply,
    events: list[dict[str, Any]],
    question: str,
    topic: str | None,
) -> list[dict[str, Any]]:
    """Ask where the worker works; the whole question waits for the answer."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons, json_message=reply.custom)
    return [
        *events,
        SlotSet("pending_question", question),
        SlotSet("pending_topic", topic),
        SlotSet("awaiting_region", True),
    ]


async def send_part_replies(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service: KnowledgeService,
    messages: list[Reply],
    prefix: str,
) -> list[dict[str, Any]]:
    """One message per answered part, then the parts no entry answers (noted for the team)."""
    answered = [m for m in messages if m.kind == "answer"]
    missed = [m for m in messages if m.kind != "answer"]
    note = None
    if missed:
        asked = "；".join(missed[0].custom.get("parts", {}).get("asked", []))
        note = unanswered_note(
            question=mask_mobiles(asked),
            topic=missed[0].custom.get("topic"),
            region=missed[0].custom.get("user_region"),
            best_score=None,
            reason="no_specific_rule",
        )
    for number, message in enumerate(messages):
        custom = message.custom
        if note is not None and message is missed[0]:
            custom = {**custom, "unanswered": note}
        dispatcher.utter_message(
            text=(prefix if number == 0 else "") + message.text,
            buttons=message.buttons,
            json_message=custom,
        )
    if note is not None:
        await asyncio.to_thread(unanswered.keep, service, tracker.sender_id, note)
    return [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("awaiting_region", False),
        SlotSet("last_faq_id", answered[-1].custom["faq_id"]),
        SlotSet("offer", None),
    ]


def _remember_region(
    events: list[dict[str, Any]], tracker: Tracker, region: str | None, remember: bool
) -> list[dict[str, Any]]:
    """Keep the region used for the rest of the conversation (unless it was 不知道)."""
    if remember and region and tracker.get_slot("region") != region:
        if not _slot_set(events, "region"):
            events.append(SlotSet("region", region))
    return events


async def send_honest_reply(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service: KnowledgeService,
    reply: Reply,
    question: str,
    region: str | None,
    prefix: str = "",
) -> list[dict[str, Any]]:
    """No specific rule for this question: say so, and note it for the knowledge team.
    ``prefix`` says why the question is answered again (好的，按X给您重新查：).

    The worker gets the office, the closest entry as a button and 转人工; no ticket is
    opened unless they ask for a person.
    """
    note = unanswered_note(
        question=mask_mobiles(question),
        topic=reply.custom.get("topic"),
        region=region,
        best_score=reply.custom.get("score"),
        reason="no_specific_rule",
    )
    dispatcher.utter_message(
        text=prefix + reply.text,
        buttons=reply.buttons,
        json_message={**reply.custom, "unanswered": note},
    )
    await asyncio.to_thread(unanswered.keep, service, tracker.sender_id, note)
    events: list[dict[str, Any]] = [
        SlotSet("pending_question", None),
        SlotSet("pending_topic", None),
        SlotSet("awaiting_region", False),
        SlotSet("last_faq_id", None),
        SlotSet("last_question", question),
    ]
    return events


def _read_region_reply(service: KnowledgeService, text: str) -> RegionReply | None:
    if conversation.is_button_payload(text):
        return None
    return region_reader(service.lexicon).read(normalise(text))


def _topic_of_entry(service: KnowledgeService, tracker: Tracker) -> str | None:
    """The topic of the last answer (to answer its question again for a new region)."""
    faq_id = tracker.get_slot("last_faq_id")
    for entry in service.index.current().entries:
        if entry.id == faq_id:
            return entry.topic
    return None


def _slot_set(events: list[dict[str, Any]], name: str) -> bool:
    return any(e.get("event") == "slot" and e.get("name") == name for e in events)


def region_label(region: str) -> str:
    return "全国通用的规定" if region == NATIONAL else region
