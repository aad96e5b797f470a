"""Canned replies: the admin's page to add and delete them, and the desk's list."""

from __future__ import annotations

import asyncio

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker

from changai.db.off_loop import in_transaction
from connectors.console import auth
from connectors.console.appkeys import SESSIONS
from connectors.console.errors import form_problem
from helpdesk import canned_replies
from helpdesk.errors import InvalidCannedReply

routes = web.RouteTableDef()


def _canned(sessions: sessionmaker) -> list[tuple[int, str, str]]:
    with sessions() as session:
        return [(r.id, r.title, r.text) for r in canned_replies.list_replies(session=session)]


async def _page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    replies = await asyncio.to_thread(_canned, request.app[SESSIONS])
    context = {"replies": replies, "error": error}
    return aiohttp_jinja2.render_template("admin/canned.html", request, context, status=status)


@routes.get("/admin/canned")
@auth.require("admin")
async def canned_page(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/admin/canned")
@auth.require("admin")
async def canned_add(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    title, text = str(form.get("title", "")), str(form.get("text", ""))

    def add(session: Session) -> None:
        canned_replies.add_reply(
            session=session, title=title, text=text, actor=request["user"].username
        )

    try:
        await in_transaction(request.app[SESSIONS], add)
    except InvalidCannedReply as refused:
        return await _page(request, *form_problem(request, refused))
    raise web.HTTPFound("/admin/canned")


@routes.post("/admin/canned/{reply_id:[0-9]{1,18}}/delete")
@auth.require("admin")
async def canned_delete(request: web.Request) -> web.StreamResponse:
    reply_id = int(request.match_info["reply_id"])

    await in_transaction(
        request.app[SESSIONS],
        lambda session: canned_replies.delete_reply(session=session, reply_id=reply_id),
    )
    raise web.HTTPFound("/admin/canned")


@routes.get("/desk/api/canned")
@auth.require("staff", "admin")
async def canned_api(request: web.Request) -> web.Response:
    replies = await asyncio.to_thread(_canned, request.app[SESSIONS])
    return web.json_response({"replies": [{"id": i, "title": t, "text": x} for i, t, x in replies]})
