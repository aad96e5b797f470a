"""A message asking several things: each covered part answered with its citation, the rest
named honestly (issue #11, point 5). Every phrasing here is our own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.policy_answer import ActionAnswerPolicy
from knowledge.aspects import detect_aspects
from knowledge.models import UnansweredQuestion
from knowledge.multi_part import compose, part_entities
from tests.support.actions import run, slots
from tests.trackers import make_tracker


def parts_of(service, text: str, topic: str, region: str | None = None):
    return service.find_parts(text, topic=topic, region=region, entities={})


def composed(service, text: str, topic: str, region: str | None = None) -> list:
    replies = parts_of(service, text, topic, region)
    assert replies is not None, "expected several questions"
    messages = compose(replies, topic, region)
    assert messages is not None, "expected a covered part"
    return messages


def test_a_single_question_is_left_to_the_ordinary_path(service) -> None:
    assert parts_of(service, "新就业的大学生能申请公租房吗", "dormitory") is None


def test_each_covered_part_gets_its_own_cited_answer(service) -> None:
    messages = composed(
        service, "公租房跟保租房差在哪？刚毕业参加工作的能申请公租房吗？", "dormitory"
    )
    assert [m.kind for m in messages] == ["answer", "answer"]
    keys = [m.custom["faq_key"] for m in messages]
    assert keys == ["dm-public-vs-affordable", "dm-newly-employed"]
    assert messages[0].text.startswith("关于①「公租房跟保租房差在哪」：")
    assert messages[1].text.startswith("关于②「刚毕业参加工作的能申请公租房吗」：")
    assert all("依据《" in m.text or "来源：《" in m.text for m in messages)
    assert [m.custom["parts"]["answered"] for m in messages] == [[0], [1]]
    # only the last answer asks 有用/没用
    assert messages[0].buttons == [] and messages[1].buttons


def test_a_part_no_entry_answers_is_named_not_answered_with_another(service) -> None:
    messages = composed(service, "公租房哪些人可以申请？申请要带哪些材料？", "dormitory")
    assert [m.kind for m in messages] == ["answer", "no_specific_rule"]
    assert messages[0].custom["faq_key"] == "dm-public-rental-who"
    missed = messages[1]
    assert missed.text.startswith("关于②「申请要带哪些材料」：我的政策库里没有找到")
    assert "当地工会" in missed.text and "12351" in missed.text and "12345" in missed.text
    assert missed.buttons[-1] == {"title": "转人工", "payload": "/request_human"}
    assert missed.custom["parts"] == {"uncovered": [1], "of": 2, "asked": ["申请要带哪些材料"]}


def test_parts_one_entry_answers_share_one_message(service) -> None:
    messages = composed(service, "得了大病工会能帮忙吗？大概能帮多少？", "hardship_aid")
    assert len(messages) == 1
    assert messages[0].custom["parts"]["answered"] == [0, 1]
    assert messages[0].text.startswith("关于①「得了大病工会能帮忙吗」、②「大概能帮多少」：")


def test_no_covered_part_leaves_the_whole_message_to_the_ordinary_path(service) -> None:
    replies = parts_of(service, "宿舍空调坏了谁来修？修好要多久？", "dormitory")
    assert replies is not None and all(r.reply.kind != "answer" for r in replies)
    assert compose(replies, "dormitory", None) is None


def test_when_no_part_is_answered_the_whole_message_is_not_answered_either(
    service, monkeypatch
) -> None:
    """An entry that fits the words of both questions answers neither (#11). The word-coverage
    line now refuses this whole message too, so the search of the whole message is made to
    serve an entry here: the action must still not send it."""
    text = "安居房和人才房区别是什么?公租房和人才房哪个好?"
    replies = parts_of(service, text, "dormitory")
    assert replies is not None and compose(replies, "dormitory", None) is None
    served = service.find("公租房和保租房有什么区别", topic="dormitory", region=None, entities={})
    assert served.kind == "answer"
    find = service.find
    monkeypatch.setattr(
        service, "find", lambda q, **kw: served if q == text else find(q, **kw), raising=False
    )
    tracker = make_tracker(text, "ask_dormitory", sender_id="w-none")
    _events, messages = run(ActionAnswerPolicy(), tracker)
    assert [m["custom"]["type"] for m in messages] == ["no_specific_rule"]
    assert not any(m["custom"].get("faq_key") for m in messages)


def test_a_part_keeps_only_the_entities_it_names() -> None:
    entities = {"skill_level": ["高级工", "中级工"], "region": ["苏州"]}
    assert part_entities(entities, "高级工补多少") == {"skill_level": ["高级工"]}
    assert part_entities(None, "补多少") == {}


def test_the_action_sends_every_part_and_notes_the_missed_one(service) -> None:
    text = "公租房哪些人可以申请？申请要带哪些材料？"
    tracker = make_tracker(text, "ask_dormitory", sender_id="w-parts")
    events, messages = run(ActionAnswerPolicy(), tracker)
    assert [m["custom"]["type"] for m in messages] == ["answer", "no_specific_rule"]
    kept = slots(events)
    assert kept["last_question"] == text
    assert kept["last_faq_id"] == messages[0]["custom"]["faq_id"]
    assert kept["pending_question"] is None
    with service.session_factory() as session:
        [noted] = session.execute(select(UnansweredQuestion)).scalars()
    assert noted.question == "申请要带哪些材料" and noted.reason == "no_specific_rule"
    assert noted.conversation_id == "w-parts" and noted.topic == "dormitory"


@pytest.mark.parametrize("question", ["公租房跟保租房差在哪", "这两种证书差在哪里"])
def test_asking_what_differs_is_not_asking_where(question: str) -> None:
    assert detect_aspects(question) == {"difference"}


def test_try_it_shows_one_reply_per_part_as_the_worker_gets(service) -> None:
    """``changai ask`` and the console's 试一试 (knowledge.decision) split questions too."""
    from knowledge.decision import decide

    text = "公租房哪些人可以申请？申请要带哪些材料？"
    parse = {"text": text, "intent": {"name": "ask_dormitory", "confidence": 1.0}, "entities": []}
    result = decide(service, parse, text, None)
    assert result.kind == "answer"
    assert result.text.startswith("关于①「公租房哪些人可以申请」：")
    assert "②「申请要带哪些材料」" in result.text


def test_a_missed_part_on_a_safety_permit_names_the_office_that_issues_it(service) -> None:
    """The part no entry answers goes to the permit's issuer, as a single question's honest
    reply does, not to 人社 12333 (found chatting as a worker: 电工证 questions)."""
    text = "电工证几年审一次？考试要多少钱？"
    permit = {"certificate": ["特种作业操作证"]}
    replies = service.find_parts(text, topic="skill_grading", region="广东", entities=permit)
    assert replies is not None
    messages = compose(replies, "skill_grading", "广东", permit)
    assert messages is not None
    assert [m.kind for m in messages] == ["answer", "no_specific_rule"]
    missed = messages[-1].text
    assert "②「考试要多少钱」" in missed
    assert "广东的应急管理部门考核发证" in missed and "12333" not in missed
