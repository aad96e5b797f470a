"""Review of admins' changes to eligibility conditions (issue #13), like FAQ drafts.

An admin's edit of a published condition is checked and stored beside it as its pending
change (only the fields that differ, in version-snapshot form); a region's new variant is
stored as a draft row. Neither reaches a worker's verdict (``eligibility_store`` reads
published conditions only) until an admin publishes it (发布): then the edit is checked again
and saved as the condition's next version (``eligibility_writes.save``), or the draft becomes
a published condition at version 1. Discarding (放弃) clears the change or deletes the draft.
Every step is an audit line. Restoring an old version (every stored version was published
once) and removing a variant stay immediate (``eligibility_writes``). Repository functions:
the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import NATIONAL, ConditionStatus
from knowledge import content_versions as versions
from knowledge.catalogue import ValidationFailed
from knowledge.eligibility_writes import (
    apply_values,
    audit_condition,
    clean_values,
    get_condition,
    refuse_taken,
    save,
    touch,
)
from knowledge.models import EligibilityCondition, PolicyClause

DRAFT, PUBLISHED = ConditionStatus.draft.value, ConditionStatus.published.value
COPIED = (
    "check_id",
    "key",
    "position",
    "question",
    "slot",
    "answer_kind",
    "choices",
    "test",
    "hint",
    "unmet_reason",
    "clause_id",
    "valid_from",
    "valid_until",
    "ask_if",
    "prefill",
)


@dataclass(frozen=True)
class Review:
    """What waits for review on one condition: the live state and the proposed one (both as
    version snapshots), who proposed it and when. ``variant``: a new region's draft, compared
    with the national condition it would replace for that region's workers."""

    variant: bool
    live: dict[str, Any]
    proposed: dict[str, Any]
    by: str
    at: dt.datetime | None

    @property
    def changes(self) -> list[versions.FieldChange]:
        return versions.diff(self.live, self.proposed)


def _name(row: EligibilityCondition) -> str:
    return f"{row.check.title}·{row.key}（{row.region}）"


def proposal_detail(name: str, labels: str, withdrawn: bool) -> str:
    """The audit line of an edit stored for review, or of one that withdrew the edit waiting
    (it left the item as it is); also for ladders (``eligibility_ladder_review``)."""
    if withdrawn:
        return f"{name} 修改后与现行版本相同，撤回待审核的修改"
    return f"{name} 提交修改，待审核：{labels}"


def cleared_detail(name: str, proposer: str) -> str:
    """The audit line of a published edit that no longer changed anything (it is cleared)."""
    return f"{name} 待审核的修改与现行版本已无不同，已清除（{proposer}提交）"


def discarded_detail(name: str, proposer: str, labels: str) -> str:
    """The audit line of an edit waiting for review that an admin discarded (放弃)."""
    return f"{name} 放弃{proposer}提交的修改：{labels}"


def _nothing_waiting(row: EligibilityCondition) -> ValidationFailed:
    return ValidationFailed(
        {"pending": "这个条件没有待审核的修改"}, f"eligibility condition {row.check.key}.{row.key}"
    )


def _as_snapshot(session: Session, clean: dict[str, Any]) -> dict[str, Any]:
    """Checked values as a version snapshot holds them (the clause by key, dates as text)."""
    out: dict[str, Any] = {}
    for name, value in clean.items():
        if name == "clause_id":
            clause = session.get(PolicyClause, value)
            out["clause"] = clause.key if clause is not None else value
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def review_of(*, session: Session, row: EligibilityCondition) -> Review | None:
    """The change waiting on ``row``, or None."""
    if row.status == DRAFT:
        national = session.execute(
            select(EligibilityCondition).where(
                EligibilityCondition.check_id == row.check_id,
                EligibilityCondition.key == row.key,
                EligibilityCondition.region == NATIONAL,
                EligibilityCondition.status == PUBLISHED,
            )
        ).scalar_one_or_none()
        live = versions.snapshot(national) if national is not None else {}
        proposed = versions.snapshot(row)
        return Review(True, live, proposed, row.pending_by or "", row.pending_at)
    if not row.pending:
        return None
    live = versions.snapshot(row)
    proposed = {**live, **row.pending}
    return Review(False, live, proposed, row.pending_by or "", row.pending_at)


def waiting_count(*, session: Session) -> int:
    """Conditions with a change or a draft waiting for review."""
    rows = session.execute(
        select(EligibilityCondition.id).where(
            (EligibilityCondition.status == DRAFT) | EligibilityCondition.pending_at.is_not(None)
        )
    ).all()
    return len(rows)


def propose_change(
    *,
    session: Session,
    condition_id: int,
    values: dict[str, Any],
    actor: str,
    regions: Collection[str],
) -> bool:
    """Store an admin's edit for review; True when what waits changed (an audit line).

    ``values`` may be partial: it is laid over the change already waiting. A change that
    leaves the condition as it is withdraws the one waiting. A draft variant is edited in
    place (it is not live). ``ValidationFailed`` per field, as for a save."""
    row = get_condition(session=session, condition_id=condition_id)
    clean = clean_values(session, row, values, regions)
    if clean.get("region", row.region) != row.region:
        refuse_taken(session, row, clean["region"])
    if row.status == DRAFT:
        return _edit_draft(session, row, clean, actor)
    live = versions.snapshot(row)
    proposed = {**live, **(row.pending or {}), **_as_snapshot(session, clean)}
    pending = {c.field: c.after for c in versions.diff(live, proposed)} or None
    if pending:  # the fields together (a period whose end is before its start)
        clean_values(session, row, {n: proposed[n] for n in pending}, regions)
    if pending == row.pending:
        return False
    withdrawn = row.pending is not None and pending is None
    row.pending, row.pending_by, row.pending_at = pending, actor, utcnow()
    if withdrawn:
        row.pending_by = row.pending_at = None
    labels = "、".join(versions.FIELD_LABELS.get(name, name) for name in pending or ())
    audit_condition(
        session,
        row,
        actor,
        "discard" if withdrawn else "propose",
        proposal_detail(_name(row), labels, withdrawn),
    )
    return True


def _edit_draft(
    session: Session, row: EligibilityCondition, clean: dict[str, Any], actor: str
) -> bool:
    _before, changes = apply_values(session, row, clean)
    if not changes:
        return False
    row.pending_by, row.pending_at = actor, utcnow()
    audit_condition(
        session,
        row,
        actor,
        "propose",
        f"{_name(row)} 修改待审核的地区版本：" + "、".join(c.label for c in changes),
    )
    return True


def propose_variant(
    *,
    session: Session,
    condition_id: int,
    region: str,
    values: dict[str, Any],
    actor: str,
    regions: Collection[str],
) -> EligibilityCondition:
    """A draft copy of the condition for ``region`` with ``values`` applied: no worker gets
    it until an admin publishes it (``ValidationFailed`` when the region has one already)."""
    base = get_condition(session=session, condition_id=condition_id)
    clean = clean_values(session, base, {**values, "region": region}, regions)
    if clean["region"] in (base.region, NATIONAL):  # not a variant: the condition itself
        raise ValidationFailed(
            {"region": "地区版本请填写一个省或城市（不能是全国，也不能和原条件相同）"},
            f"eligibility condition {base.check.key}.{base.key}",
        )
    refuse_taken(session, base, clean["region"])
    copy = {name: getattr(base, name) for name in COPIED}
    row = EligibilityCondition(
        **{**copy, **clean}, version=1, status=DRAFT, pending_by=actor, pending_at=utcnow()
    )
    session.add(row)
    session.flush()
    session.expire(base.check, ["conditions"])
    audit_condition(
        session,
        row,
        actor,
        "propose",
        f"{row.check.title}·{row.key} 提交新增{row.region}版本，待审核",
    )
    return row


def approve_change(
    *, session: Session, condition_id: int, actor: str, regions: Collection[str]
) -> bool:
    """Publish what waits on the condition (发布): a draft variant becomes live at version 1;
    a pending edit is checked again and saved as the next version. True when the live rules
    changed; a change that no longer changes anything is cleared (an audit line says so)."""
    row = get_condition(session=session, condition_id=condition_id)
    proposer = row.pending_by or ""
    if row.status == DRAFT:
        row.status, row.pending_by, row.pending_at = PUBLISHED, None, None
        session.flush()
        versions.record(session=session, item=row, action="publish", author=actor)
        touch(row, actor)
        audit_condition(
            session,
            row,
            actor,
            "publish",
            f"{row.check.title}·{row.key} 发布{row.region}版本（{proposer}提交）",
        )
        return True
    if not row.pending:
        raise _nothing_waiting(row)
    clean = clean_values(session, row, dict(row.pending), regions)
    if clean.get("region", row.region) != row.region:
        refuse_taken(session, row, clean["region"])
    row.pending = row.pending_by = row.pending_at = None
    if save(session, row, clean, actor, "publish", note=f"（{proposer}提交）"):
        return True
    audit_condition(session, row, actor, "discard", cleared_detail(_name(row), proposer))
    return False


def discard_change(*, session: Session, condition_id: int, actor: str) -> bool:
    """Discard what waits on the condition (放弃); True when that was a draft variant, which
    is deleted. The live condition stays as it is."""
    row = get_condition(session=session, condition_id=condition_id)
    proposer = row.pending_by or ""
    if row.status == DRAFT:
        audit_condition(
            session,
            row,
            actor,
            "discard",
            f"{row.check.title}·{row.key} 放弃新增的{row.region}版本（{proposer}提交）",
        )
        check = row.check
        session.delete(row)
        session.flush()
        session.expire(check, ["conditions"])
        return True
    if not row.pending:
        raise _nothing_waiting(row)
    labels = "、".join(versions.FIELD_LABELS.get(name, name) for name in row.pending)
    row.pending = row.pending_by = row.pending_at = None
    audit_condition(session, row, actor, "discard", discarded_detail(_name(row), proposer, labels))
    return False
