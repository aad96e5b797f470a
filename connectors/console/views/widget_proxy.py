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
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from connectors.console.appkeys import SETTINGS
from connectors.console.auth import client_address
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
BODY_SECONDS = 10.0
SLOW_BODY = {"error": "timeout", "message": "网络太慢，消息没有发完，请重新发送。"}


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
    starting = request.method == "POST" and "conversation_id" not in request.match_info
    if starting and not request.app[STARTS].allow(_client(request)):
        return web.json_response(TOO_MANY_STARTS, status=429, headers=CORS)
    try:
        body = (
            await asyncio.wait_for(request.read(), BODY_SECONDS)
            if request.method == "POST"
            else None
        )
    except asyncio.TimeoutError:  # a body trickled in too slowly
        return web.json_response(SLOW_BODY, status=408, headers=CORS)
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


class StreamGate:
    """Open SSE streams, capped per conversation, per client address and in all.

    ``enter`` decides and counts in one synchronous step (no race between streams opening
    together); ``leave`` is called from the stream's ``finally``, so a slot is freed the
    moment the stream ends, however it ends."""

    def __init__(self, per_conversation: int = 3, per_address: int = 60, total: int = 2000) -> None:
        self.per_conversation = per_conversation
        self.per_address = per_address
        self.total = total
        self.conversations: Counter[str] = Counter()
        self.addresses: Counter[str] = Counter()

    def enter(self, conversation_id: str, address: str) -> bool:
        if (
            self.conversations[conversation_id] >= self.per_conversation
            or self.addresses[address] >= self.per_address
            or sum(self.addresses.values()) >= self.total
        ):
            return False
        self.conversations[conversation_id] += 1
        self.addresses[address] += 1
        return True

    def leave(self, conversation_id: str, address: str) -> None:
        for counter, key in ((self.conversations, conversation_id), (self.addresses, address)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]


class NewConversationLimit:
    """At most ``limit`` new conversations per client address in ``window`` seconds."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._times: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        times = self._times[address]
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self._times) > 100_000:  # forget idle addresses
            for key in [k for k, v in self._times.items() if not v]:
                del self._times[key]
        return True


GATE = web.AppKey("widget_streams", StreamGate)
STARTS = web.AppKey("widget_starts", NewConversationLimit)
STREAM_HTTP = web.AppKey("widget_stream_http", aiohttp.ClientSession)
TOO_MANY_STREAMS = {
    "error": "too_many_streams",
    "message": "打开的对话窗口太多了，请关掉几个再试。",
}
TOO_MANY_STARTS = {"error": "too_many_conversations", "message": "新开对话太频繁了，请稍后再试。"}
# The gate's caps (``StreamGate``); a union's NAT can put many workers behind one address.
STREAMS_PER_CONVERSATION = 3
STREAMS_PER_ADDRESS = 60
STREAMS_TOTAL = 2000
NEW_CONVERSATIONS_PER_MINUTE = 20
# A stream is closed after this long (the page reconnects at once, from its last event id),
# and a dropped client is noticed within CHECK_SECONDS even while nothing is sent.
STREAM_MAX_SECONDS = 600.0
CHECK_SECONDS = 1.0


def _client(request: web.Request) -> str:
    return client_address(request, request.app[SETTINGS].trusted_proxies)


@routes.get(f"{PREFIX}/conversations/{CONVERSATION}/events")
async def events(request: web.Request) -> web.StreamResponse:
    conversation_id, address = request.match_info["conversation_id"], _client(request)
    gate = request.app[GATE]
    if not gate.enter(conversation_id, address):
        return web.json_response(TOO_MANY_STREAMS, status=429, headers=CORS)
    try:
        return await _stream(request)
    finally:
        gate.leave(conversation_id, address)


async def _stream(request: web.Request) -> web.StreamResponse:
    headers = {}
    if "Last-Event-ID" in request.headers:
        headers["Last-Event-ID"] = request.headers["Last-Event-ID"]
    try:
        # Streams have their own client and pool, so they never hold the connections that
        # ordinary calls (sending a message, the history) need.
        upstream_context = request.app[STREAM_HTTP].get(
            _upstream(request),
            params=_params(request),
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
        )
        upstream = await upstream_context.__aenter__()
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.warning("widget stream unreachable: %s", type(exc).__name__)
        return web.json_response(UNAVAILABLE, status=502, headers=CORS)
    response = web.StreamResponse(
        headers={
            **CORS,
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    try:
        if upstream.status != 200:
            return web.Response(
                status=upstream.status,
                body=await upstream.read(),
                content_type="application/json",
                headers=CORS,
            )
        await response.prepare(request)
        deadline = time.monotonic() + STREAM_MAX_SECONDS
        while time.monotonic() < deadline:
            transport = request.transport
            if transport is None or transport.is_closing():
                break  # the page went away: free the upstream connection now
            try:
                chunk = await asyncio.wait_for(upstream.content.readany(), CHECK_SECONDS)
            except asyncio.TimeoutError:
                continue
            if not chunk:
                break  # upstream ended
            await response.write(chunk)
        return response
    except (aiohttp.ClientError, ConnectionError):
        if response.prepared:
            return response  # the page or Rasa went away mid-stream
        return web.json_response(UNAVAILABLE, status=502, headers=CORS)
    finally:
        upstream.close()
        await upstream_context.__aexit__(None, None, None)


async def http_client(app: web.Application) -> AsyncIterator[None]:
    """The proxy's HTTP clients, for the app's lifetime (``cleanup_ctx``): one for ordinary
    calls (aiohttp's pool of 100), one for streams (as many as the gate lets open)."""
    gate = StreamGate(STREAMS_PER_CONVERSATION, STREAMS_PER_ADDRESS, STREAMS_TOTAL)
    app[GATE] = gate
    app[STARTS] = NewConversationLimit(NEW_CONVERSATIONS_PER_MINUTE)
    streams = aiohttp.TCPConnector(limit=gate.total + 10, limit_per_host=0)
    async with (
        aiohttp.ClientSession() as session,
        aiohttp.ClientSession(connector=streams) as stream_session,
    ):
        app[HTTP] = session
        app[STREAM_HTTP] = stream_session
        yield
