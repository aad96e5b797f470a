"""Phone-typed questions get the answer their plain form gets (issue #11).

咋, 啥 and 几多 stand for 怎么, 什么 and 多少, a closing particle (啊, 呀, 呢) names nothing,
and 熟人 or 亲戚 is 别人 to a rule about lending a flat. Questions on how something is
calculated ask for an amount, and unemployment benefit asked as 领几个月 is another programme.
Every phrasing here is our own.
"""

from __future__ import annotations

import pytest

from knowledge.analysis import default_analyzer
from knowledge.aspects import detect_aspects
from knowledge.topic_cues import not_ours


def served(service, question: str, topic: str) -> str | None:
    reply = service.find(question, topic=topic, region=None, entities={})
    return reply.custom.get("faq_key") if reply.kind == "answer" else None


def test_colloquial_words_and_particles_read_as_the_plain_question() -> None:
    analyzer = default_analyzer()
    assert analyzer.canonical_text("宿舍咋申请啊") == analyzer.canonical_text("宿舍怎么申请")
    assert analyzer.canonical_text("要带啥材料呀？") == analyzer.canonical_text("要带什么材料？")
    plain = analyzer.canonical_text("高级工能补多少钱")
    assert analyzer.canonical_text("高级工能补几多钱") == plain
    assert detect_aspects("初级证书补几多钱啊") == {"amount"}
    # a particle inside a word is kept: only the one closing a clause goes
    assert "哈尔滨" in analyzer.canonical_text("哈尔滨有宿舍吗")


@pytest.mark.parametrize(
    ("question", "topic", "key"),
    [
        ("宿舍咋申请啊", "dormitory", "dm-how-to-apply"),
        ("公租房能不能让亲戚住呀", "dormitory", "dm-public-rental-sublet"),
        ("俺考下高级工证书 能补几多钱", "training_subsidy", "ts-amount-advanced"),
    ],
)
def test_a_colloquial_question_is_answered_like_its_plain_form(service, question, topic, key):
    assert served(service, question, topic) == key


def test_how_it_is_calculated_asks_for_an_amount() -> None:
    assert "amount" in detect_aspects("困难职工家庭收入如何核算")
    assert "amount" in detect_aspects("帮扶标准的计算方法是什么")


def test_how_it_is_calculated_is_not_answered_by_who_may_apply(service) -> None:
    assert served(service, "困难职工家庭的收支怎么计算", "hardship_aid") is None


def test_unemployment_benefit_months_are_another_programme() -> None:
    assert not_ours("training_subsidy", "交了两年失业险失业了能领几个月")
    assert not not_ours("training_subsidy", "交一年失业保险能领技能提升补贴吗")
