"""An entry about something else is not served because its topic words match (issue #11).

The idf-weighted share of the question's words that the entry mentions must reach
``MIN_WORD_COVERAGE``; otherwise the reply is the honest one. Every phrasing here is our own.
"""

from __future__ import annotations

import pytest

from knowledge.fit import MIN_WORD_COVERAGE, OFF_SUBJECT


def ask(service, question: str, topic: str):
    return service.find(question, topic=topic, region=None, entities={})


def entry(service, key: str):
    return next(e for e in service.index.current().entries if e.key == key)


def test_an_entry_covers_its_own_question_fully(service) -> None:
    who = entry(service, "dm-public-rental-who")
    assert service.index.current().word_coverage(who.question, who) == pytest.approx(1.0)


def test_words_the_entry_never_mentions_weigh_most(service) -> None:
    snapshot, who = service.index.current(), entry(service, "dm-public-rental-who")
    assert snapshot.word_coverage("公租房小区里能不能养大型犬", who) < MIN_WORD_COVERAGE
    assert snapshot.word_coverage("哪些人可以申请公租房", who) > 0.8


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("公租房小区里能不能养大型犬", "dormitory"),
        ("公租房能不能自己出钱重新装修厨房", "dormitory"),
    ],
)
def test_a_question_on_another_subject_gets_the_honest_reply(service, question, topic) -> None:
    # with the entity the NLU extracts, as in a chat: its bonus lifts the score over the
    # serving line, so the word-coverage rule is what turns the entry down
    entities = {"housing_type": ["公共租赁住房"]}
    reply = service.find(question, topic=topic, region=None, entities=entities)
    assert reply.kind == "no_specific_rule", reply.custom
    assert reply.custom["fit"] == OFF_SUBJECT
    assert reply.buttons[0]["title"].startswith("相关规定：")


@pytest.mark.parametrize(
    ("question", "topic", "key"),
    [
        ("刚参加工作还没房子，能申请公租房吗", "dormitory", "dm-newly-employed"),
        ("新八级工是哪八级", "skill_grading", "sg-new-eight-level"),
    ],
)
def test_a_question_the_entry_is_about_is_still_answered(service, question, topic, key) -> None:
    reply = ask(service, question, topic)
    assert reply.kind == "answer" and reply.custom["faq_key"] == key


def test_a_typed_slip_or_a_glued_function_character_reads_as_the_known_word() -> None:
    import numpy as np

    from knowledge.word_coverage import WordCoverage

    vocabulary = {"w:补贴": 0, "w:证书": 1, "w:考": 2, "w:正式": 3}

    def pairs(text: str) -> list[str]:  # a stand-in segmenter: two characters a word
        return [text[i : i + 2] for i in range(0, len(text), 2)]

    coverage = WordCoverage(pairs, vocabulary, np.array([1.0, 2.0, 1.5, 3.0]))
    assert coverage.known_form("正书") is None  # 证书 or 正式? too close to call
    assert coverage.known_form("证收") == "证书"
    assert coverage.known_form("我考") == "考"
    assert coverage.known_form("转租") is None
    # a new word weighs the most; a slip counts as the word it stands for
    assert coverage.share("证收补贴", "补贴 证书") == 1.0
    assert coverage.share("转租补贴", "补贴") == 1.0 / (1.0 + 3.0)


def test_greetings_and_pleas_around_a_question_are_not_its_subject(service) -> None:
    """请问 / 急 / 求解答 name nothing the entry must mention."""
    from knowledge.aspects import without_cues

    plain = "新八级工是哪八级"
    pleading = "请问新八级工是哪八级，急！求解答，谢谢"
    for word in ("请问", "急", "求解答", "谢谢"):
        assert word not in without_cues(pleading)
    snapshot, eight = service.index.current(), entry(service, "sg-new-eight-level")
    assert snapshot.word_coverage(pleading, eight) == pytest.approx(
        snapshot.word_coverage(plain, eight)
    )


def test_forum_pleas_are_not_the_subject_either(service) -> None:
    """求不鸽我 (please don't leave me hanging), 求大佬 … ask for a reply, not about anything."""
    snapshot, eight = service.index.current(), entry(service, "sg-new-eight-level")
    plain = "8级技工什么概念"
    for pleading in ("8级技工什么概念,急!求解答,求不鸽我!", "求大佬 8级技工什么概念 求好心人"):
        assert snapshot.word_coverage(pleading, eight) == pytest.approx(
            snapshot.word_coverage(plain, eight)
        )


def test_an_entity_alias_counts_as_its_value(service) -> None:
    """4级证 is 中级工 to the lexicon: the 中级工 entry covers it, and a word the knowledge base
    never uses (an unknown alias) does not outweigh the rest of the question; an entry on
    another subject still covers little of it."""
    snapshot = service.index.current()
    intermediate = entry(service, "ts-amount-intermediate")
    assert snapshot.word_coverage("考了4级证 补贴能拿多少", intermediate) >= MIN_WORD_COVERAGE
    who = entry(service, "dm-public-rental-who")
    assert snapshot.word_coverage("考了4级证 补贴能拿多少", who) < MIN_WORD_COVERAGE
