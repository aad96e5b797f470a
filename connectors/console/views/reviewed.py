"""What the admin's reviewed items share: an item with a live version, an edit waiting for
review and versions that can be restored (a check's condition, ``admin_checks``; a check's
ladder, ``admin_ladder``). ``json_routes`` and ``page_routes`` add the routes that publish
(approve) or discard what waits and restore a version, as JSON and as the page's forms (and
the page itself); the page's markup for the same is ``templates/admin/_review.html``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx, html, parse_int
from connectors.console.bodies import json_object
from connectors.console.errors import form_problem
from knowledge import catalogue
from knowledge.models import ContentVersion

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PROPOSED = "已提交，待审核：发布后，下一次核对才按新内容判断"


class Render(Protocol):
    """An item's page: (admin context, request, item id, what was typed into the form that
    came back or None, the form's errors or None) -> HTML."""

    def __call__(
        self,
        c: AdminContext,
        request: web.Request,
        item_id: int,
        typed: Any = None,
        errors: dict[str, str] | None = None,
        /,
    ) -> str: ...


@dataclass(frozen=True)
class Reviewed:
    """One kind of reviewed item: its id in the URL, its page and the work over it (each run in
    a thread with the admin context, the item's id and the admin's name). ``discard`` returns
    true when the item itself went (a draft variant deleted); ``read``: the item as JSON.
    ``published`` / ``discarded``: the page's notice after each."""

    id_name: str  # the URL's parameter, e.g. "condition_id"
    page: str  # the item's page, "{}" for its id: where the forms go back to
    read: Callable[[AdminContext, int], dict[str, Any]]
    approve: Callable[[AdminContext, int, str], object]
    discard: Callable[[AdminContext, int, str], bool | None]
    restore: Callable[[AdminContext, int, int, str], object]
    published: str
    discarded: str
    gone: str = "/admin/checks"  # where the page goes when a discard deleted the item

    def item_id(self, request: web.Request) -> int:
        return int(request.match_info[self.id_name])

    def notice(self, request: web.Request) -> str:
        """The line the page shows after a redirect (``?published=1``)."""
        notices = {
            "proposed": PROPOSED,
            "published": self.published,
            "discarded": self.discarded,
            "saved": "已保存",
        }
        return next((text for key, text in notices.items() if request.query.get(key)), "")


def version_rows(rows: Iterable[ContentVersion]) -> list[tuple[ContentVersion, str]]:
    """(row, action in words) for the versions table."""
    return [(r, pages.ACTION_LABELS.get(r.action, r.action)) for r in rows]


async def page_again(
    request: web.Request,
    render: Render,
    item_id: int,
    failed: catalogue.ValidationFailed,
    typed: Any = None,
) -> web.Response:
    """The item's page again after a refused form, with what was typed and what went wrong."""
    _message, status = form_problem(request, failed)
    page = await asyncio.to_thread(render, ctx(request), request, item_id, typed, failed.errors)
    return html(page, status)


def _add(routes: web.RouteTableDef, path: str, handler: Handler) -> None:
    routes.post(path)(auth.require("admin")(handler))


def json_routes(routes: web.RouteTableDef, base: str, item: Reviewed) -> None:
    """``POST {base}/approve``, ``/discard`` and ``/restore`` (``{"version": n}``), each
    answering with the item as JSON (``{"deleted": true}`` when a discard deleted it)."""

    async def approve_api(request: web.Request) -> web.Response:
        """Publish what waits: from now on the checks read it."""
        c, item_id = ctx(request), item.item_id(request)
        await asyncio.to_thread(item.approve, c, item_id, request["user"].username)
        return web.json_response(await asyncio.to_thread(item.read, c, item_id))

    async def discard_api(request: web.Request) -> web.Response:
        """Discard what waits; a draft variant is deleted (``{"deleted": true}``)."""
        c, item_id = ctx(request), item.item_id(request)
        if await asyncio.to_thread(item.discard, c, item_id, request["user"].username):
            return web.json_response({"deleted": True})
        return web.json_response(await asyncio.to_thread(item.read, c, item_id))

    async def restore_api(request: web.Request) -> web.Response:
        c, item_id = ctx(request), item.item_id(request)
        version = (await json_object(request)).get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise web.HTTPBadRequest(text="请指定版本号")
        await asyncio.to_thread(item.restore, c, item_id, version, request["user"].username)
        return web.json_response(await asyncio.to_thread(item.read, c, item_id))

    _add(routes, f"{base}/approve", approve_api)
    _add(routes, f"{base}/discard", discard_api)
    _add(routes, f"{base}/restore", restore_api)


def page_routes(routes: web.RouteTableDef, base: str, item: Reviewed, render: Render) -> None:
    """``GET {base}``: the item's page (``render``); and the page's forms: ``POST
    {base}/approve``, ``/discard`` and ``/restore`` (form field ``version``), each going back
    to the page with its notice (``?published=1``, ``?discarded=1``, ``?saved=1``). A refused
    approve or discard shows the page again; a refused restore, the restore-failed page."""

    async def item_page(request: web.Request) -> web.Response:
        item_id = item.item_id(request)
        return html(await asyncio.to_thread(render, ctx(request), request, item_id))

    async def approve_form(request: web.Request) -> web.StreamResponse:
        item_id = item.item_id(request)
        try:
            await asyncio.to_thread(item.approve, ctx(request), item_id, request["user"].username)
        except catalogue.ValidationFailed as failed:
            return await page_again(request, render, item_id, failed)
        raise web.HTTPFound(item.page.format(item_id) + "?published=1")

    async def discard_form(request: web.Request) -> web.StreamResponse:
        item_id = item.item_id(request)
        try:
            deleted = await asyncio.to_thread(
                item.discard, ctx(request), item_id, request["user"].username
            )
        except catalogue.ValidationFailed as failed:
            return await page_again(request, render, item_id, failed)
        raise web.HTTPFound(item.gone if deleted else item.page.format(item_id) + "?discarded=1")

    async def restore_form(request: web.Request) -> web.StreamResponse:
        item_id = item.item_id(request)
        version = parse_int(str((await request.post()).get("version", "")))
        try:
            await asyncio.to_thread(
                item.restore, ctx(request), item_id, version or 0, request["user"].username
            )
        except catalogue.ValidationFailed as failed:
            message, status = form_problem(request, failed)
            return html(pages.restore_failed_page(request, message), status)
        raise web.HTTPFound(item.page.format(item_id) + "?saved=1")

    routes.get(base)(auth.require("admin")(item_page))
    _add(routes, f"{base}/approve", approve_form)
    _add(routes, f"{base}/discard", discard_form)
    _add(routes, f"{base}/restore", restore_form)
