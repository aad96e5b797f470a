"""The eligibility form's actions (issue #13), run against trackers built in code.

The validation action (prefill, typed answers, nonsense, 跳过, 算了, 转人工), the question
action (hint and 跳过 / 转人工 after two failed tries) and the verdict card. Every phrasing
here is our own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from actions import eligibility_session as check_session
from actions.eligibility_form import ValidateEligibilityForm
from actions.eligibility_questions import ASK_ACTIONS
from actions.eligibility_session import STOPPED
from actions.eligibility_verdict import ActionEligibilityVerdict
from actions.policy_answer import ActionAnswerPolicy
from knowledge.eligibility_answers import UNKNOWN
from tests.support.actions import run as base_run
from tests.support.actions import slots, tickets
from tests.support.eligibility import DOMAIN, FORM_SLOTS, ask, form_tracker, run
from tests.trackers import make_tracker

TODAY = dt.date(2026, 12, 2)
ALL_MET = {
    "elig_worker_status": "enterprise",
    "elig_insurance_months": 14,
    "elig_certificate_kind": "level_certificate",
    "elig_certificate_level": "中级工",
    "elig_certificate_date": "2026-08-01~",
    "elig_claimed_before": False,
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, service):
    monkeypatch.setattr(check_session, "today", lambda: TODAY)


def test_the_actions_know_the_forms_slots() -> None:
    assert list(check_session.FORM_SLOTS) == FORM_SLOTS
    assert [a().name() for a in ASK_ACTIONS] == [f"action_ask_{slot}" for slot in FORM_SLOTS]
    assert set(DOMAIN["actions"]) >= {a().name() for a in ASK_ACTIONS}


# ---- starting the check ----


def test_the_answer_action_starts_the_form_when_a_check_is_asked_for() -> None:
    text = "我在东莞交了两年社保，考了个四级电工证，能领技能提升补贴吗"
    events, messages = base_run(ActionAnswerPolicy(), form_tracker(text, None))
    assert messages == []
    assert events[-1] == {"event": "followup", "name": "eligibility_form", "timestamp": None}
    got = slots(events)
    assert got["eligibility_check"] == "skill_upgrade_subsidy"
    assert set(got) == {
        "eligibility_check",
        "elig_insurance_months",
        "elig_certificate_kind",
        "elig_certificate_level",
    }


def test_without_a_check_the_answer_action_answers_as_before() -> None:
    tracker = make_tracker("技能提升补贴能领多少钱", "ask_training_subsidy")
    events, messages = base_run(ActionAnswerPolicy(), tracker)
    assert messages and messages[0]["custom"]["type"] != "eligibility_question"
    assert not any(e.get("event") == "followup" for e in events)


# ---- the validation action ----


def test_the_first_message_prefills_what_it_says() -> None:
    tracker = form_tracker("我在东莞交了两年社保，考了个四级电工证，能领技能提升补贴吗", None)
    events, messages = run(ValidateEligibilityForm(), tracker)
    assert messages == []
    got = slots(events)
    assert got["eligibility_check"] == "skill_upgrade_subsidy"
    assert got["elig_insurance_months"] == 24
    assert got["elig_certificate_level"] == "中级工"
    assert got["elig_certificate_kind"] == "level_certificate"
    assert "elig_worker_status" not in got and "elig_claimed_before" not in got


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("elig_worker_status", "正在领失业金", "unemployed_benefit"),
        ("elig_worker_status", "在事业单位", "excluded_employer"),
        ("elig_worker_status", "在厂里上班", "enterprise"),
        ("elig_insurance_months", "一年多", 12),
        ("elig_insurance_months", "没交过", 0),
        ("elig_insurance_months", "8个月", 8),
        ("elig_certificate_kind", "叉车证", "special_operation"),
        ("elig_certificate_kind", "职业技能等级证书", "level_certificate"),
        ("elig_certificate_level", "四级", "中级工"),
        ("elig_certificate_level", "高级工", "高级工"),
        ("elig_certificate_date", "去年五月发的证", "2025-05-01~"),
        ("elig_claimed_before", "没领过", False),
        ("elig_claimed_before", "领过", True),
        ("elig_claimed_before", "不清楚", UNKNOWN),
        ("elig_certificate_date", "跳过", UNKNOWN),
    ],
)
def test_typed_answers_fill_the_requested_slot(slot: str, text: str, value: Any) -> None:
    events, messages = run(ValidateEligibilityForm(), form_tracker(text, slot))
    assert slots(events)[slot] == value
    assert messages == []


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("elig_insurance_months", "500个月"),
        ("elig_insurance_months", "呵呵"),
        ("elig_insurance_months", "😀"),
        ("elig_certificate_date", "明年三月"),
        ("elig_certificate_level", "还行吧"),
        ("elig_claimed_before", "哈哈"),
        ("elig_worker_status", "？？"),
    ],
)
def test_nonsense_is_asked_again_and_counted(slot: str, text: str) -> None:
    events, _ = run(ValidateEligibilityForm(), form_tracker(text, slot))
    assert slots(events)[slot] is None
    assert slots(events)["eligibility_tries"] == {slot: 1}


def test_stop_closes_the_open_questions_and_keeps_the_answers() -> None:
    tracker = form_tracker("算了，不查了", "elig_certificate_level", elig_insurance_months=24)
    got = slots(run(ValidateEligibilityForm(), tracker)[0])
    assert got["eligibility_exit"] == "stop"
    assert got["elig_certificate_level"] == STOPPED and "elig_insurance_months" not in got


def test_asking_for_a_person_ends_the_check() -> None:
    got = slots(run(ValidateEligibilityForm(), form_tracker("转人工", "elig_worker_status"))[0])
    assert got["eligibility_exit"] == "human"


# ---- the question action ----


def test_a_question_comes_from_the_knowledge_base_with_buttons() -> None:
    tracker = form_tracker("能领技能提升补贴吗", None)
    _events, (message,) = run(ask("elig_worker_status"), tracker)
    assert "逐条核对" in message["text"] and "正在领取失业保险金" in message["text"]
    custom = message["custom"]
    assert custom["type"] == "eligibility_question" and custom["topic"] == "training_subsidy"
    assert custom["condition"] == "worker_status" and custom["check"] == "skill_upgrade_subsidy"
    titles = [b["title"] for b in message["buttons"]]
    assert "在企业上班" in titles and "算了" in titles


def test_after_two_failed_tries_the_question_offers_skip_and_a_person() -> None:
    tracker = form_tracker("呵呵", "elig_insurance_months")
    tracker.slots["eligibility_tries"] = {"elig_insurance_months": 2}
    _events, (message,) = run(ask("elig_insurance_months"), tracker)
    assert "没看懂" in message["text"] and "一年多" in message["text"]  # the hint
    assert [b["title"] for b in message["buttons"]][-2:] == ["跳过", "转人工"]


# ---- the verdict ----


def verdict_tracker(**values: Any):
    tracker = form_tracker("没领过", None)
    tracker.slots.update({"eligibility_check": "skill_upgrade_subsidy", **values})
    return tracker


def test_the_verdict_card_lists_every_condition_with_its_clause() -> None:
    events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**ALL_MET))
    custom = message["custom"]
    assert custom["type"] == "eligibility_verdict" and custom["check"] == "skill_upgrade_subsidy"
    assert [c["met"] for c in custom["conditions"]] == [True] * 6
    first = custom["conditions"][0]
    assert first["clause"]["doc_number"] == "人社部发〔2024〕40号"
    assert first["clause"]["number"] == "三、" and "企业在职职工" in first["clause"]["text"]
    assert custom["conditions"][4]["clause"]["key"] == "skill-upgrade-subsidy-2017.s2-1"
    # 人社部发〔2024〕40号 ran to the end of 2024: never stated as current
    assert custom["rule_verdict"] == "eligible" and custom["verdict"] == "unknown"
    assert custom["current"] is False and "已到期" in message["text"]
    assert "结论：需要确认" in message["text"] and "结论：可以申请" not in message["text"]
    assert custom["deadline"] == "证书核发之日起12个月内申领，您还剩约8个月"
    assert "转人工" in [b["title"] for b in message["buttons"]]
    assert all(v is None for k, v in slots(events).items() if k in FORM_SLOTS)


def test_the_subsidy_card_names_the_paying_office_last() -> None:
    _events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**ALL_MET))
    assert message["text"].splitlines()[-1] == "以上按您的回答核对，最终以经办机构审核为准。"


def test_while_the_rule_applied_the_verdict_is_eligible(monkeypatch) -> None:
    monkeypatch.setattr(check_session, "today", lambda: dt.date(2024, 9, 1))
    values = {**ALL_MET, "elig_certificate_date": "2024-05-01~"}
    _events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**values))
    assert message["custom"]["verdict"] == "eligible"
    assert message["text"].splitlines()[1] == "结论：可以申请"


def test_an_unmet_condition_says_why() -> None:
    values = {**ALL_MET, "elig_insurance_months": 8}
    _events, (message,) = run(ActionEligibilityVerdict(), verdict_tracker(**values))
    custom = message["custom"]
    assert custom["rule_verdict"] == "not_eligible"
    assert custom["conditions"][1]["met"] is False and custom["conditions"][1]["answer"] == "8个月"
    assert "满1年（12个月）" in message["text"]


def test_after_stop_the_answers_are_kept_for_later() -> None:
    values = {"elig_insurance_months": 24, "elig_certificate_level": STOPPED}
    tracker = verdict_tracker(**values, eligibility_exit="stop")
    events, (message,) = run(ActionEligibilityVerdict(), tracker)
    assert message["custom"]["type"] == "eligibility_stopped"
    got = slots(events)
    assert got["elig_certificate_level"] is None and "elig_insurance_months" not in got


def test_asking_for_a_person_hands_over_with_the_answers(service) -> None:
    values = {"elig_insurance_months": 24, "elig_certificate_level": STOPPED}
    tracker = verdict_tracker(**values, eligibility_exit="human")
    _events, messages = run(ActionEligibilityVerdict(), tracker)
    assert messages[-1]["custom"]["escalated"] is True
    (ticket,) = tickets(service)
    assert ticket.question.startswith("技能提升补贴资格核对中转人工")
    assert "您累计交了多长时间的失业保险？24个月" in ticket.question
