"""Load the seed documents and FAQ entries (YAML in ``knowledge/seed``) idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from changai.vocabulary import NATIONAL, FaqStatus
from knowledge import repository

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_ACTOR = "seed"


@dataclass
class LoadReport:
    documents_changed: int = 0
    entries_changed: int = 0
    documents_seen: int = 0
    entries_seen: int = 0


def read_seed(seed_dir: Path = SEED_DIR) -> tuple[list[dict], list[dict]]:
    with (seed_dir / "documents.yml").open(encoding="utf-8") as handle:
        documents = yaml.safe_load(handle)["documents"]
    entries: list[dict] = []
    for path in sorted((seed_dir / "faq").glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        for item in data["entries"]:
            entries.append({**item, "topic": data["topic"]})
    return documents, entries


def load_seed(*, session: Session, seed_dir: Path = SEED_DIR) -> LoadReport:
    """Insert or update every seed document and entry; running twice changes nothing."""
    documents, entries = read_seed(seed_dir)
    report = LoadReport(documents_seen=len(documents), entries_seen=len(entries))
    document_ids: dict[str, int] = {}
    for item in documents:
        values = {k: v for k, v in item.items() if k != "key"}
        values.setdefault("region", NATIONAL)
        values["doc_number"] = values.get("doc_number") or ""
        values["issuer"] = values.get("issuer") or ""
        values["source_note"] = values.get("source_note") or ""
        document, changed = repository.upsert_document(
            session=session, key=item["key"], values=values, actor=SEED_ACTOR
        )
        document_ids[item["key"]] = document.id
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
            "document_id": document_ids[item["document"]],
            "clause": item.get("clause") or "",
            "status": item.get("status", FaqStatus.published.value),
        }
        _entry, changed = repository.upsert_faq(
            session=session, key=item["key"], values=values, actor=SEED_ACTOR
        )
        report.entries_changed += int(changed)
    return report
