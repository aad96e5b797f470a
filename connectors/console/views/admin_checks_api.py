"""资格核对 as JSON (``/admin/api/checks``, ``/admin/api/conditions/...``): the checks, one
condition with its versions and the change waiting for review, proposing an edit or a
region's variant, publishing (approve) or discarding what waits, restoring a version and
removing a variant. The same work as the pages (``connectors.console.check_admin``)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx
from connectors.console.bodies import json_object
from connectors.console.check_admin import (
    approve,
    condition_json,
    discard,
    propose,
    remove,
    restore,
    variant,
)
from connectors.console.views.admin_checks import CONDITION_ID
from knowledge import content_versions as versions
from knowledge import eligibility_writes as writes

routes = web.RouteTableDef()


def _read(c: AdminContext, condition_id: int) -> dict[str, Any]:
    with c.sessions() as session:
        row = writes.get_condition(session=session, condition_id=condition_id)
        data = condition_json(session, row)
        data["versions"] = [
            {
                "version": r.version,
                "action": r.action,
                "author": r.author,
                "created_at": r.created_at.isoformat() + "Z",
                "data": r.data,
            }
            for r in versions.history(session=session, kind=versions.CONDITION, item_id=row.id)
        ]
        return data


@routes.get("/admin/api/checks")
@auth.require("admin")
async def checks_api(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> list[dict[str, Any]]:
        with c.sessions() as session:
            return [
                {
                    "id": check.id,
                    "key": check.key,
                    "ladder": bool(check.ladder),  # its ladder: /admin/api/checks/{id}/ladder
                    "title": check.title,
                    "region": check.region,
                    "conditions": [condition_json(session, row) for row in check.conditions],
                }
                for check in writes.list_checks(session=session)
            ]

    return web.json_response({"checks": await asyncio.to_thread(work)})


@routes.get(f"/admin/api/conditions/{CONDITION_ID}")
@auth.require("admin")
async def condition_api(request: web.Request) -> web.Response:
    condition_id = int(request.match_info["condition_id"])
    return web.json_response(await asyncio.to_thread(_read, ctx(request), condition_id))


@routes.post(f"/admin/api/conditions/{CONDITION_ID}")
@auth.require("admin")
async def propose_api(request: web.Request) -> web.Response:
    """A partial edit, stored for review (``pending``); the live condition is unchanged."""
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    body = await json_object(request)
    await asyncio.to_thread(propose, c, condition_id, body, request["user"].username)
    return web.json_response(await asyncio.to_thread(_read, c, condition_id))


@routes.post(f"/admin/api/conditions/{CONDITION_ID}/variants")
@auth.require("admin")
async def variant_api(request: web.Request) -> web.Response:
    """A region's variant, stored as a draft (``status: draft``) until published."""
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    body = await json_object(request)
    region = body.pop("region", "")
    if not isinstance(region, str):
        raise web.HTTPBadRequest(text="请填写地区名称")
    new_id = await asyncio.to_thread(
        variant, c, condition_id, region, body, request["user"].username
    )
    return web.json_response(await asyncio.to_thread(_read, c, new_id), status=201)


@routes.post(f"/admin/api/conditions/{CONDITION_ID}/approve")
@auth.require("admin")
async def approve_api(request: web.Request) -> web.Response:
    """Publish what waits: from now on the checks read it."""
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    await asyncio.to_thread(approve, c, condition_id, request["user"].username)
    return web.json_response(await asyncio.to_thread(_read, c, condition_id))


@routes.post(f"/admin/api/conditions/{CONDITION_ID}/discard")
@auth.require("admin")
async def discard_api(request: web.Request) -> web.Response:
    """Discard what waits; a draft variant is deleted (``{"deleted": true}``)."""
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    if await asyncio.to_thread(discard, c, condition_id, request["user"].username):
        return web.json_response({"deleted": True})
    return web.json_response(await asyncio.to_thread(_read, c, condition_id))


@routes.post(f"/admin/api/conditions/{CONDITION_ID}/restore")
@auth.require("admin")
async def restore_api(request: web.Request) -> web.Response:
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    version = (await json_object(request)).get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise web.HTTPBadRequest(text="请指定版本号")
    await asyncio.to_thread(restore, c, condition_id, version, request["user"].username)
    return web.json_response(await asyncio.to_thread(_read, c, condition_id))


@routes.delete(f"/admin/api/conditions/{CONDITION_ID}")
@auth.require("admin")
async def delete_variant_api(request: web.Request) -> web.Response:
    condition_id = int(request.match_info["condition_id"])
    await asyncio.to_thread(remove, ctx(request), condition_id, request["user"].username)
    return web.json_response({"ok": True})
