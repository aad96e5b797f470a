"""Queue place and the consented phone number through the real model and actions (REST)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from helpdesk.models import Ticket
from knowledge.models import UnansweredQuestion
from tests.desk_client import in_database

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def sender() -> str:
    return uuid.uuid4().hex


def ticket_of(stack, conversation_id: str) -> tuple[str | None, object]:
    def work(session):
        ticket = session.execute(
            select(Ticket).where(Ticket.conversation_id == conversation_id)
        ).scalar_one()
        return ticket.contact_phone, ticket.contact_consent_at

    return in_database(stack, work)


def last(messages: list[dict]) -> dict:
    assert messages, "no reply"
    return messages[-1]


def test_escalation_in_hours_gives_the_queue_place(stack) -> None:
    reply = last(stack.post(sender(), "我要转人工"))
    assert reply["custom"]["type"] == "queue" and reply["custom"]["escalated"] is True
    position = reply["custom"]["position"]
    assert isinstance(position, int) and position >= 0
    place = "您是下一位" if position == 0 else f"您前面还有 {position} 位职工在等待"
    assert place in reply["text"] and "工单号" in reply["text"]


def test_consent_then_the_number_is_stored(stack) -> None:
    worker = sender()
    stack.post(worker, "老板拖欠工资三个月了咋办")
    consent = last(stack.post(worker, "我留个手机号"))
    assert consent["custom"]["type"] == "contact_consent" and "记录" in consent["text"]
    assert ticket_of(stack, worker) == (None, None)
    wrong = last(stack.post(worker, "1381234567"))
    assert wrong["custom"]["type"] == "contact_retry"
    saved = last(stack.post(worker, "138 1234-5678"))
    assert saved["custom"]["type"] == "contact_saved" and "138****5678" in saved["text"]
    phone, consent_at = ticket_of(stack, worker)
    assert phone == "13812345678" and consent_at is not None


def test_an_unasked_number_is_caught_and_not_kept(stack) -> None:
    worker = sender()
    stack.post(worker, "转人工")
    reply, answer = stack.post(worker, "我的电话是+86 139 1234 5678 宿舍怎么申请")
    assert reply["custom"]["type"] == "input_issue" and reply["custom"]["issue"] == "mobile_number"
    assert reply["custom"]["stored"] is False and "没有保存" in reply["text"]
    # the question beside the number is still answered, without the number (#11)
    assert answer["custom"]["type"] == "answer" and answer["custom"]["topic"] == "dormitory"
    assert "1234" not in answer["text"]
    assert ticket_of(stack, worker) == (None, None)

    def unanswered(session):
        return [q.question for q in session.execute(select(UnansweredQuestion)).scalars()]

    assert not any("1234" in question for question in in_database(stack, unanswered))


def test_a_question_beside_an_id_card_number_is_answered(stack) -> None:
    """The number and the word introducing it (身份证) are not what is asked: left in, 身份证
    read as a question about materials and the question got the honest reply."""
    for message in (
        "俺身份证号码是44010619850101123X 宿舍咋个申请嘛",
        "身份证320102198808086666，想问下保租房去哪申请",
    ):
        answer = last(stack.post(sender(), message))
        assert answer["custom"]["type"] == "answer", message
        assert answer["custom"]["topic"] == "dormitory", message
        assert "123X" not in answer["text"] and "6666" not in answer["text"]


def test_declining_the_offer(stack) -> None:
    worker = sender()
    stack.post(worker, "转人工")
    stack.post(worker, "/share_contact")
    declined = last(stack.post(worker, "不用了"))
    assert declined["custom"]["type"] == "contact_declined"
    late = last(stack.post(worker, "13812345678"))
    assert late["custom"]["stored"] is False
    assert ticket_of(stack, worker) == (None, None)
