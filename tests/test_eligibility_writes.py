"""Admin edits of eligibility conditions (issue #13): versions, audit lines, restore, and a
region's variant picked by the worker's region (city → province → 全国). SQLite, seeded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from knowledge import content_versions as versions
from knowledge import eligibility_writes as writes
from knowledge.catalogue import ValidationFailed
from knowledge.eligibility import NOT_ELIGIBLE, evaluate
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
    assert condition is not None
    return dict(condition.test)


def audit_lines(session) -> list[AuditEntry]:
    return list(
        session.execute(
            select(AuditEntry).where(AuditEntry.kind == versions.CONDITION).order_by(AuditEntry.id)
        ).scalars()
    )


def test_an_edit_is_a_new_version_with_an_audit_line_and_the_check_reads_it(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        condition_id = months_id(session)
        changed = writes.update_condition(
            session=session,
            condition_id=condition_id,
            values={"test": {"op": ">=", "value": "6"}, "hint": "比如“8个月”"},
            actor="zhuren",
            regions=lexicon.regions,
        )
    assert changed
    assert months_test(session_factory) == {"op": ">=", "value": 6}
    with session_factory() as session:
        row = session.get(EligibilityCondition, condition_id)
        assert row.version == 2
        history = versions.history(session=session, kind=versions.CONDITION, item_id=row.id)
        assert [(r.version, r.action) for r in history] == [(2, "edit"), (1, "baseline")]
        assert history[1].data["test"] == {"op": ">=", "value": 12}
        [line] = audit_lines(session)
        assert line.actor == "zhuren" and line.item_id == condition_id
        assert "第2版" in line.detail and "判断标准" in line.detail
    # saving the same values again writes nothing
    with session_factory.begin() as session:
        assert not writes.update_condition(
            session=session,
            condition_id=condition_id,
            values={"test": {"op": ">=", "value": 6}},
            actor="zhuren",
            regions=lexicon.regions,
        )
        assert len(audit_lines(session)) == 1


def test_restore_saves_the_old_version_again(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        condition_id = months_id(session)
        writes.update_condition(
            session=session,
            condition_id=condition_id,
            values={"test": {"op": ">=", "value": 6}},
            actor="zhuren",
            regions=lexicon.regions,
        )
    with session_factory.begin() as session:
        assert writes.restore_condition(
            session=session,
            condition_id=condition_id,
            version=1,
            actor="zhuren",
            regions=lexicon.regions,
        )
    assert months_test(session_factory) == {"op": ">=", "value": 12}
    with session_factory() as session:
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
    ],
)
def test_bad_edits_are_refused_field_by_field(session_factory, lexicon, values, field) -> None:
    with session_factory.begin() as session:
        with pytest.raises(ValidationFailed) as failed:
            writes.update_condition(
                session=session,
                condition_id=months_id(session),
                values=values,
                actor="zhuren",
                regions=lexicon.regions,
            )
    assert list(failed.value.errors) == [field]
    assert months_test(session_factory) == {"op": ">=", "value": 12}


def test_an_unknown_condition_is_not_found(session_factory, lexicon) -> None:
    with session_factory() as session, pytest.raises(ConditionNotFound):
        writes.update_condition(
            session=session, condition_id=99999, values={}, actor="x", regions=lexicon.regions
        )


def test_a_region_variant_applies_to_that_region_and_its_cities_only(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        variant = writes.add_variant(
            session=session,
            condition_id=months_id(session),
            region="广东",
            values={"test": {"op": ">=", "value": "6"}},
            actor="zhuren",
            regions=lexicon.regions,
        )
        assert variant.version == 1 and variant.region == "广东"
        with pytest.raises(ValidationFailed):  # one variant per region
            writes.add_variant(
                session=session,
                condition_id=months_id(session),
                region="广东",
                values={},
                actor="zhuren",
                regions=lexicon.regions,
            )
    assert months_test(session_factory, lexicon.region_chain("广州")) == {"op": ">=", "value": 6}
    assert months_test(session_factory, lexicon.region_chain("广东")) == {"op": ">=", "value": 6}
    assert months_test(session_factory, lexicon.region_chain("北京")) == {"op": ">=", "value": 12}
    assert months_test(session_factory, None) == {"op": ">=", "value": 12}
    # the same worker (8 months) against each region's rules
    with session_factory() as session:
        check = load_check(session=session, key=CHECK)
    assert check is not None
    guangzhou, beijing = lexicon.region_chain("广州"), lexicon.region_chain("北京")
    assert len(check.applicable(guangzhou)) == len(check.applicable(beijing)) == 6
    values = {"elig_insurance_months": 8}
    months = {r.condition.key: r.met for r in evaluate(check, values, TODAY, guangzhou).results}
    assert months["insurance_months"] is True
    national = evaluate(check, values, TODAY, beijing)
    assert {r.condition.key: r.met for r in national.results}["insurance_months"] is False
    assert national.rule_verdict == NOT_ELIGIBLE


def test_the_seed_loader_leaves_edited_conditions_and_variants_alone(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        condition_id = months_id(session)
        writes.update_condition(
            session=session,
            condition_id=condition_id,
            values={"test": {"op": ">=", "value": 6}},
            actor="zhuren",
            regions=lexicon.regions,
        )
        writes.add_variant(
            session=session,
            condition_id=condition_id,
            region="广东",
            values={"test": {"op": ">=", "value": 3}},
            actor="zhuren",
            regions=lexicon.regions,
        )
    with session_factory.begin() as session:
        load_seed(session=session)
    assert months_test(session_factory) == {"op": ">=", "value": 6}
    assert months_test(session_factory, lexicon.region_chain("广东")) == {"op": ">=", "value": 3}
