"""Findings 3 and 14: the widget proxy forwards only the widget channel's own routes, and
an upstream timeout is a readable 502 with CORS, not a bare 504 or 500."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from changai.settings import Settings
from connectors.console.app import create_app
from connectors.console.views import widget_proxy
from tests.security.upstream import fake_rasa

CID = "AbCdEfGhIjKlMnOpQrStUv"
TRAVERSALS = [
    "/api/widget/..%2F..%2Fwebhooks%2Frest%2Fwebhook",
    "/api/widget/../../webhooks/rest/webhook",
    "/api/widget/%2e%2e/%2e%2e/webhooks/rest/webhook",
    "/api/widget/conversations/..%2F..%2F..%2Frest%2Fwebhook/messages",
    "/api/widget/conversations/%2e%2e%2f%2e%2e%2frest/messages",
    "/api/widget/conversations/" + CID + "/messages/../../../../rest/webhook",
    "/api/widget/webhook",
    "/api/widget/",
    "/api/widget/conversations/" + CID,
    "/api/widget/conversations/" + CID + "/tracker",
]


def console(rasa_url: str, tmp_path: Any) -> Settings:
    return Settings(env="test", database_url=f"sqlite:///{tmp_path / 'x.db'}", rasa_url=rasa_url)


async def client_for(settings: Settings) -> TestClient:
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    return client


def test_only_the_widget_channels_routes_are_forwarded(tmp_path) -> None:
    async def go() -> None:
        async with fake_rasa() as upstream:
            client = await client_for(console(upstream.url, tmp_path))
            try:
                for path in TRAVERSALS:
                    for method in ("POST", "GET"):
                        url = client.make_url("").with_path(path, encoded=True)
                        async with client.session.request(method, url, data=b"{}") as answer:
                            assert answer.status in {404, 405}, (method, path, answer.status)
                assert upstream.seen == []
                ok = await client.post("/api/widget/conversations")
                assert ok.status == 201
                await client.post(f"/api/widget/conversations/{CID}/messages?x=1", data=b"{}")
                await client.get(f"/api/widget/conversations/{CID}/messages?after=3&sender=a")
            finally:
                await client.close()
            assert upstream.seen == [
                "/webhooks/widget/conversations",
                f"/webhooks/widget/conversations/{CID}/messages",
                f"/webhooks/widget/conversations/{CID}/messages?after=3",
            ]

    asyncio.run(go())


def test_an_upstream_timeout_is_a_readable_502_with_cors(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widget_proxy, "FORWARD_TIMEOUT", aiohttp.ClientTimeout(total=0.3))

    async def go() -> None:
        async with fake_rasa(delay=2.0) as upstream:
            client = await client_for(console(upstream.url, tmp_path))
            try:
                answer = await client.post(f"/api/widget/conversations/{CID}/messages", data=b"{}")
                assert answer.status == 502
                assert answer.headers["Access-Control-Allow-Origin"] == "*"
                assert "小助手暂时连不上" in (await answer.json())["message"]
            finally:
                await client.close()

    asyncio.run(go())
