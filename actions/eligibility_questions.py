"""The eligibility form's questions (issue #13): one ask action per slot, all alike.

Each question comes from the knowledge base, with its buttons where answers are few, a
counter (2/5) over the questions the rules need, and after a failed answer the condition's
hint; after two failed tries the question offers 跳过 / 转人工.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.eligibility_pause import resumes
from actions.eligibility_session import (
    TRIES_SLOT,
    check_entity,
    condition_for,
    current_check,
    needed_conditions,
    payload,
)
from changai.payloads import HANDOFF_BUTTON
from knowledge import eligibility_answers as answers
from knowledge.eligibility import Condition

MAX_TRIES = 2
SKIP_BUTTON = {"title": "跳过", "payload": "跳过"}
STOP_BUTTON = {"title": "算了", "payload": "算了"}
YES_NO_BUTTONS = [{"title": "没领过", "payload": "没领过"}, {"title": "领过", "payload": "领过"}]


def question_buttons(condition: Condition) -> list[dict[str, str]]:
    if condition.answer_kind == "yes_no":
        if condition.choices:
            return [{"title": c["label"], "payload": str(c["label"])} for c in condition.choices]
        return list(YES_NO_BUTTONS)
    if condition.answer_kind in ("choice", "choices", "level"):
        return [{"title": c["label"], "payload": str(c["label"])} for c in condition.choices]
    return []


async def ask_condition(
    slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Asks a condition's question (from the knowledge base); a retry starts with its hint."""
    check = await current_check(tracker)
    condition = condition_for(check, slot, tracker) if check else None
    if check is None or condition is None:
        return [SlotSet(slot, answers.UNKNOWN)]
    tries = int((tracker.get_slot(TRIES_SLOT) or {}).get(slot, 0))
    needed = needed_conditions(check, tracker)
    asked = sum(1 for c in needed if tracker.get_slot(c.slot) is not None) + 1
    lines = []
    if check_entity(tracker) and not tries:  # the message that started the check
        if check.ladder is not None:
            lines.append(
                "好的，我按国家职业技能标准的申报条件，帮您逐条核对现在能报哪一级。"
                "不想查了随时说“算了”。"
            )
        else:
            lines.append(f"好的，我来帮您逐条核对能不能申请{check.title}。不想查了随时说“算了”。")
    elif resumes(tracker) and not tries:
        lines.append(f"好的，我们接着核对{check.title}，您之前的回答都还在。")
    if tries:
        lines.append(f"抱歉，没看懂您的回答。{condition.hint}")
    lines.append(f"（{asked}/{max(len(needed), asked)}）{condition.question}")
    buttons = question_buttons(condition)
    if tries >= MAX_TRIES:
        buttons = [*buttons, SKIP_BUTTON, HANDOFF_BUTTON]
    else:
        buttons = [*buttons, STOP_BUTTON]
    dispatcher.utter_message(
        text="\n".join(lines),
        buttons=buttons,
        json_message=payload(
            check,
            "eligibility_question",
            condition=condition.key,
            slot=slot,
            answer_kind=condition.answer_kind,
            tries=tries,
        ),
    )
    return []


class ActionAskWorkerStatus(Action):
    def name(self) -> str:
        return "action_ask_elig_worker_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_worker_status", dispatcher, tracker)


class ActionAskInsuranceMonths(Action):
    def name(self) -> str:
        return "action_ask_elig_insurance_months"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_insurance_months", dispatcher, tracker)


class ActionAskCertificateKind(Action):
    def name(self) -> str:
        return "action_ask_elig_certificate_kind"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_certificate_kind", dispatcher, tracker)


class ActionAskCertificateLevel(Action):
    def name(self) -> str:
        return "action_ask_elig_certificate_level"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_certificate_level", dispatcher, tracker)


class ActionAskCertificateDate(Action):
    def name(self) -> str:
        return "action_ask_elig_certificate_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_certificate_date", dispatcher, tracker)


class ActionAskClaimedBefore(Action):
    def name(self) -> str:
        return "action_ask_elig_claimed_before"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_claimed_before", dispatcher, tracker)


class ActionAskCurrentLevel(Action):
    def name(self) -> str:
        return "action_ask_elig_current_level"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_current_level", dispatcher, tracker)


class ActionAskWorkMonths(Action):
    def name(self) -> str:
        return "action_ask_elig_work_months"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_work_months", dispatcher, tracker)


class ActionAskLevelMonths(Action):
    def name(self) -> str:
        return "action_ask_elig_level_months"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_level_months", dispatcher, tracker)


class ActionAskEducation(Action):
    def name(self) -> str:
        return "action_ask_elig_education"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_education", dispatcher, tracker)


class ActionAskApprentice(Action):
    def name(self) -> str:
        return "action_ask_elig_apprentice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_apprentice", dispatcher, tracker)


class ActionAskRegion(Action):
    def name(self) -> str:
        return "action_ask_elig_region"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_region", dispatcher, tracker)


class ActionAskHardshipCause(Action):
    def name(self) -> str:
        return "action_ask_elig_hardship_cause"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_hardship_cause", dispatcher, tracker)


class ActionAskHouseholdIncome(Action):
    def name(self) -> str:
        return "action_ask_elig_household_income"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_household_income", dispatcher, tracker)


class ActionAskUnionMember(Action):
    def name(self) -> str:
        return "action_ask_elig_union_member"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await ask_condition("elig_union_member", dispatcher, tracker)


ASK_ACTIONS: list[type[Action]] = [
    ActionAskWorkerStatus,
    ActionAskInsuranceMonths,
    ActionAskCertificateKind,
    ActionAskCertificateLevel,
    ActionAskCertificateDate,
    ActionAskClaimedBefore,
    ActionAskCurrentLevel,
    ActionAskWorkMonths,
    ActionAskLevelMonths,
    ActionAskEducation,
    ActionAskApprentice,
    ActionAskRegion,
    ActionAskHardshipCause,
    ActionAskHouseholdIncome,
    ActionAskUnionMember,
]
