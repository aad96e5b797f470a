"""The skill-grading check through Rasa's REST channel (issue #13): real model, real actions.
A grading question starts the check; what the first message says is not asked again; only
the questions the rules need are asked; the verdict card names the level open now and the next
one, condition by condition with its clause. Our own phrasings.
"""

from __future__ import annotations

import uuid

import pytest

from tests.support.eligibility import check_question, only

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def asked(stack, worker: str, text: str, condition: str) -> dict:
    return check_question(stack, worker, text, condition, "skill_grading", "skill_level_next")


def test_years_in_the_trade_open_the_fourth_level(stack) -> None:
    worker = uuid.uuid4().hex
    first = asked(stack, worker, "我干了6年电工，能报几级", "current_level")  # years were said
    assert "逐条核对现在能报哪一级" in first["text"]
    asked(stack, worker, "没有", "education")  # no certificate: time since one is not asked
    again = asked(stack, worker, "呵呵", "education")  # no answer: asked again with a hint
    assert "没看懂" in again["text"]
    card = only(stack.post(worker, "初中"))  # six years: no apprenticeship question
    custom = card["custom"]
    assert custom["type"] == "eligibility_verdict", card
    assert custom["verdict"] == "eligible" and custom["outcome"] == "level"
    assert (custom["level"], custom["next_level"]) == ("中级工", "高级工")
    conditions = {c["key"]: c for c in custom["conditions"]}
    assert list(conditions) == ["level4.work_months", "level3.current_level", "level3.level_months"]
    work = conditions["level4.work_months"]
    assert work["met"] is True and work["answer"] == "6年"
    assert work["question"] == "累计从事本职业或相关职业工作满6年"
    assert work["clause"]["number"] == "四级/中级工"
    assert "累计从事本职业或相关职业工作6年（含）以上" in work["clause"]["text"]
    held = conditions["level3.current_level"]
    assert held["met"] is False and held["answer"] == "没有证书"
    assert held["clause"]["number"] == "三级/高级工"
    assert conditions["level3.level_months"]["met"] is None
    assert "结论：您现在可以申报四级/中级工。" in card["text"] and "12333" in card["text"]


def test_time_since_the_certificate_says_when_the_next_level_opens(stack) -> None:
    worker = uuid.uuid4().hex
    asked(stack, worker, "我有四级证，拿证以后又干了三年，能考高级工吗", "work_months")
    asked(stack, worker, "十年", "education")
    card = only(stack.post(worker, "技校毕业"))
    custom = card["custom"]
    assert custom["verdict"] == "not_eligible" and custom["held_level"] == "中级工"
    assert (custom["next_level"], custom["next_wait_months"]) == ("高级工", 24)
    rows = [(c["key"], c["met"], c["answer"]) for c in custom["conditions"]]
    assert rows == [
        ("level3.current_level", True, "四级/中级工"),
        ("level3.level_months", False, "3年"),
    ]
    assert "再干满2年，就可以申报三级/高级工。" in card["text"]
    # the answers were cleared with the verdict: a new check asks from the first question
    again = asked(stack, worker, '/ask_skill_grading{"check":"skill_level_next"}', "current_level")
    assert "（1/5）" in again["text"]
