"""The skill-grading check's form actions (issue #13), run against trackers built in code.

Starting it from a grading question, each question and each typed answer (also nonsense),
asking only what the rules need, 跳过 / 转人工 after two failed tries, and the verdict card with
the level open now, the next level and each requirement's clause. Every phrasing is our own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from actions import eligibility_session as check_session
from actions.eligibility_form import ValidateEligibilityForm
from actions.eligibility_verdict import ActionEligibilityVerdict
from actions.policy_answer import ActionAnswerPolicy
from knowledge.eligibility_answers import UNKNOWN
from tests.support.actions import run as base_run
from tests.support.actions import slots, tickets
from tests.support.eligibility import FORM_SLOTS, ask, check_tracker, run

TODAY = dt.date(2026, 12, 2)
CHECK = "skill_level_next"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, service):
    monkeypatch.setattr(check_session, "today", lambda: TODAY)


def level_tracker(text: str, requested: str | None, **filled: Any):
    """A tracker inside the level check (or, with no requested slot, at its start)."""
    return check_tracker(CHECK, "ask_skill_grading", text, requested, True, **filled)


# ---- starting the check ----


def test_a_grading_question_starts_the_level_check_with_what_it_says() -> None:
    tracker = level_tracker("我干了6年电工，能报几级", None)
    tracker.slots["eligibility_check"] = None
    events, messages = base_run(ActionAnswerPolicy(), tracker)
    assert messages == []
    assert events[-1] == {"event": "followup", "name": "eligibility_form", "timestamp": None}
    got = slots(events)
    assert got == {"eligibility_check": CHECK, "elig_work_months": "6年"}


def test_on_activation_the_prefilled_answer_is_read_and_the_first_open_question_asked() -> None:
    tracker = level_tracker("我有四级证，能报技师吗", None)
    events, messages = run(ValidateEligibilityForm(), tracker)
    got = slots(events)
    assert messages == []
    assert got["elig_current_level"] == "中级工"
    assert got["requested_slot"] == "elig_work_months"


# ---- typed answers, each question ----


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("elig_current_level", "四级", "中级工"),
        ("elig_current_level", "高级工", "高级工"),
        ("elig_current_level", "没有", "none"),
        ("elig_current_level", "五级/初级工", "初级工"),
        ("elig_work_months", "一年多", 12),
        ("elig_work_months", "干了六年", 72),
        ("elig_work_months", "8个月", 8),
        ("elig_level_months", "三年", 36),
        ("elig_level_months", "两年半", 30),
        ("elig_education", "中专", "technical_school"),
        ("elig_education", "技校毕业", "technical_school"),
        ("elig_education", "高职", "college"),
        ("elig_education", "初中、高中或以下", "none"),
        ("elig_apprentice", "是，学徒期满了", True),
        ("elig_apprentice", "没当过学徒或还没满", False),
        ("elig_work_months", "不记得了", UNKNOWN),
        ("elig_education", "跳过", UNKNOWN),
    ],
)
def test_typed_answers_fill_the_requested_slot(slot: str, text: str, value: Any) -> None:
    events, messages = run(ValidateEligibilityForm(), level_tracker(text, slot))
    assert slots(events)[slot] == value
    assert slots(events)["eligibility_tries"] == {slot: 0}
    assert messages == []


# what the worker has answered when each question is asked
ANSWERED_BEFORE: dict[str, dict[str, Any]] = {
    "elig_current_level": {},
    "elig_work_months": {"elig_current_level": "none"},
    "elig_level_months": {"elig_current_level": "中级工", "elig_work_months": 120},
    "elig_education": {"elig_current_level": "none", "elig_work_months": 6},
    "elig_apprentice": {
        "elig_current_level": "none",
        "elig_work_months": 6,
        "elig_education": "none",
    },
}


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("elig_work_months", "100年"),
        ("elig_work_months", "呵呵"),
        ("elig_work_months", "😀"),
        ("elig_level_months", "123年"),
        ("elig_current_level", "呵呵"),
        ("elig_current_level", "👍"),
        ("elig_education", "呵呵"),
        ("elig_apprentice", "😀"),
    ],
)
def test_nonsense_is_asked_again_and_counted(slot: str, text: str) -> None:
    tracker = level_tracker(text, slot, **ANSWERED_BEFORE[slot])
    tracker.slots["eligibility_tries"] = {slot: 1}
    events, _ = run(ValidateEligibilityForm(), tracker)
    got = slots(events)
    assert got[slot] is None and got["eligibility_tries"] == {slot: 2}
    assert got["requested_slot"] == slot  # the same question again, never another loop


# ---- only what the rules need ----


@pytest.mark.parametrize(
    ("filled", "text", "requested", "following"),
    [
        # no certificate: time since a certificate is never asked
        ({"elig_current_level": "none"}, "六年", "elig_work_months", "elig_education"),
        # less than a year: the apprenticeship may still open 五级
        (
            {"elig_current_level": "none", "elig_work_months": 6},
            "初中",
            "elig_education",
            "elig_apprentice",
        ),
        # a year or more: the apprenticeship is not asked, the verdict comes
        ({"elig_current_level": "none", "elig_work_months": 30}, "初中", "elig_education", None),
        # 技师 held: only time since it counts for 一级, schooling is not asked
        (
            {"elig_current_level": "技师", "elig_work_months": 200},
            "五年",
            "elig_level_months",
            None,
        ),
        ({"elig_current_level": "中级工"}, "十年", "elig_work_months", "elig_level_months"),
    ],
)
def test_the_next_question_is_the_next_one_the_rules_need(
    filled: dict[str, Any], text: str, requested: str, following: str | None
) -> None:
    events, _ = run(ValidateEligibilityForm(), level_tracker(text, requested, **filled))
    assert slots(events)["requested_slot"] == following


def test_stop_ends_the_level_check() -> None:
    tracker = level_tracker("算了", "elig_work_months", elig_current_level="none")
    got = slots(run(ValidateEligibilityForm(), tracker)[0])
    assert got["eligibility_exit"] == "stop" and got["requested_slot"] is None
    assert got["elig_work_months"] == check_session.STOPPED


# ---- the questions ----


def test_the_first_question_comes_from_the_knowledge_base_with_buttons() -> None:
    tracker = level_tracker("我能报几级", None)
    _events, (message,) = run(ask("elig_current_level"), tracker)
    assert "逐条核对现在能报哪一级" in message["text"]
    assert "（1/5）您现在有这个职业（工种）的职业技能等级证书" in message["text"]
    custom = message["custom"]
    assert custom["type"] == "eligibility_question" and custom["check"] == CHECK
    assert custom["topic"] == "skill_grading" and custom["condition"] == "current_level"
    titles = [b["title"] for b in message["buttons"]]
    assert titles[:3] == ["没有证书", "五级/初级工", "四级/中级工"] and titles[-1] == "算了"


def test_the_count_follows_the_questions_the_rules_need() -> None:
    tracker = level_tracker("没有", "elig_work_months", elig_current_level="none")
    tracker.latest_message["entities"] = []
    _events, (message,) = run(ask("elig_work_months"), tracker)
    # 证书, 年限, 学历, 学徒 (学徒 may still be needed until the years are known)
    assert "（2/4）您在这一行" in message["text"] and message["buttons"][-1]["title"] == "算了"


def test_the_apprenticeship_question_has_its_own_buttons() -> None:
    filled = {"elig_current_level": "none", "elig_work_months": 6, "elig_education": "none"}
    tracker = level_tracker("初中", "elig_apprentice", **filled)
    tracker.latest_message["entities"] = []
    _events, (message,) = run(ask("elig_apprentice"), tracker)
    assert [b["title"] for b in message["buttons"]][:2] == ["是，学徒期满了", "没当过学徒或还没满"]


def test_after_two_failed_tries_the_question_offers_skip_and_a_person() -> None:
    tracker = level_tracker("😀", "elig_education", elig_current_level="none")
    tracker.slots["eligibility_tries"] = {"elig_education": 2}
    _events, (message,) = run(ask("elig_education"), tracker)
    assert "没看懂" in message["text"] and "技校毕业" in message["text"]  # the hint
    assert [b["title"] for b in message["buttons"]][-2:] == ["跳过", "转人工"]


# ---- the verdict ----


def verdict_tracker(**values: Any):
    tracker = level_tracker("初中", None)
    tracker.latest_message["entities"] = []
    tracker.slots.update(values)
    return tracker


def test_the_verdict_names_the_level_open_now_with_each_requirement_cited() -> None:
    values = {"elig_current_level": "none", "elig_work_months": 84, "elig_education": "none"}
    events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**values))
    custom = message["custom"]
    assert custom["type"] == "eligibility_verdict" and custom["check"] == CHECK
    assert custom["verdict"] == custom["rule_verdict"] == "eligible" and custom["current"] is True
    assert custom["outcome"] == "level" and custom["held_level"] is None
    assert (custom["level"], custom["level_label"]) == ("中级工", "四级/中级工")
    assert (custom["next_level"], custom["next_wait_months"]) == ("高级工", None)
    rows = custom["conditions"]
    assert [(r["key"], r["met"]) for r in rows] == [
        ("level4.work_months", True),
        ("level3.current_level", False),
        ("level3.level_months", None),
    ]
    assert rows[0]["question"] == "累计从事本职业或相关职业工作满6年" and rows[0]["answer"] == "7年"
    assert rows[0]["clause"]["number"] == "四级/中级工"
    assert "累计从事本职业或相关职业工作6年（含）以上" in rows[0]["clause"]["text"]
    assert rows[1]["answer"] == "没有证书" and rows[1]["clause"]["number"] == "三级/高级工"
    statuses = {level["level"]: level["status"] for level in custom["levels"]}
    assert statuses == {
        "初级工": "met",
        "中级工": "met",
        "高级工": "not_met",
        "技师": "not_met",
        "高级技师": "not_met",
    }
    text = message["text"]
    assert "结论：您现在可以申报四级/中级工。" in text
    assert "以本职业的国家职业技能标准为准" in text and "12333" in text
    assert "当地人社部门" in text and "职业技能等级认定机构" in text
    assert "转人工" in [b["title"] for b in message["buttons"]]
    assert all(v is None for k, v in slots(events).items() if k in FORM_SLOTS)


def test_the_verdict_says_when_the_next_level_opens() -> None:
    values = {
        "elig_current_level": "中级工",
        "elig_work_months": 120,
        "elig_level_months": 36,
        "elig_education": "technical_school",
    }
    _events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**values))
    custom = message["custom"]
    assert custom["verdict"] == "not_eligible" and custom["level"] is None
    assert custom["held_level"] == "中级工"
    assert (custom["next_level"], custom["next_wait_months"]) == ("高级工", 24)
    assert "再干满2年，就可以申报三级/高级工。" in message["text"]
    assert [r["met"] for r in custom["conditions"]] == [True, False]
    assert custom["conditions"][1]["answer"] == "3年"


def test_a_skipped_question_leaves_the_verdict_to_confirm() -> None:
    values = {"elig_current_level": "none", "elig_work_months": UNKNOWN, "elig_education": "none"}
    values["elig_apprentice"] = UNKNOWN
    _events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**values))
    assert message["custom"]["verdict"] == "unknown"
    assert "还不清楚" in message["text"] and "不清楚" in message["text"]


def test_asking_for_a_person_hands_over_with_the_answers(service) -> None:
    values = {"elig_current_level": "中级工", "elig_work_months": 120}
    tracker = verdict_tracker(**values, elig_level_months=check_session.STOPPED)
    tracker.slots["eligibility_exit"] = "human"
    _events, messages = run(ActionEligibilityVerdict(), tracker)
    assert messages[-1]["custom"]["escalated"] is True
    (ticket,) = tickets(service)
    assert ticket.question.startswith("职业技能等级申报资格核对中转人工")
    assert "最高是几级？中级工" in ticket.question and "120个月" in ticket.question
