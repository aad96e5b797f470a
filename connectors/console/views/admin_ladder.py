"""资格核对 · 等级路径 in the admin: a skill-grading check's ladder page: each level with its
paths and requirements and its clause, an edit form per level, the edit waiting for review
beside the live ladder (发布 / 放弃) and the ladder's versions (恢复此版本). An edit waits for
review (``knowledge.eligibility_ladder_review``); only a published ladder reaches the next
check. The JSON routes are ``admin_ladder_api``; what both share is
``connectors.console.ladder_admin``. The page itself and its 发布 / 放弃 / 恢复 forms are
``views.reviewed``'s, as for a condition."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp_jinja2 import render_string

from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx
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
    read,
    restore,
)
from connectors.console.views.reviewed import Reviewed, page_again, page_routes, version_rows
from knowledge import catalogue
from knowledge import eligibility_ladder_review as review

routes = web.RouteTableDef()

CHECK_ID = "{check_id:[0-9]{1,18}}"
TARGET_KEY = "{target_key:[A-Za-z0-9_]{1,40}}"
PAGE = "/admin/checks/{}/ladder"
LADDER = Reviewed(
    "check_id",
    PAGE,
    read,
    approve,
    discard,
    restore,
    published="已发布：下一次核对就按新的等级路径判断",
    discarded="已放弃待审核的修改，现行等级路径不变",
)


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
            "versions": version_rows(rows),
            "errors": errors or {},
            "notice": LADDER.notice(request),
        }
        return render_string("admin/ladder.html", request, context)


@routes.post(f"/admin/checks/{CHECK_ID}/ladder/targets/{TARGET_KEY}")
@auth.require("admin")
async def propose_form(request: web.Request) -> web.StreamResponse:
    check_id = LADDER.item_id(request)
    target_key = request.match_info["target_key"]
    paths = form_paths(await request.post())
    try:
        await asyncio.to_thread(
            propose, ctx(request), check_id, target_key, paths, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        return await page_again(request, _ladder_page, check_id, failed, (target_key, paths))
    raise web.HTTPFound(PAGE.format(check_id) + f"?proposed=1#target-{target_key}")


page_routes(routes, f"/admin/checks/{CHECK_ID}/ladder", LADDER, _ladder_page)
