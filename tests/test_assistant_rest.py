"""End to end through Rasa's REST channel: real model, real actions, throwaway database."""

from __future__ import annotations

import urllib.error
import uuid

import pytest
from sqlalchemy import select

from changai.db import make_engine, make_session_factory
from helpdesk.models import Ticket
from tests.servers import rest_post
from tests.support.questions import ACCEPTANCE_QUESTION

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def sender() -> str:
    return uuid.uuid4().hex


def only(messages: list[dict]) -> dict:
    assert len(messages) == 1, messages
    return messages[0]


def test_acceptance_question_gets_a_cited_answer(stack) -> None:
    message = only(stack.post(sender(), ACCEPTANCE_QUESTION))
    custom = message["custom"]
    assert custom["topic"] == "training_subsidy"
    assert custom["faq_key"] == "ts-amount-intermediate" and isinstance(custom["faq_id"], int)
    assert custom["document_id"] and custom["escalated"] is False
    assert "技能提升补贴" in message["text"] and "1500" in message["text"].replace(",", "")
    assert "来源：《" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["有帮助", "没帮助", "转人工"]
    # the clause the answer rests on, over REST (#12)
    assert "（人社部发〔2024〕40号）第三条" in message["text"]
    (clause,) = custom["source"]["clauses"]
    assert isinstance(clause["id"], int) and clause["number"] == "三、"
    assert "中级（四级）不超过1500元" in clause["text"]


@pytest.mark.parametrize(
    "variant",
    [
        "我考了中級工證書能領多少技能提升補貼",
        "我考了中级工正书能领多少技能提生补帖",
        "俺考了个4级证 技能补贴给多少",
    ],
)
def test_traditional_and_typos_get_the_same_topic(stack, variant) -> None:
    message = only(stack.post(sender(), variant))
    assert message["custom"]["topic"] == "training_subsidy"
    # the amount of a 中级 certificate differs by region (宁夏, 湖北, 上海 and 丽水 have their own
    # entries): asking for the region is as right as the national answer
    assert message["custom"]["type"] in {"answer", "ask_region"}


def test_region_is_asked_then_remembered_across_turns(stack) -> None:
    worker = sender()
    asked = only(stack.post(worker, "职工得大病工会补多少钱"))
    assert asked["custom"]["type"] == "ask_region"
    answer = only(stack.post(worker, "我在武汉"))
    assert answer["custom"]["type"] == "answer" and answer["custom"]["region"] == "武汉"
    later = only(stack.post(worker, "职工大病救助给多少钱"))
    assert later["custom"]["user_region"] == "武汉"


def test_out_of_scope_escalates_and_stores_a_ticket(stack) -> None:
    worker = sender()
    message = only(stack.post(worker, "老板拖欠了我三个月工资咋办"))
    assert message["custom"]["escalated"] is True
    engine = make_engine(stack.database_url)
    with make_session_factory(engine)() as session:
        ticket = session.execute(
            select(Ticket).where(Ticket.conversation_id == worker)
        ).scalar_one()
    engine.dispose()
    assert ticket.reason == "out_of_scope"
    assert ticket.case_card["transcript"][0]["text"] == "老板拖欠了我三个月工资咋办"


def test_explicit_request_for_a_person_escalates(stack) -> None:
    assert only(stack.post(sender(), "我要转人工"))["custom"]["escalated"] is True


BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n  ",
    "very long": "我想问一下补贴的事情" * 600,
    "emoji only": "😀😀😀👍",
    "english": "how can I apply for the skill subsidy",
    "control characters": "\x00\x01\x07\x1b",
    "number only": "13800138000",
    "id number": "440104199001011234",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_kind_chinese_reply(stack, name) -> None:
    message = only(stack.post(sender(), BAD_INPUTS[name]))
    assert message["custom"]["type"] == "input_issue"
    assert any("\u4e00" <= c <= "\u9fff" for c in message["text"])


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("我想问skill提升补贴怎么申请", "training_subsidy"),
        ("產(chǎn)業(yè)工人宿舍怎麼申請", "dormitory"),
        ("困难职工帮扶\x07怎么申请", "hardship_aid"),
    ],
)
def test_mixed_scripts_pinyin_and_controls_are_understood(stack, text, topic) -> None:
    message = stack.post(sender(), text)[0]
    assert message["custom"]["topic"] == topic


def test_malformed_request_is_refused_without_crashing(stack) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        rest_post(stack.rasa_url, None, raw=b"{not json")
    assert 400 <= error.value.code < 500
    assert only(stack.post(sender(), ACCEPTANCE_QUESTION))["custom"]["topic"] == "training_subsidy"


POLITE_FORMS = [
    "{q}？谢谢！",
    "您好，请问{q}",
    "麻烦问下，{q}，多谢了",
    "打扰了，{q}？急，在线等",
    "早上好！好的，那{q}",
]


@pytest.mark.parametrize(
    "question",
    [
        "考了高级工证书技能提升补贴能拿多少",
        "职业技能等级证书分哪几个级别",
        "产业工人宿舍怎么申请",
        "困难职工帮扶怎么申请，找谁",
    ],
)
def test_politeness_never_changes_the_answer(stack, question) -> None:
    plain = only(stack.post(sender(), question))["custom"]
    assert plain["type"] == "answer"
    for form in POLITE_FORMS:
        polite = only(stack.post(sender(), form.format(q=question)))
        assert "不客气" not in polite["text"], form
        assert polite["custom"]["type"] == "answer", form
        assert polite["custom"]["faq_key"] == plain["faq_key"], form


def test_thanks_alone_is_still_thanks(stack) -> None:
    assert "不客气" in only(stack.post(sender(), "谢谢您！"))["text"]


@pytest.mark.parametrize("question", ["电工证书的真伪去哪个网站核验", "技能等级证书一共有几种"])
def test_clear_certificate_questions_get_no_clarifying_question(stack, question) -> None:
    custom = only(stack.post(sender(), question))["custom"]
    assert custom["type"] != "clarify"
    assert custom["topic"] == "skill_grading"


def test_out_of_scope_emergency_hand_off_gives_a_cited_first_step(stack) -> None:
    message = only(stack.post(sender(), "上夜班的时候胳膊被机器轧伤了 老板说不算工伤"))
    custom = message["custom"]
    assert custom["escalated"] is True and custom["reason"] == "out_of_scope"
    assert custom["first_step"]["key"] == "work_injury"
    assert "《工伤保险条例》第十七条" in message["text"] and "1年内" in message["text"]


@pytest.mark.parametrize("question", ["申请低保要看家里存款吗", "民政的临时救助一次能给多少"])
def test_government_aid_goes_to_staff(stack, question) -> None:
    assert only(stack.post(sender(), question))["custom"]["escalated"] is True
