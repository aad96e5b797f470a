"""The eligibility check in the chat (issue #13): a Rasa form over rules kept as data.

``eligibility_form`` lists every slot a condition may fill; which check runs, its questions,
answer kinds, tests and clauses come from the knowledge base (``knowledge.eligibility_store``).
The first message's words prefill what it already answers; each later message answers the
requested slot, parsed in the worker's words (``knowledge.eligibility_answers``). A reply that
is no answer is asked again with a hint, and after two tries with 跳过 / 转人工; 不知道 / 跳过
leaves the condition unknown; 算了 stops (answers kept, so the check can be taken up again);
转人工 stops and hands over, the answers so far in the case card. The verdict
(``knowledge.eligibility``) is one message with ``custom.type = "eligibility_verdict"`` and
the conditions, each with its clause. A check whose outcome is a level (skill grading,
``knowledge.eligibility_ladder``) asks only the questions its rules need (``ask_if``) and
its verdict names the level open now and when the next one opens. A check with a region
question (困难职工) asks the condition that holds where the worker works (a region's variant
replaces the national one) and its card names the kinds of help the answers may open.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import conversation
from actions.escalation import escalate
from changai.payloads import HANDOFF_BUTTON, custom_payload
from knowledge import eligibility_answers as answers
from knowledge.eligibility import (
    Check,
    Condition,
    card_lines,
    evaluate,
    helps_line,
    show_answer,
    summary,
)
from knowledge.eligibility_cues import CHECK_INTENTS, SKILL_SUBSIDY_CHECK
from knowledge.eligibility_ladder import evaluate_ladder, level_card_lines, level_summary
from knowledge.eligibility_store import load_check
from knowledge.lexicon import load_lexicon
from knowledge.service import KnowledgeService, get_service

FORM = "eligibility_form"
CHECK_SLOT, EXIT_SLOT, TRIES_SLOT = "eligibility_check", "eligibility_exit", "eligibility_tries"
STOPPED = "stopped"  # a slot left open when the worker stopped
# The form's slots, as rasa_project/domain/eligibility.yml lists them (a test checks).
FORM_SLOTS = (
    "elig_worker_status",
    "elig_insurance_months",
    "elig_certificate_kind",
    "elig_certificate_level",
    "elig_certificate_date",
    "elig_claimed_before",
    "elig_current_level",
    "elig_work_months",
    "elig_level_months",
    "elig_education",
    "elig_apprentice",
    "elig_region",
    "elig_hardship_cause",
    "elig_household_income",
    "elig_union_member",
)
MAX_TRIES = 2
SHANGHAI = ZoneInfo("Asia/Shanghai")
SKIP_BUTTON = {"title": "跳过", "payload": "跳过"}
STOP_BUTTON = {"title": "算了", "payload": "算了"}
YES_NO_BUTTONS = [{"title": "没领过", "payload": "没领过"}, {"title": "领过", "payload": "领过"}]


def today() -> dt.date:
    """The worker's date (Shanghai); tests replace this function."""
    return dt.datetime.now(SHANGHAI).date()


def restart_button(check_key: str) -> dict[str, str]:
    intent = CHECK_INTENTS.get(check_key, "ask_training_subsidy")
    payload = f"/{intent}" + json.dumps({"check": check_key}, separators=(",", ":"))
    return {"title": "重新检查", "payload": payload}


async def start_check(tracker: Tracker) -> list[EventType] | None:
    """The events that start the form when the message asks for a check (a ``check``
    entity, from the cue component or a button), or None. Called by the answer action: the
    form is started by a follow-up, not by an intent of its own. What the message already
    answers is put in its slots as said, and the form's validation reads it on activation.
    """
    key = _check_entity(tracker)
    if key is None or tracker.active_loop.get("name"):
        return None
    check = await asyncio.to_thread(_load, get_service(), str(key))
    if check is None:
        return None  # no such check stored: answer as usual
    text = str(tracker.latest_message.get("text") or "")
    region_condition = check.region_condition()
    known_region = tracker.get_slot("region")
    if region_condition and known_region and tracker.get_slot(region_condition.slot) is None:
        text = f"{known_region} {text}"  # the region said earlier in the conversation
    open_conditions = [c for c in check.conditions if tracker.get_slot(c.slot) is None]
    found = answers.prefill_values(
        text, open_conditions, today=today(), levels=skill_levels(), regions=region_names()
    )
    return [
        SlotSet(CHECK_SLOT, check.key),
        *(SlotSet(slot, said) for slot, said in found.items()),
        FollowupAction(FORM),
    ]


@lru_cache(maxsize=1)
def skill_levels() -> dict[str, str]:
    """Surface form -> canonical level, from the lexicon (四级 -> 中级工)."""
    return dict(load_lexicon().surfaces.get("skill_level", {}))


@lru_cache(maxsize=1)
def _lexicon() -> Any:
    return load_lexicon()


def region_names() -> dict[str, str]:
    """Surface form -> canonical region, from the lexicon (青岛市 -> 青岛)."""
    return dict(_lexicon().surfaces.get("region", {}))


def worker_regions(
    check: Check, values: dict[str, Any], tracker: Tracker | None = None
) -> list[str]:
    """Where the worker works, its parents and 全国 (the order variants are chosen in): the
    check's region answer, or for a check that asks none the region the conversation named
    (an admin's 广东 variant applies to a 东莞 worker); [] when not known."""
    condition = check.region_condition()
    if condition is None and tracker is not None:
        named = conversation.current_region(tracker)
        return list(_lexicon().region_chain(named)) if named else []
    value = values.get(condition.slot) if condition else None
    if not isinstance(value, str) or value in (answers.UNKNOWN, STOPPED):
        return []
    return list(_lexicon().region_chain(value))


def _answers(check: Check, tracker: Tracker) -> dict[str, Any]:
    return {c.slot: tracker.get_slot(c.slot) for c in check.conditions}


def _load(service: KnowledgeService, key: str) -> Check | None:
    """The check with every stored condition, read afresh (an admin's edit applies to the
    next question); ``worker_regions`` picks each condition's regional variant."""
    with service.session_factory() as session:
        return load_check(session=session, key=key)


async def current_check(tracker: Tracker) -> Check | None:
    key = tracker.get_slot(CHECK_SLOT) or _check_entity(tracker) or SKILL_SUBSIDY_CHECK
    return await asyncio.to_thread(_load, get_service(), str(key))


def _check_entity(tracker: Tracker) -> str | None:
    return next(tracker.get_latest_entity_values("check"), None)


def _payload(check: Check | None, kind: str, **extra: Any) -> dict[str, Any]:
    return custom_payload(
        kind,
        topic=check.topic if check else None,
        check=check.key if check else None,
        **extra,
    )


def needed_conditions(check: Check, tracker: Tracker) -> list[Condition]:
    """The check's questions that its rules need, given the answers so far."""
    values = _answers(check, tracker)
    return check.needed(values, worker_regions(check, values, tracker))


def question_buttons(condition: Condition) -> list[dict[str, str]]:
    if condition.answer_kind == "yes_no":
        if condition.choices:
            return [{"title": c["label"], "payload": str(c["label"])} for c in condition.choices]
        return list(YES_NO_BUTTONS)
    if condition.answer_kind in ("choice", "choices", "level"):
        return [{"title": c["label"], "payload": str(c["label"])} for c in condition.choices]
    return []


def correct(
    check: Check,
    tracker: Tracker,
    requested: str,
    instead: str,
    dispatcher: CollectingDispatcher,
) -> list[EventType]:
    """刚才说错了，是X / 改一下: X replaces the latest earlier answer it answers (validated like
    any answer; the current question is asked again); without an X that fits, the latest
    answer is cleared, so the form asks that question again."""
    # the answers in the order they were given (prefilled ones first)
    given = {
        str(e.get("name")): i
        for i, e in enumerate(tracker.events)
        if e.get("event") == "slot" and e.get("value") is not None
    }
    answered = sorted(
        (
            c
            for c in needed_conditions(check, tracker)
            if c.slot != requested and tracker.get_slot(c.slot) not in (None, STOPPED)
        ),
        key=lambda c: given.get(c.slot, -1),
    )
    if not answered:
        return []  # nothing to change yet: the current question is asked again
    for condition in reversed(answered) if instead else ():
        value = answers.parse_answer(
            condition.answer_kind,
            instead,
            today=today(),
            levels=skill_levels(),
            choices=condition.choices,
        )
        if value is not None:
            dispatcher.utter_message(
                text=f"好的，“{condition.question}”改为：{instead}。",
                json_message=_payload(check, "eligibility_corrected", condition=condition.key),
            )
            return [SlotSet(condition.slot, instead)]
    latest = answered[-1]
    dispatcher.utter_message(
        text="好的，我们重新回答上一个问题。",
        json_message=_payload(check, "eligibility_corrected", condition=latest.key),
    )
    return [SlotSet(latest.slot, None)]


class ValidateEligibilityForm(FormValidationAction):
    """Extracts each answer from the worker's words and validates it against its kind."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = str(tracker.latest_message.get("text") or "").strip()
        requested = tracker.get_slot("requested_slot")
        check = await current_check(tracker)
        if check is None:  # no such check in the knowledge base: end the form at once
            return [SlotSet(EXIT_SLOT, "missing")] + self._close_open(tracker, domain)
        events: list[EventType] = [SlotSet(CHECK_SLOT, check.key)]
        if requested is None:  # activation: what the first message already says
            found = answers.prefill_values(
                text,
                [c for c in check.conditions if tracker.get_slot(c.slot) is None],
                today=today(),
                levels=skill_levels(),
                regions=region_names(),
            )
            return events + [SlotSet(slot, said) for slot, said in found.items()]
        if answers.is_stop(text) or answers.wants_human(text):
            exit_kind = "human" if answers.wants_human(text) else "stop"
            return events + [SlotSet(EXIT_SLOT, exit_kind)] + self._close_open(tracker, domain)
        instead = answers.correction(text)
        if instead is not None:
            return events + correct(check, tracker, str(requested), instead, dispatcher)
        return events + [SlotSet(str(requested), text)]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # the SDK returns only the form's own slots: keep the check and the exit set above
        extras = {
            name: value
            for name, value in tracker.slots_to_validate().items()
            if name in (CHECK_SLOT, EXIT_SLOT)
        }
        events = await super().get_validation_events(dispatcher, tracker, domain)
        return [SlotSet(name, value) for name, value in extras.items()] + events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The slots the running check's conditions fill (validated when set)."""
        check = await current_check(tracker)
        if check is None:
            return []
        slots = {c.slot for c in check.conditions}
        return [slot for slot in domain_slots if slot in slots]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """The first question the rules still need (``ask_if`` on the answers so far), or
        None: the form ends."""
        check = await current_check(tracker)
        if check is None or tracker.get_slot(EXIT_SLOT):
            return SlotSet(REQUESTED_SLOT, None)
        missing = (
            c.slot for c in needed_conditions(check, tracker) if tracker.get_slot(c.slot) is None
        )
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    def _close_open(self, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return [
            SlotSet(slot, STOPPED)
            for slot in self.domain_slots(domain)
            if tracker.get_slot(slot) is None
        ]

    async def _validate(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if value == STOPPED or not isinstance(value, str):
            return {slot: value}
        tries = dict(tracker.get_slot(TRIES_SLOT) or {})
        if answers.is_skip(value):
            return {slot: answers.UNKNOWN, TRIES_SLOT: {**tries, slot: 0}}
        check = await current_check(tracker)
        condition = (
            check.condition_for(slot, worker_regions(check, _answers(check, tracker), tracker))
            if check
            else None
        )
        if condition is None:  # a slot this check does not ask: nothing to know
            return {slot: answers.UNKNOWN}
        kept = answers.is_canonical(
            condition.answer_kind, value, levels=skill_levels(), choices=condition.choices
        )
        if kept or value == answers.UNKNOWN:  # kept from before (taken up again after 算了)
            return {slot: value, TRIES_SLOT: {**tries, slot: 0}}
        parsed = answers.parse_answer(
            condition.answer_kind,
            value,
            today=today(),
            levels=skill_levels(),
            choices=condition.choices,
            regions=region_names(),
        )
        if parsed is None:
            return {slot: None, TRIES_SLOT: {**tries, slot: tries.get(slot, 0) + 1}}
        return {slot: parsed, TRIES_SLOT: {**tries, slot: 0}}

    async def validate_elig_worker_status(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_worker_status", value, dispatcher, tracker)

    async def validate_elig_insurance_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_insurance_months", value, dispatcher, tracker)

    async def validate_elig_certificate_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_certificate_kind", value, dispatcher, tracker)

    async def validate_elig_certificate_level(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_certificate_level", value, dispatcher, tracker)

    async def validate_elig_certificate_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_certificate_date", value, dispatcher, tracker)

    async def validate_elig_claimed_before(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_claimed_before", value, dispatcher, tracker)

    async def validate_elig_current_level(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_current_level", value, dispatcher, tracker)

    async def validate_elig_work_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_work_months", value, dispatcher, tracker)

    async def validate_elig_level_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_level_months", value, dispatcher, tracker)

    async def validate_elig_education(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_education", value, dispatcher, tracker)

    async def validate_elig_apprentice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_apprentice", value, dispatcher, tracker)

    async def validate_elig_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_region", value, dispatcher, tracker)

    async def validate_elig_hardship_cause(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_hardship_cause", value, dispatcher, tracker)

    async def validate_elig_household_income(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_household_income", value, dispatcher, tracker)

    async def validate_elig_union_member(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("elig_union_member", value, dispatcher, tracker)


async def ask_condition(
    slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Asks a condition's question (from the knowledge base); a retry starts with its hint."""
    check = await current_check(tracker)
    condition = (
        check.condition_for(slot, worker_regions(check, _answers(check, tracker), tracker))
        if check
        else None
    )
    if check is None or condition is None:
        return [SlotSet(slot, answers.UNKNOWN)]
    tries = int((tracker.get_slot(TRIES_SLOT) or {}).get(slot, 0))
    needed = needed_conditions(check, tracker)
    asked = sum(1 for c in needed if tracker.get_slot(c.slot) is not None) + 1
    lines = []
    if _check_entity(tracker) and not tries:  # the message that started the check
        if check.ladder is not None:
            lines.append(
                "好的，我按国家职业技能标准的申报条件，帮您逐条核对现在能报哪一级。"
                "不想查了随时说“算了”。"
            )
        else:
            lines.append(f"好的，我来帮您逐条核对能不能申请{check.title}。不想查了随时说“算了”。")
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
        json_message=_payload(
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


def handover_note(check: Check, tracker: Tracker) -> str:
    """The case card's question: the check and the answers given so far, for staff."""
    given = [
        f"{c.question}{show_answer(c, tracker.get_slot(c.slot))}"
        for c in check.conditions
        if tracker.get_slot(c.slot) not in (None, STOPPED)
    ]
    return f"{check.title}资格核对中转人工。已回答：" + ("；".join(given) or "无")


class ActionEligibilityVerdict(Action):
    """The verdict card, a short goodbye after 算了, or the hand-off after 转人工."""

    def name(self) -> str:
        return "action_eligibility_verdict"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        check = await current_check(tracker)
        exit_kind = tracker.get_slot(EXIT_SLOT)
        slots = FORM_SLOTS  # the action gets no domain (enable_selective_domain)
        if check is None or exit_kind in ("stop", "human", "missing"):
            # answers given so far are kept, so the check can be taken up again
            reset: list[EventType] = [
                SlotSet(s, None) for s in slots if tracker.get_slot(s) == STOPPED
            ]
            reset += [SlotSet(EXIT_SLOT, None), SlotSet(TRIES_SLOT, None)]
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
                json_message=_payload(check, "eligibility_stopped"),
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
        verdict = evaluate(check, values, today(), worker_regions(check, values, tracker))
        lines = [f"【{check.title} · 逐条核对】", summary(verdict), *card_lines(verdict)]
        if verdict.helps:
            lines.append(helps_line(verdict))
        if check.how_to_apply:
            lines.append(f"怎么申请：{check.how_to_apply}")
        lines.append("以上按您的回答核对，最终以经办机构审核为准。")
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
        json_message=_payload(
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
    verdict = evaluate_ladder(check, values, today())
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
