"""Telling another question from an answer while an eligibility check waits (issue #13).

Pure text: whether the reply fits the answer is given, as the form's reading decides it.
Every phrasing here is our own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.interruptions import (
    asks_for_information,
    ends_as_question,
    is_other_question,
    is_resume,
)

SEED = Path(__file__).resolve().parents[1] / "knowledge/seed/eligibility.yml"


@pytest.mark.parametrize(
    "text",
    [
        "技能等级证书怎么查真伪",
        "宿舍在哪里申请",
        "困难补助能给多少",
        "公租房有没有",
        "是不是要交满一年",
        "我能报几级",
        "这个补贴什么时候到账",
        "咋办",
    ],
)
def test_questions_ask_for_information(text: str) -> None:
    assert asks_for_information(text)
    # even when one of its words would fit the answer (a certificate named in it)
    assert is_other_question(text, fits_answer=True)


@pytest.mark.parametrize(
    "text",
    [
        "四级",
        "一年多",
        "没交过",
        "呵呵",
        "😀",
        "？？",
        "十几个月",
        "干了好几年",
        "没什么困难",
        "什么都没有",
    ],
)
def test_short_answers_and_nonsense_ask_nothing(text: str) -> None:
    assert not asks_for_information(text)
    assert not is_other_question(text, fits_answer=False, intent="nlu_fallback", confidence=0.5)


def test_a_fitting_answer_with_a_tag_question_is_an_answer() -> None:
    assert ends_as_question("四级可以吗") and ends_as_question("交了一年，够不够？")
    assert not is_other_question("四级可以吗", fits_answer=True)
    assert is_other_question("这个能报销吗", fits_answer=False)


def test_a_sure_topic_intent_is_another_question_when_the_text_answers_nothing() -> None:
    assert is_other_question(
        "宿舍申请流程", fits_answer=False, intent="ask_dormitory", confidence=0.99
    )
    assert not is_other_question(
        "宿舍申请流程", fits_answer=True, intent="ask_dormitory", confidence=0.99
    )
    # too short to be taken for a question by its intent alone (四级 may read as grading)
    assert not is_other_question(
        "四级", fits_answer=False, intent="ask_skill_grading", confidence=1.0
    )
    # not sure, or not a question's intent
    assert not is_other_question("宿舍申请流程", fits_answer=False, intent="ask_dormitory")
    assert not is_other_question("在工地上干活", fits_answer=False, intent="greet", confidence=1.0)


def stored_answer_words() -> list[str]:
    """Every button label and answer word of every stored check's conditions."""
    checks = yaml.safe_load(SEED.read_text(encoding="utf-8"))["checks"]
    words: list[str] = []
    for check in checks:
        for condition in check["conditions"]:
            for choice in condition.get("choices") or []:
                words += [str(choice.get("label") or ""), *map(str, choice.get("words") or [])]
    return [w for w in words if w]


def test_no_stored_answer_reads_as_a_question() -> None:
    words = stored_answer_words()
    assert len(words) > 100
    assert [w for w in words if asks_for_information(w) or ends_as_question(w)] == []


@pytest.mark.parametrize(
    "text",
    [
        "继续",
        "继续吧",
        "继续刚才的检查",
        "接着查",
        "接着回答刚才的问题",
        "回到刚才的问题",
        "好的，继续",
        "咱们接着来",
        "刚才的检查接着做",
    ],
)
def test_going_on_with_the_check(text: str) -> None:
    assert is_resume(text)


@pytest.mark.parametrize(
    "text", ["继续教育补贴怎么领", "接着干了两年", "返回", "继续交社保", "好的", "我继续在厂里干"]
)
def test_what_is_not_going_on_with_the_check(text: str) -> None:
    assert not is_resume(text)
