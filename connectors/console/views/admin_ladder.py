"""资格核对 · 等级路径 in the admin: a skill-grading check's ladder page: each level with its
paths and requirements and its clause, an edit form per level, the edit waiting for review
beside the live ladder (发布 / 放弃) and the ladder's versions (恢复此版本). An edit waits for
review (``knowledge.eligibility_ladder_review``); only a published ladder reaches the next
check. The JSON routes are ``admin_ladder_api``; what both share is
``connectors.console.ladder_admin``."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp_jinja2 import render_string

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx, html, parse_int
from connectors.console.errors import form_problem
from connectors.console.ladder_admin import (
    LADDER_OPS,
    approve,
    condition_choices,
    discard,
    form_paths,
    form_value,
    ladder_view,
    path_lines,
    propose,
    restore,
)
from knowledge import catalogue
from knowledge import eligibility_ladder_review as review

routes = web.RouteTableDef()

CHECK_ID = "{check_id:[0-9]{1,18}}"
TARGET_KEY = "{target_key:[A-Za-z0-9_]{1,40}}"
PAGE = "/admin/checks/{}/ladder"
NOTICES = {
    "proposed": "已提交，待审核：发布后，下一次核对才按新内容判断",
    "published": "已发布：下一次核对就按新的等级路径判断",
    "discarded": "已放弃待审核的修改，现行等级路径不变",
    "saved": "已保存",
}


def _ladder_page(
    c: AdminContext,
    request: web.Request,
    check_id: int,
    typed: tuple[str, list[list[dict[str, Any]]]] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    with c.sessions() as session:
        row = review.get_ladder_check(session=session, check_id=check_id)
        found = review.review_of(row)
        # the forms edit what waits for review, when something does
        shown = found.proposed if found is not None else row.ladder
        targets = ladder_view(session, row, shown)
        if typed is not None:  # what was typed into the form that came back
            target_key, paths = typed
            for target in targets:
                if target["key"] == target_key:
                    target["paths"] = paths
        live = {t["key"]: path_lines(t) for t in ladder_view(session, row, row.ladder)}
        proposed = {t["key"]: path_lines(t) for t in targets} if found is not None else {}
        rows = review.history(session=session, check_id=row.id)
        context = {
            "check": row,
            "targets": targets,
            "live": live,
            "proposed": proposed,
            "review": found,
            "conditions": condition_choices(row),
            "ops": LADDER_OPS,
            "form_value": form_value,
            "editing": typed[0] if typed is not None else "",
            "versions": [(r, pages.ACTION_LABELS.get(r.action, r.action)) for r in rows],
            "errors": errors or {},
            "notice": next((text for key, text in NOTICES.items() if request.query.get(key)), ""),
        }
        return render_string("admin/ladder.html", request, context)


@routes.get(f"/admin/checks/{CHECK_ID}/ladder")
@auth.require("admin")
async def ladder_page(request: web.Request) -> web.Response:
    check_id = int(request.match_info["check_id"])
    return html(await asyncio.to_thread(_ladder_page, ctx(request), request, check_id))


async def _with_problems(
    request: web.Request,
    check_id: int,
    failed: catalogue.ValidationFailed,
    typed: tuple[str, list[list[dict[str, Any]]]] | None = None,
) -> web.Response:
    _message, status = form_problem(request, failed)
    page = await asyncio.to_thread(
        _ladder_page, ctx(request), request, check_id, typed, failed.errors
    )
    return html(page, status)


@routes.post(f"/admin/checks/{CHECK_ID}/ladder/targets/{TARGET_KEY}")
@auth.require("admin")
async def propose_form(request: web.Request) -> web.StreamResponse:
    check_id = int(request.match_info["check_id"])
    target_key = request.match_info["target_key"]
    paths = form_paths(await request.post())
    try:
        await asyncio.to_thread(
            propose, ctx(request), check_id, target_key, paths, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        return await _with_problems(request, check_id, failed, (target_key, paths))
    raise web.HTTPFound(PAGE.format(check_id) + f"?proposed=1#target-{target_key}")


@routes.post(f"/admin/checks/{CHECK_ID}/ladder/approve")
@auth.require("admin")
async def approve_form(request: web.Request) -> web.StreamResponse:
    check_id = int(request.match_info["check_id"])
    try:
        await asyncio.to_thread(approve, ctx(request), check_id, request["user"].username)
    except catalogue.ValidationFailed as failed:
        return await _with_problems(request, check_id, failed)
    raise web.HTTPFound(PAGE.format(check_id) + "?published=1")


@routes.post(f"/admin/checks/{CHECK_ID}/ladder/discard")
@auth.require("admin")
async def discard_form(request: web.Request) -> web.StreamResponse:
    check_id = int(request.match_info["check_id"])
    try:
        await asyncio.to_thread(discard, ctx(request), check_id, request["user"].username)
    except catalogue.ValidationFailed as failed:
        return await _with_problems(request, check_id, failed)
    raise web.HTTPFound(PAGE.format(check_id) + "?discarded=1")


@routes.post(f"/admin/checks/{CHECK_ID}/ladder/restore")
@auth.require("admin")
async def restore_form(request: web.Request) -> web.StreamResponse:
    check_id = int(request.match_info["check_id"])
    version = parse_int(str((await request.post()).get("version", "")))
    try:
        await asyncio.to_thread(
            restore, ctx(request), check_id, version or 0, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        message, status = form_problem(request, failed)
        return html(pages.restore_failed_page(request, message), status)
    raise web.HTTPFound(PAGE.format(check_id) + "?saved=1")
