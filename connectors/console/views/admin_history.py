"""历史版本: the versions of an entry or a document, two of them compared field by field,
and 恢复此版本 (the old snapshot saved again as a new version, validated like any save)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.orm import Session

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import (
    ctx,
    get_document,
    get_entry,
    html,
    html_page,
    kind_of,
    parse_int,
    restore_version,
)
from connectors.console.errors import form_problem
from knowledge import catalogue
from knowledge import content_versions as versions

routes = web.RouteTableDef()


@routes.get("/admin/{kind:entries|documents}/{item_id:[0-9]{1,18}}/history")
@auth.require("admin")
async def history_page(request: web.Request) -> web.Response:
    kind, item_id = kind_of(request), int(request.match_info["item_id"])

    def build(session: Session) -> str:
        get_item = get_entry if kind == versions.FAQ else get_document
        item = get_item(session, item_id)
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

    return await html_page(request, build)


@routes.post("/admin/{kind:entries|documents}/{item_id:[0-9]{1,18}}/restore")
@auth.require("admin")
async def restore_form(request: web.Request) -> web.StreamResponse:
    kind, item_id = kind_of(request), int(request.match_info["item_id"])
    version = parse_int(str((await request.post()).get("version", "")))
    try:
        await asyncio.to_thread(
            restore_version, ctx(request), kind, item_id, version or 0, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        message, status = form_problem(request, failed)
        return html(pages.restore_failed_page(request, message), status)
    raise web.HTTPFound(f"/admin/{request.match_info['kind']}/{item_id}?saved=1")
