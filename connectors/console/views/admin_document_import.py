"""导入文件: the admin uploads (or pastes) a policy document, sees its clauses as split with
the document's fields, fixes a split, and confirms; 查看原文, a document's clauses, where an
entry is linked to a clause; and 待复核, the entries whose clauses or documents changed.

Nothing is stored until 确认导入, which goes through ``knowledge.document_import.confirm``
(the validating, versioned, audited save). Every problem comes back on the form in Chinese.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp_jinja2 import render_string
from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db.off_loop import in_session, in_transaction
from connectors.console import auth
from connectors.console.admin_context import (
    AdminContext,
    ctx,
    get_document,
    html,
    html_page,
    parse_int,
)
from knowledge import catalogue, review_flags
from knowledge import document_import as importing
from knowledge.clause_split import DraftClause, NumberingUnreadable, apply_fixes
from knowledge.document_text import MAX_FILE_BYTES, DocumentUnreadable
from knowledge.errors import FaqNotFound
from knowledge.models import FaqEntry, FaqEntryClause
from knowledge.repository import DOCUMENT_DESCRIPTION_FIELDS, ENTRY_CLAUSE_KEYS

routes = web.RouteTableDef()
PAGE = "/admin/documents/import"
CONFIRM = "/admin/documents/import/confirm"
UPLOAD_PATHS = frozenset({PAGE, CONFIRM})
MAX_CLAUSE_ROWS = 2000
PASTED = "粘贴文本"
TOO_LARGE = f"文件太大（最多 {MAX_FILE_BYTES // (1024 * 1024)} MB）"
FIELDS = ("key", *DOCUMENT_DESCRIPTION_FIELDS)


def with_upload_limit(request: web.Request) -> web.Request:
    """Room for a document file (or a long preview form); a larger body is refused early."""
    limit = MAX_FILE_BYTES + 1024 * 1024
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(
            max_size=limit, actual_size=request.content_length, text=TOO_LARGE
        )
    return request.clone(client_max_size=limit)


def _page(
    request: web.Request,
    values: dict[str, str],
    *,
    clauses: list[DraftClause] | None = None,
    problem: str = "",
    errors: dict[str, str] | None = None,
    source: str = "",
    pasted: str = "",
) -> str:
    context = {
        "values": values,
        "clauses": clauses,
        "problem": problem,
        "errors": errors or {},
        "source": source,
        "pasted": pasted,
        "fields": FIELDS,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }
    return render_string("admin/document_import.html", request, context)


def _fields(form: Any) -> dict[str, str]:
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    values["region"] = values["region"] or "全国"
    return values


@routes.get(PAGE)
@auth.require("admin")
async def import_page(request: web.Request) -> web.Response:
    return html(_page(request, {"region": "全国"}))


@routes.post(PAGE)
@auth.require("admin")
async def preview_upload(request: web.Request) -> web.Response:
    form = await request.post()
    values = _fields(form)
    upload = form.get("file")
    filename = str(getattr(upload, "filename", "") or "")
    pasted = str(form.get("text", ""))
    data = b""
    if isinstance(upload, web.FileField):
        data = upload.file.read(MAX_FILE_BYTES + 1)
    c = ctx(request)

    def work(session: Session) -> list[DraftClause]:
        return importing.preview(
            session=session,
            document_key=values["key"],
            filename=filename,
            data=data,
            text=pasted,
        )

    try:
        if not filename and not pasted.strip():
            raise DocumentUnreadable("请选择文件或粘贴文本")
        clauses = await in_session(c.sessions, work)
    except (DocumentUnreadable, NumberingUnreadable) as problem:
        return html(_page(request, values, problem=str(problem), pasted=pasted[:200_000]), 422)
    return html(_page(request, values, clauses=clauses, source=filename or PASTED))


def _fixed(form: Any, key: str) -> list[DraftClause]:
    count = min(parse_int(str(form.get("count", ""))) or 0, MAX_CLAUSE_ROWS)
    items = [
        (
            str(form.get(f"number_{i}", "")),
            str(form.get(f"text_{i}", "")),
            bool(form.get(f"merge_{i}")),
        )
        for i in range(count)
    ]
    return apply_fixes(key, items)


def _confirm(
    c: AdminContext, values: dict[str, str], clauses: list[DraftClause], actor: str, source: str
) -> int:
    with c.sessions.begin() as session:
        document = importing.confirm(
            session=session,
            lexicon=c.lexicon,
            fields={**values, "status": "active"},
            clauses=clauses,
            actor=actor,
            source=source,
        )
        return int(document.id)


@routes.post(CONFIRM)
@auth.require("admin")
async def confirm_import(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    values = _fields(form)
    source = str(form.get("source", ""))[:200] or PASTED
    clauses = _fixed(form, values["key"])
    if form.get("action") != "confirm":
        return html(_page(request, values, clauses=clauses, source=source))
    try:
        document_id = await asyncio.to_thread(
            _confirm, ctx(request), values, clauses, request["user"].username, source
        )
    except catalogue.ValidationFailed as failed:
        page = _page(request, values, clauses=clauses, errors=failed.errors, source=source)
        return html(page, 422)
    raise web.HTTPFound(f"/admin/documents/{document_id}/clauses?imported=1")


@routes.get("/admin/documents/{document_id:[0-9]{1,18}}/clauses")
@auth.require("admin")
async def clauses_page(request: web.Request) -> web.Response:
    """查看原文: the document's clauses as stored, each with the entries that rest on it."""
    document_id = parse_int(request.match_info["document_id"])
    assert document_id is not None  # the route only matches digits

    def build(session: Session) -> str:
        document = get_document(session, document_id)
        rows = session.execute(
            select(FaqEntryClause.clause_id, FaqEntry.id, FaqEntry.key)
            .join(FaqEntry, FaqEntry.id == FaqEntryClause.entry_id)
            .where(FaqEntryClause.clause_id.in_([cl.id for cl in document.clauses]))
            .order_by(FaqEntry.key)
        ).all()
        entries: dict[int, list[tuple[int, str]]] = {}
        for clause_id, entry_id, entry_key in rows:
            entries.setdefault(clause_id, []).append((entry_id, entry_key))
        return render_string(
            "admin/document_clauses.html",
            request,
            {
                "document": document,
                "entries": entries,
                "imported": request.query.get("imported") == "1",
            },
        )

    return await html_page(request, build)


def _link(c: AdminContext, document_id: int, clause_key: str, entry_key: str, actor: str) -> None:
    with c.sessions.begin() as session:
        document = get_document(session, document_id)
        if clause_key not in {clause.key for clause in document.clauses}:
            raise catalogue.ValidationFailed({"clause_keys": "没有这个条款"}, item="link")
        entry = session.execute(select(FaqEntry).where(FaqEntry.key == entry_key)).scalar()
        if entry is None:
            raise catalogue.ValidationFailed(
                {"clause_keys": f"没有编号为 {entry_key} 的条目"}, item="link"
            )
        keys = [clause.key for clause in entry.clauses]
        if clause_key not in keys:
            catalogue.put_entry(
                session=session,
                lexicon=c.lexicon,
                key=entry.key,
                changes={ENTRY_CLAUSE_KEYS: [*keys, clause_key]},
                actor=actor,
                today=c.today(),
            )


@routes.post("/admin/documents/{document_id:[0-9]{1,18}}/clauses/link")
@auth.require("admin")
async def link_entry(request: web.Request) -> web.StreamResponse:
    """关联条目: the entry (by key) rests on this clause too, saved through the catalogue."""
    document_id = parse_int(request.match_info["document_id"])
    assert document_id is not None
    form = await request.post()
    clause_key = str(form.get("clause_key", "")).strip()
    entry_key = str(form.get("entry_key", "")).strip()[:100]
    await asyncio.to_thread(
        _link, ctx(request), document_id, clause_key, entry_key, request["user"].username
    )
    raise web.HTTPFound(f"/admin/documents/{document_id}/clauses#clause-{clause_key}")


@routes.get("/admin/review-flags")
@auth.require("admin")
async def review_flags_page(request: web.Request) -> web.Response:
    """待复核: entries whose clauses or documents changed or ended (read only: end dates are
    checked by ``connectors.console.end_date_sweep``)."""
    return await html_page(
        request,
        lambda session: render_string(
            "admin/review_flags.html", request, {"flags": review_flags.open_flags(session)}
        ),
    )


@routes.post("/admin/review-flags/{entry_id:[0-9]{1,18}}/clear")
@auth.require("admin")
async def clear_review_flags(request: web.Request) -> web.StreamResponse:
    """已核对: the answer still holds as it is; the entry's flags are cleared (audited)."""
    c = ctx(request)
    entry_id = parse_int(request.match_info["entry_id"])

    def work(session: Session) -> None:
        entry = session.get(FaqEntry, entry_id)
        if entry is None:
            raise FaqNotFound(str(entry_id))
        review_flags.clear_entry_flags(session, entry, actor=request["user"].username)

    await in_transaction(c.sessions, work)
    raise web.HTTPFound("/admin/review-flags")
