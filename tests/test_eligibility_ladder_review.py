"""Admin edits of the skill-grading ladder (issue #13): a level's paths are checked, wait for
review beside the live ladder and change no verdict until published; publishing is a new
version with an audit line, discarding leaves the live ladder, restoring an old version is at
once, and the seed loader leaves an edited ladder alone. SQLite, seeded."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from knowledge import eligibility_ladder_review as review
from knowledge.catalogue import ValidationFailed
from knowledge.content_versions import LADDER, VersionNotFound
from knowledge.eligibility_cues import SKILL_LEVEL_CHECK
from knowledge.eligibility_ladder import evaluate_ladder
from knowledge.eligibility_store import load_check
from knowledge.errors import LadderNotFound
from knowledge.models import AuditEntry, EligibilityCheck
from knowledge.seed_loader import load_seed

TODAY = dt.date(2026, 12, 2)
# a 中级工 holder three years on, schooled at a 技校: 高级工 opens after five years
WORKER = {
    "elig_current_level": "中级工",
    "elig_level_months": 36,
    "elig_work_months": 120,
    "elig_education": "technical_school",
}
HELD = {"condition": "current_level", "op": "==", "value": "中级工", "text": "持有四级/中级工证书"}


def since(months: Any) -> dict[str, Any]:
    return {
        "condition": "level_months",
        "op": ">=",
        "value": months,
        "text": "取得四级/中级工证书后累计从事本职业或相关职业工作满3年",
    }


def check_id(session) -> int:
    return session.execute(
        select(EligibilityCheck.id).where(EligibilityCheck.key == SKILL_LEVEL_CHECK)
    ).scalar_one()


def level3_paths(session_factory, *, pending: bool = False) -> list:
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        ladder = row.ladder_pending if pending else row.ladder
        return next(t["paths"] for t in ladder["targets"] if t["key"] == "level3")


def granted(session_factory) -> str | None:
    """The level the worker may apply for now, by the check as the bot reads it."""
    with session_factory() as session:
        check = load_check(session=session, key=SKILL_LEVEL_CHECK)
    assert check is not None
    verdict = evaluate_ladder(check, WORKER, TODAY)
    return verdict.granted.target.level if verdict.granted else None


def propose(session_factory, paths: Any, target: str = "level3", actor: str = "xiaoli") -> bool:
    with session_factory.begin() as session:
        return review.propose_target(
            session=session, check_id=check_id(session), target_key=target, paths=paths, actor=actor
        )


def approve(session_factory) -> bool:
    with session_factory.begin() as session:
        return review.approve_ladder(session=session, check_id=check_id(session), actor="zhuren")


def audit_lines(session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.kind == LADDER).order_by(AuditEntry.id)
    ).scalars()
    return [(a.action, a.actor, a.detail) for a in rows]


def edited(session_factory) -> list:
    """Level 3's paths with its first path's five years made three (typed as in a form)."""
    paths = copy.deepcopy(level3_paths(session_factory))
    paths[0] = [HELD, since("36")]
    return paths


def test_an_edit_waits_for_review_and_only_publishing_changes_the_verdict(session_factory) -> None:
    assert granted(session_factory) is None
    assert propose(session_factory, edited(session_factory))
    # waiting: the check still reads the live ladder
    assert granted(session_factory) is None
    assert level3_paths(session_factory)[0][1]["value"] == 60
    assert level3_paths(session_factory, pending=True)[0][1]["value"] == 36  # text -> months
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        found = review.review_of(row)
        assert found is not None and found.changed == ["level3"] and found.by == "xiaoli"
        assert review.waiting_count(session=session) == 1
        assert review.history(session=session, check_id=row.id) == []
        [line] = audit_lines(session)
        assert line[:2] == ("propose", "xiaoli") and "待审核：三级/高级工" in line[2]
    assert not propose(session_factory, edited(session_factory))  # the same again: nothing
    assert approve(session_factory)
    assert granted(session_factory) == "高级工"
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        assert row.ladder_version == 2 and row.ladder_pending is None
        history = review.history(session=session, check_id=row.id)
        assert [(r.version, r.action, r.author) for r in history] == [
            (2, "publish", "zhuren"),
            (1, "baseline", "seed"),
        ]
        assert history[1].data["ladder"]["targets"][2]["paths"][0][1]["value"] == 60
        lines = audit_lines(session)
        assert [line[:2] for line in lines] == [("propose", "xiaoli"), ("publish", "zhuren")]
        assert "第2版：三级/高级工（xiaoli提交）" in lines[1][2]
    with pytest.raises(ValidationFailed) as failed:
        approve(session_factory)
    assert list(failed.value.errors) == ["pending"]


def test_discarding_leaves_the_live_ladder_and_going_back_withdraws(session_factory) -> None:
    live = level3_paths(session_factory)
    assert propose(session_factory, edited(session_factory))
    assert propose(session_factory, live)  # back to the live paths: the proposal is withdrawn
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        assert row.ladder_pending is None and row.ladder_pending_by is None
        assert audit_lines(session)[-1][0] == "discard"
    assert propose(session_factory, edited(session_factory))
    with session_factory.begin() as session:
        review.discard_ladder(session=session, check_id=check_id(session), actor="zhuren")
    assert granted(session_factory) is None and level3_paths(session_factory) == live
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        assert row.ladder_pending is None and row.ladder_version == 1
        assert audit_lines(session)[-1][:2] == ("discard", "zhuren")
        assert "放弃xiaoli提交的修改：三级/高级工" in audit_lines(session)[-1][2]
    with pytest.raises(ValidationFailed), session_factory.begin() as session:
        review.discard_ladder(session=session, check_id=check_id(session), actor="zhuren")


def test_adding_and_removing_paths_and_requirements(session_factory) -> None:
    paths = copy.deepcopy(level3_paths(session_factory))
    del paths[2]  # the 大专 path goes
    paths[1].append(since(12))  # the 高级技工 path now also needs a year
    paths.append([{**since(24), "text": "取证后满2年"}, HELD])  # a new path
    assert propose(session_factory, paths)
    assert approve(session_factory)
    stored = level3_paths(session_factory)
    assert len(stored) == 3 and len(stored[1]) == 3 and stored[2][0]["value"] == 24
    assert granted(session_factory) == "高级工"  # 36 months >= 24 by the new path


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ({**since(36), "condition": "salary"}, "没有“salary”这个条件"),
        ({**since(36), "op": "within_months"}, "这个比较方式不适用于这类回答"),
        ({**since(36), "op": "in"}, "这个比较方式不适用于这类回答"),
        (since("三年"), "月数请填0到600之间的整数"),
        (since(601), "月数请填0到600之间的整数"),
        (since(-1), "月数请填0到600之间的整数"),
        ({**HELD, "value": "特级工"}, "没有“特级工”这个等级"),
        ({**HELD, "value": "初级工、中级工"}, "只能填一个值"),
        ({**HELD, "op": ">="}, "这个比较方式不适用于这类回答"),
        (
            {"condition": "education", "op": "in", "value": ["college", "phd"], "text": "大专"},
            "没有“phd”这个选项",
        ),
        (
            {"condition": "apprentice", "op": "==", "value": "也许", "text": "学徒期满"},
            "请填“是”或“否”",
        ),
        ({**since(36), "text": "  "}, "请用一句话写明这项要求"),
    ],
)
def test_bad_requirements_are_refused_and_nothing_changes(
    session_factory, requirement, message
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        propose(session_factory, [[HELD, requirement]])
    assert list(failed.value.errors) == ["p0.r1"]
    assert (
        message in failed.value.errors["p0.r1"] and "第1条路径第2项" in failed.value.errors["p0.r1"]
    )
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        assert row.ladder_pending is None and audit_lines(session) == []


def test_values_by_label_and_a_level_with_no_path_are_handled(session_factory) -> None:
    with pytest.raises(ValidationFailed) as failed:
        propose(session_factory, [])
    assert list(failed.value.errors) == ["paths"]
    with pytest.raises(ValidationFailed):
        propose(session_factory, "not paths")
    with pytest.raises(LadderNotFound):
        propose(session_factory, [[HELD]], target="level9")
    education = {
        "condition": "education",
        "op": "in",
        "value": "大专、高职、本科及以上",
        "text": "大专",
    }
    apprentice = {"condition": "apprentice", "op": "==", "value": "是", "text": "学徒期满"}
    assert propose(session_factory, [[HELD, education], [apprentice]])
    paths = level3_paths(session_factory, pending=True)
    assert paths[0][1]["value"] == ["college", "bachelor"] and paths[1][0]["value"] is True
    with session_factory() as session:
        subsidy = session.execute(
            select(EligibilityCheck.id).where(EligibilityCheck.key == "skill_upgrade_subsidy")
        ).scalar_one()
    with pytest.raises(LadderNotFound), session_factory() as session:
        review.get_ladder_check(session=session, check_id=subsidy)


def test_restore_saves_an_old_version_again_at_once(session_factory) -> None:
    propose(session_factory, edited(session_factory))
    approve(session_factory)
    assert granted(session_factory) == "高级工"
    with session_factory.begin() as session:
        assert review.restore_ladder(
            session=session, check_id=check_id(session), version=1, actor="zhuren"
        )
    assert granted(session_factory) is None
    with session_factory() as session:
        row = session.get(EligibilityCheck, check_id(session))
        assert row.ladder_version == 3
        history = review.history(session=session, check_id=row.id)
        assert [(r.version, r.action) for r in history][0] == (3, "restore")
        assert audit_lines(session)[-1][:2] == ("restore", "zhuren")
        assert "恢复第1版" in audit_lines(session)[-1][2]
    with session_factory.begin() as session:  # the live one again: nothing to save
        assert not review.restore_ladder(
            session=session, check_id=check_id(session), version=3, actor="zhuren"
        )
    with pytest.raises(VersionNotFound), session_factory.begin() as session:
        review.restore_ladder(session=session, check_id=check_id(session), version=9, actor="z")


def test_the_seed_loader_leaves_an_edited_ladder_alone(session_factory) -> None:
    propose(session_factory, edited(session_factory))
    approve(session_factory)
    paths = copy.deepcopy(level3_paths(session_factory))
    paths[0][1] = since(30)
    propose(session_factory, paths)
    with session_factory.begin() as session:
        load_seed(session=session)
    assert level3_paths(session_factory)[0][1]["value"] == 36
    assert level3_paths(session_factory, pending=True)[0][1]["value"] == 30
