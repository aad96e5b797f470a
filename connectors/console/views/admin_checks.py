"""资格核对 in the admin: the checks' conditions, editing one (a new version and an audit
line), a region's variant, and restoring an old version; as pages and as JSON
(``/admin/api/checks``, ``/admin/api/conditions/...``). The work is in
``knowledge.eligibility_writes``; an edit applies to the next check at once."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp_jinja2 import render_string

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx, html, parse_int
from connectors.console.bodies import json_object
from connectors.console.errors import form_problem
from knowledge import catalogue
from knowledge import content_versions as versions
from knowledge import eligibility_writes as writes
from knowledge.models import EligibilityCondition

routes = web.RouteTableDef()

OPS = [
    (">=", "大于等于"),
    (">", "大于"),
    ("<=", "小于等于"),
    ("<", "小于"),
    ("==", "等于"),
    ("!=", "不等于"),
    ("in", "属于"),
    ("not_in", "不属于"),
    ("within_months", "在几个月内"),
]
OP_LABELS = dict(OPS)
CONDITION_ID = "{condition_id:[0-9]{1,18}}"


def test_text(test: dict[str, Any] | None) -> str:
    if not test:
        return "（由等级路径判断）"
    value = test.get("value")
    shown = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return f"{OP_LABELS.get(str(test.get('op')), test.get('op'))} {shown}"


def condition_json(row: EligibilityCondition) -> dict[str, Any]:
    return {
        "id": row.id,
        "check": row.check.key,
        **versions.snapshot(row),
        "answer_kind": row.answer_kind,
        "slot": row.slot,
        "version": row.version,
    }


def _regions(c: AdminContext) -> set[str]:
    return set(c.lexicon.regions)


def _form_values(form: Any) -> dict[str, Any]:
    """The editable fields from a posted form (test from its op and value)."""
    values: dict[str, Any] = {
        name: str(form[name]) for name in ("question", "hint", "unmet_reason") if name in form
    }
    for name in ("region", "clause"):
        if name in form:
            values[name] = str(form[name])
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
                (check, [(row, test_text(row.test)) for row in check.conditions])
                for check in writes.list_checks(session=session)
            ]
            return render_string("admin/checks.html", request, {"checks": checks})

    return html(await asyncio.to_thread(work))


def _condition_page(
    c: AdminContext,
    request: web.Request,
    condition_id: int,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    with c.sessions() as session:
        row = writes.get_condition(session=session, condition_id=condition_id)
        test = dict(row.test or {})
        value = test.get("value", "")
        values = {
            "question": row.question,
            "hint": row.hint,
            "unmet_reason": row.unmet_reason,
            "region": row.region,
            "clause": row.clause.key,
            "test_op": test.get("op", ""),
            "test_value": "、".join(map(str, value)) if isinstance(value, list) else value,
            **(typed or {}),
        }
        rows = versions.history(session=session, kind=versions.CONDITION, item_id=row.id)
        context = {
            "c": row,
            "values": values,
            "ops": OPS,
            "versions": [(r, pages.ACTION_LABELS.get(r.action, r.action)) for r in rows],
            "errors": errors or {},
            "saved": request.query.get("saved") == "1",
            "field_labels": versions.FIELD_LABELS,
        }
        return render_string("admin/condition_form.html", request, context)


@routes.get(f"/admin/checks/conditions/{CONDITION_ID}")
@auth.require("admin")
async def condition_page(request: web.Request) -> web.Response:
    condition_id = int(request.match_info["condition_id"])
    return html(await asyncio.to_thread(_condition_page, ctx(request), request, condition_id))


async def _with_problems(
    request: web.Request, condition_id: int, form: Any, failed: catalogue.ValidationFailed
) -> web.Response:
    _message, status = form_problem(request, failed)
    typed = {name: str(form[name]) for name in form if name != "csrf_token"}
    page = await asyncio.to_thread(
        _condition_page, ctx(request), request, condition_id, typed, failed.errors
    )
    return html(page, status)


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}")
@auth.require("admin")
async def save_condition_form(request: web.Request) -> web.StreamResponse:
    condition_id = int(request.match_info["condition_id"])
    form = await request.post()
    try:
        await asyncio.to_thread(
            _update, ctx(request), condition_id, _form_values(form), request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        return await _with_problems(request, condition_id, form, failed)
    raise web.HTTPFound(f"/admin/checks/conditions/{condition_id}?saved=1")


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}/variant")
@auth.require("admin")
async def variant_form(request: web.Request) -> web.StreamResponse:
    condition_id = int(request.match_info["condition_id"])
    form = await request.post()
    values = _form_values(form)
    region = str(values.pop("region", ""))
    try:
        new_id = await asyncio.to_thread(
            _variant, ctx(request), condition_id, region, values, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        return await _with_problems(request, condition_id, {}, failed)
    raise web.HTTPFound(f"/admin/checks/conditions/{new_id}?saved=1")


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}/restore")
@auth.require("admin")
async def restore_form(request: web.Request) -> web.StreamResponse:
    condition_id = int(request.match_info["condition_id"])
    version = parse_int(str((await request.post()).get("version", "")))
    try:
        await asyncio.to_thread(
            _restore, ctx(request), condition_id, version or 0, request["user"].username
        )
    except catalogue.ValidationFailed as failed:
        message, status = form_problem(request, failed)
        return html(pages.restore_failed_page(request, message), status)
    raise web.HTTPFound(f"/admin/checks/conditions/{condition_id}?saved=1")


@routes.post(f"/admin/checks/conditions/{CONDITION_ID}/delete")
@auth.require("admin")
async def delete_variant_form(request: web.Request) -> web.StreamResponse:
    condition_id = int(request.match_info["condition_id"])
    try:
        await asyncio.to_thread(_remove, ctx(request), condition_id, request["user"].username)
    except catalogue.ValidationFailed as failed:
        message, status = form_problem(request, failed)
        return html(pages.restore_failed_page(request, message), status)
    raise web.HTTPFound("/admin/checks")


# ---- the work, in a thread ---------------------------------------------------------


def _update(c: AdminContext, condition_id: int, values: dict[str, Any], actor: str) -> bool:
    with c.sessions.begin() as session:
        return writes.update_condition(
            session=session,
            condition_id=condition_id,
            values=values,
            actor=actor,
            regions=_regions(c),
        )


def _variant(
    c: AdminContext, condition_id: int, region: str, values: dict[str, Any], actor: str
) -> int:
    with c.sessions.begin() as session:
        row = writes.add_variant(
            session=session,
            condition_id=condition_id,
            region=region,
            values=values,
            actor=actor,
            regions=_regions(c),
        )
        return row.id


def _restore(c: AdminContext, condition_id: int, version: int, actor: str) -> bool:
    with c.sessions.begin() as session:
        return writes.restore_condition(
            session=session,
            condition_id=condition_id,
            version=version,
            actor=actor,
            regions=_regions(c),
        )


def _remove(c: AdminContext, condition_id: int, actor: str) -> None:
    with c.sessions.begin() as session:
        writes.remove_variant(session=session, condition_id=condition_id, actor=actor)


def _read(c: AdminContext, condition_id: int) -> dict[str, Any]:
    with c.sessions() as session:
        row = writes.get_condition(session=session, condition_id=condition_id)
        data = condition_json(row)
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


# ---- JSON ------------------------------------------------------------------------------


@routes.get("/admin/api/checks")
@auth.require("admin")
async def checks_api(request: web.Request) -> web.Response:
    c = ctx(request)

    def work() -> list[dict[str, Any]]:
        with c.sessions() as session:
            return [
                {
                    "key": check.key,
                    "title": check.title,
                    "region": check.region,
                    "conditions": [condition_json(row) for row in check.conditions],
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
async def save_condition_api(request: web.Request) -> web.Response:
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    body = await json_object(request)
    await asyncio.to_thread(_update, c, condition_id, body, request["user"].username)
    return web.json_response(await asyncio.to_thread(_read, c, condition_id))


@routes.post(f"/admin/api/conditions/{CONDITION_ID}/variants")
@auth.require("admin")
async def variant_api(request: web.Request) -> web.Response:
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    body = await json_object(request)
    region = body.pop("region", "")
    if not isinstance(region, str):
        raise web.HTTPBadRequest(text="请填写地区名称")
    new_id = await asyncio.to_thread(
        _variant, c, condition_id, region, body, request["user"].username
    )
    return web.json_response(await asyncio.to_thread(_read, c, new_id), status=201)


@routes.post(f"/admin/api/conditions/{CONDITION_ID}/restore")
@auth.require("admin")
async def restore_api(request: web.Request) -> web.Response:
    c = ctx(request)
    condition_id = int(request.match_info["condition_id"])
    version = (await json_object(request)).get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise web.HTTPBadRequest(text="请指定版本号")
    await asyncio.to_thread(_restore, c, condition_id, version, request["user"].username)
    return web.json_response(await asyncio.to_thread(_read, c, condition_id))


@routes.delete(f"/admin/api/conditions/{CONDITION_ID}")
@auth.require("admin")
async def delete_variant_api(request: web.Request) -> web.Response:
    condition_id = int(request.match_info["condition_id"])
    await asyncio.to_thread(_remove, ctx(request), condition_id, request["user"].username)
    return web.json_response({"ok": True})
