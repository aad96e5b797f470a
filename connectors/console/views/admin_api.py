"""The admin's JSON API (``/admin/api/...``): list, read, create and update entries,
update documents, versions and restore. Validation errors are 422
``{"error": ..., "errors": {field: message}}`` (``errors.error_middleware``)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from changai.db.off_loop import in_session
from connectors.console import auth
from connectors.console.admin_context import (
    AdminContext,
    ctx,
    entry_filters,
    entry_json,
    get_document,
    get_entry,
    kind_of,
    parse_int,
    restore_version,
    save_document,
    save_entry,
    version_json,
)
from connectors.console.bodies import json_object
from knowledge import content_versions as versions
from knowledge import listing

routes = web.RouteTableDef()


@routes.get("/admin/api/entries")
@auth.require("admin")
async def entries_api(request: web.Request) -> web.Response:
    c = ctx(request)
    filters = entry_filters(c, request.query)

    def work(session: Session) -> list[dict[str, Any]]:
        return [
            entry_json(e, c.today())
            for e in listing.search_entries(session=session, filters=filters)
        ]

    return web.json_response({"entries": await in_session(c.sessions, work)})


@routes.get("/admin/api/entries/{entry_id:[0-9]{1,18}}")
@auth.require("admin")
async def entry_api(request: web.Request) -> web.Response:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])

    def work(session: Session) -> dict[str, Any]:
        return entry_json(get_entry(session, entry_id), c.today())

    return web.json_response(await in_session(c.sessions, work))


def _save_entry(
    c: AdminContext, body: dict[str, Any], actor: str, entry_id: int | None
) -> dict[str, Any]:
    if entry_id is not None:
        with c.sessions() as session:
            body = {**versions.snapshot(get_entry(session, entry_id)), **body}  # partial update
    saved_id = save_entry(c, body, actor, entry_id)
    with c.sessions() as session:
        return entry_json(get_entry(session, saved_id), c.today())


@routes.post("/admin/api/entries")
@routes.post("/admin/api/entries/{entry_id:[0-9]{1,18}}")
@auth.require("admin")
async def save_entry_api(request: web.Request) -> web.Response:
    body = await json_object(request)
    entry_id = parse_int(request.match_info.get("entry_id"))
    data = await asyncio.to_thread(
        _save_entry, ctx(request), body, request["user"].username, entry_id
    )
    return web.json_response(data)


@routes.get("/admin/api/{kind:entries|documents}/{item_id:[0-9]{1,18}}/versions")
@auth.require("admin")
async def versions_api(request: web.Request) -> web.Response:
    c = ctx(request)
    kind, item_id = kind_of(request), int(request.match_info["item_id"])

    def work(session: Session) -> list[dict[str, Any]]:
        return [
            version_json(r) for r in versions.history(session=session, kind=kind, item_id=item_id)
        ]

    return web.json_response({"versions": await in_session(c.sessions, work)})


@routes.post("/admin/api/{kind:entries|documents}/{item_id:[0-9]{1,18}}/restore")
@auth.require("admin")
async def restore_api(request: web.Request) -> web.Response:
    version = (await json_object(request)).get("version")
    if not isinstance(version, int):
        raise web.HTTPBadRequest(text="请指定版本号")
    await asyncio.to_thread(
        restore_version,
        ctx(request),
        kind_of(request),
        int(request.match_info["item_id"]),
        version,
        request["user"].username,
    )
    return web.json_response({"ok": True})


@routes.post("/admin/api/documents/{document_id:[0-9]{1,18}}")
@auth.require("admin")
async def save_document_api(request: web.Request) -> web.Response:
    c = ctx(request)
    body = await json_object(request)
    document_id = int(request.match_info["document_id"])

    def work() -> None:
        with c.sessions() as session:
            merged = {**versions.snapshot(get_document(session, document_id)), **body}
        save_document(c, merged, request["user"].username, document_id)

    await asyncio.to_thread(work)
    return web.json_response({"ok": True})
