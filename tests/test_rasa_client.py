"""The console's client for Rasa's HTTP API: every failure is ``RasaUnavailable``."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from connectors.console import rasa_client
from connectors.console.rasa_client import RasaClient, RasaUnavailable


async def _serve(handler) -> TestServer:
    app = web.Application()
    app.router.add_post("/conversations/{cid}/tracker/events", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


@pytest.mark.parametrize("kind", ["slow", "error", "gone"])
def test_a_slow_failing_or_absent_rasa_is_unavailable(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rasa waits for a conversation's lock that a killed instance held (up to
    # TICKET_LOCK_LIFETIME): the console's timeout must end that as "unavailable", not a 500
    monkeypatch.setattr(rasa_client, "TIMEOUT", aiohttp.ClientTimeout(total=0.3))

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({})

    async def error(request: web.Request) -> web.Response:
        return web.json_response({"error": "x"}, status=500)

    async def go() -> None:
        server = await _serve(slow if kind == "slow" else error)
        url = str(server.make_url("")).rstrip("/")
        if kind == "gone":
            await server.close()
        try:
            async with aiohttp.ClientSession() as http:
                with pytest.raises(RasaUnavailable):
                    await RasaClient(http, url, "t").append("cid", [{"event": "pause"}])
        finally:
            await server.close()

    asyncio.run(go())


def test_accepted_events_return_quietly() -> None:
    seen: list[object] = []

    async def ok(request: web.Request) -> web.Response:
        seen.append((request.query.get("token"), await request.json()))
        return web.json_response({})

    async def go() -> None:
        server = await _serve(ok)
        try:
            async with aiohttp.ClientSession() as http:
                url = str(server.make_url("")).rstrip("/")
                await RasaClient(http, url, "t").append("cid", [{"event": "pause"}])
        finally:
            await server.close()

    asyncio.run(go())
    assert seen == [("t", [{"event": "pause"}])]
