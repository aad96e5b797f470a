"""A running check through Rasa's REST channel (issue #13): the worker corrects an answer,
stops (算了), asks something else, and takes the check up again with 继续检查 where it was.
Real model, real actions; our own phrasings."""

from __future__ import annotations

import uuid

import pytest

from tests.support.eligibility import only

pytestmark = [pytest.mark.servers, pytest.mark.slow]

FIRST = "我在东莞交了两年社保，考了个四级电工证，能领技能提升补贴吗"


def question(message: dict) -> str:
    custom = message["custom"]
    assert custom["type"] == "eligibility_question", message
    return custom["condition"]


def test_a_correction_changes_the_answer_the_verdict_uses(stack) -> None:
    worker = uuid.uuid4().hex
    assert question(only(stack.post(worker, FIRST))) == "worker_status"
    assert question(only(stack.post(worker, "在厂里上班"))) == "certificate_date"
    corrected, asked_again = stack.post(worker, "刚才说错了，是8个月")
    assert corrected["custom"]["type"] == "eligibility_corrected", corrected
    assert corrected["custom"]["condition"] == "insurance_months"
    assert question(asked_again) == "certificate_date"
    assert question(only(stack.post(worker, "三个月前发的"))) == "claimed_before"
    card = only(stack.post(worker, "没领过"))
    custom = card["custom"]
    assert custom["type"] == "eligibility_verdict", card
    [months] = [c for c in custom["conditions"] if c["key"] == "insurance_months"]
    assert months["answer"] == "8个月" and months["met"] is False
    assert custom["rule_verdict"] == "not_eligible"


def test_change_goes_back_to_the_previous_question(stack) -> None:
    worker = uuid.uuid4().hex
    assert question(only(stack.post(worker, FIRST))) == "worker_status"
    assert question(only(stack.post(worker, "在厂里上班"))) == "certificate_date"
    back = stack.post(worker, "改一下")
    assert back[0]["custom"]["type"] == "eligibility_corrected"
    assert question(back[-1]) == "worker_status"


def test_stop_ask_something_else_and_take_the_check_up_again(stack) -> None:
    worker = uuid.uuid4().hex
    assert question(only(stack.post(worker, FIRST))) == "worker_status"
    assert question(only(stack.post(worker, "在厂里上班"))) == "certificate_date"
    stopped = only(stack.post(worker, "算了"))
    assert stopped["custom"]["type"] == "eligibility_stopped", stopped
    resume = next(b for b in stopped["buttons"] if b["title"] == "继续检查")
    other = only(stack.post(worker, "宿舍怎么申请"))
    assert other["custom"]["type"] not in ("eligibility_question", "eligibility_verdict")
    # 继续检查: the answers given are kept, the check goes on where it stopped
    assert question(only(stack.post(worker, resume["payload"]))) == "certificate_date"
    assert question(only(stack.post(worker, "三个月前发的"))) == "claimed_before"
    card = only(stack.post(worker, "没领过"))
    assert card["custom"]["type"] == "eligibility_verdict"
    assert all(c["met"] is True for c in card["custom"]["conditions"])
