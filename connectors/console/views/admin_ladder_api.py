"""A check's ladder as JSON (``/admin/api/checks/{id}/ladder``): the live ladder, its versions
and the edit waiting for review; proposing a level's paths, publishing (approve) or
discarding what waits, restoring a version. The same work as the pages
(``connectors.console.ladder_admin``)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from connectors.console import auth
from connectors.console.admin_context import ctx
from connectors.console.bodies import json_object
from connectors.console.ladder_admin import approve, discard, propose, read, restore
from connectors.console.views.admin_ladder import CHECK_ID, TARGET_KEY

routes = web.RouteTableDef()
BASE = f"/admin/api/checks/{CHECK_ID}/ladder"


@routes.get(BASE)
@auth.require("admin")
async def ladder_api(request: web.Request) -> web.Response:
    check_id = int(request.match_info["check_id"])
    return web.json_response(await asyncio.to_thread(read, ctx(request), check_id))


@routes.post(f"{BASE}/targets/{TARGET_KEY}")
@auth.require("admin")
async def propose_api(request: web.Request) -> web.Response:
    """A level's paths (``{"paths": [[{condition, op, value, text}, ...], ...]}``), stored
    for review (``pending``); the live ladder is unchanged."""
    c = ctx(request)
    check_id = int(request.match_info["check_id"])
    body = await json_object(request)
    await asyncio.to_thread(
        propose,
        c,
        check_id,
        request.match_info["target_key"],
        body.get("paths"),
        request["user"].username,
    )
    return web.json_response(await asyncio.to_thread(read, c, check_id))


@routes.post(f"{BASE}/approve")
@auth.require("admin")
async def approve_api(request: web.Request) -> web.Response:
    """Publish what waits: from now on the check reads it."""
    c = ctx(request)
    check_id = int(request.match_info["check_id"])
    await asyncio.to_thread(approve, c, check_id, request["user"].username)
    return web.json_response(await asyncio.to_thread(read, c, check_id))


@routes.post(f"{BASE}/discard")
@auth.require("admin")
async def discard_api(request: web.Request) -> web.Response:
    c = ctx(request)
    check_id = int(request.match_info["check_id"])
    await asyncio.to_thread(discard, c, check_id, request["user"].username)
    return web.json_response(await asyncio.to_thread(read, c, check_id))


@routes.post(f"{BASE}/restore")
@auth.require("admin")
async def restore_api(request: web.Request) -> web.Response:
    c = ctx(request)
    check_id = int(request.match_info["check_id"])
    version = (await json_object(request)).get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise web.HTTPBadRequest(text="请指定版本号")
    await asyncio.to_thread(restore, c, check_id, version, request["user"].username)
    return web.json_response(await asyncio.to_thread(read, c, check_id))
