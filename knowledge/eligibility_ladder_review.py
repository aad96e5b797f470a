"""Review and versions of a check's ladder (issue #13, skill grading), like its conditions.

An admin's edit of one target (level) is checked (``eligibility_ladder_values``) and laid over
the ladder waiting for review (``eligibility_checks.ladder_pending``), beside the live one;
``eligibility_store`` reads only the live ladder, so no verdict changes until an admin
publishes it (发布): then it is checked again and saved as the ladder's next version
(``content_versions``, kind ``ladder``, item the check). Discarding (放弃) clears it. Restoring
an old version (each was published once) is immediate, as for conditions. Every step is an
audit line (kind ``ladder``). Repository functions: the caller owns the transaction.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from knowledge import content_versions as versions
from knowledge.catalogue import ValidationFailed
from knowledge.content_writes import audit
from knowledge.eligibility_ladder_values import (
    changed_targets,
    clean_ladder,
    clean_paths,
    with_target,
)
from knowledge.eligibility_review import cleared_detail, discarded_detail, proposal_detail
from knowledge.errors import LadderNotFound
from knowledge.models import ContentVersion, EligibilityCheck

LADDER = versions.LADDER


@dataclass(frozen=True)
class LadderReview:
    """The ladder waiting for review beside the live one, who proposed it and when."""

    live: dict[str, Any]
    proposed: dict[str, Any]
    by: str
    at: dt.datetime | None

    @property
    def changed(self) -> list[str]:
        """The keys of the targets whose paths the proposal changes."""
        return [t["key"] for t in changed_targets(self.live, self.proposed)]


def get_ladder_check(*, session: Session, check_id: int) -> EligibilityCheck:
    row = session.get(EligibilityCheck, check_id)
    if row is None or not row.ladder:
        raise LadderNotFound(str(check_id))
    return row


def _target(row: EligibilityCheck, target_key: str) -> dict[str, Any]:
    for target in row.ladder["targets"]:
        if target["key"] == target_key:
            return dict(target)
    raise LadderNotFound(f"{row.id}.{target_key}")


def _labels(targets: list[dict[str, Any]]) -> str:
    return "、".join(str(t.get("label") or t["key"]) for t in targets)


def _name(row: EligibilityCheck) -> str:
    return f"{row.title}·等级路径"


def _audit(session: Session, row: EligibilityCheck, actor: str, action: str, detail: str) -> None:
    audit(session=session, actor=actor, action=action, kind=LADDER, item_id=row.id, detail=detail)


def review_of(row: EligibilityCheck) -> LadderReview | None:
    if not row.ladder_pending:
        return None
    return LadderReview(
        row.ladder, row.ladder_pending, row.ladder_pending_by or "", row.ladder_pending_at
    )


def waiting_count(*, session: Session) -> int:
    """Ladders with an edit waiting for review."""
    return len(
        session.execute(
            select(EligibilityCheck.id).where(EligibilityCheck.ladder_pending_at.is_not(None))
        ).all()
    )


def history(*, session: Session, check_id: int) -> list[ContentVersion]:
    return versions.history(session=session, kind=LADDER, item_id=check_id)


def propose_target(
    *, session: Session, check_id: int, target_key: str, paths: Any, actor: str
) -> bool:
    """Store an admin's edit of one target's paths for review; True when what waits changed.
    An edit that leaves the ladder as it is withdraws the one waiting."""
    row = get_ladder_check(session=session, check_id=check_id)
    target = _target(row, target_key)
    clean = clean_paths(row, target_key, paths)
    proposed = with_target(row.ladder_pending or row.ladder, target_key, clean)
    pending = proposed if changed_targets(row.ladder, proposed) else None
    if pending == row.ladder_pending:
        return False
    withdrawn = row.ladder_pending is not None and pending is None
    row.ladder_pending = copy.deepcopy(pending)
    row.ladder_pending_by, row.ladder_pending_at = (None, None) if withdrawn else (actor, utcnow())
    label = str(target.get("label") or target_key)
    action = "discard" if withdrawn else "propose"
    _audit(session, row, actor, action, proposal_detail(_name(row), label, withdrawn))
    return True


def _save(
    session: Session, row: EligibilityCheck, ladder: dict[str, Any], actor: str, action: str
) -> list[dict[str, Any]]:
    """The ladder live as its next version (with a baseline of the first), or nothing when it
    changes nothing; the targets it changed."""
    changed = changed_targets(row.ladder, ladder)
    if not changed:
        return []
    exists = session.execute(
        select(ContentVersion.id).where(
            ContentVersion.kind == LADDER,
            ContentVersion.item_id == row.id,
            ContentVersion.version == row.ladder_version,
        )
    ).first()
    if exists is None:
        _record(session, row, "baseline", row.updated_by or "system")
    row.ladder = copy.deepcopy(ladder)
    row.ladder_version += 1
    _record(session, row, action, actor)
    row.updated_by, row.updated_at = actor, utcnow()
    return changed


def _record(session: Session, row: EligibilityCheck, action: str, author: str) -> None:
    session.add(
        ContentVersion(
            kind=LADDER,
            item_id=row.id,
            version=row.ladder_version,
            data={"ladder": copy.deepcopy(row.ladder)},
            action=action,
            author=author,
        )
    )
    session.flush()


def _nothing_waiting(row: EligibilityCheck) -> ValidationFailed:
    return ValidationFailed(
        {"pending": "等级路径没有待审核的修改"}, f"eligibility ladder {row.key}"
    )


def approve_ladder(*, session: Session, check_id: int, actor: str) -> bool:
    """Publish the ladder waiting (发布): checked again, then the next version; True when the
    live ladder changed (a proposal that no longer changes anything is cleared)."""
    row = get_ladder_check(session=session, check_id=check_id)
    if not row.ladder_pending:
        raise _nothing_waiting(row)
    proposer = row.ladder_pending_by or ""
    clean = clean_ladder(row, row.ladder_pending)
    row.ladder_pending = row.ladder_pending_by = row.ladder_pending_at = None
    changed = _save(session, row, clean, actor, "publish")
    if changed:
        detail = f"{_name(row)} 第{row.ladder_version}版：{_labels(changed)}（{proposer}提交）"
        _audit(session, row, actor, "publish", detail)
    else:
        _audit(session, row, actor, "discard", cleared_detail(_name(row), proposer))
    return bool(changed)


def discard_ladder(*, session: Session, check_id: int, actor: str) -> None:
    """Discard the ladder waiting (放弃); the live ladder stays as it is."""
    row = get_ladder_check(session=session, check_id=check_id)
    if not row.ladder_pending:
        raise _nothing_waiting(row)
    proposer = row.ladder_pending_by or ""
    labels = _labels(changed_targets(row.ladder, row.ladder_pending))
    row.ladder_pending = row.ladder_pending_by = row.ladder_pending_at = None
    _audit(session, row, actor, "discard", discarded_detail(_name(row), proposer, labels))


def restore_ladder(*, session: Session, check_id: int, version: int, actor: str) -> bool:
    """Save an old version's ladder again, as a new version, at once (``VersionNotFound``;
    ``ValidationFailed`` when it no longer fits the check's conditions)."""
    row = get_ladder_check(session=session, check_id=check_id)
    old = versions.get_version(session=session, kind=LADDER, item_id=row.id, version=version)
    clean = clean_ladder(row, old.data["ladder"])
    changed = _save(session, row, clean, actor, "restore")
    if changed:
        detail = f"{_name(row)} 第{row.ladder_version}版：恢复第{version}版（{_labels(changed)}）"
        _audit(session, row, actor, "restore", detail)
    return bool(changed)
