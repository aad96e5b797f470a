"""The 困难职工 check through Rasa's REST channel (issue #13): real model, real actions.

A hardship question starts the check; what the first message says is not asked again; a 青岛
worker is asked 青岛's income line, a worker elsewhere is not and gets 需要确认 for income; the
verdict card is asserted condition by condition with its clause. Our own phrasings.
"""

from __future__ import annotations

import uuid

import pytest

from tests.support.eligibility import check_question, only
from tests.support.eligibility import condition_rows as rows

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def asked(stack, worker: str, text: str, condition: str) -> dict:
    return check_question(stack, worker, text, condition, "hardship_aid", "hardship_aid")


def test_a_qingdao_worker_is_checked_against_the_qingdao_line(stack) -> None:
    worker = uuid.uuid4().hex
    first = asked(
        stack,
        worker,
        "我在青岛上班，老公住院做手术，我能不能算困难职工",
        "household_income_qingdao",
    )
    assert "逐条核对能不能申请困难职工帮扶" in first["text"]
    assert "青岛市最低生活保障标准" in first["text"]
    again = asked(stack, worker, "呵呵", "household_income_qingdao")  # asked again, with a hint
    assert "没看懂" in again["text"]
    card = only(stack.post(worker, "不到两倍"))
    custom = card["custom"]
    assert custom["type"] == "eligibility_verdict", card
    # the 2026 送温暖 campaign the causes rest on ended on 2026-03-03: the stored rule gives
    # 可以申请 and the worker confirms this year's with the local union
    assert custom["check"] == "hardship_aid" and custom["rule_verdict"] == "eligible"
    assert custom["verdict"] == "unknown"
    got = rows(card)
    assert list(got) == ["region", "hardship_cause", "household_income_qingdao", "union_member"]
    assert (got["region"]["answer"], got["region"]["met"]) == ("青岛", True)
    cause = got["hardship_cause"]
    assert (cause["answer"], cause["met"]) == ("本人或家人患大病、重病，手术住院", True)
    assert cause["clause"]["number"] == "困难职工群体"
    assert "因重大疾病手术、住院的职工" in cause["clause"]["text"]
    income = got["household_income_qingdao"]
    assert (income["answer"], income["met"]) == ("在低保标准的1到2倍之间", True)
    assert income["clause"]["document"] == "青岛市总工会推出“困难职工自测小程序”"
    assert "最低生活保障标准2倍" in income["clause"]["text"]
    assert [h["kind"] for h in custom["helps"]] == ["大病救助", "生活救助"]
    assert "按库里的规定，您可以申请" in card["text"] and "12351" in card["text"]
    assert got["union_member"]["met"] is None  # no stored rule asks membership


def test_a_worker_elsewhere_is_told_the_local_union_decides_the_income(stack) -> None:
    worker = uuid.uuid4().hex
    asked(stack, worker, "我这情况能申请帮扶吗", "region")
    asked(stack, worker, "😀", "region")  # nonsense: the same question again
    asked(stack, worker, "成都", "hardship_cause")
    asked(stack, worker, "123", "hardship_cause")
    card = only(stack.post(worker, "孩子上大学，厂里停发工资"))
    custom = card["custom"]
    assert custom["type"] == "eligibility_verdict" and custom["verdict"] == "unknown"
    got = rows(card)
    assert list(got) == ["region", "hardship_cause", "household_income", "union_member"]
    assert got["region"]["answer"] == "成都" and got["region"]["met"] is True
    assert got["hardship_cause"]["answer"] == "子女教育费用负担过重、企业停发、减发工资"
    assert got["hardship_cause"]["met"] is True
    income = got["household_income"]
    assert income["met"] is None and income["answer"] == ""
    assert "当地工会" in income["note"] and "12351" in income["note"]
    assert [h["kind"] for h in custom["helps"]] == ["子女助学（金秋助学）", "生活救助"]
    assert "结论：需要确认" in card["text"]
