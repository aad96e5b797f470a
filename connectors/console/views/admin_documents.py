"""The admin's policy document pages: the list (with how many entries rest on each) and
the editor. A form with problems comes back with each one under its field."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import (
    DOCUMENT_FORM_FIELDS,
    ctx,
    form_raw,
    get_document,
    html,
    html_page,
    parse_int,
    region_filter,
    save_document,
)
from connectors.console.errors import form_problem
from knowledge import catalogue, listing
from knowledge.models import FaqEntry

routes = web.RouteTableDef()


@routes.get("/admin/documents")
@auth.require("admin")
async def documents_page(request: web.Request) -> web.Response:
    c = ctx(request)
    text = request.query.get("q", "")[:200]
    status = request.query.get("status", "")
    region_raw = request.query.get("region", "").strip()
    region = region_filter(c, region_raw)

    def build(session: Session) -> str:
        counts = dict(
            session.execute(
                select(FaqEntry.document_id, func.count(FaqEntry.id)).group_by(FaqEntry.document_id)
            ).all()
        )
        return pages.documents_page(
            request,
            listing.search_documents(session=session, text=text, status=status, region=region),
            counts,
            c.today(),
            {"q": text, "status": status, "region": region},
        )

    return await html_page(request, build)


@routes.get("/admin/documents/new")
@routes.get("/admin/documents/{document_id:[0-9]{1,18}}")
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
            document = get_document(session, document_id)
            return pages.document_form_page(
                request,
                pages.document_values(document),
                {},
                document.id,
                document.version,
                request.query.get("saved") == "1",
            )

    return html(await asyncio.to_thread(work))


@routes.post("/admin/documents/new")
@routes.post("/admin/documents/{document_id:[0-9]{1,18}}")
@auth.require("admin")
async def save_document_form(request: web.Request) -> web.StreamResponse:
    document_id = parse_int(request.match_info.get("document_id"))
    raw = form_raw(await request.post(), DOCUMENT_FORM_FIELDS)
    try:
        saved_id = await asyncio.to_thread(
            save_document, ctx(request), raw, request["user"].username, document_id
        )
    except catalogue.ValidationFailed as failed:
        _message, status = form_problem(request, failed)
        page = pages.document_form_page(request, raw, failed.errors, document_id, None)
        return html(page, status)
    raise web.HTTPFound(f"/admin/documents/{saved_id}?saved=1")
