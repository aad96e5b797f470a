"""A check's ladder as JSON (``/admin/api/checks/{id}/ladder``): the live ladder, its versions
and the edit waiting for review; proposing a level's paths, publishing (approve) or
discarding what waits, restoring a version. The same work as the pages
(``connectors.console.ladder_admin``); approve, discard and restore are
``views.reviewed.json_routes``'s, as for a condition."""

from __future__ import annotations

import asyncio

from aiohttp import web

from connectors.console import auth
from connectors.console.admin_context import ctx
from connectors.console.bodies import json_object
from connectors.console.ladder_admin import propose, read
from connectors.console.views.admin_ladder import CHECK_ID, LADDER, TARGET_KEY
from connectors.console.views.reviewed import json_routes

routes = web.RouteTableDef()
BASE = f"/admin/api/checks/{CHECK_ID}/ladder"


@routes.get(BASE)
@auth.require("admin")
async def ladder_api(request: web.Request) -> web.Response:
    check_id = LADDER.item_id(request)
    return web.json_response(await asyncio.to_thread(read, ctx(request), check_id))


@routes.post(f"{BASE}/targets/{TARGET_KEY}")
@auth.require("admin")
async def propose_api(request: web.Request) -> web.Response:
    """A level's paths (``{"paths": [[{condition, op, value, text}, ...], ...]}``), stored
    for review (``pending``); the live ladder is unchanged."""
    c = ctx(request)
    check_id = LADDER.item_id(request)
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


json_routes(routes, BASE, LADDER)
