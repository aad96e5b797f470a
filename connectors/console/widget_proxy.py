"""Forward the page's /api/widget/* calls to Rasa's widget channel (SSE streamed through).

The page and an embedding union website then need only the console's origin.
CORS is open on these routes: no cookie is involved, the conversation id is the key.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from changai.settings import Settings

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()
SETTINGS = web.AppKey("widget_settings", Settings)
HTTP = web.AppKey("widget_http", aiohttp.ClientSession)
MAX_BODY_BYTES = 16 * 1024
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Last-Event-ID",
    "Access-Control-Max-Age": "600",
}
UNAVAILABLE = {"error": "unavailable", "message": "小助手暂时连不上，请稍后再试。"}


def _upstream(request: web.Request, tail: str) -> str:
    return f"{request.app[SETTINGS].rasa_url}/webhooks/widget/{tail}"


@routes.route("OPTIONS", "/api/widget/{tail:.*}")
async def preflight(request: web.Request) -> web.Response:
    return web.Response(status=204, headers=CORS)


@routes.post("/api/widget/{tail:.*}")
@routes.get("/api/widget/{tail:conversations/[^/]+/messages}")
async def forward(request: web.Request) -> web.Response:
    body = await request.read() if request.method == "POST" else None
    if body is not None and len(body) > MAX_BODY_BYTES:
        return web.json_response(
            {"error": "too_large", "message": "消息太长了。"}, status=413, headers=CORS
        )
    try:
        async with request.app[HTTP].request(
            request.method,
            _upstream(request, request.match_info["tail"]),
            params=request.query,
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=aiohttp.ClientTimeout(total=30),
        ) as upstream:
            content = await upstream.read()
            return web.Response(
                status=upstream.status,
                body=content,
                content_type="application/json",
                headers=CORS,
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("widget channel unreachable: %s", exc)
        return web.json_response(UNAVAILABLE, status=502, headers=CORS)


@routes.get("/api/widget/{tail:conversations/[^/]+/events}")
async def events(request: web.Request) -> web.StreamResponse:
    headers = {}
    if "Last-Event-ID" in request.headers:
        headers["Last-Event-ID"] = request.headers["Last-Event-ID"]
    try:
        upstream_context = request.app[HTTP].get(
            _upstream(request, request.match_info["tail"]),
            params=request.query,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
        )
        upstream = await upstream_context.__aenter__()
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("widget stream unreachable: %s", exc)
        return web.json_response(UNAVAILABLE, status=502, headers=CORS)
    try:
        if upstream.status != 200:
            return web.Response(
                status=upstream.status,
                body=await upstream.read(),
                content_type="application/json",
                headers=CORS,
            )
        response = web.StreamResponse(
            headers={
                **CORS,
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        async for chunk in upstream.content.iter_any():
            await response.write(chunk)
        return response
    except (aiohttp.ClientError, ConnectionResetError):
        return response
    finally:
        await upstream_context.__aexit__(None, None, None)


def setup(app: web.Application, settings: Settings) -> None:
    app[SETTINGS] = settings
    app.add_routes(routes)

    async def client(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            app[HTTP] = session
            yield

    app.cleanup_ctx.append(client)
