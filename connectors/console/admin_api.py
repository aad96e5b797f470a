"""The admin's JSON API (``/admin/api/...``): list, read, create and update entries,
update documents, versions and restore. Validation errors are 422 ``{"errors": {...}}``."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.console import auth
from connectors.console.admin_context import (
    AdminContext,
    blocking,
    ctx,
    entry_filters,
    entry_json,
    kind_of,
    parse_int,
    restore_version,
    save_document,
    save_entry,
)
from knowledge import catalogue
from knowledge import content_versions as versions
from knowledge.models import FaqEntry, PolicyDocument

routes = web.RouteTableDef()


@routes.get("/admin/api/entries")
@auth.require("admin")
async def entries_api(request: web.Request) -> web.Response:
    c = ctx(request)
    filters = entry_filters(c, request.query)

    def work() -> list[dict[str, Any]]:
        with c.sessions() as session:
            return [
                entry_json(e, c.today())
                for e in catalogue.search_entries(session=session, filters=filters)
            ]

    return web.json_response({"entries": await blocking(work)})


@routes.get("/admin/api/entries/{entry_id:\\d+}")
@auth.require("admin")
async def entry_api(request: web.Request) -> web.Response:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])

    def work() -> dict[str, Any] | None:
        with c.sessions() as session:
            entry = session.get(FaqEntry, entry_id)
            return entry_json(entry, c.today()) if entry is not None else None

    data = await blocking(work)
    if data is None:
        return web.json_response({"error": "没有这个条目"}, status=404)
    return web.json_response(data)


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="请求格式不正确") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="请求格式不正确")
    return body


def _apisave_entry(
    c: AdminContext, body: dict[str, Any], actor: str, entry_id: int | None
) -> tuple[int, dict[str, Any]]:
    with c.sessions() as session:
        if entry_id is not None:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                return 404, {"error": "没有这个条目"}
            body = {**versions.snapshot(entry), **body}  # partial update
    saved_id, errors = save_entry(c, body, actor, entry_id)
    if errors:
        return 422, {"errors": errors}
    with c.sessions() as session:
        return 200, entry_json(session.get(FaqEntry, saved_id), c.today())


@routes.post("/admin/api/entries")
@routes.post("/admin/api/entries/{entry_id:\\d+}")
@auth.require("admin")
async def save_entry_api(request: web.Request) -> web.Response:
    body = await _json(request)
    entry_id = parse_int(request.match_info.get("entry_id"))
    status, data = await blocking(
        _apisave_entry, ctx(request), body, request["user"].username, entry_id
    )
    return web.json_response(data, status=status)


@routes.get("/admin/api/{kind:entries|documents}/{item_id:\\d+}/versions")
@auth.require("admin")
async def versions_api(request: web.Request) -> web.Response:
    c = ctx(request)
    kind, item_id = kind_of(request), int(request.match_info["item_id"])

    def work() -> list[dict[str, Any]]:
        with c.sessions() as session:
            return [
                {
                    "version": r.version,
                    "action": r.action,
                    "author": r.author,
                    "created_at": r.created_at.isoformat() + "Z",
                    "data": r.data,
                }
                for r in versions.history(session=session, kind=kind, item_id=item_id)
            ]

    return web.json_response({"versions": await blocking(work)})


@routes.post("/admin/api/{kind:entries|documents}/{item_id:\\d+}/restore")
@auth.require("admin")
async def restore_api(request: web.Request) -> web.Response:
    body = await _json(request)
    version = body.get("version")
    if not isinstance(version, int):
        return web.json_response({"error": "请指定版本号"}, status=400)
    errors = await blocking(
        restore_version,
        ctx(request),
        kind_of(request),
        int(request.match_info["item_id"]),
        version,
        request["user"].username,
    )
    if errors:
        return web.json_response({"errors": errors}, status=422)
    return web.json_response({"ok": True})


@routes.post("/admin/api/documents/{document_id:\\d+}")
@auth.require("admin")
async def save_document_api(request: web.Request) -> web.Response:
    c = ctx(request)
    body = await _json(request)
    document_id = int(request.match_info["document_id"])

    def work() -> tuple[int, dict[str, Any]]:
        with c.sessions() as session:
            document = session.get(PolicyDocument, document_id)
            if document is None:
                return 404, {"error": "没有这个政策文件"}
            merged = {**versions.snapshot(document), **body}
        _id, errors = save_document(c, merged, request["user"].username, document_id)
        if errors:
            return 422, {"errors": errors}
        return 200, {"ok": True}

    status, data = await blocking(work)
    return web.json_response(data, status=status)
