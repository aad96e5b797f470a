"""The checks of a policy document save: typed values and one Chinese message per field.

Dates in order, a known region, a legal status with what it needs (a date for a
time-limited rule, the newer document for a replaced one), where the text came from, and
the clauses: keys unique across documents.
:func:`knowledge.catalogue.save_document` runs it on every save.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.vocabulary import (
    DOCUMENT_STATUS_LABELS,
    LEGAL_STATUS_LABELS,
    NATIONAL,
    DocumentStatus,
    LegalStatus,
    SourceKind,
)
from knowledge import content_versions as versions
from knowledge.field_values import canonical_region, clean_text, key_problem, parse_date
from knowledge.lexicon import Lexicon
from knowledge.models import PolicyClause, PolicyDocument
from knowledge.repository import DOCUMENT_CLAUSES, DOCUMENT_SOURCE_FIELDS

MAX_TITLE_CHARS = 300
MAX_CLAUSE_TEXT_CHARS = 5000
MAX_CLAUSE_NUMBER_CHARS = 50
# Fields added with clauses (#12): a save that leaves one out keeps its stored value, so
# forms and imports that do not know them yet change nothing.
KEPT_WHEN_ABSENT_DOCUMENT = (*DOCUMENT_SOURCE_FIELDS, DOCUMENT_CLAUSES)
_CLAUSE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")


def clean_document(
    session: Session, lexicon: Lexicon, raw: dict[str, Any], document_id: int | None
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    existing = session.get(PolicyDocument, document_id) if document_id is not None else None
    if existing is not None:  # fields this save leaves out keep their stored values
        current = versions.snapshot(existing)
        raw = {**{n: current[n] for n in KEPT_WHEN_ABSENT_DOCUMENT if n not in raw}, **raw}
        if "replaced_by" in raw:  # a key given: it wins over the stored id
            raw.pop("replaced_by_id", None)
    key = str(raw.get("key") or "").strip()
    values["key"] = key
    problem = key_problem(session, PolicyDocument, key, document_id, holder="另一份文件")
    if problem:
        errors["key"] = problem
    title = str(raw.get("title") or "").strip()
    values["title"] = title
    if not title:
        errors["title"] = "标题必填"
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = f"标题最多{MAX_TITLE_CHARS}字"
    for name in ("doc_number", "issuer", "source_note"):
        values[name] = clean_text(raw.get(name))
    region_raw = str(raw.get("region") or NATIONAL)
    region = canonical_region(lexicon, region_raw)
    values["region"] = region or region_raw.strip()
    if not region:
        errors["region"] = f"没有这个地区：{region_raw.strip()}（请写省或地级市，或 全国）"
    _read_dates(raw, values, errors, {"effective_from": "生效日期", "expires_on": "失效日期"})
    if (
        values["effective_from"]
        and values["expires_on"]
        and values["expires_on"] < values["effective_from"]
    ):
        errors["expires_on"] = "失效日期不能早于生效日期"
    url = str(raw.get("url") or "").strip()
    values["url"] = url or None
    if url and not re.match(r"^https?://[^\s<>\"']+$", url):
        errors["url"] = "链接应以 http:// 或 https:// 开头"
    status = str(raw.get("status") or DocumentStatus.active.value)
    values["status"] = status
    if status not in DOCUMENT_STATUS_LABELS:
        errors["status"] = "状态只能是有效或已归档"
    _clean_document_sources(session, raw, document_id, values, errors)
    return values, errors


def _read_dates(
    raw: dict[str, Any], values: dict[str, Any], errors: dict[str, str], labels: dict[str, str]
) -> None:
    """Each of the date fields ``labels`` names, as a date (None when empty or unreadable, with
    a message under the field)."""
    for name, label in labels.items():
        try:
            values[name] = parse_date(raw.get(name))
        except ValueError:
            values[name] = None
            errors[name] = f"{label}格式应为 2025-01-31"


def _clean_document_sources(
    session: Session,
    raw: dict[str, Any],
    document_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Legal status, replacement, where the text came from, and the clauses (#12)."""
    legal = str(raw.get("legal_status") or LegalStatus.in_force.value).strip()
    values["legal_status"] = legal
    if legal not in LEGAL_STATUS_LABELS:
        errors["legal_status"] = "效力状态只能是现行有效、阶段性政策、已失效或已被替代"
    _read_dates(raw, values, errors, {"in_force_until": "执行期限", "checked_on": "核对日期"})
    if legal == LegalStatus.time_limited.value and values["in_force_until"] is None:
        errors.setdefault("in_force_until", "阶段性政策必须写明执行到哪一天")
    values["replaced_by_id"] = None
    target = raw.get("replaced_by")  # a document key (seed, spreadsheets)
    if target not in (None, ""):
        values["replaced_by_id"] = session.execute(
            select(PolicyDocument.id).where(PolicyDocument.key == str(target).strip())
        ).scalar()
        if values["replaced_by_id"] is None:
            errors["replaced_by_id"] = f"没有编号为 {target} 的政策文件"
    elif raw.get("replaced_by_id") not in (None, ""):
        try:
            values["replaced_by_id"] = int(raw["replaced_by_id"])
        except (TypeError, ValueError):
            values["replaced_by_id"] = None
        if values["replaced_by_id"] is None or (
            session.get(PolicyDocument, values["replaced_by_id"]) is None
        ):
            errors["replaced_by_id"] = "没有这个政策文件"
    if values["replaced_by_id"] is not None and values["replaced_by_id"] == document_id:
        errors["replaced_by_id"] = "文件不能被自己替代"
    if legal == LegalStatus.replaced.value and values["replaced_by_id"] is None:
        errors.setdefault("replaced_by_id", "已被替代的文件必须写明被哪份文件替代")
    kind = str(raw.get("source_kind") or "").strip()
    values["source_kind"] = kind
    if kind and kind not in {k.value for k in SourceKind}:
        errors["source_kind"] = "文本来源只能是 official（官方网站）或 mirror（转载）"
    values["official_title"] = clean_text(raw.get("official_title"))
    if kind == SourceKind.mirror.value and not values["official_title"]:
        errors["official_title"] = "文本来自转载时，请写明文件的官方标题"
    if len(values["official_title"]) > MAX_TITLE_CHARS:
        errors["official_title"] = f"官方标题最多{MAX_TITLE_CHARS}字"
    if DOCUMENT_CLAUSES in raw and raw[DOCUMENT_CLAUSES] is not None:
        values[DOCUMENT_CLAUSES], problem = _clean_clauses(
            session, raw[DOCUMENT_CLAUSES], document_id
        )
        if problem:
            errors[DOCUMENT_CLAUSES] = problem


def _clean_clauses(
    session: Session, items: Any, document_id: int | None
) -> tuple[list[dict[str, str]], str]:
    """A document's clauses, in order: each {key, number, text}; the first problem found."""
    if not isinstance(items, list | tuple):
        return [], "条款应是一个列表"
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        item = item if isinstance(item, dict) else {}
        key = str(item.get("key") or "").strip()
        number = clean_text(item.get("number"))
        text = clean_text(item.get("text"))
        cleaned.append({"key": key, "number": number, "text": text})
        where = f"第{position}个条款"
        if not _CLAUSE_KEY.match(key):
            return cleaned, f"{where}的编号必填，只能用字母、数字、-、_ 和 .，最多120个字符"
        if key in seen:
            return cleaned, f"条款编号 {key} 重复"
        seen.add(key)
        if not text:
            return cleaned, f"条款 {key} 没有原文"
        if len(text) > MAX_CLAUSE_TEXT_CHARS:
            return cleaned, f"条款 {key} 原文最多{MAX_CLAUSE_TEXT_CHARS}字"
        if len(number) > MAX_CLAUSE_NUMBER_CHARS:
            return cleaned, f"条款 {key} 的序号最多{MAX_CLAUSE_NUMBER_CHARS}字"
        owner = session.execute(
            select(PolicyClause.document_id).where(PolicyClause.key == key)
        ).scalar()
        if owner is not None and owner != document_id:
            return cleaned, f"条款编号 {key} 已被另一份文件使用"
    # Removing a clause that entries rest on is allowed: they are flagged 待复核 with the
    # removed text (knowledge.review_flags.flag_changed_clauses).
    return cleaned, ""
