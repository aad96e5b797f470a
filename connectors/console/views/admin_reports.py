"""What the admin reviews: 待审核 (the drafts), 操作记录 (the audit log) and 未答问题 (the
questions the assistant could not answer, grouped, with the weekly and per-topic charts)."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp import web

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import ctx, html, html_page, parse_int, region_filter
from knowledge import listing, unanswered_groups

routes = web.RouteTableDef()
MAX_DAYS = 3660  # ten years; more would overflow the date arithmetic


@routes.get("/admin/review")
@auth.require("admin")
async def review_page(request: web.Request) -> web.Response:
    return await html_page(
        request, lambda session: pages.review_page(request, listing.review_queue(session=session))
    )


@routes.get("/admin/audit")
@auth.require("admin")
async def audit_page(request: web.Request) -> web.Response:
    return await html_page(
        request, lambda session: pages.audit_page(request, listing.audit_log(session=session))
    )


@routes.get("/admin/unanswered")
@auth.require("admin")
async def unanswered_page(request: web.Request) -> web.Response:
    c = ctx(request)
    days = parse_int(request.query.get("days")) or 30
    if days > MAX_DAYS:
        raise web.HTTPBadRequest(text=f"天数最多 {MAX_DAYS} 天")
    topic = request.query.get("topic", "")
    region_raw = request.query.get("region", "").strip()
    region = region_filter(c, region_raw)

    def work() -> str:
        since = dt.datetime.combine(c.today() - dt.timedelta(days=days), dt.time())
        with c.sessions() as session:
            report = unanswered_groups.report(
                session=session, since=since, topic=topic or None, region=region or None
            )
        return pages.unanswered_page(
            request,
            report.groups,
            {"topic": topic, "region": region, "days": str(days)},
            report.weekly_bars(),
            report.topic_bars(),
        )

    return html(await asyncio.to_thread(work))
