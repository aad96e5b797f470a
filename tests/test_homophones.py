"""Pinyin typing slips: a run that sounds like one of our words reads as it (issue #11).

Workers type on phones with pinyin input and take the first candidate: the right sound, the
wrong characters. Words as typed are never rewritten. Every phrasing here is our own.
"""

from __future__ import annotations

import pytest

from knowledge.analysis import default_analyzer
from knowledge.homophones import HomophoneReader


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("想问技能提升不贴咋领", "想问技能提升补贴咋领"),
        ("俺要申情宿社", "俺要申请宿舍"),
        ("困南职工子女上学", "困难职工子女上学"),
        ("以工代迅还有没有", "以工代训还有没有"),
        ("住保组房要啥条件", "住保租房要啥条件"),
    ],
)
def test_a_sound_alike_reads_as_our_word(typed: str, meant: str) -> None:
    assert default_analyzer().read_homophones(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "宿舍不住了能退押金吗",  # 不住 sounds like 补助 but is a word
        "去年的补贴今年还发吗",  # 补贴今 sounds like 补贴金
        "我是快递员公司不给宿舍",  # 员公 sounds like 员工
        "切了手指工伤怎么认定",  # 指工 sounds like 职工
        "考技师要几年",  # 考技 sounds like 考级
        "高级工跟技师差在哪",  # 级工 sounds like 技工
    ],
)
def test_words_as_typed_are_kept(typed: str) -> None:
    assert default_analyzer().read_homophones(typed) == typed


def test_a_sound_two_of_our_words_share_is_left_alone() -> None:
    reader = HomophoneReader(["技师", "记时"], lambda text: list(text))
    assert reader.read("机师") == "机师"
    assert HomophoneReader(["技师"], lambda text: list(text)).read("机师") == "技师"


def test_a_question_typed_with_slips_gets_the_answer_of_its_plain_form(service) -> None:
    def served(question: str) -> str | None:
        # 怎么申请 asks for the region first (some regions have their own procedure): the
        # entry it would answer with is the one compared
        reply = service.find(question, topic="training_subsidy", region=None, entities={})
        served = reply.kind in ("answer", "ask_region") and reply.hit is not None
        return reply.hit.entry.key if served and reply.hit is not None else None

    plain = served("技能提升补贴怎么申请")
    assert plain is not None
    assert served("技能提升不贴怎么申情") == plain


def test_the_nlu_reads_the_slips_too() -> None:
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from rasa_project.components.normaliser import ChineseTextNormaliser

    normaliser = ChineseTextNormaliser.create({}, None, None, None)
    [message] = normaliser.process([Message(data={TEXT: "请问困南职工帮服咋申情"})])
    assert message.get(TEXT) == default_analyzer().read_homophones("困难职工帮扶咋申请")
    assert message.get("raw_text") == "请问困南职工帮服咋申情"
