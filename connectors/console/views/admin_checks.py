"""资格核对 in the admin: the checks' conditions, and one condition's page: its edit form, the
change waiting for review beside the live condition (发布 / 放弃), a region's new variant,
its versions (恢复此版本). An edit or a new variant waits for review
(``knowledge.eligibility_review``); only a published change reaches the next check. The JSON
routes are ``admin_checks_api``; what both share is ``connectors.console.check_admin``. The
page itself and its 发布 / 放弃 / 恢复 forms are ``views.reviewed``'s, as for the ladder."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp_jinja2 import render_string

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx, html
from connectors.console.check_admin import (
    OPS,
    approve,
    discard,
    propose,
    read,
    remove,
    restore,
    review_rows,
    test_text,
    value_text,
    variant,
)
from connectors.console.errors import form_problem
from connectors.console.ladder_admin import ladder_view, path_lines
from connectors.console.views.reviewed import Reviewed, page_again, page_routes, version_rows
from knowledge import catalogue
from knowledge import content_versions as versions
from knowledge import eligibility_review as review
from knowledge import eligibility_writes as writes

routes = web.RouteTableDef()

CONDITION_ID = "{condition_id:[0-9]{1,18}}"
PAGE = "/admin/checks/conditions/{}"
CONDITION = Reviewed(
    "condition_id",
    PAGE,
    read,
    approve,
    discard,
    restore,
    published="已发布：下一次核对就按新条件判断",
    discarded="已放弃待审核的修改，现行条件不变",
)


def _form_values(form: Any) -> dict[str, Any]:
    """The editable fields from a posted form (test from its op and value)."""
    values: dict[str, Any] = {
        name: str(form[name])
        for name in ("question", "hint", "unmet_reason", "region", "clause", *writes.DATES)
        if name in form
    }
    if "test_op" in form:
        values["test"] = {"op": str(form["test_op"]), "value": str(form.get("test_value", ""))}
    return values


# ---- pages ---------------------------------------------------------------------------


@routes.get("/admin/checks")
@auth.require("admin")
async def checks_page(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> str:
        with c.sessions() as session:
            checks = [
                (
                    check,
                    [(row, test_text(row.test)) for row in check.conditions],
                    ladder_view(session, check, check.ladder) if check.ladder else [],
                )
                for check in writes.list_checks(session=session)
            ]
            waiting = review.waiting_count(session=session)
            return render_string(
                "admin/checks.html",
                request,
                {"checks": checks, "waiting": waiting, "path_lines": path_lines},
            )

    return html(await asyncio.to_thread(work))


def _form_fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    test = snapshot.get("test") or {}
    return {
        **{name: snapshot.get(name) or "" for name in ("question", "hint", "unmet_reason")},
        **{name: snapshot.get(name) or "" for name in ("region", "clause", *writes.DATES)},
        "test_op": test.get("op", ""),
        "test_value": value_text(test.get("value", "")),
    }


def _condition_page(
    c: AdminContext,
    request: web.Request,
    condition_id: int,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    with c.sessions() as session:
        row = writes.get_condition(session=session, condition_id=condition_id)
        found = review.review_of(session=session, row=row)
        # the form edits what waits for review, when something does
        shown = found.proposed if found is not None else versions.snapshot(row)
        rows = versions.history(session=session, kind=versions.CONDITION, item_id=row.id)
        context = {
            "c": row,
            "values": {**_form_fields(shown), **(typed or {})},
            "ops": OPS,
            "review": found,
            "review_rows": review_rows(found) if found is not None else [],
            "versions": version_rows(rows),
            "errors": errors or {},
            "notice": CONDITION.notice(request),
            "field_labels": versions.FIELD_LABELS,
        }
        return render_string("admin/condition_form.html", request, context)


def _typed(form: Any) -> dict[str, str]:
    """What was typed into a form that comes back with errors."""
    return {name: str(form[name]) for name in form if name != "csrf_token"}


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}")
@auth.require("admin")
async def save_condition_form(request: web.Request) -> web.StreamResponse:
    condition_id = CONDITION.item_id(request)
    form = await request.post()
    try:
        await asyncio.to_thread(
            propose, ctx(request), condition_id, _form_values(form), request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        return await page_again(request, _condition_page, condition_id, failed, _typed(form))
    raise web.HTTPFound(PAGE.format(condition_id) + "?proposed=1")


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}/variant")
@auth.require("admin")
async def variant_form(request: web.Request) -> web.StreamResponse:
    condition_id = CONDITION.item_id(request)
    form = await request.post()
    values = _form_values(form)
    region = str(values.pop("region", ""))
    try:
        new_id = await asyncio.to_thread(
            variant, ctx(request), condition_id, region, values, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        return await page_again(request, _condition_page, condition_id, failed)
    raise web.HTTPFound(PAGE.format(new_id) + "?proposed=1")


page_routes(routes, f"/admin/checks/conditions/{CONDITION_ID}", CONDITION, _condition_page)


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}/delete")
@auth.require("admin")
async def delete_variant_form(request: web.Request) -> web.StreamResponse:
    condition_id = CONDITION.item_id(request)
    try:
        await asyncio.to_thread(remove, ctx(request), condition_id, request["user"].username)
    except catalogue.ValidationFailed as failed:
        message, status = form_problem(request, failed)
        return html(pages.restore_failed_page(request, message), status)
    raise web.HTTPFound("/admin/checks")
