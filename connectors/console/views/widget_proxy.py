"""Forward the page's /api/widget/* calls to Rasa's widget channel (SSE streamed through).

The page and an embedding union website then need only the console's origin.
CORS is open on these routes: no cookie is involved, the conversation id is the key.

Only the widget channel's own routes are forwarded, each declared here with the conversation
id's exact pattern, and the upstream URL is built from the parsed id, never from the
requested path: ``/api/widget/..%2F..%2Fwebhooks%2Frest%2Fwebhook`` (decoded before routing)
matches no route and gets 404, so nothing but the widget channel is reachable. Only the
``after`` query parameter is passed on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from connectors.console.appkeys import SETTINGS
from connectors.console.csrf import csrf_exempt

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()
HTTP = web.AppKey("widget_http", aiohttp.ClientSession)
MAX_BODY_BYTES = 16 * 1024
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Last-Event-ID",
    "Access-Control-Max-Age": "600",
}
UNAVAILABLE = {"error": "unavailable", "message": "小助手暂时连不上，请稍后再试。"}
# The widget channel's conversation id (connectors.widget.channel.CONVERSATION_ID).
CONVERSATION = "{conversation_id:[A-Za-z0-9_-]{20,64}}"
PREFIX = "/api/widget"
FORWARD_TIMEOUT = aiohttp.ClientTimeout(total=30)


def _upstream(request: web.Request) -> str:
    """The widget channel's URL for this route, built from the parsed conversation id."""
    base = f"{request.app[SETTINGS].rasa_url}/webhooks/widget/conversations"
    conversation_id = request.match_info.get("conversation_id")
    if conversation_id is None:
        return base
    kind = "events" if request.path.endswith("/events") else "messages"
    return f"{base}/{conversation_id}/{kind}"


def _params(request: web.Request) -> dict[str, str]:
    after = request.query.get("after")
    return {"after": after} if after is not None else {}


@routes.route("OPTIONS", PREFIX + "/{tail:.*}")
async def preflight(request: web.Request) -> web.Response:
    return web.Response(status=204, headers=CORS)


@routes.post(PREFIX + "/conversations")
@routes.post(f"{PREFIX}/conversations/{CONVERSATION}/messages")
@routes.get(f"{PREFIX}/conversations/{CONVERSATION}/messages")
@csrf_exempt("the anonymous worker's chat: no cookie, the conversation id is the key")
async def forward(request: web.Request) -> web.Response:
    body = await request.read() if request.method == "POST" else None
    if body is not None and len(body) > MAX_BODY_BYTES:
        return web.json_response(
            {"error": "too_large", "message": "消息太长了。"}, status=413, headers=CORS
        )
    try:
        async with request.app[HTTP].request(
            request.method,
            _upstream(request),
            params=_params(request),
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=FORWARD_TIMEOUT,
        ) as upstream:
            content = await upstream.read()
            return web.Response(
                status=upstream.status,
                body=content,
                content_type="application/json",
                headers=CORS,
            )
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:  # not builtin before 3.11
        logger.warning("widget channel unreachable: %s", type(exc).__name__)
        return web.json_response(UNAVAILABLE, status=502, headers=CORS)


@routes.get(f"{PREFIX}/conversations/{CONVERSATION}/events")
async def events(request: web.Request) -> web.StreamResponse:
    headers = {}
    if "Last-Event-ID" in request.headers:
        headers["Last-Event-ID"] = request.headers["Last-Event-ID"]
    try:
        upstream_context = request.app[HTTP].get(
            _upstream(request),
            params=_params(request),
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
        )
        upstream = await upstream_context.__aenter__()
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.warning("widget stream unreachable: %s", type(exc).__name__)
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


async def http_client(app: web.Application) -> AsyncIterator[None]:
    """One HTTP client for the proxy, for the app's lifetime (``cleanup_ctx``)."""
    async with aiohttp.ClientSession() as session:
        app[HTTP] = session
        yield
