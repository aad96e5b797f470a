"""Answer a message that asks several questions: each covered part, then the rest named.

Workers often ask two or three things at once (能领吗？领多少？去哪领？). The message is split
(:mod:`knowledge.question_parts`), each part is answered as a question of its own, with the
same fit-or-abstain rule (:func:`knowledge.answering.find_answer`), and the replies become
one message per answered part, each with its own citation, then one message naming the
parts that no entry answers, with the office that decides them and a person to ask.

Pure functions: the caller passes the function that answers one question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from changai.payloads import FEEDBACK_BUTTONS, HANDOFF_BUTTON, custom_payload
from knowledge.question_parts import QuestionPart, split_questions
from knowledge.replies import Reply, office_line

COVERED = "answer"
NEEDS_REGION = "ask_region"
_ORDINALS = "①②③④⑤"


@dataclass(frozen=True)
class PartReply:
    part: QuestionPart
    reply: Reply


def part_entities(entities: Mapping[str, Iterable[str]] | None, text: str) -> dict[str, list[str]]:
    """The entities of the whole message that this part itself names (by their text)."""
    return {
        kind: kept
        for kind, values in (entities or {}).items()
        if (kept := [str(v) for v in values if str(v) in text])
    }


def answer_parts(text: str, answer: Callable[[QuestionPart], Reply]) -> list[PartReply] | None:
    """Each question of ``text`` with its reply, or None when ``text`` asks only one."""
    parts = split_questions(text)
    if len(parts) < 2:
        return None
    return [PartReply(part, answer(part)) for part in parts]


def region_needed(replies: list[PartReply]) -> Reply | None:
    """The region question, when some part's answer depends on the region."""
    return next((p.reply for p in replies if p.reply.kind == NEEDS_REGION), None)


def compose(
    replies: list[PartReply],
    topic: str | None,
    region: str | None,
    entities: Mapping[str, Iterable[str]] | None = None,
) -> list[Reply] | None:
    """The messages for a several-question message, or None when no part is answered.

    One message per distinct entry served (the parts it answers are named above it), then
    one naming every part that no entry answers, with who decides them: for a safety permit
    that the message names (``entities``), its issuer, as a single question's honest reply
    says. Only the last answer carries the feedback buttons, so that 有用/没用 rates what
    the worker read last.
    """
    covered: dict[int, tuple[list[int], Reply]] = {}  # faq_id -> (part numbers, reply)
    uncovered: list[tuple[int, PartReply]] = []
    for number, item in enumerate(replies):
        if item.reply.kind == COVERED and item.reply.hit is not None:
            numbers, _ = covered.setdefault(item.reply.hit.entry.id, ([], item.reply))
            numbers.append(number)
        else:
            uncovered.append((number, item))
    if not covered:
        return None
    total = len(replies)
    messages = []
    for numbers, reply in covered.values():
        asked = "、".join(f"{_ORDINALS[n]}「{replies[n].part.asked}」" for n in numbers)
        custom = {
            **reply.custom,
            "parts": {
                "answered": numbers,
                "of": total,
                "asked": [replies[n].part.asked for n in numbers],
            },
        }
        messages.append(Reply(COVERED, f"关于{asked}：\n{reply.text}", [], custom, reply.hit))
    messages[-1].buttons = list(FEEDBACK_BUTTONS)
    if uncovered:
        certificates = (entities or {}).get("certificate", ())
        messages.append(_uncovered_message(uncovered, total, topic, region, certificates))
    return messages


def _uncovered_message(
    uncovered: list[tuple[int, PartReply]],
    total: int,
    topic: str | None,
    region: str | None,
    certificates: Iterable[str],
) -> Reply:
    named = "、".join(f"{_ORDINALS[n]}「{item.part.asked}」" for n, item in uncovered)
    text = (
        f"关于{named}：我的政策库里没有找到针对这个问题的具体规定，"
        "为了不给您不准确的信息，我先不回答。\n"
        f"{office_line(topic, region, certificates)}\n"
        "需要的话可以点「转人工」，请工会工作人员帮您。"
    )
    buttons: list[dict[str, str]] = []
    related: list[dict[str, object]] = []
    for _, item in uncovered:
        hit = item.reply.hit
        if hit is not None and hit.entry.question not in {b["payload"] for b in buttons}:
            buttons.append(
                {"title": f"相关规定：{hit.entry.question}", "payload": hit.entry.question}
            )
            related.append(
                {"faq_id": hit.entry.id, "faq_key": hit.entry.key, "question": hit.entry.question}
            )
    buttons.append(dict(HANDOFF_BUTTON))
    custom = custom_payload(
        "no_specific_rule",
        topic=topic,
        user_region=region,
        related=related[0] if related else None,
        related_parts=related,
        fit=[item.reply.custom.get("fit") or item.reply.kind for _, item in uncovered],
        parts={
            "uncovered": [n for n, _ in uncovered],
            "of": total,
            "asked": [item.part.asked for _, item in uncovered],
        },
    )
    return Reply("no_specific_rule", text, buttons, custom)
