"""Eligibility checks (issue #13): typed answers, the evaluator, and the seeded rules.

Every phrasing here is our own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from knowledge import eligibility_answers as answers
from knowledge.eligibility import (
    ELIGIBLE,
    NEEDS_CONFIRMING,
    NOT_ELIGIBLE,
    Check,
    ClauseRef,
    Condition,
    Verdict,
    card_lines,
    check_problem,
    evaluate,
    summary,
)
from knowledge.eligibility_cues import SKILL_SUBSIDY_CHECK, eligibility_check_for
from knowledge.eligibility_store import load_check
from knowledge.seed_loader import load_seed

TODAY = dt.date(2026, 12, 2)


# ---- typed answers ----


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("一年多", 12),
        ("8个月", 8),
        ("八个月", 8),
        ("没交过", 0),
        ("从来没交", 0),
        ("两年", 24),
        ("交了三年多了", 36),
        ("一年半", 18),
        ("半年", 6),
        ("一年零三个月", 15),
        ("十二个月", 12),
        ("大概20个月吧", 20),
    ],
)
def test_months_in_the_workers_words(text: str, months: int) -> None:
    assert answers.parse_months(text) == months


@pytest.mark.parametrize("text", ["呵呵", "😀", "500个月", "不好说", "", "正在领失业金"])
def test_nonsense_is_no_month_count(text: str) -> None:
    assert answers.parse_months(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("没领过", False), ("没有", False), ("第一次申请", False), ("领过", True), ("有", True)],
)
def test_yes_no(text: str, value: bool) -> None:
    assert answers.parse_yes_no(text) is value


def test_yes_no_nonsense() -> None:
    assert answers.parse_yes_no("哈哈哈") is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("四级", "中级工"),
        ("高级工", "高级工"),
        ("考了个四级电工证", "中级工"),
        ("5级", "初级工"),
        ("高级技师", "高级技师"),  # the longest level word wins over 高级 / 技师
        ("三级证书", "高级工"),
    ],
)
def test_levels_come_from_the_lexicon(lexicon, text: str, level: str) -> None:
    assert answers.parse_level(text, lexicon.surfaces["skill_level"]) == level


@pytest.mark.parametrize(
    ("text", "date", "exact"),
    [
        ("去年五月发的证", dt.date(2025, 5, 1), False),
        ("2026年3月12日", dt.date(2026, 3, 12), True),
        ("2025.11", dt.date(2025, 11, 1), False),
        ("去年五月", dt.date(2025, 5, 1), False),
        ("今年8月", dt.date(2026, 8, 1), False),
        ("三个月前", dt.date(2026, 9, 1), False),
        ("上个月", dt.date(2026, 11, 1), False),
        ("刚发下来", TODAY, False),
    ],
)
def test_issue_dates(text: str, date: dt.date, exact: bool) -> None:
    assert answers.parse_date(text, TODAY) == answers.IssueDate(date, exact)


@pytest.mark.parametrize("text", ["明年三月", "2027年5月", "呵呵", "🙂", "2026年13月", "去年考的"])
def test_future_and_nonsense_dates_are_no_answer(text: str) -> None:
    assert answers.parse_date(text, TODAY) is None


def test_control_words() -> None:
    assert answers.is_stop("算了不查了") and answers.is_skip("不清楚")
    assert answers.wants_human("转人工")
    assert not answers.is_stop("一年多")


# ---- the evaluator ----

CLAUSE_2024 = ClauseRef(
    key="mohrss-2024-40.s3",
    number="三、",
    text="参加失业保险1年以上的企业在职职工……",
    document_title="关于延续实施失业保险援企稳岗政策的通知",
    doc_number="人社部发〔2024〕40号",
    legal_status="time_limited",
    in_force_until=dt.date(2024, 12, 31),
    replaced_by="人社部发〔2025〕18号",
)
CLAUSE_2017 = ClauseRef(
    key="skill-upgrade-subsidy-2017.s2-1",
    number="二、（一）",
    text="职工应在……核发之日起12个月内……申领技能提升补贴。",
    document_title="关于失业保险支持参保职工提升职业技能有关问题的通知",
    doc_number="人社部发〔2017〕40号",
)
MONTHS = Condition(
    key="insurance_months",
    question="您累计交了多长时间的失业保险？",
    slot="months",
    answer_kind="months",
    test={"op": ">=", "value": 12},
    clause=CLAUSE_2024,
    unmet_reason="需要参加失业保险满1年（12个月）",
)
ISSUED = Condition(
    key="certificate_date",
    question="证书是什么时候发的？",
    slot="issued",
    answer_kind="date",
    test={"op": "within_months", "value": 12},
    clause=CLAUSE_2017,
    unmet_reason="要在证书核发之日起12个月内申领",
)
CHECK = Check(
    key="t",
    title="技能提升补贴",
    topic="training_subsidy",
    conditions=[MONTHS, ISSUED],
    confirm_with="参保地失业保险经办机构或12333",
)
IN_FORCE = dt.date(2024, 9, 1)  # while 人社部发〔2024〕40号 applied


def test_all_met_is_eligible_with_the_deadline_left() -> None:
    verdict = evaluate(CHECK, {"months": 14, "issued": "2024-05-01~"}, IN_FORCE)
    assert verdict.verdict == verdict.rule_verdict == ELIGIBLE
    assert [r.met for r in verdict.results] == [True, True]
    assert verdict.deadline == "证书核发之日起12个月内申领，您还剩约8个月"
    assert verdict.results[1].answer == "2024年5月"
    assert summary(verdict).startswith("结论：可以申请")


def test_one_condition_unmet_says_why_and_what_would_change_it() -> None:
    verdict = evaluate(CHECK, {"months": 8, "issued": "2024-05-01~"}, IN_FORCE)
    assert verdict.verdict == NOT_ELIGIBLE
    assert verdict.results[0].met is False and verdict.results[0].answer == "8个月"
    assert "满1年（12个月）" in summary(verdict)
    assert "人社部发〔2024〕40号三、" in card_lines(verdict)[0]


def test_an_unanswered_or_skipped_condition_needs_confirming() -> None:
    verdict = evaluate(CHECK, {"months": answers.UNKNOWN}, IN_FORCE)
    assert verdict.verdict == NEEDS_CONFIRMING
    assert [r.met for r in verdict.results] == [None, None]
    assert verdict.results[0].answer == "不清楚"


def test_a_certificate_past_the_claim_window_is_not_met() -> None:
    verdict = evaluate(CHECK, {"months": 30, "issued": "2023-01-10"}, IN_FORCE)
    assert verdict.results[1].met is False
    assert verdict.results[1].answer == "2023年1月10日"


def test_a_lapsed_rule_is_never_stated_as_current() -> None:
    verdict = evaluate(CHECK, {"months": 14, "issued": "2026-08-01~"}, TODAY)
    assert verdict.rule_verdict == ELIGIBLE
    assert verdict.verdict == NEEDS_CONFIRMING and not verdict.current
    text = summary(verdict)
    assert text.startswith("结论：需要确认")
    assert "执行至2024年12月31日，已到期，由人社部发〔2025〕18号接续" in text
    assert "请向参保地失业保险经办机构或12333确认" in text
    assert "您还剩约8个月" in text


def test_who_to_confirm_a_lapsed_rule_with_is_the_checks_own() -> None:
    union = dataclasses.replace(CHECK, confirm_with="当地工会或12351职工服务热线")
    text = summary(evaluate(union, {"months": 14, "issued": "2026-08-01~"}, TODAY))
    assert "请向当地工会或12351职工服务热线确认" in text and "12333" not in text


MEMBER = Condition(
    key="union_member",
    question="是否要求是工会会员？",
    slot="member",
    answer_kind="yes_no",
    test={"op": "informational", "value": "当地工会"},
    clause=CLAUSE_2024,  # lapsed: an informational condition's clause does not decide either
    unmet_reason="是否要求是工会会员，由当地工会确定",
)


@pytest.mark.parametrize("member", [None, True, False])
def test_an_informational_condition_is_shown_but_never_decides(member: bool | None) -> None:
    check = Check(key="t", title="t", topic="t", conditions=[ISSUED, MEMBER])
    verdict = evaluate(check, {"issued": "2026-08-01~", "member": member}, TODAY)
    assert verdict.verdict == verdict.rule_verdict == ELIGIBLE and verdict.current
    shown = verdict.results[1]
    assert shown.met is None and shown.note == "是否要求是工会会员，由当地工会确定"
    assert [c.key for c in check.needed({})] == ["certificate_date"]  # never asked
    if member is None:
        assert "您的回答" not in card_lines(verdict)[1]
    assert card_lines(verdict)[1].startswith("? 是否要求是工会会员？")
    # the same condition deciding (as a test of the engine, not a rule): it would decide
    deciding = dataclasses.replace(MEMBER, test={"op": "==", "value": True})
    strict = Check(key="t", title="t", topic="t", conditions=[ISSUED, deciding])
    expected = {None: NEEDS_CONFIRMING, True: ELIGIBLE, False: NOT_ELIGIBLE}[member]
    judged = evaluate(strict, {"issued": "2026-08-01~", "member": member}, TODAY)
    assert judged.rule_verdict == expected and not judged.current  # its clause lapsed


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "note"),
    [
        (None, dt.date(2026, 6, 30), "这一条件执行至2026年6月30日，已到期"),
        (dt.date(2027, 1, 1), None, "这一条件自2027年1月1日起才施行"),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), None),
    ],
)
def test_a_condition_outside_its_own_period_is_not_stated_as_current(
    valid_from: dt.date | None, valid_until: dt.date | None, note: str | None
) -> None:
    issued = dataclasses.replace(ISSUED, valid_from=valid_from, valid_until=valid_until)
    verdict: Verdict = evaluate(Check("t", "t", "t", [issued]), {"issued": "2026-08-01~"}, TODAY)
    assert verdict.rule_verdict == ELIGIBLE
    if note is None:
        assert verdict.verdict == ELIGIBLE and verdict.lapse_notes == []
    else:
        assert verdict.verdict == NEEDS_CONFIRMING
        assert verdict.lapse_notes == [f"“{ISSUED.question}”{note}"]


def test_tests_are_declarative_and_checked() -> None:
    bad = Condition("x", "?", "x", "months", {"op": "__import__", "value": 1}, CLAUSE_2017)
    assert "unknown test op" in str(check_problem(bad))
    assert check_problem(MONTHS) is None
    with pytest.raises(ValueError):
        evaluate(Check("c", "c", "t", [bad]), {"x": 3}, TODAY)


# ---- the seeded check ----


def test_the_seeded_check_rests_on_its_clauses(session_factory) -> None:
    with session_factory() as session:
        check = load_check(session=session, key="skill_upgrade_subsidy")
    assert check is not None
    clauses = {c.key: c.clause.key for c in check.conditions}
    assert clauses["insurance_months"] == "mohrss-2024-40.s3"
    assert clauses["certificate_date"] == "skill-upgrade-subsidy-2017.s2-1"
    assert [c.slot for c in check.conditions][:2] == ["elig_worker_status", "elig_insurance_months"]
    months = check.condition_for("elig_insurance_months")
    assert months is not None and months.clause.legal_status == "time_limited"
    assert months.clause.replaced_by == "人社部发〔2025〕18号"


def test_loading_the_seed_again_changes_no_check(session_factory) -> None:
    with session_factory.begin() as session:
        report = load_seed(session=session)
    assert report.checks_seen == 3 and report.checks_changed == 0  # subsidy, level, hardship


def test_a_typical_worker_against_the_seeded_rules(session_factory, lexicon) -> None:
    with session_factory() as session:
        check = load_check(session=session, key="skill_upgrade_subsidy")
    assert check is not None
    said = {
        "elig_worker_status": "在厂里上班",
        "elig_insurance_months": "一年多",
        "elig_certificate_kind": "职业技能等级证书",
        "elig_certificate_level": "四级",
        "elig_certificate_date": "今年八月",
        "elig_claimed_before": "没领过",
    }
    values = {
        c.slot: answers.parse_answer(
            c.answer_kind,
            said[c.slot],
            today=TODAY,
            levels=lexicon.surfaces["skill_level"],
            choices=c.choices,
        )
        for c in check.conditions
    }
    assert values["elig_worker_status"] == "enterprise"
    verdict = evaluate(check, values, TODAY)
    assert [r.met for r in verdict.results] == [True] * 6
    assert verdict.rule_verdict == ELIGIBLE and verdict.verdict == NEEDS_CONFIRMING
    values["elig_certificate_kind"] = answers.parse_choice("叉车证", check.conditions[2].choices)
    assert evaluate(check, values, TODAY).rule_verdict == NOT_ELIGIBLE


# ---- which messages start the check ----


@pytest.mark.parametrize(
    "text",
    [
        "我交了一年多失业保险，能不能领技能提升补贴",
        "刚拿到三级证书，这个补贴我能申请吗",
        "技能提升补贴我符合条件吗",
        "我这种情况够不够格领技能补贴",
        "厂里的老师傅问考证补贴他有没有资格",
    ],
)
def test_own_eligibility_questions_start_the_check(text: str) -> None:
    assert eligibility_check_for(text) == SKILL_SUBSIDY_CHECK


@pytest.mark.parametrize(
    "text",
    [
        "技能提升补贴能领多少钱",
        "技能提升补贴怎么申请",
        "一年可以领几次技能提升补贴吗",
        "职业培训补贴我能不能领",
        "困难职工帮扶我够不够格",
        "公租房我能申请吗",
    ],
)
def test_other_questions_keep_their_answer_path(text: str) -> None:
    assert eligibility_check_for(text) is None


def test_a_named_other_subsidy_wins_over_the_words() -> None:
    entities = [{"entity": "subsidy_type", "value": "以工代训补贴"}]
    assert eligibility_check_for("我能不能领这个补贴", entities) is None
