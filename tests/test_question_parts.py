"""A message with several questions is split into them; a single question stays whole."""

from __future__ import annotations

import pytest

from knowledge.question_parts import MAX_PARTS, split_questions


@pytest.mark.parametrize(
    "text",
    [
        "电工证考下来了有没有补贴",
        "您好，想咨询一下困难职工帮扶的条件是什么？多谢！",
        "在厂里住了三年。夫妻房怎么申请？",
    ],
)
def test_one_question_stays_whole(text: str) -> None:
    parts = split_questions(text)
    assert [p.asked for p in parts] == [text]
    assert parts[0].search_text == text


def test_each_question_carries_the_background_before_it() -> None:
    parts = split_questions("我去年考了叉车证。能申请技能补贴不？办理的话要去哪个部门交材料？")
    assert [p.asked for p in parts] == ["能申请技能补贴不", "办理的话要去哪个部门交材料"]
    assert parts[0].search_text == "我去年考了叉车证，能申请技能补贴不"
    # a long enough follow-up is searched with the background, not the first question
    assert parts[1].search_text == "我去年考了叉车证，办理的话要去哪个部门交材料"


def test_a_short_follow_up_borrows_the_first_questions_subject() -> None:
    parts = split_questions("育婴师高级证能补贴吗？补多少？")
    assert [p.asked for p in parts] == ["育婴师高级证能补贴吗", "补多少"]
    assert parts[1].search_text == "育婴师高级证能补贴吗，补多少"


def test_joining_words_start_another_question() -> None:
    parts = split_questions("宿舍费每月扣多少，另外夫妻房有没有")
    assert [p.asked for p in parts] == ["宿舍费每月扣多少", "夫妻房有没有"]


def test_filler_and_thanks_are_not_questions() -> None:
    parts = split_questions("麻烦问下！送温暖慰问金发多少？谢谢您！")
    assert len(parts) == 1


def test_at_most_three_questions_are_kept() -> None:
    text = "补贴怎么领？领多少？多久到账？证书有效期是几年？"
    parts = split_questions(text)
    assert len(parts) == MAX_PARTS == 3
    assert parts[-1].asked == "多久到账"


def test_a_short_follow_up_that_names_its_own_subject_stands_alone() -> None:
    parts = split_questions("八级工制度是哪几级？特级技师指的啥？")
    assert parts[1].asked == "特级技师指的啥"
    assert parts[1].search_text == "特级技师指的啥"


def test_a_space_typed_for_punctuation_separates_two_questions() -> None:
    parts = split_questions("技能补贴如何申请 有时间限制吗")
    assert [p.asked for p in parts] == ["技能补贴如何申请", "有时间限制吗"]
    parts = split_questions("技能补贴如何申请 去哪领")
    assert parts[1].search_text == "技能补贴如何申请，去哪领"  # a short follow-up leans


@pytest.mark.parametrize(
    "text",
    ["俺在工地干钢筋工 考了个四级证 听工友说有一千五 是真的不", "我 想问 公租房怎么申请"],
)
def test_spaces_inside_one_question_do_not_split_it(text: str) -> None:
    [part] = split_questions(text)
    assert part.asked == text
