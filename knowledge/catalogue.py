"""The one save path for FAQ entries and policy documents: validation, versions, audit, search.

Every writer goes through here: the admin editor and JSON API, spreadsheet
import, the seed loader (:mod:`knowledge.seed_loader`) and the desk's
存为FAQ草稿 (:mod:`helpdesk.tickets`). Every save validates the whole item and
reports each problem against its field, in Chinese (:class:`ValidationFailed`,
whose text also names the item and the fields, for operators); a real change
bumps the item's version, stores a snapshot (:mod:`knowledge.content_versions`)
and writes an audit entry. The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import (
    ASPECT_LABELS,
    ASPECTS,
    LEGAL_STATUS_LABELS,
    NATIONAL,
    TOPICS,
    DocumentStatus,
    FaqStatus,
    LegalStatus,
    SourceKind,
)
from knowledge import content_versions as versions
from knowledge.errors import DocumentNotFound, FaqNotFound, KnowledgeError
from knowledge.lexicon import Lexicon
from knowledge.models import AuditEntry, FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.repository import DOCUMENT_CLAUSES, ENTRY_CLAUSE_KEYS
from knowledge.text_normalise import normalise

MAX_ANSWER_CHARS = 1000
MAX_QUESTION_CHARS = 200
MAX_CLAUSE_CHARS = 300
MAX_TITLE_CHARS = 300
MAX_CLAUSE_TEXT_CHARS = 5000
MAX_CLAUSE_NUMBER_CHARS = 50
# Fields added with clauses (#12): a save that leaves one out keeps its stored value, so
# forms and imports that do not know them yet change nothing.
KEPT_WHEN_ABSENT_DOCUMENT = (
    "legal_status",
    "in_force_until",
    "replaced_by_id",
    "source_kind",
    "official_title",
    "checked_on",
    DOCUMENT_CLAUSES,
)
_CLAUSE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")
EXPIRY_WARNING_DAYS = 30
DOCUMENT_STATUSES = tuple(status.value for status in DocumentStatus)
STATUS_LABELS = {"draft": "草稿", "published": "已发布", "archived": "已归档", "active": "有效"}
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_LIST_SPLIT = re.compile(r"[\n、,，;；]+")
_COMPARE_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)
_TRUE = {"1", "true", "yes", "on", "是", "y"}
_FALSE = {"", "0", "false", "no", "off", "否", "n"}


class ValidationFailed(KnowledgeError):
    """One Chinese message per field that is wrong (``errors``, shown under each field).

    ``str()`` names the item (``item``, e.g. "FAQ entry ts-amount") and each field, for
    operators reading a log or a terminal.
    """

    def __init__(self, errors: dict[str, str], item: str = "") -> None:
        fields = "; ".join(
            f"{name} ({versions.FIELD_LABELS[name]}): {message}"
            if name in versions.FIELD_LABELS
            else f"{name}: {message}"
            for name, message in errors.items()
        )
        super().__init__(f"{item}: {fields}" if item else fields)
        self.errors = errors
        self.item = item


@dataclass(frozen=True)
class Filters:
    text: str = ""
    topic: str = ""
    region: str = ""
    status: str = ""
    document_id: int | None = None


# ---- reading raw values (forms, JSON, spreadsheets) ----


def clean_text(value: Any) -> str:
    """Trimmed text with one kind of line break (browsers send CRLF, XLSX keeps only LF)."""
    return str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n").strip()


def split_lines(value: Any) -> list[str]:
    """Alternatives: one per line (a list is taken as is)."""
    items = value if isinstance(value, list | tuple) else clean_text(value).split("\n")
    return [str(v).strip() for v in items if str(v).strip()]


def split_tags(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else _LIST_SPLIT.split(str(value or ""))
    return [str(v).strip() for v in items if str(v).strip()]


def parse_aspects(value: Any) -> tuple[list[str], list[str]]:
    """Aspect keys (``amount``) or labels (``金额标准``) -> (keys in vocabulary order, unknown)."""
    by_name = {key: key for key in ASPECTS} | {label: key for key, label in ASPECT_LABELS.items()}
    found, unknown = set(), []
    for item in split_tags(value):
        key = by_name.get(item) or by_name.get(item.lower())
        if key is None:
            unknown.append(item)
        else:
            found.add(key)
    return [key for key in ASPECTS if key in found], unknown


def aspects_text(aspects: Any) -> str:
    """Stored aspect keys as the labels an admin reads and types (顿号-separated)."""
    return "、".join(ASPECT_LABELS.get(str(a), str(a)) for a in aspects or [])


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_date(value: Any) -> dt.date | None:
    """None for empty; ValueError for a date that is not YYYY-MM-DD."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=65536)
def comparable(text: str) -> str:
    """Question text as compared for duplicates: Simplified, no punctuation or case."""
    return _COMPARE_STRIP.sub("", normalise(text).lower())


def canonical_region(lexicon: Lexicon, value: str) -> str | None:
    value = value.strip()
    return lexicon.canonical("region", value) if value else ""


# ---- validation ----


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
    if not _KEY.match(key):
        errors["key"] = "编号必填，只能用字母、数字、-、_ 和 .，最多100个字符"
    else:
        other = session.execute(select(FaqEntry.id).where(FaqEntry.key == key)).scalar()
        if other is not None and other != entry_id:
            errors["key"] = f"编号 {key} 已被另一条目使用"
    status = str(raw.get("status") or FaqStatus.draft.value)
    values["status"] = status
    if status not in {s.value for s in FaqStatus}:
        errors["status"] = "状态只能是草稿、已发布或已归档"
    published = status == FaqStatus.published.value
    topic = str(raw.get("topic") or "").strip()
    values["topic"] = topic
    if topic not in TOPICS:
        errors["topic"] = "请选择话题" if not topic else f"没有这个话题：{topic}"
    question = clean_text(raw.get("question"))
    values["question"] = question
    if not question:
        errors["question"] = "标准问题必填"
    elif len(question) > MAX_QUESTION_CHARS:
        errors["question"] = f"标准问题最多{MAX_QUESTION_CHARS}字（现在{len(question)}字）"
    answer = clean_text(raw.get("answer"))
    values["answer"] = answer
    if not answer:
        errors["answer"] = "答案必填"
    elif len(answer) > MAX_ANSWER_CHARS:
        errors["answer"] = f"答案最多{MAX_ANSWER_CHARS}字（现在{len(answer)}字），请精简"
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
    if not _KEY.match(key):
        errors["key"] = "编号必填，只能用字母、数字、-、_ 和 .，最多100个字符"
    else:
        other = session.execute(select(PolicyDocument.id).where(PolicyDocument.key == key)).scalar()
        if other is not None and other != document_id:
            errors["key"] = f"编号 {key} 已被另一份文件使用"
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
    for name, label in (("effective_from", "生效日期"), ("expires_on", "失效日期")):
        try:
            values[name] = parse_date(raw.get(name))
        except ValueError:
            values[name] = None
            errors[name] = f"{label}格式应为 2025-01-31"
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
    if status not in DOCUMENT_STATUSES:
        errors["status"] = "状态只能是有效或已归档"
    _clean_document_sources(session, raw, document_id, values, errors)
    return values, errors


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
    for name, label in (("in_force_until", "执行期限"), ("checked_on", "核对日期")):
        try:
            values[name] = parse_date(raw.get(name))
        except ValueError:
            values[name] = None
            errors[name] = f"{label}格式应为 2025-01-31"
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
    if document_id is not None:
        linked = session.execute(
            select(PolicyClause.key, FaqEntry.key)
            .join(FaqEntryClause, FaqEntryClause.clause_id == PolicyClause.id)
            .join(FaqEntry, FaqEntry.id == FaqEntryClause.entry_id)
            .where(PolicyClause.document_id == document_id)
        ).all()
        for clause_key, entry_key in linked:
            if clause_key not in seen:
                return cleaned, f"条款 {clause_key} 是条目 {entry_key} 的依据，请先解除关联再删除"
    return cleaned, ""


# ---- serving state ----


_NOT_CURRENT = {LegalStatus.lapsed.value, LegalStatus.replaced.value}


def blocks_entries(document: PolicyDocument) -> bool:
    """True when no entry may rest on the document's clauses: archived, lapsed or replaced."""
    return document.status != DocumentStatus.active.value or document.legal_status in _NOT_CURRENT


def document_problem(document: PolicyDocument, today: dt.date) -> str:
    """Why a document cannot back an answer today ('' when it can).

    A time-limited document past its date still answers, saying until when it applied
    (the rule is often renewed); a lapsed or replaced one does not.
    """
    if document.status != DocumentStatus.active.value:
        return "已归档"
    if document.legal_status == LegalStatus.lapsed.value:
        return "已失效"
    if document.legal_status == LegalStatus.replaced.value:
        newer = document.replaced_by
        return f"已被《{newer.title}》替代" if newer is not None else "已被替代"
    if document.effective_from is not None and document.effective_from > today:
        return f"尚未生效（{document.effective_from:%Y-%m-%d} 起施行）"
    if document.expires_on is not None and document.expires_on < today:
        return f"已过期（有效期至 {document.expires_on:%Y-%m-%d}）"
    return ""


def expires_soon(document: PolicyDocument, today: dt.date) -> bool:
    return document.expires_on is not None and today <= document.expires_on <= today + dt.timedelta(
        days=EXPIRY_WARNING_DAYS
    )


def serving_state(entry: FaqEntry, today: dt.date) -> tuple[bool, str]:
    """Whether the assistant serves the entry, and if not, why (in Chinese)."""
    if entry.status == FaqStatus.draft.value:
        return False, "草稿，待审核发布"
    if entry.status == FaqStatus.archived.value:
        return False, "已归档"
    if entry.document is None:
        return False, "未关联政策文件"
    problem = document_problem(entry.document, today)
    if problem:
        return False, f"政策文件{problem}，暂停回答"
    for clause in entry.clauses:
        if blocks_entries(clause.document):
            reason = document_problem(clause.document, today)
            return False, f"依据条款 {clause.key} 所在的文件{reason}，暂停回答"
    return True, "正在回答"


# ---- saving ----


def audit(
    *, session: Session, actor: str, action: str, kind: str, item_id: int | None, detail: str
) -> AuditEntry:
    row = AuditEntry(actor=actor, action=action, kind=kind, item_id=item_id, detail=detail)
    session.add(row)
    session.flush()
    return row


def _action_for(before_status: str | None, after_status: str, default: str) -> str:
    if before_status is None:
        return "create"
    if before_status != after_status and after_status in {
        FaqStatus.published.value,
        FaqStatus.archived.value,
    }:
        return "publish" if after_status == "published" else "archive"
    return default


def save_entry(
    *,
    session: Session,
    lexicon: Lexicon,
    raw: dict[str, Any],
    actor: str,
    entry_id: int | None = None,
    today: dt.date | None = None,
    action: str = "edit",
) -> tuple[FaqEntry, bool]:
    """Create (``entry_id`` None) or update a whole entry; returns (entry, changed)."""
    today = today or dt.date.today()
    entry = session.get(FaqEntry, entry_id) if entry_id is not None else None
    if entry_id is not None and entry is None:
        raise FaqNotFound(str(entry_id))
    values, errors = clean_entry(session, lexicon, raw, entry_id, today)
    if errors:
        raise ValidationFailed(errors, item=f"FAQ entry {values['key'] or '(no key)'}")
    if entry is None:
        clause_keys = values.pop(ENTRY_CLAUSE_KEYS)
        entry = FaqEntry(version=1, updated_by=actor, **values)
        values = {ENTRY_CLAUSE_KEYS: clause_keys}
        _create(
            session,
            entry,
            actor=actor,
            kind=versions.FAQ,
            detail=f"新建条目 {entry.key}（{STATUS_LABELS[entry.status]}）",
            extra=values,
        )
        return entry, True
    changed = _update(
        session,
        entry,
        values,
        actor=actor,
        kind=versions.FAQ,
        action_of=lambda before: _action_for(before["status"], entry.status, action),
        label=f"条目 {entry.key}",
    )
    return entry, changed


def set_entry_status(
    *, session: Session, lexicon: Lexicon, entry_id: int, status: str, actor: str, today: dt.date
) -> FaqEntry:
    entry = session.get(FaqEntry, entry_id)
    if entry is None:
        raise FaqNotFound(str(entry_id))
    raw = {**versions.snapshot(entry), "status": status}
    return save_entry(
        session=session, lexicon=lexicon, raw=raw, actor=actor, entry_id=entry_id, today=today
    )[0]


def save_document(
    *,
    session: Session,
    lexicon: Lexicon,
    raw: dict[str, Any],
    actor: str,
    document_id: int | None = None,
    action: str = "edit",
) -> tuple[PolicyDocument, bool]:
    document = session.get(PolicyDocument, document_id) if document_id is not None else None
    if document_id is not None and document is None:
        raise DocumentNotFound(str(document_id))
    values, errors = clean_document(session, lexicon, raw, document_id)
    if errors:
        raise ValidationFailed(errors, item=f"document {values['key'] or '(no key)'}")
    if document is None:
        clauses = values.pop(DOCUMENT_CLAUSES, None)
        document = PolicyDocument(version=1, updated_by=actor, **values)
        _create(
            session,
            document,
            actor=actor,
            kind=versions.DOCUMENT,
            detail=f"新建政策文件 {document.key}",
            extra={DOCUMENT_CLAUSES: clauses},
        )
        return document, True
    changed = _update(
        session,
        document,
        values,
        actor=actor,
        kind=versions.DOCUMENT,
        action_of=lambda before: (
            "archive"
            if before["status"] != document.status == DocumentStatus.archived.value
            else action
        ),
        label=f"政策文件 {document.key}",
    )
    return document, changed


def put_entry(
    *,
    session: Session,
    lexicon: Lexicon,
    key: str,
    changes: dict[str, Any],
    actor: str,
    today: dt.date | None = None,
) -> tuple[FaqEntry, bool]:
    """Create the entry ``key`` from ``changes``, or save ``changes`` over its current fields.

    For writers that know entries by key (the seed loader, desk drafts, scripts); the
    save is :func:`save_entry`'s, so validated, versioned and audited like any other.
    """
    entry = session.execute(select(FaqEntry).where(FaqEntry.key == key)).scalar_one_or_none()
    current = versions.snapshot(entry) if entry is not None else {}
    return save_entry(
        session=session,
        lexicon=lexicon,
        raw={**current, **changes, "key": key},
        actor=actor,
        entry_id=entry.id if entry is not None else None,
        today=today,
    )


def put_document(
    *, session: Session, lexicon: Lexicon, key: str, changes: dict[str, Any], actor: str
) -> tuple[PolicyDocument, bool]:
    """Create the document ``key`` from ``changes``, or save ``changes`` over its fields."""
    document = session.execute(
        select(PolicyDocument).where(PolicyDocument.key == key)
    ).scalar_one_or_none()
    current = versions.snapshot(document) if document is not None else {}
    return save_document(
        session=session,
        lexicon=lexicon,
        raw={**current, **changes, "key": key},
        actor=actor,
        document_id=document.id if document is not None else None,
    )


def _create(
    session: Session,
    item: FaqEntry | PolicyDocument,
    *,
    actor: str,
    kind: str,
    detail: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Store a new item as version 1, with its audit line."""
    session.add(item)
    session.flush()
    for name, value in (extra or {}).items():
        _assign(session, item, name, value)
    _reload_children(session, item)
    versions.record(session=session, item=item, action="create", author=actor)
    audit(session=session, actor=actor, action="create", kind=kind, item_id=item.id, detail=detail)


def _update(
    session: Session,
    item: FaqEntry | PolicyDocument,
    values: dict[str, Any],
    *,
    actor: str,
    kind: str,
    action_of: Callable[[dict[str, Any]], str],
    label: str,
) -> bool:
    """Apply ``values``; a real change is a new version (full snapshot) and an audit line.

    Saving unchanged values writes nothing (no version, no audit line, no baseline).
    """
    before = versions.snapshot(item)
    for name, value in values.items():
        _assign(session, item, name, value)
    _reload_children(session, item)
    changes = versions.diff(before, versions.snapshot(item))
    if not changes:
        return False
    versions.ensure_baseline(session=session, item=item, data=before)
    item.version += 1
    item.updated_by = actor
    item.updated_at = utcnow()
    done = action_of(before)
    versions.record(session=session, item=item, action=done, author=actor)
    audit(
        session=session,
        actor=actor,
        action=done,
        kind=kind,
        item_id=item.id,
        detail=f"{label} 第{item.version}版：" + "、".join(c.label for c in changes),
    )
    return True


def _assign(session: Session, item: FaqEntry | PolicyDocument, name: str, value: Any) -> None:
    """Set one cleaned value; clauses and clause links are rows of their own."""
    if name == DOCUMENT_CLAUSES:
        if value is not None:
            _sync_clauses(session, item, value)
    elif name == ENTRY_CLAUSE_KEYS:
        if value is not None:
            _sync_links(session, item, value)
    else:
        setattr(item, name, value)


def _reload_children(session: Session, item: FaqEntry | PolicyDocument) -> None:
    """Write the clause rows and read them back, so snapshots see the new state."""
    session.flush()
    session.expire(item, ["clause_links"] if isinstance(item, FaqEntry) else ["clauses"])


def _sync_clauses(session: Session, document: PolicyDocument, items: list[dict]) -> None:
    """Make the document's clauses exactly ``items`` (matched by key, kept in order)."""
    current = {c.key: c for c in document.clauses}
    wanted = {item["key"] for item in items}
    for key, clause in current.items():
        if key not in wanted:
            session.delete(clause)
    for position, item in enumerate(items, start=1):
        clause = current.get(item["key"])
        if clause is None:
            session.add(
                PolicyClause(
                    document_id=document.id,
                    key=item["key"],
                    number=item["number"],
                    text=item["text"],
                    position=position,
                )
            )
            continue
        for attr, value in (("number", item["number"]), ("text", item["text"])):
            if getattr(clause, attr) != value:
                setattr(clause, attr, value)
        if clause.position != position:
            clause.position = position


def _sync_links(session: Session, entry: FaqEntry, keys: list[str]) -> None:
    """Make the entry rest on exactly the clauses ``keys`` (in that order)."""
    if [c.key for c in entry.clauses] == keys:
        return
    ids = {
        c.key: c.id
        for c in session.execute(select(PolicyClause).where(PolicyClause.key.in_(keys))).scalars()
    }
    for link in list(entry.clause_links):
        session.delete(link)
    session.flush()
    for position, key in enumerate(keys, start=1):
        session.add(FaqEntryClause(entry_id=entry.id, clause_id=ids[key], position=position))


def restore(
    *,
    session: Session,
    lexicon: Lexicon,
    kind: str,
    item_id: int,
    version: int,
    actor: str,
    today: dt.date | None = None,
) -> FaqEntry | PolicyDocument:
    """Save an old version's snapshot again, as a new version (validated like any save)."""
    data = dict(
        versions.get_version(session=session, kind=kind, item_id=item_id, version=version).data
    )
    if kind == versions.FAQ:
        item, _ = save_entry(
            session=session,
            lexicon=lexicon,
            raw=data,
            actor=actor,
            entry_id=item_id,
            today=today,
            action="restore",
        )
    else:
        item, _ = save_document(
            session=session,
            lexicon=lexicon,
            raw=data,
            actor=actor,
            document_id=item_id,
            action="restore",
        )
    return item


# ---- listing ----


def search_entries(*, session: Session, filters: Filters) -> list[FaqEntry]:
    """Entries matching every filter; text matches question, alternatives, answer or key."""
    query = select(FaqEntry).order_by(FaqEntry.topic, FaqEntry.id)
    if filters.topic:
        query = query.where(FaqEntry.topic == filters.topic)
    if filters.region:
        query = query.where(FaqEntry.region == filters.region)
    if filters.status:
        query = query.where(FaqEntry.status == filters.status)
    if filters.document_id is not None:
        query = query.where(FaqEntry.document_id == filters.document_id)
    entries = list(session.execute(query).scalars())
    needle = comparable(filters.text) if filters.text.strip() else ""
    if not needle:
        return entries
    return [
        e
        for e in entries
        if needle in comparable(" ".join([e.key, e.question, *(e.alternatives or []), e.answer]))
        or filters.text.strip().lower() in e.key.lower()
    ]


def search_documents(
    *, session: Session, text: str = "", status: str = "", region: str = ""
) -> list[PolicyDocument]:
    query = select(PolicyDocument).order_by(PolicyDocument.id)
    if status:
        query = query.where(PolicyDocument.status == status)
    if region:
        query = query.where(PolicyDocument.region == region)
    documents = list(session.execute(query).scalars())
    needle = comparable(text) if text.strip() else ""
    if not needle:
        return documents
    return [
        d
        for d in documents
        if needle in comparable(" ".join([d.key, d.title, d.doc_number or "", d.issuer or ""]))
        or text.strip().lower() in d.key.lower()
    ]


def review_queue(*, session: Session) -> list[FaqEntry]:
    """Drafts waiting for review, desk drafts included, oldest first."""
    return list(
        session.execute(
            select(FaqEntry)
            .where(FaqEntry.status == FaqStatus.draft.value)
            .order_by(FaqEntry.updated_at, FaqEntry.id)
        ).scalars()
    )


def audit_log(*, session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(
        session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars()
    )
