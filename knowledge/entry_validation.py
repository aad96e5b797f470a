"""The checks of an FAQ entry save: typed values and one Chinese message per wrong field.

A published entry needs a topic, a region and a document (and clauses) that can back an
answer (:mod:`knowledge.validity`); a phrasing may not repeat any other entry's question
or phrasing. :func:`knowledge.catalogue.save_entry` runs it on every save.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.vocabulary import ASPECT_LABELS, TOPICS, FaqStatus
from knowledge.field_values import (
    canonical_region,
    clean_text,
    comparable,
    key_problem,
    parse_aspects,
    parse_bool,
    split_lines,
    split_tags,
)
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, PolicyClause, PolicyDocument
from knowledge.repository import ENTRY_CLAUSE_KEYS
from knowledge.validity import blocks_entries, document_problem

MAX_ANSWER_CHARS = 1000
MAX_QUESTION_CHARS = 200
MAX_CLAUSE_CHARS = 300


def clean_entry(
    session: Session, lexicon: Lexicon, raw: dict[str, Any], entry_id: int | None, today: dt.date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed values and per-field errors for a whole entry."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    existing = session.get(FaqEntry, entry_id) if entry_id is not None else None
    if existing is not None and ENTRY_CLAUSE_KEYS not in raw:  # a form without the links
        raw = {**raw, ENTRY_CLAUSE_KEYS: [c.key for c in existing.clauses]}
    key = str(raw.get("key") or "").strip()
    values["key"] = key
    problem = key_problem(session, FaqEntry, key, entry_id, holder="另一条目")
    if problem:
        errors["key"] = problem
    status = str(raw.get("status") or FaqStatus.draft.value)
    values["status"] = status
    if status not in {s.value for s in FaqStatus}:
        errors["status"] = "状态只能是草稿、已发布或已归档"
    published = status == FaqStatus.published.value
    topic = str(raw.get("topic") or "").strip()
    values["topic"] = topic
    if topic not in TOPICS:
        errors["topic"] = "请选择话题" if not topic else f"没有这个话题：{topic}"
    question = _required_text(raw, "question", "标准问题", MAX_QUESTION_CHARS, values, errors)
    _required_text(raw, "answer", "答案", MAX_ANSWER_CHARS, values, errors, "，请精简")
    region_raw = str(raw.get("region") or "")
    region = canonical_region(lexicon, region_raw)
    values["region"] = region if region is not None else region_raw.strip()
    if region is None:
        errors["region"] = (
            f"没有这个地区：{region_raw.strip()}（请写省或地级市，如 广东、深圳，或 全国）"
        )
    elif published and not region:
        errors["region"] = "发布的条目必须注明地区（全国通用请填 全国）"
    sensitive = parse_bool(raw.get("region_sensitive", False))
    values["region_sensitive"] = bool(sensitive)
    if sensitive is None:
        errors["region_sensitive"] = "请填 是 或 否"
    values["tags"] = split_tags(raw.get("tags"))
    if "aspects" in raw:
        values["aspects"], unknown = parse_aspects(raw.get("aspects"))
        if unknown:
            errors["aspects"] = (
                f"没有这个方面：{'、'.join(unknown)}（可选：{'、'.join(ASPECT_LABELS.values())}）"
            )
    else:  # a writer that does not know the field (old snapshot, sheet without the column)
        current = session.get(FaqEntry, entry_id) if entry_id is not None else None
        values["aspects"] = list(current.aspects or []) if current is not None else []
    clause = clean_text(raw.get("clause"))
    values["clause"] = clause
    if len(clause) > MAX_CLAUSE_CHARS:
        errors["clause"] = f"条款最多{MAX_CLAUSE_CHARS}字"
    values["document_id"], document_error = _entry_document(session, raw, published, today)
    if document_error:
        errors["document_id"] = document_error
    values[ENTRY_CLAUSE_KEYS], clause_error = _entry_clauses(session, raw, published, today)
    if clause_error:
        errors[ENTRY_CLAUSE_KEYS] = clause_error
    alternatives = split_lines(raw.get("alternatives"))
    values["alternatives"] = alternatives
    problem = _alternatives_problem(session, question, alternatives, entry_id)
    if problem:
        errors["alternatives"] = problem
    return values, errors


def _entry_document(
    session: Session, raw: dict[str, Any], published: bool, today: dt.date
) -> tuple[int | None, str]:
    document: PolicyDocument | None = None
    if raw.get("document"):  # a document key (spreadsheets)
        document = session.execute(
            select(PolicyDocument).where(PolicyDocument.key == str(raw["document"]).strip())
        ).scalar_one_or_none()
        if document is None:
            return None, f"没有编号为 {raw['document']} 的政策文件"
    elif raw.get("document_id") not in (None, ""):
        try:
            document = session.get(PolicyDocument, int(raw["document_id"]))
        except (TypeError, ValueError):
            document = None
        if document is None:
            return None, "没有这个政策文件"
    if document is None:
        return None, "发布的条目必须关联一份政策文件（作为出处）" if published else ""
    if published:
        reason = document_problem(document, today)
        if reason:
            return document.id, f"所引用的文件{reason}，不能发布"
    return document.id, ""


def _entry_clauses(
    session: Session, raw: dict[str, Any], published: bool, today: dt.date
) -> tuple[list[str] | None, str]:
    """The clause keys an entry rests on (None: the save leaves them as they are)."""
    if ENTRY_CLAUSE_KEYS not in raw or raw[ENTRY_CLAUSE_KEYS] is None:
        return None, ""
    keys = list(dict.fromkeys(split_tags(raw[ENTRY_CLAUSE_KEYS])))
    if not keys:
        return [], ""
    found = {
        c.key: c
        for c in session.execute(select(PolicyClause).where(PolicyClause.key.in_(keys))).scalars()
    }
    missing = [k for k in keys if k not in found]
    if missing:
        return keys, "没有这些条款：" + "、".join(missing)
    if published:
        for key in keys:
            reason = document_problem(found[key].document, today)
            if reason and blocks_entries(found[key].document):
                return keys, f"条款 {key} 所在的文件{reason}，不能作为发布条目的依据"
    return keys, ""


def _required_text(
    raw: dict[str, Any],
    name: str,
    label: str,
    limit: int,
    values: dict[str, Any],
    errors: dict[str, str],
    advice: str = "",
) -> str:
    """A text field that must be given and may not exceed ``limit`` characters."""
    text = clean_text(raw.get(name))
    values[name] = text
    if not text:
        errors[name] = f"{label}必填"
    elif len(text) > limit:
        errors[name] = f"{label}最多{limit}字（现在{len(text)}字）{advice}"
    return text


def _alternatives_problem(
    session: Session, question: str, alternatives: list[str], entry_id: int | None
) -> str:
    seen: dict[str, str] = {}
    if question:
        seen[comparable(question)] = question
    for alternative in alternatives:
        key = comparable(alternative)
        if not key:
            return f"问法“{alternative}”没有文字内容"
        if key in seen:
            return f"问法“{alternative}”与本条目的“{seen[key]}”重复"
        seen[key] = alternative
    mine = {comparable(a): a for a in alternatives}
    if not mine:
        return ""
    rows = session.execute(
        select(FaqEntry.id, FaqEntry.key, FaqEntry.question, FaqEntry.alternatives).where(
            FaqEntry.status != FaqStatus.archived.value
        )
    ).all()
    for other_id, other_key, other_question, other_alternatives in rows:
        if other_id == entry_id:
            continue
        for phrasing in (other_question, *(other_alternatives or [])):
            match = mine.get(comparable(str(phrasing)))
            if match is not None:
                return f"问法“{match}”与条目 {other_key} 的“{phrasing}”重复"
    return ""
