"""What the assistant does with one parsed message, as its rules and actions decide it.

Shared by ``changai ask`` and the console's 试一试, so that both show what a worker would get
without running the action server. The intent routing comes from :mod:`changai.vocabulary`,
which ``tests/test_vocabulary.py`` checks against the rules in ``rasa_project/data/rules``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from changai.vocabulary import (
    ESCALATE_INTENTS,
    FALLBACK_INTENT,
    INTENT_TOPICS,
    NATIONAL,
    TOPIC_INTENTS,
    Topic,
)
from knowledge.answering import render_answer
from knowledge.aspects import ordered
from knowledge.fit import Fit, judge_fit
from knowledge.multi_part import compose, region_needed
from knowledge.replies import Reply
from knowledge.service import KnowledgeService
from knowledge.topic_cues import (
    CLARIFY,
    ESCALATE,
    cue_finder,
    not_ours,
    programme_topic,
    resolve_unsure,
)

# A mobile number sent without being asked for is not kept (actions/contact.py).
UNASKED_MOBILE_TEXT = (
    "为了保护您的隐私，您发来的号码我没有保存。"
    "如果希望工会工作人员打电话给您，请先点「留下手机号」看一下用途说明，再发送号码。"
    "也请不要在这里发送身份证号、银行卡号等个人信息。"
)
# What the assistant says when the input gate finds no readable question.
INPUT_ISSUE_REPLIES: dict[str, str] = {
    "empty": "您好像还没有输入内容。直接打字告诉我您想问什么就行，比如：技能提升补贴怎么领？",
    "too_long": (
        "您发的内容有点长，我一次看不完整。请用一两句话说说您最想问的问题；"
        "情况比较复杂的话，可以点「转人工」让工会工作人员帮您看。"
    ),
    "emoji_only": "收到您的表情啦！您想了解哪方面的政策？点下面的按钮，或者直接打字问我。",
    "foreign": (
        "目前我只能看懂中文，麻烦您用中文提问，比如：宿舍怎么申请？"
        "（Sorry, I can only answer questions in Chinese.）"
    ),
    "number_only": (
        "您发来的是一串数字，我没看明白您想问什么。请用文字说说您的问题。"
        "为了保护您的隐私，请不要在这里发送身份证号、银行卡号等个人信息。"
    ),
    "symbols_only": (
        "我没看明白您发的内容。请直接打字告诉我您想问什么，比如：困难职工怎么申请帮扶？"
    ),
    "mobile_number": UNASKED_MOBILE_TEXT,
}


@dataclass
class AskResult:
    parse: dict[str, Any]
    kind: str
    text: str
    custom: dict[str, Any]
    fit: Fit | None = None  # the best entry's fit to the question (policy questions only)


def parse_entities(parse_data: dict[str, Any]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") != "input_issue":
            values.setdefault(entity["entity"], []).append(str(entity["value"]))
    return values


def decide(
    service: KnowledgeService, parse_data: dict[str, Any], text: str, region: str | None
) -> AskResult:
    """What the assistant would do with one message, as the actions decide it."""
    intent = (parse_data.get("intent") or {}).get("name")
    entities = parse_entities(parse_data)
    region = region or next(iter(entities.get("region") or []), None)
    if parse_data.get("input_issue"):
        issue = parse_data["input_issue"]
        return AskResult(parse_data, "input_issue", INPUT_ISSUE_REPLIES[issue], {"issue": issue})
    topic = INTENT_TOPICS.get(intent or "")
    if intent == "out_of_scope" and cue_finder().union_aid(text):
        intent, topic = "ask_hardship_aid", Topic.hardship_aid.value
    if intent == "out_of_scope" or topic is not None:
        # the one programme the question names keeps it on its topic (issue 11)
        named = programme_topic(topic, text)
        if named is not None:
            intent, topic = TOPIC_INTENTS[named], named
    if intent in ESCALATE_INTENTS:
        return AskResult(parse_data, "escalate", "（会转给工会工作人员处理）", {"escalated": True})
    if intent == FALLBACK_INTENT:
        ranking = [
            (str(i.get("name")), float(i.get("confidence") or 0.0))
            for i in parse_data.get("intent_ranking") or []
        ]
        choice = resolve_unsure(parse_data.get("text") or text, ranking)
        if choice.kind == CLARIFY:
            return AskResult(parse_data, "clarify", "（没把握，会先反问是哪方面的问题）", {})
        if choice.kind == ESCALATE:
            return AskResult(
                parse_data, "escalate", "（会转给工会工作人员处理）", {"escalated": True}
            )
        topic = programme_topic(choice.subjects[0], text) or choice.subjects[0]
    if not_ours(topic, text):
        return AskResult(
            parse_data, "escalate", "（政府救助问题，会转给工会工作人员处理）", {"escalated": True}
        )
    if topic is None:
        return AskResult(parse_data, "not_a_question", f"（识别为 {intent}，不是政策问题）", {})
    question = parse_data.get("text") or text

    # several questions in one message: one reply per part, as the answer action sends them
    parts = service.find_parts(question, topic=topic, region=region, entities=entities)
    reply: Reply
    if parts is not None:
        asked_region = region_needed(parts)
        messages = None if asked_region else compose(parts, topic, region, entities)
        if messages is not None:
            text_of_parts = "\n\n".join(m.text for m in messages)
            return AskResult(parse_data, "answer", text_of_parts, messages[0].custom, None)
        reply = asked_region or next(
            (p.reply for p in parts if p.reply.kind == "no_specific_rule"), parts[0].reply
        )
    else:
        reply = service.find(question, topic=topic, region=region, entities=entities)
    fit = fit_of(service, reply, question, entities, region)
    if reply.kind == "ask_region" and reply.hit is not None:
        shown = render_answer(reply.hit, None, [])
        rule = reply.hit.entry.region
        note = (
            "（各地标准不同，可用 --region 指定地区；以下为全国通用规定）\n"
            if rule == NATIONAL
            else f"（只收录了部分地区的规定，可用 --region 指定地区；以下为{rule}的规定）\n"
        )
        return AskResult(parse_data, "answer", note + shown.text, shown.custom, fit)
    if reply.kind == "out_of_scope":
        return AskResult(
            parse_data,
            "escalate",
            "（问的是本助手不掌握的其他补贴，会转给工会工作人员处理）",
            {**reply.custom, "escalated": True},
            fit,
        )
    if reply.kind == "no_answer":
        return AskResult(
            parse_data,
            "escalate",
            "（知识库中没有足够匹配的条目，会转给工会工作人员）",
            reply.custom,
            fit,
        )
    return AskResult(parse_data, reply.kind, reply.text, reply.custom, fit)


def fit_of(
    service: KnowledgeService,
    reply: Reply,
    question: str,
    entities: dict[str, list[str]],
    region: str | None = None,
) -> Fit | None:
    """Whether the best entry fits the question (the reply's own verdict when it has one)."""
    if reply.fit is not None or reply.hit is None:
        return reply.fit
    snapshot = service.index.current()
    return judge_fit(
        reply.hit,
        question,
        entities=entities,
        tag_type=snapshot.tag_type,
        threshold=service.settings.fit_threshold,
        region=region,
        coverage=lambda text, hit: snapshot.word_coverage(text, hit.entry),
        certificates=lambda hit: snapshot.certificates_named(hit.entry),
    )


def format_result(result: AskResult, as_json: bool) -> str:
    intent = result.parse.get("intent") or {}
    meta = {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "entities": parse_entities(result.parse),
        **result.custom,
    }
    if result.fit is not None:
        meta["question_aspects"] = ordered(result.fit.question_aspects)
        meta["entry_aspects"] = ordered(result.fit.entry_aspects)
        meta["fit"] = result.fit.reason
    if as_json:
        return json.dumps(
            {"kind": result.kind, "text": result.text, "meta": meta}, ensure_ascii=False, indent=2
        )
    lines = [result.text, "", "—— 元数据 ——"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "\n".join(lines)
