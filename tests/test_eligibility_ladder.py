"""The skill-grading check (issue #13): which level the worker may apply for now and when the
next one opens, from the level held, the time in the trade and the schooling, under the
seeded 申报条件 of the 国家职业技能标准. Every phrasing here is our own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from knowledge import eligibility_answers as answers
from knowledge.eligibility import (
    ELIGIBLE,
    NEEDS_CONFIRMING,
    NOT_ELIGIBLE,
    Check,
    ClauseRef,
    Condition,
    Ladder,
    Requirement,
    Target,
)
from knowledge.eligibility_cues import SKILL_LEVEL_CHECK, eligibility_check_for
from knowledge.eligibility_ladder import evaluate_ladder, level_card_lines, level_summary
from knowledge.eligibility_store import load_check, put_check
from knowledge.errors import InvalidEntry
from knowledge.seed_loader import SEED_DIR, load_seed

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def check(tmp_path_factory) -> Check:
    """The seeded check, read once for the module (the tests do not write)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ladder') / 'ladder.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        load_seed(session=session)
    with factory() as session:
        found = load_check(session=session, key=SKILL_LEVEL_CHECK)
    engine.dispose()
    assert found is not None
    return found


def values(**answers_by_key: Any) -> dict[str, Any]:
    return {f"elig_{key}": value for key, value in answers_by_key.items()}


# ---- the seeded rules ----


def test_each_level_rests_on_its_clause_of_the_standard(check: Check) -> None:
    assert check.ladder is not None and check.topic == "skill_grading"
    targets = {t.level: t for t in check.ladder.targets}
    assert list(targets) == ["初级工", "中级工", "高级工", "技师", "高级技师"]
    assert targets["中级工"].clause.key == "occupational-standard-apply-2018.level4"
    assert "累计从事本职业或相关职业工作6年（含）以上" in targets["中级工"].clause.text
    assert "预备技师证书" in targets["技师"].clause.text
    assert targets["高级技师"].clause.number == "一级/高级技师"
    assert [len(t.paths) for t in check.ladder.targets] == [2, 3, 3, 2, 1]
    assert "12333" in check.how_to_apply and "认定机构" in check.how_to_apply


@pytest.mark.parametrize(
    ("given", "level", "next_level", "wait"),
    [
        # no certificate: a year in the trade opens 五级, six years or a 技校 opens 四级
        (
            values(current_level="none", work_months=6, education="none", apprentice=False),
            None,
            "初级工",
            6,
        ),
        (
            values(current_level="none", work_months=5, education="none", apprentice=True),
            "初级工",
            "中级工",
            67,
        ),  # six years in all, the nearest path by time alone
        (values(current_level="none", work_months=30, education="none"), "初级工", "中级工", 42),
        (values(current_level="none", work_months=84, education="none"), "中级工", "高级工", None),
        (
            values(current_level="none", work_months=12, education="technical_school"),
            "中级工",
            "高级工",
            None,
        ),
        # with a certificate: time since it counts
        (
            values(current_level="初级工", work_months=60, level_months=48, education="none"),
            "中级工",
            "高级工",
            None,
        ),
        (
            values(current_level="初级工", work_months=60, level_months=30, education="none"),
            None,
            "中级工",
            12,
        ),
        (
            values(current_level="初级工", work_months=30, level_months=30, education="none"),
            None,
            "中级工",
            18,
        ),
        (
            values(
                current_level="初级工", work_months=30, level_months=3, education="technical_school"
            ),
            "中级工",
            "高级工",
            None,
        ),
        (
            values(current_level="中级工", work_months=120, level_months=36, education="none"),
            None,
            "高级工",
            24,
        ),
        (
            values(current_level="中级工", work_months=40, level_months=12, education="college"),
            None,
            "高级工",
            12,
        ),
        (
            values(
                current_level="中级工", work_months=40, level_months=1, education="senior_technical"
            ),
            "高级工",
            "技师",
            None,
        ),
        (
            values(
                current_level="高级工",
                work_months=40,
                level_months=10,
                education="senior_technical",
            ),
            "技师",
            "高级技师",
            None,
        ),
        (
            values(
                current_level="高级工",
                work_months=30,
                level_months=10,
                education="senior_technical",
            ),
            None,
            "技师",
            6,
        ),
        (values(current_level="技师", work_months=200, level_months=50), "高级技师", None, None),
        (values(current_level="高级技师", work_months=300, level_months=50), None, None, None),
    ],
)
def test_the_level_open_now_and_when_the_next_opens(
    check: Check, given: dict[str, Any], level: str | None, next_level: str | None, wait: int | None
) -> None:
    verdict = evaluate_ladder(check, given, TODAY)
    assert (verdict.granted.target.level if verdict.granted else None) == level
    assert (verdict.next.target.level if verdict.next else None) == next_level
    assert verdict.wait_months == wait
    assert verdict.verdict == (ELIGIBLE if level else NOT_ELIGIBLE)


def test_the_headline_names_the_level_and_the_wait(check: Check) -> None:
    given = values(current_level="中级工", work_months=120, level_months=36, education="none")
    verdict = evaluate_ladder(check, given, TODAY)
    text = level_summary(verdict)
    assert text.splitlines()[0] == "结论：您暂时还不能申报三级/高级工。"
    assert "再干满2年，就可以申报三级/高级工。" in text
    lines = level_card_lines(verdict)
    assert lines[0].startswith("✓ 三级/高级工：持有四级/中级工证书 您的回答：四级/中级工")
    assert (
        lines[1].startswith("✗ 三级/高级工：取得四级/中级工证书后") and "您的回答：3年" in lines[1]
    )
    assert all("依据：《国家职业技能标准通用申报条件" in line for line in lines)


def test_with_a_level_open_the_card_shows_its_path_and_what_the_next_needs(check: Check) -> None:
    verdict = evaluate_ladder(check, values(current_level="none", work_months=84), TODAY)
    text = level_summary(verdict)
    assert text.startswith("结论：您现在可以申报四级/中级工。")
    assert "申报三级/高级工还需要：持有四级/中级工证书" in text
    assert "还不清楚" not in text  # time since a certificate not held is not asked
    rows = [(r.target.level, r.condition.key, r.met) for r in verdict.rows()]
    assert rows == [
        ("中级工", "work_months", True),
        ("高级工", "current_level", False),
        ("高级工", "level_months", None),
    ]
    assert verdict.rows()[1].answer == "没有证书"


def test_an_unknown_answer_leaves_the_level_to_confirm(check: Check) -> None:
    given = values(current_level="none", work_months=answers.UNKNOWN, education="none")
    verdict = evaluate_ladder(check, given, TODAY)
    assert verdict.verdict == NEEDS_CONFIRMING and verdict.granted is None
    assert "还不清楚：您在这一行" in level_summary(verdict)


@pytest.mark.parametrize(
    ("given", "asked"),
    [
        ({}, ["current_level", "work_months", "level_months", "education", "apprentice"]),
        (
            values(current_level="none", work_months=6),
            ["current_level", "work_months", "education", "apprentice"],
        ),
        (
            values(current_level="none", work_months=24),
            ["current_level", "work_months", "education"],
        ),
        (
            values(current_level="初级工"),
            ["current_level", "work_months", "level_months", "education"],
        ),
        (
            values(current_level="中级工"),
            ["current_level", "work_months", "level_months", "education"],
        ),
        (values(current_level="技师"), ["current_level", "work_months", "level_months"]),
    ],
)
def test_only_what_the_rules_need_is_asked(
    check: Check, given: dict[str, Any], asked: list[str]
) -> None:
    assert [c.key for c in check.needed(given)] == asked


def test_a_lapsed_standard_is_never_stated_as_current() -> None:
    lapsed = ClauseRef(
        key="x.level5",
        number="五级",
        text="……",
        document_title="某职业国家职业技能标准",
        doc_number="",
        legal_status="replaced",
        replaced_by="新版标准",
    )
    work = Condition(
        key="work",
        question="干了多久？",
        slot="elig_work_months",
        answer_kind="months",
        test={},
        clause=lapsed,
    )
    held = Condition(
        key="held",
        question="几级？",
        slot="elig_current_level",
        answer_kind="level",
        test={},
        clause=lapsed,
    )
    target = Target(
        key="l5",
        level="初级工",
        label="五级/初级工",
        clause=lapsed,
        paths=[[Requirement("work", ">=", 12, "满1年")]],
    )
    check = Check(
        key="k",
        title="t",
        topic="skill_grading",
        conditions=[held, work],
        ladder=Ladder(held_by="held", targets=[target]),
    )
    verdict = evaluate_ladder(check, values(current_level="none", work_months=24), TODAY)
    assert verdict.rule_verdict == ELIGIBLE and verdict.verdict == NEEDS_CONFIRMING
    text = level_summary(verdict)
    assert text.splitlines()[0] == "结论：需要确认" and "已失效，由新版标准接续" in text


# ---- typed answers to the new questions ----


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("current_level", "四级", "中级工"),
        ("current_level", "高级工", "高级工"),
        ("current_level", "五级/初级工", "初级工"),
        ("current_level", "没有", "none"),
        ("current_level", "还没考过证", "none"),
        ("current_level", "没有证书", "none"),
        ("current_level", "一级", "高级技师"),
        ("work_months", "一年多", 12),
        ("work_months", "六年", 72),
        ("work_months", "干了三年半", 42),
        ("level_months", "两年多", 24),
        ("level_months", "0个月", 0),
        ("education", "技校毕业", "technical_school"),
        ("education", "中专", "technical_school"),
        ("education", "职业高中", "technical_school"),
        ("education", "技师学院", "senior_technical"),
        ("education", "大专", "college"),
        ("education", "本科", "bachelor"),
        ("education", "初中", "none"),
        ("education", "读的中专，专业不对口", "none"),
        ("apprentice", "是，学徒期满了", True),
        ("apprentice", "没当过学徒", False),
    ],
)
def test_answers_in_the_workers_words(
    check: Check, lexicon, key: str, text: str, value: Any
) -> None:
    condition = next(c for c in check.conditions if c.key == key)
    levels = dict(lexicon.surfaces["skill_level"])
    parsed = answers.parse_answer(
        condition.answer_kind, text, today=TODAY, levels=levels, choices=condition.choices
    )
    assert parsed == value


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("work_months", "100年"),
        ("work_months", "呵呵"),
        ("work_months", "😀"),
        ("level_months", "好久"),
        ("current_level", "还行吧"),
        ("education", "？？"),
        ("apprentice", "哈哈"),
    ],
)
def test_nonsense_is_no_answer(check: Check, lexicon, key: str, text: str) -> None:
    condition = next(c for c in check.conditions if c.key == key)
    levels = dict(lexicon.surfaces["skill_level"])
    parsed = answers.parse_answer(
        condition.answer_kind, text, today=TODAY, levels=levels, choices=condition.choices
    )
    assert parsed is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("我干了6年电工，能报几级", {"elig_work_months": "6年"}),
        ("我有四级证，能报技师吗", {"elig_current_level": "四级"}),
        (
            "我考了中级工，拿证以后又干了三年，能考高级工吗",
            {"elig_current_level": "中级", "elig_level_months": "三年"},
        ),
        ("我技校毕业，能报几级", {"elig_education": "我技校毕业，能报几级"}),
        ("我能考高级工吗", {}),
        ("有没有资格报技师", {}),
    ],
)
def test_the_first_message_answers_only_what_it_says(
    check: Check, lexicon, text: str, found: dict[str, str]
) -> None:
    levels = dict(lexicon.surfaces["skill_level"])
    assert answers.prefill_values(text, check.conditions, today=TODAY, levels=levels) == found


# ---- which messages start the check ----


@pytest.mark.parametrize(
    "text",
    [
        "我能报几级",
        "我能考高级工吗",
        "够不够格报技师",
        "我干了6年电工，能报几级",
        "有没有资格考高级技师",
        "我可以报考技师吗",
        "我有四级证，能不能申报三级",
        "俺初中毕业 干了七年钳工 能直接考中级不",
    ],
)
def test_grading_questions_start_the_level_check(text: str) -> None:
    assert eligibility_check_for(text) == SKILL_LEVEL_CHECK


@pytest.mark.parametrize(
    "text",
    [
        "高级工报考条件是什么",
        "高级工能拿多少钱",
        "技师考试什么时候报名",
        "中级工要干几年才能考高级工",
        "考了四级证能领技能提升补贴吗",
        "技能等级证书在哪查",
    ],
)
def test_other_grading_questions_keep_their_path(text: str) -> None:
    assert eligibility_check_for(text) != SKILL_LEVEL_CHECK


# ---- the seed is checked when it loads ----


def seeded_ladder() -> dict[str, Any]:
    items = yaml.safe_load((Path(SEED_DIR) / "eligibility.yml").read_text(encoding="utf-8"))
    return next(i for i in items["checks"] if i["key"] == SKILL_LEVEL_CHECK)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda item: item["ladder"].update(held_by="nobody"), "held_by"),
        (lambda item: item["ladder"]["targets"][0]["paths"][0][0].update(op="~"), "op"),
        (
            lambda item: item["ladder"]["targets"][0]["paths"][0][0].update(condition="x"),
            "no condition",
        ),
        (lambda item: item["ladder"]["targets"][0].update(clause="no.such"), "no clause"),
        (lambda item: item["conditions"][2]["ask_if"][0].update(op="within_months"), "ask_if"),
    ],
)
def test_a_broken_ladder_is_refused(session_factory, change, message: str) -> None:
    item = seeded_ladder()
    change(item)
    with session_factory() as session, pytest.raises(InvalidEntry, match=message):
        put_check(session=session, item=item, actor="test")
