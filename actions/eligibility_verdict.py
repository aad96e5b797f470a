"""The eligibility check's end (issue #13): the verdict card, 算了, or the hand-off.

The verdict (``knowledge.eligibility``) is one message with ``custom.type =
"eligibility_verdict"`` and the conditions, each with the worker's answer and its clause. A
check whose outcome is a level (skill grading, ``knowledge.eligibility_ladder``) names the
level open now and when the next one opens; a check with a region question (困难职工) names
the kinds of help the answers may open.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import eligibility_session as session
from actions.eligibility_pause import PAUSED, pause_for_question
from actions.eligibility_session import (
    CHECK_SLOT,
    EXIT_SLOT,
    FORM_SLOTS,
    STOPPED,
    TRIES_SLOT,
    current_check,
    payload,
    restart_button,
    worker_regions,
)
from actions.escalation import escalate
from changai.payloads import HANDOFF_BUTTON
from knowledge.eligibility import Check, card_lines, evaluate, helps_line, show_answer, summary
from knowledge.eligibility_cues import SKILL_SUBSIDY_CHECK
from knowledge.eligibility_ladder import evaluate_ladder, level_card_lines, level_summary

# The topics whose checks are decided by someone else than the paying office.
DECIDED_BY = {"hardship_aid": "当地工会（所在单位工会或当地总工会）"}


def handover_note(check: Check, tracker: Tracker) -> str:
    """The case card's question: the check and the answers given so far, for staff."""
    given = [
        f"{c.question}{show_answer(c, tracker.get_slot(c.slot))}"
        for c in check.conditions
        if tracker.get_slot(c.slot) not in (None, STOPPED)
    ]
    return f"{check.title}资格核对中转人工。已回答：" + ("；".join(given) or "无")


def decided_by(check: Check) -> str:
    """Who has the final say on the check's result: the union for its own hardship help
    (the check's how_to_apply: 由当地工会按当地标准审核确定), else the office that pays."""
    return DECIDED_BY.get(check.topic, "经办机构")


class ActionEligibilityVerdict(Action):
    """The verdict card, a short goodbye after 算了, the hand-off after 转人工, or the
    answer to another question asked in the middle (the check paused, 继续刚才的检查)."""

    def name(self) -> str:
        return "action_eligibility_verdict"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        check = await current_check(tracker)
        exit_kind = tracker.get_slot(EXIT_SLOT)
        slots = FORM_SLOTS  # the action gets no domain (enable_selective_domain)
        if check is None or exit_kind in ("stop", "human", "missing", PAUSED):
            # answers given so far are kept, so the check can be taken up again
            reset: list[EventType] = [
                SlotSet(s, None) for s in slots if tracker.get_slot(s) == STOPPED
            ]
            reset += [SlotSet(EXIT_SLOT, None), SlotSet(TRIES_SLOT, None)]
            if exit_kind == PAUSED and check is not None:  # another question: answer it
                return reset + await pause_for_question(dispatcher, tracker, check)
            if exit_kind == "human" and check is not None:
                return reset + await escalate(
                    dispatcher,
                    tracker,
                    reason="request_human",
                    question=handover_note(check, tracker),
                    topic=check.topic,
                )
            key = check.key if check else SKILL_SUBSIDY_CHECK
            text = (
                "好的，先不查了。您已经回答的内容我先记着，想接着查可以点“继续检查”。"
                if check is not None
                else "抱歉，这项检查暂时用不了。您可以直接问我政策，或者点“转人工”。"
            )
            dispatcher.utter_message(
                text=text,
                buttons=[{**restart_button(key), "title": "继续检查"}, HANDOFF_BUTTON],
                json_message=payload(check, "eligibility_stopped"),
            )
            return reset
        values = {c.slot: tracker.get_slot(c.slot) for c in check.conditions}
        clear = [SlotSet(s, None) for s in slots] + [
            SlotSet(EXIT_SLOT, None),
            SlotSet(TRIES_SLOT, None),
            SlotSet(CHECK_SLOT, None),
        ]
        if check.ladder is not None:
            level_verdict(check, values, dispatcher)
            return clear
        verdict = evaluate(check, values, session.today(), worker_regions(check, values, tracker))
        lines = [f"【{check.title} · 逐条核对】", summary(verdict), *card_lines(verdict)]
        if verdict.helps:
            lines.append(helps_line(verdict))
        if check.how_to_apply:
            lines.append(f"怎么申请：{check.how_to_apply}")
        lines.append(f"以上按您的回答核对，最终以{decided_by(check)}审核为准。")
        send_card(
            dispatcher,
            check,
            lines,
            verdict,
            deadline=verdict.deadline,
            conditions=[r.as_payload() for r in verdict.results],
            **({"helps": [h.as_payload() for h in verdict.helps]} if verdict.helps else {}),
        )
        return clear


def send_card(
    dispatcher: CollectingDispatcher, check: Check, lines: list[str], verdict: Any, **extra: Any
) -> None:
    """One verdict card: its text for stock clients, the payload the widget draws."""
    dispatcher.utter_message(
        text="\n".join(lines),
        buttons=[HANDOFF_BUTTON, restart_button(check.key)],
        json_message=payload(
            check,
            "eligibility_verdict",
            verdict=verdict.verdict,
            rule_verdict=verdict.rule_verdict,
            current=verdict.current,
            lapse_notes=verdict.lapse_notes,
            how_to_apply=check.how_to_apply,
            **extra,
        ),
    )


def level_verdict(check: Check, values: dict[str, Any], dispatcher: CollectingDispatcher) -> None:
    """The card of a check whose outcome is a level: the level open now, the next one and
    when it opens, each requirement shown with its answer and clause."""
    verdict = evaluate_ladder(check, values, session.today())
    lines = [f"【{check.title} · 逐条核对】", level_summary(verdict), *level_card_lines(verdict)]
    if check.how_to_apply:
        lines.append(check.how_to_apply)
    granted = verdict.granted.target if verdict.granted else None
    following = verdict.next.target if verdict.next else None
    send_card(
        dispatcher,
        check,
        lines,
        verdict,
        deadline="",
        conditions=[r.as_payload() for r in verdict.rows()],
        outcome="level",
        held_level=verdict.held.level if verdict.held else None,
        level=granted.level if granted else None,
        level_label=granted.label if granted else None,
        next_level=following.level if following else None,
        next_level_label=following.label if following else None,
        next_wait_months=verdict.wait_months,
        levels=[r.as_payload() for r in verdict.levels],
    )
