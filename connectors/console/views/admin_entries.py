"""The admin's FAQ entry pages: the list, the editor (new and existing) and the status
buttons (publish, archive). A form with problems comes back with each one under its field."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import (
    ENTRY_FORM_FIELDS,
    AdminContext,
    ctx,
    drafts_waiting,
    entry_filters,
    form_raw,
    get_entry,
    html,
    html_page,
    parse_int,
    save_entry,
)
from connectors.console.errors import form_problem
from knowledge import catalogue, field_values, listing, validity
from knowledge import content_versions as versions

routes = web.RouteTableDef()


@routes.get("/admin")
@auth.require("admin")
async def entries_page(request: web.Request) -> web.Response:
    c = ctx(request)
    filters = entry_filters(c, request.query)

    def build(session: Session) -> str:
        return pages.entries_page(
            request,
            listing.search_entries(session=session, filters=filters),
            filters,
            listing.search_documents(session=session),
            c.today(),
            drafts_waiting(session),
        )

    return await html_page(request, build)


def _render_entry(
    c: AdminContext, request: web.Request, entry_id: int | None, form: pages.EntryForm
) -> str:
    with c.sessions() as session:
        if entry_id is not None:
            entry = get_entry(session, entry_id)
            form.entry_id, form.version = entry.id, entry.version
            form.state = validity.serving_state(entry, c.today())
        return pages.entry_form_page(
            request, form, listing.search_documents(session=session), c.today()
        )


async def _form_with_problems(
    request: web.Request,
    entry_id: int | None,
    values: dict[str, Any],
    failed: catalogue.ValidationFailed,
) -> web.Response:
    """The editor again, with what was typed and each problem under its field."""
    _message, status = form_problem(request, failed)
    form = pages.EntryForm(values, failed.errors)
    page = await asyncio.to_thread(_render_entry, ctx(request), request, entry_id, form)
    return html(page, status)


@routes.get("/admin/entries/new")
@auth.require("admin")
async def new_entry_page(request: web.Request) -> web.Response:
    q = request.query
    values = {
        "status": "draft",
        "region": "全国",
        "question": q.get("question", "")[:200],
        "alternatives": q.get("alternatives", "")[:2000],
        "topic": q.get("topic", ""),
    }
    form = pages.EntryForm(values)
    return html(await asyncio.to_thread(_render_entry, ctx(request), request, None, form))


@routes.get("/admin/entries/{entry_id:[0-9]{1,18}}")
@auth.require("admin")
async def entry_page(request: web.Request) -> web.Response:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])

    def work() -> str:
        with c.sessions() as session:
            values = pages.entry_values(get_entry(session, entry_id))
        form = pages.EntryForm(values, saved=request.query.get("saved") == "1")
        return _render_entry(c, request, entry_id, form)

    return html(await asyncio.to_thread(work))


@routes.post("/admin/entries/new")
@routes.post("/admin/entries/{entry_id:[0-9]{1,18}}")
@auth.require("admin")
async def save_entry_form(request: web.Request) -> web.StreamResponse:
    entry_id = parse_int(request.match_info.get("entry_id"))
    raw = form_raw(await request.post(), ENTRY_FORM_FIELDS)
    try:
        saved_id = await asyncio.to_thread(
            save_entry, ctx(request), raw, request["user"].username, entry_id
        )
    except catalogue.ValidationFailed as failed:
        return await _form_with_problems(request, entry_id, raw, failed)
    raise web.HTTPFound(f"/admin/entries/{saved_id}?saved=1")


@routes.post("/admin/entries/{entry_id:[0-9]{1,18}}/status")
@auth.require("admin")
async def entry_status_form(request: web.Request) -> web.StreamResponse:
    c = ctx(request)
    entry_id = int(request.match_info["entry_id"])
    status = str((await request.post()).get("status", ""))

    def current() -> dict[str, Any]:
        with c.sessions() as session:
            return {**versions.snapshot(get_entry(session, entry_id)), "status": status}

    raw = await asyncio.to_thread(current)
    try:
        await asyncio.to_thread(save_entry, c, raw, request["user"].username, entry_id)
    except catalogue.ValidationFailed as failed:
        values = {
            **raw,
            "alternatives": "\n".join(raw["alternatives"]),
            "tags": "、".join(raw["tags"]),
            "aspects": field_values.aspects_text(raw["aspects"]),
        }
        return await _form_with_problems(request, entry_id, values, failed)
    raise web.HTTPFound(f"/admin/entries/{entry_id}?saved=1")
