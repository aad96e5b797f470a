"""A stand-in for Rasa on a loopback port: records every request, answers as told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Upstream:
    seen: list[str] = field(default_factory=list)
    delay: float = 0.0
    url: str = ""
    streams: int = 0  # open now


@asynccontextmanager
async def fake_rasa(delay: float = 0.0) -> AsyncIterator[Upstream]:
    upstream = Upstream(delay=delay)

    async def anything(request: web.Request) -> web.StreamResponse:
        upstream.seen.append(request.path_qs)
        if upstream.delay:
            await asyncio.sleep(upstream.delay)
        if request.path.endswith("/events"):
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            await response.write(b"retry: 2000\n\n")
            upstream.streams += 1
            try:
                while request.transport is not None and not request.transport.is_closing():
                    await asyncio.sleep(0.2)
            finally:
                upstream.streams -= 1
            return response
        if request.path.endswith("/tracker/events"):  # Rasa's HTTP API (staff replies)
            return web.json_response({"events": []})
        return web.json_response({"conversation_id": "x" * 22}, status=201)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", anything)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    upstream.url = str(server.make_url("")).rstrip("/")
    try:
        yield upstream
    finally:
        await server.close()
