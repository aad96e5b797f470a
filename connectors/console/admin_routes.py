"""The admin side of the console (``/admin``, role admin): the knowledge editor, versions,
review queue, audit log and unanswered questions, as server-rendered pages.

``admin_api`` (JSON), ``admin_try`` (试一试) and ``admin_files`` (import/export) add the
rest. Every handler is admin-only and every state change needs the session's CSRF token
(``auth.require``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from changai.settings import Settings
from connectors.console import admin_api, admin_files, admin_try, auth
from connectors.console import admin_pages as pages
from connectors.console.admin_context import (
    ADMIN,
    DOCUMENT_FORM_FIELDS,
    ENTRY_FORM_FIELDS,
    AdminContext,
    blocking,
    ctx,
    drafts_waiting,
    entry_filters,
    form_raw,
    html,
    kind_of,
    parse_int,
    restore_version,
    save_document,
    save_entry,
)
from knowledge import catalogue, unanswered_groups
from knowledge import content_versions as versions
from knowledge.errors import DocumentNotFound, FaqNotFound
from knowledge.models import FaqEntry, PolicyDocument

routes = web.RouteTableDef()

# ---- FAQ entries: pages ----


@routes.get("/admin")
@auth.require("admin")
async def entries_page(request: web.Request) -> web.Response:
    c = ctx(request)
    filters = entry_filters(c, request.query)

    def work() -> str:
        with c.sessions() as session:
            return pages.entries_page(
                request,
                catalogue.search_entries(session=session, filters=filters),
                filters,
                catalogue.search_documents(session=session),
                c.today(),
                drafts_waiting(session),
            )

    return html(await blocking(work))


def _render_entry(
    c: AdminContext, request: web.Request, entry_id: int | None, form: pages.EntryForm
) -> str:
    with c.sessions() as session:
        if entry_id is not None:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise web.HTTPNotFound(text="没有这个条目")
            form.entry_id, form.version = entry.id, entry.version
            form.state = catalogue.serving_state(entry, c.today())
        return pages.entry_form_page(
            request, form, catalogue.search_documents(session=session), c.today()
        )


@routes.get("/admin/entries/new")
@auth.require("admin")
async def new_entry_page(request: web.Request) -> web.Response:
    q = request.query
    values = {
        "status": "draft",
        "region": "全国",
        "question": q.get("question", "")[:200],
        "alternatives": q.get("alternatives", "")[:2000],
        "topic": q.get("topic", ""),
    }
    form = pages.EntryForm(values)
    return html(await blocking(_render_entry, ctx(request), request, None, form))


@routes.get("/admin/entries/{entry_id:\\d+}")
@auth.require("admin")
async def entry_page(request: web.Request) -> web.Response:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])

    def work() -> str:
        with c.sessions() as session:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise web.HTTPNotFound(text="没有这个条目")
            values = pages.entry_values(entry)
        form = pages.EntryForm(values, saved=request.query.get("saved") == "1")
        return _render_entry(c, request, entry_id, form)

    return html(await blocking(work))


@routes.post("/admin/entries/new")
@routes.post("/admin/entries/{entry_id:\\d+}")
@auth.require("admin")
async def save_entry_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    entry_id = parse_int(request.match_info.get("entry_id"))
    raw = form_raw(await request.post(), ENTRY_FORM_FIELDS)
    try:
        saved_id, errors = await blocking(save_entry, c, raw, request["user"].username, entry_id)
    except FaqNotFound:
        raise web.HTTPNotFound(text="没有这个条目") from None
    if errors:
        form = pages.EntryForm(raw, errors)
        return html(await blocking(_render_entry, c, request, entry_id, form), 422)
    raise web.HTTPFound(f"/admin/entries/{saved_id}?saved=1")


@routes.post("/admin/entries/{entry_id:\\d+}/status")
@auth.require("admin")
async def entry_status_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])
    status = str((await request.post()).get("status", ""))

    def work() -> tuple[dict[str, Any], dict[str, str]]:
        with c.sessions() as session:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise web.HTTPNotFound(text="没有这个条目")
            raw = {**versions.snapshot(entry), "status": status}
        return raw, save_entry(c, raw, request["user"].username, entry_id)[1]

    raw, errors = await blocking(work)
    if errors:
        form = pages.EntryForm(
            {
                **raw,
                "alternatives": "\n".join(raw["alternatives"]),
                "tags": "、".join(raw["tags"]),
                "aspects": catalogue.aspects_text(raw["aspects"]),
            },
            errors,
        )
        return html(await blocking(_render_entry, c, request, entry_id, form), 422)
    raise web.HTTPFound(f"/admin/entries/{entry_id}?saved=1")


# ---- policy documents: pages ----


@routes.get("/admin/documents")
@auth.require("admin")
async def documents_page(request: web.Request) -> web.Response:
    c = ctx(request)
    text = request.query.get("q", "")[:200]
    status = request.query.get("status", "")
    region_raw = request.query.get("region", "").strip()
    region = catalogue.canonical_region(c.lexicon, region_raw) or region_raw

    def work() -> str:
        with c.sessions() as session:
            counts = dict(
                session.execute(
                    select(FaqEntry.document_id, func.count(FaqEntry.id)).group_by(
                        FaqEntry.document_id
                    )
                ).all()
            )
            return pages.documents_page(
                request,
                catalogue.search_documents(
                    session=session, text=text, status=status, region=region
                ),
                counts,
                c.today(),
                {"q": text, "status": status, "region": region},
            )

    return html(await blocking(work))


@routes.get("/admin/documents/new")
@routes.get("/admin/documents/{document_id:\\d+}")
@auth.require("admin")
async def document_page(request: web.Request) -> web.Response:
    c = ctx(request)
    document_id = parse_int(request.match_info.get("document_id"))

    def work() -> str:
        if document_id is None:
            return pages.document_form_page(
                request, {"region": "全国", "status": "active"}, {}, None, None
            )
        with c.sessions() as session:
            document = session.get(PolicyDocument, document_id)
            if document is None:
                raise web.HTTPNotFound(text="没有这个政策文件")
            return pages.document_form_page(
                request,
                pages.document_values(document),
                {},
                document.id,
                document.version,
                request.query.get("saved") == "1",
            )

    return html(await blocking(work))


@routes.post("/admin/documents/new")
@routes.post("/admin/documents/{document_id:\\d+}")
@auth.require("admin")
async def save_document_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    document_id = parse_int(request.match_info.get("document_id"))
    raw = form_raw(await request.post(), DOCUMENT_FORM_FIELDS)
    try:
        saved_id, errors = await blocking(
            save_document, c, raw, request["user"].username, document_id
        )
    except DocumentNotFound:
        raise web.HTTPNotFound(text="没有这个政策文件") from None
    if errors:
        return html(pages.document_form_page(request, raw, errors, document_id, None), 422)
    raise web.HTTPFound(f"/admin/documents/{saved_id}?saved=1")


# ---- history and restore ----


@routes.get("/admin/{kind:entries|documents}/{item_id:\\d+}/history")
@auth.require("admin")
async def history_page(request: web.Request) -> web.Response:
    c = ctx(request)
    kind, item_id = kind_of(request), int(request.match_info["item_id"])

    def work() -> str:
        with c.sessions() as session:
            model = FaqEntry if kind == versions.FAQ else PolicyDocument
            item = session.get(model, item_id)
            if item is None:
                raise web.HTTPNotFound(text="没有这一项")
            rows = versions.history(session=session, kind=kind, item_id=item_id)
            current = {r.version: r.data for r in rows}
            left, right = parse_int(request.query.get("a")), parse_int(request.query.get("b"))
            if left is None and len(rows) >= 2:
                left, right = rows[1].version, rows[0].version
            changes = (
                versions.diff(current[left], current[right])
                if left in current and right in current
                else []
            )
            if left not in current or right not in current:
                left = right = None
            return pages.history_page(
                request,
                request.match_info["kind"],
                item_id,
                item.key,
                rows,
                left,
                right,
                changes,
            )

    return html(await blocking(work))


@routes.post("/admin/{kind:entries|documents}/{item_id:\\d+}/restore")
@auth.require("admin")
async def restore_form(request: web.Request) -> web.StreamResponse:
    kind, item_id = kind_of(request), int(request.match_info["item_id"])
    version = parse_int(str((await request.post()).get("version", "")))
    errors = await blocking(
        restore_version, ctx(request), kind, item_id, version or 0, request["user"].username
    )
    if errors:
        message = "；".join(errors.values())
        return html(pages.restore_failed_page(request, message), 422)
    raise web.HTTPFound(f"/admin/{request.match_info['kind']}/{item_id}?saved=1")


# ---- review queue and audit log ----


@routes.get("/admin/review")
@auth.require("admin")
async def review_page(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> str:
        with c.sessions() as session:
            return pages.review_page(request, catalogue.review_queue(session=session))

    return html(await blocking(work))


@routes.get("/admin/audit")
@auth.require("admin")
async def audit_page(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> str:
        with c.sessions() as session:
            return pages.audit_page(request, catalogue.audit_log(session=session))

    return html(await blocking(work))


# ---- unanswered questions ----


@routes.get("/admin/unanswered")
@auth.require("admin")
async def unanswered_page(request: web.Request) -> web.Response:
    c = ctx(request)
    days = parse_int(request.query.get("days")) or 30
    topic = request.query.get("topic", "")
    region_raw = request.query.get("region", "").strip()
    region = catalogue.canonical_region(c.lexicon, region_raw) or region_raw

    def work() -> str:
        since = dt.datetime.combine(c.today() - dt.timedelta(days=days), dt.time())
        with c.sessions() as session:
            report = unanswered_groups.report(
                session=session, since=since, topic=topic or None, region=region or None
            )
        return pages.unanswered_page(
            request,
            report.groups,
            {"topic": topic, "region": region, "days": str(days)},
            report.weekly_bars(),
            report.topic_bars(),
        )

    return html(await blocking(work))


def setup(app: web.Application, settings: Settings, sessions: sessionmaker) -> AdminContext:
    context = AdminContext(settings, sessions)
    app[ADMIN] = context
    app.middlewares.append(admin_files.upload_limit)  # after the session middleware
    for table in (routes, admin_api.routes, admin_try.routes, admin_files.routes):
        app.add_routes(table)
    return context
