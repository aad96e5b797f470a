"""The eligibility form's validation (issue #13): each reply read as the requested answer.

Every reply while the form runs is the answer to the requested slot, parsed in the worker's
words (``knowledge.eligibility_answers``) and validated against its condition's answer kind.
A reply that is no answer is asked again with a hint (``actions.eligibility_questions``);
不知道 / 跳过 leaves the condition unknown; 算了 stops (answers kept, so the check can be taken
up again); 转人工 stops and hands over; 刚才说错了，是X corrects an earlier answer.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import conversation
from actions import eligibility_session as session
from actions.eligibility_pause import (
    ASK_AGAIN,
    OTHER_QUESTION,
    PAUSED,
    read_reply,
    resumes,
)
from actions.eligibility_session import (
    CHECK_SLOT,
    EXIT_SLOT,
    FORM,
    STOPPED,
    TRIES_SLOT,
    condition_for,
    current_check,
    needed_conditions,
    parse_reply,
    payload,
    region_names,
    skill_levels,
)
from knowledge import eligibility_answers as answers
from knowledge.eligibility import Check


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
        value = session.parse_reply(condition, instead)  # regions too: 刚才说错了，是苏州
        if value is not None:
            dispatcher.utter_message(
                text=f"好的，“{condition.question}”改为：{instead}。",
                json_message=payload(check, "eligibility_corrected", condition=condition.key),
            )
            return [SlotSet(condition.slot, instead)]
    latest = answered[-1]
    dispatcher.utter_message(
        text="好的，我们重新回答上一个问题。",
        json_message=payload(check, "eligibility_corrected", condition=latest.key),
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
        intent = conversation.latest_intent(tracker)
        if requested is None and resumes(tracker):  # 继续: the answers kept are enough
            return events
        if requested is None:  # activation: what the first message already says
            found = answers.prefill_values(
                text,
                [c for c in check.conditions if tracker.get_slot(c.slot) is None],
                today=session.today(),
                levels=skill_levels(),
                regions=region_names(),
            )
            return events + [SlotSet(slot, said) for slot, said in found.items()]
        # 转人工 typed, or its button (/request_human) under a question
        human = answers.wants_human(text) or (
            conversation.is_button_payload(text) and intent == "request_human"
        )
        if answers.is_stop(text) or human:
            exit_kind = "human" if human else "stop"
            return events + [SlotSet(EXIT_SLOT, exit_kind)] + self._close_open(tracker, domain)
        instead = answers.correction(text)
        if instead is not None:
            return events + correct(check, tracker, str(requested), instead, dispatcher)
        reply = read_reply(text, tracker, check, str(requested))
        if reply == ASK_AGAIN:
            return events
        if reply == OTHER_QUESTION:  # paused: answered as usual, then 继续刚才的检查
            return events + [SlotSet(EXIT_SLOT, PAUSED)] + self._close_open(tracker, domain)
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
        condition = condition_for(check, slot, tracker) if check else None
        if condition is None:  # a slot this check does not ask: nothing to know
            return {slot: answers.UNKNOWN}
        kept = answers.is_canonical(
            condition.answer_kind, value, levels=skill_levels(), choices=condition.choices
        )
        if kept or value == answers.UNKNOWN:  # kept from before (taken up again after 算了)
            return {slot: value, TRIES_SLOT: {**tries, slot: 0}}
        parsed = parse_reply(condition, value)
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
