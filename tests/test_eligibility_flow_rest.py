"""A running check through Rasa's REST channel (issue #13): the worker corrects an answer,
stops (算了), asks something else, and takes the check up again with 继续检查 where it was; or
asks another question instead of an answer, gets it answered, and goes back with 继续刚才的检查.
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


def paused_by_another_question(stack, worker: str, text: str) -> dict:
    """The reply to another question asked in the middle: the answer, then the pause note."""
    *answer, note = stack.post(worker, text)
    assert answer, note
    assert all(
        m.get("custom", {}).get("type") not in ("eligibility_question", "eligibility_verdict")
        for m in answer
    ), answer
    assert note["custom"]["type"] == "eligibility_paused", note
    assert note["custom"]["check"] == "skill_upgrade_subsidy"
    assert [b["title"] for b in note["buttons"]] == ["继续刚才的检查"]
    return note


def test_another_question_in_the_middle_then_back_to_the_check(stack) -> None:
    worker = uuid.uuid4().hex
    assert question(only(stack.post(worker, "我能领技能提升补贴吗"))) == "worker_status"
    assert question(only(stack.post(worker, "在厂里上班"))) == "insurance_months"
    # asked for the months, the worker asks something else: answered, the check waits
    paused_by_another_question(stack, worker, "技能等级证书怎么查真伪")
    back = only(stack.post(worker, "继续刚才的检查"))
    assert question(back) == "insurance_months"  # the next open question, not the first
    assert "接着核对" in back["text"] and "（2/" in back["text"]
    assert question(only(stack.post(worker, "交了两年多"))) == "certificate_kind"
    assert question(only(stack.post(worker, "职业技能等级证书"))) == "certificate_level"
    assert question(only(stack.post(worker, "四级"))) == "certificate_date"
    assert question(only(stack.post(worker, "三个月前发的"))) == "claimed_before"
    card = only(stack.post(worker, "没领过"))
    custom = card["custom"]
    assert custom["type"] == "eligibility_verdict", card
    conditions = {c["key"]: c for c in custom["conditions"]}
    # the answer given before the other question is on the card
    assert conditions["worker_status"]["answer"] == "在企业上班"
    assert conditions["worker_status"]["met"] is True
    assert conditions["insurance_months"]["answer"] == "24个月"
    assert all(c["met"] is True for c in conditions.values())


def test_the_pause_button_takes_the_check_up_again(stack) -> None:
    worker = uuid.uuid4().hex
    assert question(only(stack.post(worker, FIRST))) == "worker_status"
    assert question(only(stack.post(worker, "在厂里上班"))) == "certificate_date"
    note = paused_by_another_question(stack, worker, "宿舍怎么申请")
    [resume] = note["buttons"]
    assert question(only(stack.post(worker, resume["payload"]))) == "certificate_date"
    # with the check done, 继续 has nothing to take up again
    assert question(only(stack.post(worker, "三个月前发的"))) == "claimed_before"
    assert only(stack.post(worker, "没领过"))["custom"]["type"] == "eligibility_verdict"
    nothing = only(stack.post(worker, "继续"))
    assert nothing["custom"]["type"] == "eligibility_nothing_to_resume", nothing
