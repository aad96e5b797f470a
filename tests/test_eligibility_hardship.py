"""The 困难职工 check's rules as data (issue #13): region variants chosen by where the worker
works, the income line decided locally where the knowledge base has none, causes read in the
worker's words, the kinds of help each cited, and the cue that starts the check."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from knowledge import eligibility_answers as answers
from knowledge.eligibility import evaluate, summary
from knowledge.eligibility_cues import HARDSHIP_CHECK, eligibility_check_for
from knowledge.eligibility_store import load_check, put_check, read_eligibility_seed
from knowledge.seed_loader import SEED_DIR, read_seed

TODAY = dt.date(2026, 12, 2)


def hardship_item() -> dict:
    return next(i for i in read_eligibility_seed(SEED_DIR) if i["key"] == HARDSHIP_CHECK)


def test_every_clause_the_hardship_check_cites_is_stored() -> None:
    clauses = {c["key"] for d in read_seed(SEED_DIR)[0] for c in d.get("clauses") or []}
    item = hardship_item()
    cited = {c["clause"] for c in item["conditions"]}
    cited |= {
        h["clause"]
        for c in item["conditions"]
        for ch in c.get("choices") or []
        for h in ch.get("helps") or []
    }
    assert cited and cited <= clauses


@pytest.mark.parametrize(
    ("regions", "income"),
    [
        (["青岛", "山东", "全国"], "household_income_qingdao"),
        (["黄岛区", "青岛", "山东", "全国"], "household_income_qingdao"),
        (["武汉", "湖北", "全国"], "household_income"),
        (["山东", "全国"], "household_income"),  # the province is not the city
        ([], "household_income"),
    ],
)
def test_the_income_condition_is_the_one_for_where_the_worker_works(
    session_factory, regions: list[str], income: str
) -> None:
    with session_factory() as session:
        check = load_check(session=session, key=HARDSHIP_CHECK)
    assert check is not None
    keys = [c.key for c in check.applicable(regions)]
    assert keys == ["region", "hardship_cause", income, "union_member"]
    asked = [c.key for c in check.needed({}, regions)]
    assert ("household_income" in asked) is False  # no line: never asked
    assert (income in asked) is (income == "household_income_qingdao")


def test_a_city_line_is_added_as_data_without_code(session_factory) -> None:
    item = copy.deepcopy(hardship_item())
    qingdao = next(c for c in item["conditions"] if c["key"] == "household_income_qingdao")
    kunming = {**qingdao, "key": "household_income_kunming", "region": "昆明"}
    kunming["question"] = "和昆明市低保标准比，您家每月人均收入是哪一种？"
    item["conditions"].append(kunming)
    with session_factory.begin() as session:
        assert put_check(session=session, item=item, actor="test") is True
    with session_factory() as session:
        check = load_check(session=session, key=HARDSHIP_CHECK)
    assert check is not None
    answers_given = {
        "elig_region": "昆明",
        "elig_hardship_cause": ["schooling"],
        "elig_household_income": "above_double",
    }
    verdict = evaluate(check, answers_given, TODAY, ["昆明", "云南", "全国"])
    keys = [r.condition.key for r in verdict.results]
    assert "household_income_kunming" in keys and "household_income" not in keys
    assert verdict.rule_verdict == "not_eligible" and verdict.helps == []
    elsewhere = evaluate(check, answers_given, TODAY, ["大理", "云南", "全国"])
    assert elsewhere.rule_verdict == elsewhere.verdict == "unknown"
    [income] = [r for r in elsewhere.results if r.condition.slot == "elig_household_income"]
    assert income.condition.key == "household_income" and "当地工会" in income.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("老婆得了尿毒症要透析", ["illness"]),
        ("家里遭了洪水", ["disaster"]),
        ("孩子读高中，我又下岗了", ["schooling", "laid_off"]),
        ("工资低，入不敷出", ["low_income"]),
        ("呵呵", None),
        ("1234", None),
        ("🙂", None),
    ],
)
def test_causes_in_the_workers_words(text: str, expected: list[str] | None) -> None:
    choices = next(c for c in hardship_item()["conditions"] if c["key"] == "hardship_cause")
    assert answers.parse_choices(text, choices["choices"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("青岛", "青岛"), ("山东青岛", "青岛"), ("青岛市", "青岛"), ("哈哈", None), ("520", None)],
)
def test_regions_in_the_workers_words(lexicon, text: str, expected: str | None) -> None:
    assert answers.parse_region(text, lexicon.surfaces["region"]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我能不能算困难职工",
        "我这情况能申请帮扶吗",
        "够不够困难职工条件",
        "老公住院了，我能申请困难补助吗",
        "我算不算困难职工",
    ],
)
def test_hardship_questions_start_the_check(text: str) -> None:
    assert eligibility_check_for(text) == HARDSHIP_CHECK


@pytest.mark.parametrize(
    "text",
    [
        "困难职工帮扶有哪些",
        "困难职工怎么申请",
        "困难职工能领多少钱",
        "困难职工帮扶标准是多少",
        "金秋助学什么时候申请",
        "我爸查出肺癌了，能申请啥救助",
    ],
)
def test_questions_about_the_aid_itself_keep_the_ordinary_answer(text: str) -> None:
    assert eligibility_check_for(text) is None


def test_union_membership_is_shown_but_never_decides(session_factory) -> None:
    """No stored clause makes membership a condition of 困难职工 aid: the check never asks it,
    shows who decides (the local union) and gives the same verdict whatever the worker is."""
    with session_factory() as session:
        check = load_check(session=session, key=HARDSHIP_CHECK)
    assert check is not None
    qingdao = ["青岛", "山东", "全国"]
    assert "union_member" not in [c.key for c in check.needed({}, qingdao)]
    given = {"elig_region": "青岛", "elig_hardship_cause": ["illness"]}
    given["elig_household_income"] = "below_double"
    verdicts = [
        evaluate(check, {**given, "elig_union_member": member}, TODAY, qingdao)
        for member in (None, True, False)
    ]
    assert {v.rule_verdict for v in verdicts} == {"eligible"}
    for verdict in verdicts:
        member = next(r for r in verdict.results if r.condition.key == "union_member")
        assert member.met is None and "当地工会" in member.note and "12351" in member.note
        assert member.note not in verdict.reasons


def test_the_songwennuan_groups_are_a_campaign_that_has_ended(session_factory) -> None:
    """The causes rest on 全总's 2026 送温暖 notice, whose campaign ran 2025-12-03 to
    2026-03-03: after that the card says what the stored rule gives, that it has ended, and
    sends the worker to the local union (not to a social-insurance office)."""
    with session_factory() as session:
        check = load_check(session=session, key=HARDSHIP_CHECK)
    assert check is not None
    cause = next(c for c in check.conditions if c.key == "hardship_cause")
    assert cause.clause.legal_status == "time_limited"
    assert cause.clause.in_force_until == dt.date(2026, 3, 3)
    given = {
        "elig_region": "青岛",
        "elig_hardship_cause": ["illness"],
        "elig_household_income": "below_double",
    }
    during = evaluate(check, given, dt.date(2026, 2, 1), ["青岛", "山东", "全国"])
    assert during.verdict == during.rule_verdict == "eligible" and during.current
    after = evaluate(check, given, TODAY, ["青岛", "山东", "全国"])
    assert after.rule_verdict == "eligible" and after.verdict == "unknown"
    text = summary(after)
    assert "执行至2026年3月3日，已到期" in text and "按库里的规定，您可以申请" in text
    assert "请向当地工会或12351职工服务热线确认" in text and "12333" not in text
