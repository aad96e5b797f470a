"""Admin changes to eligibility conditions (issue #13): an edit or a region's new variant waits
for review and changes no verdict until published; publishing is a new version with an audit
line, discarding leaves the live condition; restore, validity and a region's variant picked by
the worker's region (city → province → 全国). SQLite, seeded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from knowledge import content_versions as versions
from knowledge import eligibility_review as review
from knowledge import eligibility_writes as writes
from knowledge.catalogue import ValidationFailed
from knowledge.eligibility import NEEDS_CONFIRMING, NOT_ELIGIBLE, evaluate
from knowledge.eligibility_store import load_check
from knowledge.errors import ConditionNotFound
from knowledge.models import AuditEntry, EligibilityCheck, EligibilityCondition
from knowledge.seed_loader import load_seed

TODAY = dt.date(2026, 12, 2)
CHECK = "skill_upgrade_subsidy"


def months_id(session, region: str = "全国") -> int:
    return session.execute(
        select(EligibilityCondition.id)
        .join(EligibilityCheck)
        .where(
            EligibilityCheck.key == CHECK,
            EligibilityCondition.key == "insurance_months",
            EligibilityCondition.region == region,
        )
    ).scalar_one()


def months_test(session_factory, chain: list[str] | None = None) -> dict:
    """The months test a worker in ``chain`` gets: picked by the store, and by the engine."""
    with session_factory() as session:
        picked = load_check(session=session, key=CHECK, region_chain=chain)
        stored = load_check(session=session, key=CHECK)
    assert picked is not None and stored is not None
    by_store = picked.condition_for("elig_insurance_months", chain or ())
    condition = stored.condition_for("elig_insurance_months", chain or ())
    assert by_store is not None and condition is not None
    assert by_store.test == condition.test
    return dict(condition.test)


def audit_lines(session) -> list[AuditEntry]:
    return list(
        session.execute(
            select(AuditEntry).where(AuditEntry.kind == versions.CONDITION).order_by(AuditEntry.id)
        ).scalars()
    )


def propose(session_factory, lexicon, values: dict, condition_id: int | None = None) -> bool:
    with session_factory.begin() as session:
        return review.propose_change(
            session=session,
            condition_id=condition_id or months_id(session),
            values=values,
            actor="xiaoli",
            regions=lexicon.regions,
        )


def approve(session_factory, lexicon, condition_id: int | None = None) -> bool:
    with session_factory.begin() as session:
        return review.approve_change(
            session=session,
            condition_id=condition_id or months_id(session),
            actor="zhuren",
            regions=lexicon.regions,
        )


def test_an_edit_waits_for_review_and_only_publishing_changes_the_check(
    session_factory, lexicon
) -> None:
    assert propose(
        session_factory, lexicon, {"test": {"op": ">=", "value": "6"}, "hint": "比如8个月"}
    )
    # saved for review: the check still reads the live condition
    assert months_test(session_factory) == {"op": ">=", "value": 12}
    with session_factory() as session:
        row = session.get(EligibilityCondition, months_id(session))
        assert row.version == 1 and row.pending_by == "xiaoli"
        assert row.pending == {"hint": "比如8个月", "test": {"op": ">=", "value": 6}}
        assert versions.history(session=session, kind=versions.CONDITION, item_id=row.id) == []
        found = review.review_of(session=session, row=row)
        assert found is not None and not found.variant
        assert {c.field: (c.before, c.after) for c in found.changes}["test"] == (
            {"op": ">=", "value": 12},
            {"op": ">=", "value": 6},
        )
        assert review.waiting_count(session=session) == 1
        [line] = audit_lines(session)
        assert (line.action, line.actor) == ("propose", "xiaoli") and "待审核" in line.detail
    # the same proposal again writes nothing
    assert not propose(session_factory, lexicon, {"test": {"op": ">=", "value": 6}})
    # published: a new version, and the next check reads it
    assert approve(session_factory, lexicon)
    assert months_test(session_factory) == {"op": ">=", "value": 6}
    with session_factory() as session:
        row = session.get(EligibilityCondition, months_id(session))
        assert row.version == 2 and row.pending is None and row.hint == "比如8个月"
        history = versions.history(session=session, kind=versions.CONDITION, item_id=row.id)
        assert [(r.version, r.action, r.author) for r in history] == [
            (2, "publish", "zhuren"),
            (1, "baseline", "seed"),
        ]
        assert history[1].data["test"] == {"op": ">=", "value": 12}
        lines = audit_lines(session)
        assert [(a.action, a.actor) for a in lines] == [
            ("propose", "xiaoli"),
            ("publish", "zhuren"),
        ]
        assert "第2版" in lines[1].detail and "判断标准" in lines[1].detail
        assert "xiaoli提交" in lines[1].detail
        assert review.review_of(session=session, row=row) is None
    # nothing waits any more
    with pytest.raises(ValidationFailed) as failed:
        approve(session_factory, lexicon)
    assert list(failed.value.errors) == ["pending"]


def test_a_partial_edit_adds_to_what_waits_and_going_back_to_live_withdraws_it(
    session_factory, lexicon
) -> None:
    propose(session_factory, lexicon, {"hint": "比如8个月"})
    propose(session_factory, lexicon, {"test": {"op": ">=", "value": 6}})
    with session_factory() as session:
        row = session.get(EligibilityCondition, months_id(session))
        assert set(row.pending) == {"hint", "test"}
        live_hint = versions.snapshot(row)["hint"]
    assert propose(session_factory, lexicon, {"hint": live_hint, "test": {"op": ">=", "value": 12}})
    with session_factory() as session:
        row = session.get(EligibilityCondition, months_id(session))
        assert row.pending is None and row.pending_by is None
        assert audit_lines(session)[-1].action == "discard"


def test_discarding_leaves_the_live_condition(session_factory, lexicon) -> None:
    propose(session_factory, lexicon, {"test": {"op": ">=", "value": 6}})
    with session_factory.begin() as session:
        assert not review.discard_change(
            session=session, condition_id=months_id(session), actor="zhuren"
        )
    assert months_test(session_factory) == {"op": ">=", "value": 12}
    with session_factory() as session:
        row = session.get(EligibilityCondition, months_id(session))
        assert row.pending is None and row.version == 1
        line = audit_lines(session)[-1]
        assert line.action == "discard" and "xiaoli提交的修改" in line.detail
        with pytest.raises(ValidationFailed):
            review.discard_change(session=session, condition_id=row.id, actor="zhuren")


def test_restore_saves_an_old_version_again_at_once(session_factory, lexicon) -> None:
    propose(session_factory, lexicon, {"test": {"op": ">=", "value": 6}})
    approve(session_factory, lexicon)
    with session_factory.begin() as session:
        assert writes.restore_condition(
            session=session,
            condition_id=months_id(session),
            version=1,
            actor="zhuren",
            regions=lexicon.regions,
        )
    assert months_test(session_factory) == {"op": ">=", "value": 12}
    with session_factory() as session:
        condition_id = months_id(session)
        history = versions.history(session=session, kind=versions.CONDITION, item_id=condition_id)
        assert [(r.version, r.action) for r in history][0] == (3, "restore")
        with pytest.raises(versions.VersionNotFound):
            writes.restore_condition(
                session=session,
                condition_id=condition_id,
                version=9,
                actor="zhuren",
                regions=lexicon.regions,
            )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"test": {"op": "__import__", "value": 1}}, "test"),
        ({"test": {"op": ">=", "value": "很多"}}, "test"),
        ({"question": ""}, "question"),
        ({"region": "火星"}, "region"),
        ({"clause": "no-such-clause"}, "clause"),
        ({"slot": "elig_other"}, "slot"),
        ({"valid_from": "明年"}, "valid_from"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-01-01"}, "valid_until"),
    ],
)
def test_bad_edits_are_refused_field_by_field(session_factory, lexicon, values, field) -> None:
    with pytest.raises(ValidationFailed) as failed:
        propose(session_factory, lexicon, values)
    assert list(failed.value.errors) == [field]
    with session_factory() as session:
        assert session.get(EligibilityCondition, months_id(session)).pending is None
    assert months_test(session_factory) == {"op": ">=", "value": 12}


def test_an_unknown_condition_is_not_found(session_factory, lexicon) -> None:
    with session_factory() as session, pytest.raises(ConditionNotFound):
        review.propose_change(
            session=session, condition_id=99999, values={}, actor="x", regions=lexicon.regions
        )


def test_a_published_period_that_has_ended_makes_the_verdict_needs_confirming(
    session_factory, lexicon
) -> None:
    propose(session_factory, lexicon, {"valid_until": "2026-06-30"})
    with session_factory() as session:
        check = load_check(session=session, key=CHECK)
    assert check is not None and check.condition_for("elig_insurance_months").valid_until is None
    approve(session_factory, lexicon)
    with session_factory() as session:
        check = load_check(session=session, key=CHECK)
    assert check is not None
    verdict = evaluate(check, {"elig_insurance_months": 20}, TODAY)
    assert verdict.verdict == NEEDS_CONFIRMING
    assert any("执行至2026年6月30日，已到期" in note for note in verdict.lapse_notes)


def test_editing_op_and_value_keeps_an_any_in_tests_unsure_answers(
    session_factory, lexicon
) -> None:
    with session_factory() as session:
        cause_id = session.execute(
            select(EligibilityCondition.id).where(EligibilityCondition.key == "hardship_cause")
        ).scalar_one()
    value = "illness、injury"
    propose(session_factory, lexicon, {"test": {"op": "any_in", "value": value}}, cause_id)
    approve(session_factory, lexicon, cause_id)
    with session_factory() as session:
        test = session.get(EligibilityCondition, cause_id).test
    assert test == {"op": "any_in", "value": ["illness", "injury"], "unsure": ["other"]}


def test_a_region_variant_waits_for_review_then_applies_to_that_region_only(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        variant = review.propose_variant(
            session=session,
            condition_id=months_id(session),
            region="广东",
            values={"test": {"op": ">=", "value": "6"}},
            actor="xiaoli",
            regions=lexicon.regions,
        )
        variant_id = variant.id
        assert variant.status == "draft" and variant.version == 1
        with pytest.raises(ValidationFailed) as failed:  # one variant per region, drafts too
            review.propose_variant(
                session=session,
                condition_id=months_id(session),
                region="广东",
                values={},
                actor="zhuren",
                regions=lexicon.regions,
            )
        assert "待审核" in failed.value.errors["region"]
        found = review.review_of(session=session, row=variant)
        assert found is not None and found.variant
        changes = {c.field: (c.before, c.after) for c in found.changes}
        assert changes["region"] == ("全国", "广东")
        assert changes["test"] == ({"op": ">=", "value": 12}, {"op": ">=", "value": 6})
    # a draft: no worker gets it yet
    assert months_test(session_factory, lexicon.region_chain("广州")) == {"op": ">=", "value": 12}
    assert approve(session_factory, lexicon, variant_id)
    assert months_test(session_factory, lexicon.region_chain("广州")) == {"op": ">=", "value": 6}
    assert months_test(session_factory, lexicon.region_chain("广东")) == {"op": ">=", "value": 6}
    assert months_test(session_factory, lexicon.region_chain("北京")) == {"op": ">=", "value": 12}
    assert months_test(session_factory, None) == {"op": ">=", "value": 12}
    with session_factory() as session:
        history = versions.history(session=session, kind=versions.CONDITION, item_id=variant_id)
        assert [(r.version, r.action) for r in history] == [(1, "publish")]
        assert [a.action for a in audit_lines(session)] == ["propose", "publish"]
        check = load_check(session=session, key=CHECK)
    # the same worker (8 months) against each region's rules
    assert check is not None
    guangzhou, beijing = lexicon.region_chain("广州"), lexicon.region_chain("北京")
    assert len(check.applicable(guangzhou)) == len(check.applicable(beijing)) == 6
    values = {"elig_insurance_months": 8}
    months = {r.condition.key: r.met for r in evaluate(check, values, TODAY, guangzhou).results}
    assert months["insurance_months"] is True
    national = evaluate(check, values, TODAY, beijing)
    assert {r.condition.key: r.met for r in national.results}["insurance_months"] is False
    assert national.rule_verdict == NOT_ELIGIBLE


def test_discarding_a_draft_variant_deletes_it(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        variant_id = review.propose_variant(
            session=session,
            condition_id=months_id(session),
            region="广东",
            values={"test": {"op": ">=", "value": 6}},
            actor="xiaoli",
            regions=lexicon.regions,
        ).id
    with session_factory.begin() as session:
        assert review.discard_change(session=session, condition_id=variant_id, actor="zhuren")
    with session_factory() as session:
        assert session.get(EligibilityCondition, variant_id) is None
        assert [a.action for a in audit_lines(session)] == ["propose", "discard"]
    assert months_test(session_factory, lexicon.region_chain("广州")) == {"op": ">=", "value": 12}


def test_publishing_checks_the_change_again(session_factory, lexicon) -> None:
    """A region change waiting while another admin's 广东 variant was published meanwhile."""
    with session_factory() as session:
        level_id = session.execute(
            select(EligibilityCondition.id).where(EligibilityCondition.key == "certificate_level")
        ).scalar_one()
    propose(session_factory, lexicon, {"region": "广东"}, level_id)
    with session_factory.begin() as session:
        variant_id = review.propose_variant(
            session=session,
            condition_id=level_id,
            region="广东",
            values={},
            actor="zhuren",
            regions=lexicon.regions,
        ).id
    approve(session_factory, lexicon, variant_id)
    with pytest.raises(ValidationFailed) as failed:
        approve(session_factory, lexicon, level_id)
    assert list(failed.value.errors) == ["region"]
    with session_factory() as session:
        row = session.get(EligibilityCondition, level_id)
        assert row.region == "全国" and row.pending == {"region": "广东"}


def test_the_seed_loader_leaves_edited_conditions_and_variants_alone(
    session_factory, lexicon
) -> None:
    propose(session_factory, lexicon, {"test": {"op": ">=", "value": 6}})
    approve(session_factory, lexicon)
    with session_factory.begin() as session:
        published = review.propose_variant(
            session=session,
            condition_id=months_id(session),
            region="广东",
            values={"test": {"op": ">=", "value": 3}},
            actor="zhuren",
            regions=lexicon.regions,
        ).id
        review.propose_variant(
            session=session,
            condition_id=months_id(session),
            region="北京",
            values={"test": {"op": ">=", "value": 9}},
            actor="zhuren",
            regions=lexicon.regions,
        )
    approve(session_factory, lexicon, published)
    propose(session_factory, lexicon, {"hint": "待审核的提示"})
    with session_factory.begin() as session:
        load_seed(session=session)
    assert months_test(session_factory) == {"op": ">=", "value": 6}
    assert months_test(session_factory, lexicon.region_chain("广东")) == {"op": ">=", "value": 3}
    assert months_test(session_factory, lexicon.region_chain("北京")) == {"op": ">=", "value": 6}
    with session_factory() as session:
        row = session.get(EligibilityCondition, months_id(session))
        assert row.pending == {"hint": "待审核的提示"}
        assert session.get(EligibilityCondition, months_id(session, "北京")).status == "draft"


@pytest.mark.parametrize("region", ["", "全国"])
def test_a_variant_for_the_conditions_own_region_is_refused(
    session_factory, lexicon, region
) -> None:
    """Found by the console fuzz test: an empty region meant 全国, the condition's own, and the
    insert hit the unique constraint (a 500)."""
    with session_factory() as session:
        with pytest.raises(ValidationFailed) as failed:
            review.propose_variant(
                session=session,
                condition_id=months_id(session),
                region=region,
                values={},
                actor="xiaoli",
                regions=lexicon.regions,
            )
        assert "省或城市" in failed.value.errors["region"]
        session.rollback()
