"""Spreadsheet export and import (dry run first) for the admin, and the larger body limit
that uploads need."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from changai.db.off_loop import in_session
from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx, html
from connectors.console.views import admin_document_import
from knowledge import sheet_files, spreadsheets

routes = web.RouteTableDef()
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@routes.get("/admin/export")
@auth.require("admin")
async def export_file(request: web.Request) -> web.Response:
    c = ctx(request)
    kind = request.query.get("kind", spreadsheets.ENTRIES)
    fmt = request.query.get("format", "csv")
    if kind not in spreadsheets.COLUMNS or fmt not in sheet_files.FORMATS:
        raise web.HTTPBadRequest(text="不支持的导出类型")

    def work(session: Session) -> bytes:
        return spreadsheets.export_file(session=session, kind=kind, fmt=fmt)

    data = await in_session(c.sessions, work)
    content_type = (
        "text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"changai-{kind}-{c.today():%Y%m%d}.{fmt}"
    return web.Response(
        body=data,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _import(
    c: AdminContext, kind: str, fmt: str, data: bytes, confirm: bool, actor: str
) -> tuple[dict[str, Any], int | None]:
    with c.sessions() as session:
        plan = spreadsheets.plan_import(
            session=session, lexicon=c.lexicon, kind=kind, fmt=fmt, data=data, today=c.today()
        )
        if not confirm or not plan.ok:
            session.rollback()  # the dry run never writes
            return plan.summary(), None
        applied = spreadsheets.apply_import(
            session=session, lexicon=c.lexicon, plan=plan, actor=actor, today=c.today()
        )
        session.commit()
        return plan.summary(), applied


def _format_of(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in sheet_files.FORMATS else None


@routes.get("/admin/import")
@auth.require("admin")
async def import_page(request: web.Request) -> web.Response:
    return html(pages.import_page(request))


@routes.post("/admin/import")
@auth.require("admin")
async def import_form(request: web.Request) -> web.Response:
    form = await request.post()
    upload = form.get("file")
    kind = str(form.get("kind", spreadsheets.ENTRIES))
    fmt = _format_of(getattr(upload, "filename", "") or "")
    if (
        upload is None
        or not hasattr(upload, "file")
        or fmt is None
        or kind not in spreadsheets.COLUMNS
    ):
        summary = {
            "rows": 0,
            "creates": 0,
            "updates": 0,
            "unchanged": 0,
            "problems": [
                {"row": 0, "column": "", "field": "", "message": "请选择 .csv 或 .xlsx 文件"}
            ],
        }
        return html(pages.import_page(request, summary), 400)
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    summary, applied = await asyncio.to_thread(
        _import, ctx(request), kind, fmt, data, bool(form.get("confirm")), request["user"].username
    )
    status = 200 if not summary["problems"] else 422
    return html(pages.import_page(request, summary, applied), status)


@routes.post("/admin/api/import")
@auth.require("admin")
async def import_api(request: web.Request) -> web.Response:
    kind = request.query.get("kind", spreadsheets.ENTRIES)
    fmt = request.query.get("format", "csv")
    if kind not in spreadsheets.COLUMNS or fmt not in sheet_files.FORMATS:
        raise web.HTTPBadRequest(text="不支持的导入类型")
    data = await request.content.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_UPLOAD_BYTES, actual_size=len(data), text="文件太大（最多 5 MB）"
        )
    summary, applied = await asyncio.to_thread(
        _import,
        ctx(request),
        kind,
        fmt,
        data,
        request.query.get("confirm") == "1",
        request["user"].username,
    )
    summary["applied"] = applied
    return web.json_response(summary, status=200 if not summary["problems"] else 422)


UPLOAD_PATHS = frozenset({"/admin/import", "/admin/api/import"})


@web.middleware
async def upload_limit(request: web.Request, handler: Any) -> web.StreamResponse:
    """Spreadsheet and document uploads may be larger than the console's small body limit."""
    if request.method == "POST" and request.path in UPLOAD_PATHS:
        request = request.clone(client_max_size=MAX_UPLOAD_BYTES + 64 * 1024)
    elif request.method == "POST" and request.path in admin_document_import.UPLOAD_PATHS:
        request = admin_document_import.with_upload_limit(request)
    return await handler(request)
