"""Server-rendered admin pages (Chinese): editor, history, review, audit, try-it, import,
unanswered questions. Each function works out what its page shows and renders the page's
template (``templates/admin/``), which escapes every value; the pages need no JavaScript.

The functions run where the rows were read (inside the database session), so a template
may read an entry's or a document's fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp_jinja2 import render_string

from changai.vocabulary import (
    ASPECT_LABELS,
    DOCUMENT_STATUS_LABELS,
    FAQ_STATUS_LABELS,
    TOPIC_LABELS,
    topic_label,
)
from knowledge import entry_validation, field_values, listing, validity
from knowledge.content_versions import DOCUMENT_SNAPSHOT_FIELDS, FieldChange
from knowledge.models import AuditEntry, ContentVersion, FaqEntry, PolicyDocument
from knowledge.text_normalise import mask_personal_numbers

ACTION_LABELS = {
    "create": "新建",
    "edit": "修改",
    "publish": "发布",
    "propose": "提交待审核",
    "discard": "放弃待审核的修改",
    "archive": "归档",
    "restore": "恢复旧版本",
    "import": "导入",
    "baseline": "原始内容",
    "flag": "待复核",
    "reviewed": "已复核",
    "delete": "删除",
}
ENTRY_STATUSES = list(FAQ_STATUS_LABELS.items())
DOCUMENT_STATUSES = list(DOCUMENT_STATUS_LABELS.items())
AUDIT_KINDS = {
    "faq": "条目",
    "document": "政策文件",
    "condition": "核对条件",
    "ladder": "等级路径",
}
SPREADSHEET_KINDS = [("entries", "FAQ 条目"), ("documents", "政策文件")]
PERIODS = [("7", "最近7天"), ("30", "最近30天"), ("90", "最近90天"), ("365", "最近一年")]


@dataclass(frozen=True)
class Flag:
    """A coloured state label: ``kind`` is ok, warn or bad."""

    kind: str
    text: str
    expiring: bool = False


def state_flag(served: bool, reason: str) -> Flag:
    return Flag("ok" if served else "bad", reason)


def document_flag(document: PolicyDocument, today: dt.date) -> Flag:
    problem = validity.document_problem(document, today)
    if problem:
        return Flag("bad", problem)
    if validity.expires_soon(document, today):
        return Flag("warn", f"{(document.expires_on - today).days}天后到期", expiring=True)
    return Flag("ok", "有效")


# ---- FAQ entries ----


def entries_page(
    request: web.Request,
    entries: list[FaqEntry],
    filters: listing.Filters,
    documents: list[PolicyDocument],
    today: dt.date,
    drafts: int,
) -> str:
    rows = []
    for entry in entries:
        served, reason = validity.serving_state(entry, today)
        flags = [state_flag(served, reason)]
        if served and entry.document is not None and validity.expires_soon(entry.document, today):
            flags.append(document_flag(entry.document, today))
        rows.append(
            {
                "entry": entry,
                "topic": topic_label(entry.topic),
                "status": FAQ_STATUS_LABELS.get(entry.status, entry.status),
                "flags": flags,
            }
        )
    context = {
        "rows": rows,
        "filters": filters,
        "topic_pairs": [("", "全部话题"), *TOPIC_LABELS.items()],
        "status_pairs": [("", "全部状态"), *ENTRY_STATUSES],
        "document_pairs": [("", "全部文件"), *((str(d.id), d.title) for d in documents)],
        "document_selected": str(filters.document_id or ""),
        "drafts": drafts,
    }
    return render_string("admin/entries.html", request, context)


@dataclass
class EntryForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    entry_id: int | None = None
    version: int | None = None
    state: tuple[bool, str] | None = None
    saved: bool = False


def entry_values(entry: FaqEntry) -> dict[str, Any]:
    return {
        "key": entry.key,
        "status": entry.status,
        "topic": entry.topic,
        "question": entry.question,
        "alternatives": "\n".join(entry.alternatives or []),
        "answer": entry.answer,
        "region": entry.region,
        "region_sensitive": entry.region_sensitive,
        "tags": "、".join(entry.tags or []),
        "aspects": field_values.aspects_text(entry.aspects),
        "document_id": str(entry.document_id or ""),
        "clause": entry.clause,
    }


def entry_form_page(
    request: web.Request, form: EntryForm, documents: list[PolicyDocument], today: dt.date
) -> str:
    document_pairs = [("", "（未选择）")]
    for d in documents:
        problem = validity.document_problem(d, today)
        document_pairs.append((str(d.id), f"{d.title}（{problem}）" if problem else d.title))
    context = {
        "values": form.values,
        "errors": form.errors,
        "entry_id": form.entry_id,
        "version": form.version,
        "state": state_flag(*form.state) if form.state else None,
        "saved": form.saved,
        "region_sensitive": field_values.parse_bool(form.values.get("region_sensitive")) or False,
        "status_pairs": ENTRY_STATUSES,
        "topic_pairs": [("", "请选择"), *TOPIC_LABELS.items()],
        "document_pairs": document_pairs,
        "max_answer_chars": entry_validation.MAX_ANSWER_CHARS,
        "aspect_choices": "、".join(ASPECT_LABELS.values()),
    }
    return render_string("admin/entry_form.html", request, context)


# ---- policy documents ----


def documents_page(
    request: web.Request,
    documents: list[PolicyDocument],
    counts: dict[int, int],
    today: dt.date,
    filters: dict[str, str],
) -> str:
    context = {
        "rows": [(d, document_flag(d, today), counts.get(d.id, 0)) for d in documents],
        "expiring": sum(
            1 for d in documents if validity.expires_soon(d, today) and d.status == "active"
        ),
        "filters": filters,
        "status_pairs": [("", "全部状态"), *DOCUMENT_STATUSES],
    }
    return render_string("admin/documents.html", request, context)


def document_values(document: PolicyDocument) -> dict[str, Any]:
    """The document's fields as form text (empty for a missing date or link)."""
    return {
        name: "" if getattr(document, name) is None else str(getattr(document, name))
        for name in DOCUMENT_SNAPSHOT_FIELDS
    }


def document_form_page(
    request: web.Request,
    values: dict[str, Any],
    errors: dict[str, str],
    document_id: int | None,
    version: int | None,
    saved: bool = False,
) -> str:
    context = {
        "values": values,
        "errors": errors,
        "document_id": document_id,
        "version": version,
        "saved": saved,
        "status_pairs": DOCUMENT_STATUSES,
    }
    return render_string("admin/document_form.html", request, context)


# ---- history, review, audit ----


def history_page(
    request: web.Request,
    kind_path: str,
    item_id: int,
    title: str,
    rows: list[ContentVersion],
    left: int | None,
    right: int | None,
    changes: list[FieldChange],
) -> str:
    context = {
        "base": f"/admin/{kind_path}/{item_id}",
        "item_title": title,
        "versions": [(r, ACTION_LABELS.get(r.action, r.action)) for r in rows],
        "left": left,
        "right": right,
        "changes": [(c.label, _show(c.before), _show(c.after)) for c in changes],
    }
    return render_string("admin/history.html", request, context)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def restore_failed_page(request: web.Request, message: str) -> str:
    return render_string("admin/restore_failed.html", request, {"message": message})


@dataclass(frozen=True)
class ReviewRow:
    id: int
    key: str
    question: str
    answer: str
    updated_by: str
    updated_at: dt.datetime


def review_page(request: web.Request, drafts: list[FaqEntry]) -> str:
    # a desk draft's question is the worker's: personal numbers masked, even in old drafts
    rows = [
        ReviewRow(
            d.id,
            d.key,
            mask_personal_numbers(d.question),
            d.answer,
            d.updated_by,
            d.updated_at,
        )
        for d in drafts
    ]
    context = {"entries": rows, "drafts": len(drafts)}
    return render_string("admin/review.html", request, context)


def audit_page(request: web.Request, entries: list[AuditEntry]) -> str:
    rows = [
        (e, ACTION_LABELS.get(e.action, e.action), AUDIT_KINDS.get(e.kind, e.kind)) for e in entries
    ]
    return render_string("admin/audit.html", request, {"rows": rows})


# ---- try it ----


def try_page(
    request: web.Request, question: str, region: str, result: dict[str, Any] | None
) -> str:
    understood = None
    if result is not None:
        topic = result.get("topic")
        understood = {
            "intent": str(result.get("intent") or "—"),
            "topic": TOPIC_LABELS.get(str(topic), str(topic or "无")),
            "region": str(result.get("region") or "未说明"),
        }
    context = {"question": question, "region": region, "result": result, "understood": understood}
    return render_string("admin/try.html", request, context)


# ---- import / export ----


def import_page(
    request: web.Request, summary: dict[str, Any] | None = None, applied: int | None = None
) -> str:
    exports = [
        (f"/admin/export?{urlencode({'kind': kind, 'format': fmt})}", f"{label} {fmt.upper()}")
        for kind, label in SPREADSHEET_KINDS
        for fmt in ("csv", "xlsx")
    ]
    context = {
        "exports": exports,
        "kinds": SPREADSHEET_KINDS,
        "summary": summary,
        "applied": applied,
    }
    return render_string("admin/import.html", request, context)


# ---- unanswered questions ----


def unanswered_page(
    request: web.Request,
    groups: list[Any],
    filters: dict[str, str],
    weekly: list[tuple[str, float, str]],
    by_topic: list[tuple[str, float, str]],
) -> str:
    rows = []
    for g in groups:
        draft = {
            "question": g.representative,
            "alternatives": "\n".join(p for p in g.phrasings if p != g.representative),
            "topic": g.topic or "",
        }
        rows.append(
            (
                g,
                topic_label(g.topic) if g.topic else "—",
                "、".join(g.regions) or "—",
                f"/admin/entries/new?{urlencode(draft)}",
            )
        )
    context = {
        "rows": rows,
        "filters": filters,
        "topic_pairs": [("", "全部话题"), *TOPIC_LABELS.items()],
        "period_pairs": PERIODS,
        "weekly": weekly,
        "by_topic": by_topic,
    }
    return render_string("admin/unanswered.html", request, context)
