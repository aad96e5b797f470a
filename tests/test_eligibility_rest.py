"""The 技能提升补贴 eligibility check through Rasa's REST channel (issue #13): real model,
real actions. A question about the worker's own eligibility starts the check; what the first
message says is not asked again; the last answer brings the verdict card. Our own phrasings.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.eligibility import check_question, only

pytestmark = [pytest.mark.servers, pytest.mark.slow]

FIRST = "我在东莞交了两年社保，考了个四级电工证，能领技能提升补贴吗"


def asked(stack, worker: str, text: str, condition: str) -> dict:
    return check_question(
        stack, worker, text, condition, "training_subsidy", "skill_upgrade_subsidy"
    )


def test_question_then_questions_then_the_verdict(stack) -> None:
    worker = uuid.uuid4().hex
    first = asked(stack, worker, FIRST, "worker_status")  # months, kind and level were said
    assert "逐条核对" in first["text"]
    asked(stack, worker, "在厂里上班", "certificate_date")
    asked(stack, worker, "呵呵", "certificate_date")  # no answer: asked again with a hint
    asked(stack, worker, "三个月前发的", "claimed_before")
    card = only(stack.post(worker, "没领过"))
    custom = card["custom"]
    assert custom["type"] == "eligibility_verdict", card
    conditions = {c["key"]: c for c in custom["conditions"]}
    assert list(conditions) == [
        "worker_status",
        "insurance_months",
        "certificate_kind",
        "certificate_level",
        "certificate_date",
        "claimed_before",
    ]
    assert all(c["met"] is True for c in conditions.values())
    assert conditions["insurance_months"]["answer"] == "24个月"
    assert conditions["certificate_level"]["answer"] == "中级工"
    assert conditions["insurance_months"]["clause"]["doc_number"] == "人社部发〔2024〕40号"
    assert conditions["certificate_date"]["clause"]["number"] == "二、（一）"
    # the 2024 rule ran to the end of 2024: the card says so and asks to confirm this year's
    assert custom["rule_verdict"] == "eligible" and custom["verdict"] == "unknown"
    assert "已到期" in card["text"] and re.search(r"您还剩约[89]个月", card["text"])
    assert "转人工" in [b["title"] for b in card["buttons"]]
    # the answers were cleared with the verdict: a new check asks from the first question
    again = asked(
        stack, worker, '/ask_training_subsidy{"check":"skill_upgrade_subsidy"}', "worker_status"
    )
    assert "（1/6）" in again["text"]


def test_stop_ends_the_check_and_ordinary_questions_are_answered_again(stack) -> None:
    worker = uuid.uuid4().hex
    asked(stack, worker, FIRST, "worker_status")
    stopped = only(stack.post(worker, "算了"))
    assert stopped["custom"]["type"] == "eligibility_stopped", stopped
    answer = only(stack.post(worker, "技能提升补贴咋申请"))
    assert answer["custom"]["type"] not in ("eligibility_question", "eligibility_verdict"), answer


def test_a_button_starts_the_check(stack) -> None:
    worker = uuid.uuid4().hex
    payload = '/ask_training_subsidy{"check":"skill_upgrade_subsidy"}'
    asked(stack, worker, payload, "worker_status")


def test_asking_for_a_person_during_the_check_hands_over(stack) -> None:
    worker = uuid.uuid4().hex
    asked(stack, worker, FIRST, "worker_status")
    handed = stack.post(worker, "转人工")
    assert handed and handed[-1]["custom"]["escalated"] is True, handed
