"""The running eligibility check (issue #13): which check, its answers so far, and starting it.

The check is a Rasa form over rules kept as data: ``eligibility_form`` lists every slot a
condition may fill; which check runs, its questions, answer kinds, tests and clauses come
from the knowledge base (``knowledge.eligibility_store``), read afresh for every turn so an
admin's edit applies to the next question. The form's validation is in
``actions.eligibility_form``, its questions in ``actions.eligibility_questions`` and the
verdict card in ``actions.eligibility_verdict``; this module holds what they share: the
slot names, the worker's date (``today``, the one place tests replace it), the lexicon
look-ups, and ``start_check``, which the answer action calls to start (or take up again)
a check.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet

from actions import conversation
from changai.payloads import custom_payload
from knowledge import eligibility_answers as answers
from knowledge.eligibility import Check, Condition
from knowledge.eligibility_cues import CHECK_INTENTS, SKILL_SUBSIDY_CHECK
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
SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    key = check_entity(tracker)
    if key is None or tracker.active_loop.get("name"):
        return None
    check = await asyncio.to_thread(load, get_service(), str(key))
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


def parse_reply(condition: Condition, text: str) -> Any:
    """The worker's ``text`` as an answer to ``condition`` (its canonical value), or None."""
    return answers.parse_answer(
        condition.answer_kind,
        text,
        today=today(),
        levels=skill_levels(),
        choices=condition.choices,
        regions=region_names(),
    )


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


def given_answers(check: Check, tracker: Tracker) -> dict[str, Any]:
    """Slot -> the answer so far (None: not asked yet) of each of the check's conditions."""
    return {c.slot: tracker.get_slot(c.slot) for c in check.conditions}


def load(service: KnowledgeService, key: str) -> Check | None:
    """The check with every stored condition, read afresh (an admin's edit applies to the
    next question); ``worker_regions`` picks each condition's regional variant."""
    with service.session_factory() as session:
        return load_check(session=session, key=key)


async def current_check(tracker: Tracker) -> Check | None:
    key = tracker.get_slot(CHECK_SLOT) or check_entity(tracker) or SKILL_SUBSIDY_CHECK
    return await asyncio.to_thread(load, get_service(), str(key))


def check_entity(tracker: Tracker) -> str | None:
    return next(tracker.get_latest_entity_values("check"), None)


def payload(check: Check | None, kind: str, **extra: Any) -> dict[str, Any]:
    return custom_payload(
        kind,
        topic=check.topic if check else None,
        check=check.key if check else None,
        **extra,
    )


def needed_conditions(check: Check, tracker: Tracker) -> list[Condition]:
    """The check's questions that its rules need, given the answers so far."""
    values = given_answers(check, tracker)
    return check.needed(values, worker_regions(check, values, tracker))


def condition_for(check: Check, slot: str, tracker: Tracker) -> Condition | None:
    """The condition that fills ``slot`` where the worker works (a region's variant)."""
    return check.condition_for(slot, worker_regions(check, given_answers(check, tracker), tracker))
