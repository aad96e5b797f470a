"""资格核对 as JSON (``/admin/api/checks``, ``/admin/api/conditions/...``): the checks, one
condition with its versions and the change waiting for review, proposing an edit or a
region's variant, publishing (approve) or discarding what waits, restoring a version and
removing a variant. The same work as the pages (``connectors.console.check_admin``);
approve, discard and restore are ``views.reviewed.json_routes``'s, as for the ladder."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from connectors.console import auth
from connectors.console.admin_context import ctx
from connectors.console.bodies import json_object
from connectors.console.check_admin import condition_json, propose, read, remove, variant
from connectors.console.views.admin_checks import CONDITION, CONDITION_ID
from connectors.console.views.reviewed import json_routes
from knowledge import eligibility_writes as writes

routes = web.RouteTableDef()
BASE = f"/admin/api/conditions/{CONDITION_ID}"


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


@routes.get(BASE)
@auth.require("admin")
async def condition_api(request: web.Request) -> web.Response:
    condition_id = CONDITION.item_id(request)
    return web.json_response(await asyncio.to_thread(read, ctx(request), condition_id))


@routes.post(BASE)
@auth.require("admin")
async def propose_api(request: web.Request) -> web.Response:
    """A partial edit, stored for review (``pending``); the live condition is unchanged."""
    c = ctx(request)
    condition_id = CONDITION.item_id(request)
    body = await json_object(request)
    await asyncio.to_thread(propose, c, condition_id, body, request["user"].username)
    return web.json_response(await asyncio.to_thread(read, c, condition_id))


@routes.post(f"{BASE}/variants")
@auth.require("admin")
async def variant_api(request: web.Request) -> web.Response:
    """A region's variant, stored as a draft (``status: draft``) until published."""
    c = ctx(request)
    condition_id = CONDITION.item_id(request)
    body = await json_object(request)
    region = body.pop("region", "")
    if not isinstance(region, str):
        raise web.HTTPBadRequest(text="请填写地区名称")
    new_id = await asyncio.to_thread(
        variant, c, condition_id, region, body, request["user"].username
    )
    return web.json_response(await asyncio.to_thread(read, c, new_id), status=201)


json_routes(routes, BASE, CONDITION)


@routes.delete(BASE)
@auth.require("admin")
async def delete_variant_api(request: web.Request) -> web.Response:
    condition_id = CONDITION.item_id(request)
    await asyncio.to_thread(remove, ctx(request), condition_id, request["user"].username)
    return web.json_response({"ok": True})
