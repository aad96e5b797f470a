"""An entry removed from the seed stops being served where an older seed was loaded (#12).

The seed loader archives a published entry that only the seed ever wrote once the seed no
longer holds it, through the one save path (version and audit line), so an admin can
restore it; an entry an admin edited is theirs and stays.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml
from sqlalchemy import select

from knowledge import catalogue
from knowledge.models import AuditEntry
from knowledge.repository import get_faq_by_key
from knowledge.seed_loader import SEED_DIR, load_seed

TODAY = dt.date(2026, 12, 1)


def seed_without(tmp_path: Path, *keys: str) -> Path:
    """A copy of the seed without the entries ``keys`` (and their clause links)."""
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    for path in (copy / "faq").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["entries"] = [e for e in data["entries"] if e["key"] not in keys]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    links_path = copy / "entry_clauses.yml"
    links = yaml.safe_load(links_path.read_text(encoding="utf-8"))
    links["entries"] = {k: v for k, v in links["entries"].items() if k not in keys}
    links_path.write_text(yaml.safe_dump(links, allow_unicode=True), encoding="utf-8")
    return copy


def test_a_seed_entry_no_longer_in_the_seed_is_archived(session_factory, tmp_path) -> None:
    smaller = seed_without(tmp_path, "dm-public-rental-move-out")
    with session_factory.begin() as session:
        report = load_seed(session=session, seed_dir=smaller, today=TODAY)
    assert report.entries_retired == 1
    with session_factory() as session:
        entry = get_faq_by_key(session=session, key="dm-public-rental-move-out")
        assert entry.status == "archived"
        last = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        assert last.actor == "seed" and last.item_id == entry.id
    # loading the same seed again changes nothing more
    with session_factory.begin() as session:
        assert load_seed(session=session, seed_dir=smaller, today=TODAY).entries_retired == 0


def test_an_entry_an_admin_edited_is_left_alone(session_factory, lexicon, tmp_path) -> None:
    with session_factory.begin() as session:
        entry = get_faq_by_key(session=session, key="dm-public-rental-move-out")
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key=entry.key,
            changes={"answer": entry.answer + "\n（已由管理员核对）"},
            actor="admin-1",
            today=TODAY,
        )
    smaller = seed_without(tmp_path, "dm-public-rental-move-out")
    with session_factory.begin() as session:
        assert load_seed(session=session, seed_dir=smaller, today=TODAY).entries_retired == 0
    with session_factory() as session:
        entry = get_faq_by_key(session=session, key="dm-public-rental-move-out")
        assert entry.status == "published"
