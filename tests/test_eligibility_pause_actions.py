"""Another question in the middle of an eligibility check, and the way back (issue #13).

The validation action tells a question from an answer (short answers and nonsense still go to
validation); the end-of-check action answers the question as usual and adds 继续刚才的检查,
with the answers kept; the resume action (继续, or the note's button: affirm with the
`resume` entity) starts the form again, which keeps the answers and asks the next open
question. On trackers built in code; every phrasing is our own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import eligibility_session as check_session
from actions.eligibility_form import ValidateEligibilityForm
from actions.eligibility_pause import (
    ANSWER_ACTION,
    RESUME_BUTTON,
    USUAL_ACTIONS,
    ActionResumeCheck,
)
from actions.eligibility_session import STOPPED
from actions.eligibility_verdict import ActionEligibilityVerdict
from knowledge.interruptions import QUESTION_INTENTS, is_resume
from tests.support.actions import slots
from tests.support.eligibility import FORM_SLOTS, ask, run
from tests.trackers import make_tracker

RULES = Path(__file__).resolve().parents[1] / "rasa_project/data/rules"
TODAY = dt.date(2026, 12, 2)
CHECK = "skill_upgrade_subsidy"
RESUME = {"entity": "resume", "value": "eligibility_check", "start": 0, "end": 2}
ASKED_MONTHS = {"elig_worker_status": "enterprise"}  # answered; the months question is open


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, service):
    monkeypatch.setattr(check_session, "today", lambda: TODAY)


def reply(text: str, intent: str, requested: str | None, confidence: float = 0.95, **filled: Any):
    """The worker's reply to the question on ``requested``, as NLU read it (继续 and its forms
    as the resume cue marks them)."""
    values: dict[str, Any] = {slot: None for slot in FORM_SLOTS}
    values.update(filled)
    resume = [RESUME] if intent == "affirm" and is_resume(text) else []
    tracker = make_tracker(
        text,
        intent,
        entities=resume,
        slots={**values, "requested_slot": requested, "eligibility_check": CHECK},
    )
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


def validate(tracker) -> dict[str, Any]:
    events, messages = run(ValidateEligibilityForm(), tracker)
    assert messages == []
    return slots(events)


# ---- telling a question from an answer ----


@pytest.mark.parametrize(
    ("text", "intent", "requested"),
    [
        ("技能等级证书怎么查真伪", "ask_skill_grading", "elig_insurance_months"),
        # its words fit the question asked (a 技能等级 certificate), yet it asks something
        ("技能等级证书怎么查真伪", "ask_skill_grading", "elig_certificate_kind"),
        ("宿舍在哪里申请", "nlu_fallback", "elig_insurance_months"),
        ("公租房有没有", "ask_dormitory", "elig_claimed_before"),  # 没 is no "no"
        ("宿舍申请流程", "ask_dormitory", "elig_insurance_months"),  # a sure topic intent
    ],
)
def test_another_question_pauses_the_check_and_keeps_the_answers(
    text: str, intent: str, requested: str
) -> None:
    got = validate(reply(text, intent, requested, confidence=1.0, **ASKED_MONTHS))
    assert got["eligibility_exit"] == "question"
    assert got["eligibility_check"] == CHECK
    assert got[requested] == STOPPED  # closed for now, cleared when the check pauses
    assert "elig_worker_status" not in got  # the answer given stays as it was


@pytest.mark.parametrize(
    ("text", "intent", "requested", "value"),
    [
        ("一年多", "nlu_fallback", "elig_insurance_months", 12),
        ("没交过", "deny", "elig_insurance_months", 0),
        ("四级", "ask_skill_grading", "elig_certificate_level", "中级工"),
        ("四级可以吗", "ask_skill_grading", "elig_certificate_level", "中级工"),
        ("呵呵", "nlu_fallback", "elig_insurance_months", None),
        ("😀", "unreadable", "elig_insurance_months", None),
        ("十几个月", "nlu_fallback", "elig_insurance_months", None),
    ],
)
def test_short_answers_and_nonsense_still_go_to_validation(
    text: str, intent: str, requested: str, value: Any
) -> None:
    got = validate(reply(text, intent, requested, confidence=1.0, **ASKED_MONTHS))
    assert "eligibility_exit" not in got
    assert got[requested] == value
    if value is None:  # no answer: asked again with the hint, one try counted
        assert got["eligibility_tries"] == {requested: 1}


def test_a_statement_on_the_checks_own_topic_is_an_answer_that_missed() -> None:
    """In the hardship check a description that fits no cause reads as a hardship question
    to NLU; it is asked again with the hint, while another topic's words pause the check."""
    values: dict[str, Any] = {slot: None for slot in FORM_SLOTS}

    def hardship(text: str, intent: str) -> dict[str, Any]:
        tracker = make_tracker(
            text,
            intent,
            slots={
                **values,
                "elig_region": "青岛",
                "requested_slot": "elig_hardship_cause",
                "eligibility_check": "hardship_aid",
            },
        )
        tracker.latest_message["intent"]["confidence"] = 1.0
        return validate(tracker)

    missed = hardship("日子实在过不下去了", "ask_hardship_aid")
    assert "eligibility_exit" not in missed and missed["elig_hardship_cause"] is None
    assert hardship("宿舍申请流程", "ask_dormitory")["eligibility_exit"] == "question"


def test_continue_while_a_question_waits_asks_it_again_without_a_failed_try() -> None:
    tracker = reply("继续", "affirm", "elig_insurance_months", 1.0, **ASKED_MONTHS)
    got = validate(tracker)
    assert got == {"eligibility_check": CHECK, "requested_slot": "elig_insurance_months"}
    _events, (message,) = run(ask("elig_insurance_months"), tracker)
    assert "接着核对" in message["text"] and "失业保险" in message["text"]
    assert "没看懂" not in message["text"]


def test_asking_for_the_same_check_again_asks_the_open_question_again() -> None:
    tracker = reply(
        "我能领技能提升补贴吗", "ask_training_subsidy", "elig_insurance_months", 1.0, **ASKED_MONTHS
    )
    tracker.latest_message["entities"] = [{"entity": "check", "value": CHECK}]
    got = validate(tracker)
    assert got == {"eligibility_check": CHECK, "requested_slot": "elig_insurance_months"}


def test_the_handoff_button_under_a_question_hands_over() -> None:
    got = validate(reply("/request_human", "request_human", "elig_insurance_months", 1.0))
    assert got["eligibility_exit"] == "human"


# ---- the pause: the question answered, then 继续刚才的检查 ----


def paused(text: str, intent: str, **filled: Any):
    values: dict[str, Any] = {slot: STOPPED for slot in FORM_SLOTS}
    values.update(filled)
    return reply(text, intent, None, 1.0, **values, eligibility_exit="question")


def test_the_paused_check_answers_the_question_and_offers_the_way_back() -> None:
    tracker = paused("宿舍怎么申请", "ask_dormitory", elig_worker_status="enterprise")
    events, messages = run(ActionEligibilityVerdict(), tracker)
    answer, note = messages
    assert answer["custom"]["type"] == "answer" and answer["custom"]["topic"] == "dormitory"
    assert note["custom"]["type"] == "eligibility_paused" and note["custom"]["check"] == CHECK
    assert note["buttons"] == [RESUME_BUTTON]
    assert RESUME_BUTTON == {
        "title": "继续刚才的检查",
        "payload": '/affirm{"resume":"eligibility_check"}',
    }
    assert "技能提升补贴" in note["text"] and "记着" in note["text"]
    got = slots(events)
    assert all(got[s] is None for s in FORM_SLOTS if s != "elig_worker_status")
    assert "elig_worker_status" not in got and "eligibility_check" not in got  # kept
    assert got["eligibility_exit"] is None
    assert not any(e.get("event") == "followup" for e in events)


def test_the_question_gets_the_action_the_rules_give_its_intent() -> None:
    """answer_as_usual follows the rules: every intent an interruption may carry is routed
    there to the action USUAL_ACTIONS names (else the answer action)."""
    routes: dict[str, set[str]] = {}
    for path in RULES.glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
                routes.setdefault(steps[0]["intent"], set()).add(steps[1]["action"])
    carried = QUESTION_INTENTS | {"nlu_fallback", "inform_region"}
    for intent in carried:
        assert routes[intent] == {USUAL_ACTIONS.get(intent, ANSWER_ACTION)}, intent


def test_an_out_of_scope_question_goes_to_staff_as_usual(service) -> None:
    tracker = paused("老板拖欠工资怎么办", "out_of_scope", elig_worker_status="enterprise")
    _events, messages = run(ActionEligibilityVerdict(), tracker)
    assert messages[0]["custom"]["escalated"] is True
    assert messages[-1]["custom"]["type"] == "eligibility_paused"


def test_resume_starts_the_form_again_with_the_answers_kept() -> None:
    tracker = reply("继续刚才的检查", "affirm", None, elig_worker_status="enterprise")
    events, messages = run(ActionResumeCheck(), tracker)
    assert messages == []
    assert events[-1] == {"event": "followup", "name": "eligibility_form", "timestamp": None}
    assert slots(events) == {"eligibility_check": CHECK, "eligibility_exit": None}
    # on activation the resume message fills nothing: the answers kept count, and the next
    # open question is asked
    assert validate(tracker) == {
        "eligibility_check": CHECK,
        "requested_slot": "elig_insurance_months",
    }
    _events, (question,) = run(ask("elig_insurance_months"), tracker)
    assert question["custom"]["condition"] == "insurance_months"
    assert question["text"].startswith("好的，我们接着核对技能提升补贴")
    assert "（2/" in question["text"]  # the first question was answered before the pause


def test_resume_with_no_check_waiting_says_so_and_starts_nothing() -> None:
    tracker = make_tracker("继续", "affirm", entities=[RESUME], slots={"eligibility_check": None})
    events, (message,) = run(ActionResumeCheck(), tracker)
    assert message["custom"]["type"] == "eligibility_nothing_to_resume"
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]
