"""Load the seed documents (with their clauses), FAQ entries, the entries' clause links and
the eligibility checks (YAML in ``knowledge/seed``) idempotently.

Every item is saved through :mod:`knowledge.catalogue`, as the admin's edits are:
the same validation, and a real change is a new version and an audit line by
``seed``. Loading unchanged content again changes nothing. An item that fails
validation stops the load with :class:`~knowledge.errors.InvalidEntry`, whose
message names the item's key and each wrong field (``changai kb load`` then
rolls the whole load back).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.vocabulary import NATIONAL, FaqStatus
from knowledge import catalogue, review_flags
from knowledge import content_versions as versions
from knowledge.eligibility_store import load_eligibility_seed
from knowledge.errors import InvalidEntry
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.models import AuditEntry, FaqEntry

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_ACTOR = "seed"


@dataclass
class LoadReport:
    documents_changed: int = 0
    entries_changed: int = 0
    documents_seen: int = 0
    entries_seen: int = 0
    links_seen: int = 0  # entries whose clause links the seed sets
    entries_retired: int = 0  # seed entries no longer in the seed, archived
    checks_seen: int = 0  # eligibility checks (eligibility.yml)
    checks_changed: int = 0
    entries_flagged: int = 0  # 待复核: entries on documents past their end date, newly flagged


def _read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def read_seed(seed_dir: Path = SEED_DIR) -> tuple[list[dict], list[dict]]:
    """The seed's documents (``documents.yml``, then ``documents/*.yml``) and FAQ entries
    (``faq/*.yml``, each entry with its file's topic)."""
    documents = list(_read_yaml(seed_dir / "documents.yml")["documents"])
    for path in sorted((seed_dir / "documents").glob("*.yml")):
        documents.extend(_read_yaml(path).get("documents") or [])
    entries: list[dict] = []
    for path in sorted((seed_dir / "faq").glob("*.yml")):
        data = _read_yaml(path)
        for item in data["entries"]:
            entries.append({**item, "topic": data["topic"]})
    return documents, entries


def read_entry_clauses(seed_dir: Path = SEED_DIR) -> dict[str, list[str]]:
    """Entry key -> the clause keys it rests on: ``entry_clauses.yml``, and an entry's own
    ``clauses:`` list in its FAQ file. An entry links in one place or the other, not both."""
    path = seed_dir / "entry_clauses.yml"
    data = _read_yaml(path) if path.exists() else {}
    links = {str(k): [str(c) for c in (v or [])] for k, v in (data.get("entries") or {}).items()}
    for item in read_seed(seed_dir)[1]:
        if "clauses" not in item:
            continue
        if item["key"] in links:
            raise InvalidEntry(
                f"seed entry {item['key']}: clauses are linked both in its FAQ file "
                "and in entry_clauses.yml"
            )
        links[item["key"]] = [str(c) for c in (item["clauses"] or [])]
    return links


def load_seed(
    *,
    session: Session,
    seed_dir: Path = SEED_DIR,
    lexicon: Lexicon | None = None,
    today: dt.date | None = None,
) -> LoadReport:
    """Insert or update every seed document and entry; running twice changes nothing.

    Fields a seed item leaves out keep their stored value (a document's status, say).
    """
    lexicon = lexicon or load_lexicon()
    documents, entries = read_seed(seed_dir)
    links = read_entry_clauses(seed_dir)
    unknown = sorted(set(links) - {item["key"] for item in entries})
    if unknown:
        raise InvalidEntry(f"seed entry_clauses.yml: no seed entry {', '.join(unknown)}")
    report = LoadReport(
        documents_seen=len(documents), entries_seen=len(entries), links_seen=len(links)
    )
    for item in documents:
        values = {k: v for k, v in item.items() if k != "key"}
        values.setdefault("region", NATIONAL)
        values["doc_number"] = values.get("doc_number") or ""
        values["issuer"] = values.get("issuer") or ""
        values["source_note"] = values.get("source_note") or ""
        try:
            _document, changed = catalogue.put_document(
                session=session, lexicon=lexicon, key=item["key"], changes=values, actor=SEED_ACTOR
            )
        except catalogue.ValidationFailed as failed:
            raise InvalidEntry(f"seed {failed}") from failed
        report.documents_changed += int(changed)
    for item in entries:
        values = {
            "topic": item["topic"],
            "question": item["question"],
            "alternatives": list(item.get("alternatives") or []),
            "answer": str(item["answer"]).strip(),
            "region": item.get("region") or NATIONAL,
            "region_sensitive": bool(item.get("region_sensitive", False)),
            "tags": list(item.get("tags") or []),
            "aspects": item.get("aspects") or [],
            "document": item.get("document") or "",
            "clause": item.get("clause") or "",
            "status": item.get("status", FaqStatus.published.value),
        }
        if item["key"] in links:  # saved with the entry: one version, not two
            values["clause_keys"] = links[item["key"]]
        try:
            _entry, changed = catalogue.put_entry(
                session=session,
                lexicon=lexicon,
                key=item["key"],
                changes=values,
                actor=SEED_ACTOR,
                today=today,
            )
        except catalogue.ValidationFailed as failed:
            raise InvalidEntry(f"seed {failed}") from failed
        report.entries_changed += int(changed)
    report.entries_retired = retire_removed_entries(
        session=session,
        lexicon=lexicon,
        kept={item["key"] for item in entries},
        today=today or dt.date.today(),
    )
    report.checks_seen, report.checks_changed = load_eligibility_seed(
        session=session, seed_dir=seed_dir, actor=SEED_ACTOR
    )
    # The same check the console runs at start and hourly (connectors/console/end_date_sweep.py)
    report.entries_flagged = review_flags.flag_past_end_dates(
        session, today or dt.date.today(), actor=SEED_ACTOR
    )
    return report


def retire_removed_entries(
    *, session: Session, lexicon: Lexicon, kept: set[str], today: dt.date
) -> int:
    """Archive published entries that only the seed ever wrote and that it no longer holds.

    A seed entry can be removed because its source turned out to be unusable; a database
    loaded from an older seed must stop serving it. Archiving goes through the one save path
    (a version and an audit line by ``seed``), so an admin can restore it. An entry that an
    admin created or edited is theirs and is left alone.
    """
    by_others = select(AuditEntry.item_id).where(
        AuditEntry.kind == versions.FAQ, AuditEntry.actor != SEED_ACTOR
    )
    stale = session.execute(
        select(FaqEntry).where(
            FaqEntry.key.not_in(kept),
            FaqEntry.status == FaqStatus.published.value,
            FaqEntry.id.not_in(by_others),
        )
    ).scalars()
    retired = 0
    for entry in list(stale):
        seeded = session.execute(
            select(AuditEntry.id).where(
                AuditEntry.kind == versions.FAQ,
                AuditEntry.item_id == entry.id,
                AuditEntry.actor == SEED_ACTOR,
            )
        ).first()
        if seeded is None:
            continue  # written before audit lines existed, or by an import: not the seed's
        catalogue.set_entry_status(
            session=session,
            lexicon=lexicon,
            entry_id=entry.id,
            status=FaqStatus.archived.value,
            actor=SEED_ACTOR,
            today=today,
        )
        retired += 1
    return retired
