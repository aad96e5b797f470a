"""CSV and XLSX import/export of FAQ entries and policy documents.

Export is formula-safe: a text cell that starts with ``= + - @`` (or with the
escape character ``'`` itself) gets a leading ``'``, which import removes, so
the round trip is lossless (the files themselves: :mod:`knowledge.sheet_files`).
Import is a dry run first: :func:`plan_import` validates every row like an admin
save and reports each problem by row and column letter; :func:`apply_import`
writes only a plan without problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import (
    catalogue,
    content_writes,
    document_validation,
    entry_validation,
    field_values,
    sheet_files,
)
from knowledge import content_versions as versions
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, PolicyDocument

ENTRIES = "entries"
DOCUMENTS = "documents"
COLUMNS = {
    ENTRIES: (
        ("key", "编号"),
        ("status", "状态"),
        ("topic", "话题"),
        ("region", "地区"),
        ("region_sensitive", "各地不同"),
        ("question", "标准问题"),
        ("alternatives", "其他问法"),
        ("answer", "答案"),
        ("tags", "标签"),
        ("document", "政策文件编号"),
        ("clause", "条款"),
        ("aspects", "回答的方面"),
    ),
    DOCUMENTS: (
        ("key", "编号"),
        ("status", "状态"),
        ("title", "标题"),
        ("doc_number", "文号"),
        ("issuer", "发文机关"),
        ("region", "地区"),
        ("effective_from", "生效日期"),
        ("expires_on", "失效日期"),
        ("url", "链接"),
        ("source_note", "来源说明"),
    ),
}
MAX_ROWS = 5000
# columns an older sheet may leave out (a row without one keeps the stored value)
OPTIONAL_COLUMNS = {ENTRIES: frozenset({"aspects"}), DOCUMENTS: frozenset()}
# a field's problem is reported in the column the value came from
_FIELD_COLUMN = {"document_id": "document"}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # letter, e.g. "H"; "" for the whole row or file
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportPlan:
    kind: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    creates: int = 0
    updates: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": len(self.rows),
            "creates": self.creates,
            "updates": self.updates,
            "unchanged": self.unchanged,
            "problems": [p.as_dict() for p in self.problems],
        }


# ---- export ----


def _entry_row(entry: FaqEntry) -> dict[str, str]:
    return {
        "key": entry.key,
        "status": entry.status,
        "topic": entry.topic,
        "region": entry.region,
        "region_sensitive": "是" if entry.region_sensitive else "否",
        "question": entry.question,
        "alternatives": "\n".join(entry.alternatives or []),
        "answer": entry.answer,
        "tags": "\n".join(entry.tags or []),
        "document": entry.document.key if entry.document is not None else "",
        "clause": entry.clause or "",
        "aspects": field_values.aspects_text(entry.aspects),
    }


def _document_row(document: PolicyDocument) -> dict[str, str]:
    data = versions.snapshot(document)
    return {
        name: "" if data.get(name) is None else str(data[name]) for name, _ in COLUMNS[DOCUMENTS]
    }


def export_rows(*, session: Session, kind: str) -> list[dict[str, str]]:
    if kind == ENTRIES:
        entries = session.execute(select(FaqEntry).order_by(FaqEntry.id)).scalars()
        return [_entry_row(e) for e in entries]
    documents = session.execute(select(PolicyDocument).order_by(PolicyDocument.id)).scalars()
    return [_document_row(d) for d in documents]


def _table(kind: str, rows: list[dict[str, str]]) -> list[list[str]]:
    columns = COLUMNS[kind]
    header = [name for name, _label in columns]
    return [header] + [[sheet_files.escape_cell(row[name]) for name, _ in columns] for row in rows]


def export_file(*, session: Session, kind: str, fmt: str) -> bytes:
    table = _table(kind, export_rows(session=session, kind=kind))
    if fmt == "csv":
        return sheet_files.write_csv(table)
    return sheet_files.write_xlsx(table, "条目" if kind == ENTRIES else "政策文件")


# ---- reading ----


def read_table(
    data: bytes, fmt: str, kind: str
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows by spreadsheet row number (the header is row 1), and the problems found."""
    problems: list[Problem] = []
    try:
        table = sheet_files.read_file(data, fmt)
    except Exception:  # any unreadable upload gets the same message
        return [], [Problem(0, "", "", f"无法读取文件，请上传 {fmt.upper()} 格式的表格")]
    if not table:
        return [], [Problem(1, "", "", "文件是空的")]
    known = {name: name for name, _ in COLUMNS[kind]} | {
        label: name for name, label in COLUMNS[kind]
    }
    header = [known.get(str(h or "").strip()) for h in table[0]]
    missing = [
        label
        for name, label in COLUMNS[kind]
        if name not in header and name not in OPTIONAL_COLUMNS[kind]
    ]
    if missing:
        problems.append(Problem(1, "", "", "缺少列：" + "、".join(missing)))
        return [], problems
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(number, "", "", f"一次最多导入 {MAX_ROWS} 行"))
            break
        row: dict[str, str] = {}
        for position, name in enumerate(header):
            if name is None:
                continue
            value = values[position] if position < len(values) else None
            text, problem = sheet_files.cell_text(value)
            row[name] = text
            if problem:
                problems.append(Problem(number, _column_letter(position + 1), name, problem))
        rows.append((number, row))
    return rows, problems


def column_letter(kind: str, field_name: str) -> str:
    name = _FIELD_COLUMN.get(field_name, field_name)
    names = [n for n, _ in COLUMNS[kind]]
    return _column_letter(names.index(name) + 1) if name in names else ""


# ---- planning and applying ----


def plan_import(
    *, session: Session, lexicon: Lexicon, kind: str, fmt: str, data: bytes, today: dt.date
) -> ImportPlan:
    """Validate every row without writing anything."""
    plan = ImportPlan(kind)
    rows, problems = read_table(data, fmt, kind)
    plan.rows, plan.problems = rows, problems
    model = FaqEntry if kind == ENTRIES else PolicyDocument
    seen_keys: dict[str, int] = {}
    seen_phrasings: dict[str, tuple[int, str]] = {}
    for number, raw in rows:
        key = raw.get("key", "").strip()
        if key in seen_keys:
            plan.problems.append(
                Problem(number, "A", "key", f"编号 {key} 与第{seen_keys[key]}行重复")
            )
            continue
        seen_keys[key] = number
        existing = session.execute(select(model).where(model.key == key)).scalar_one_or_none()
        item_id = existing.id if existing is not None else None
        if kind == ENTRIES:
            values, errors = entry_validation.clean_entry(session, lexicon, raw, item_id, today)
            for phrasing in values.get("alternatives", []):
                other = seen_phrasings.get(field_values.comparable(phrasing))
                if other is not None and other[1] != key and "alternatives" not in errors:
                    errors["alternatives"] = f"问法“{phrasing}”与第{other[0]}行重复"
            for phrasing in [values.get("question", ""), *values.get("alternatives", [])]:
                seen_phrasings.setdefault(field_values.comparable(phrasing), (number, key))
        else:
            values, errors = document_validation.clean_document(session, lexicon, raw, item_id)
        for name, message in errors.items():
            plan.problems.append(Problem(number, column_letter(kind, name), name, message))
        if errors:
            continue
        if existing is None:
            plan.creates += 1
        elif _unchanged(existing, values):
            plan.unchanged += 1
        else:
            plan.updates += 1
    plan.problems.sort(key=lambda p: (p.row, p.column))
    return plan


def _unchanged(item: FaqEntry | PolicyDocument, values: dict[str, Any]) -> bool:
    current = versions.snapshot(item)
    return all(current.get(name) == versions._plain(value) for name, value in values.items())


def apply_import(
    *, session: Session, lexicon: Lexicon, plan: ImportPlan, actor: str, today: dt.date
) -> int:
    """Write a plan that has no problems; returns how many items changed."""
    if not plan.ok:
        raise catalogue.ValidationFailed({"file": "文件还有错误，未导入任何内容"})
    model = FaqEntry if plan.kind == ENTRIES else PolicyDocument
    kind = versions.FAQ if plan.kind == ENTRIES else versions.DOCUMENT
    changed = 0
    for _number, raw in plan.rows:
        existing = session.execute(select(model).where(model.key == raw["key"].strip())).scalar()
        item_id = existing.id if existing is not None else None
        _item, did = catalogue.save_item(
            session=session,
            lexicon=lexicon,
            kind=kind,
            raw=raw,
            actor=actor,
            item_id=item_id,
            today=today,
            action="import",
        )
        changed += int(did)
    content_writes.audit(
        session=session,
        actor=actor,
        action="import",
        kind=kind,
        item_id=None,
        detail=f"导入{len(plan.rows)}行，其中{changed}项有变化",
    )
    return changed


def _column_letter(number: int) -> str:
    """A spreadsheet's column letter (1 -> A); openpyxl is imported only when a sheet is read."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(number))
