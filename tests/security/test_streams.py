"""Findings 2 and 8: SSE streams are capped per conversation, per address and in all, free
their slot the moment they end, never starve ordinary calls; new conversations are rate
limited per address; a body that trickles in is cut off."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from changai.settings import Settings
from connectors.console.app import create_app
from connectors.console.views import widget_proxy
from tests.security.upstream import fake_rasa


def cid(n: int) -> str:
    return f"conversation-{n:010d}"


async def console_for(rasa_url: str, tmp_path) -> TestClient:
    settings = Settings(
        env="test", database_url=f"sqlite:///{tmp_path / 'x.db'}", rasa_url=rasa_url
    )
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    return client


async def open_stream(client: TestClient, conversation: str) -> aiohttp.ClientResponse:
    return await client.get(f"/api/widget/conversations/{conversation}/events")


def test_streams_are_capped_and_free_their_slot_at_once(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(widget_proxy, "STREAMS_PER_ADDRESS", 5)

    async def go() -> None:
        async with fake_rasa() as upstream:
            client = await console_for(upstream.url, tmp_path)
            try:
                same = [await open_stream(client, cid(0)) for _ in range(3)]
                assert [r.status for r in same] == [200, 200, 200]
                fourth = await open_stream(client, cid(0))
                assert fourth.status == 429
                assert "窗口太多" in (await fourth.json())["message"]
                others = [await open_stream(client, cid(n)) for n in (1, 2)]
                assert [r.status for r in others] == [200, 200]
                assert (await open_stream(client, cid(3))).status == 429  # 5 from one address
                for response in same:
                    response.close()  # the page goes away
                started = time.monotonic()
                again = await open_stream(client, cid(0))
                while again.status == 429 and time.monotonic() - started < 5:
                    await asyncio.sleep(0.2)
                    again = await open_stream(client, cid(0))
                assert again.status == 200 and time.monotonic() - started < 3
                deadline = time.monotonic() + 5
                while upstream.streams > 3 and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                assert upstream.streams == 3  # the dropped ones released upstream too
                for response in [*others, again]:
                    response.close()
            finally:
                await client.close()

    asyncio.run(go())


def test_many_streams_never_starve_a_message(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(widget_proxy, "STREAMS_PER_ADDRESS", 1000)

    async def go() -> None:
        async with fake_rasa() as upstream:
            client = await console_for(upstream.url, tmp_path)
            pages = aiohttp.ClientSession(  # 150 browsers: no client-side pool limit
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=20),
            )
            try:
                streams = await asyncio.gather(
                    *(
                        pages.get(client.make_url(f"/api/widget/conversations/{cid(n)}/events"))
                        for n in range(150)
                    )
                )
                assert all(r.status == 200 for r in streams)
                started = time.monotonic()
                sent = await client.post(
                    f"/api/widget/conversations/{cid(0)}/messages",
                    data=b'{"text": "hi"}',
                    timeout=aiohttp.ClientTimeout(total=10),
                )
                assert sent.status == 201 and time.monotonic() - started < 2
                for response in streams:
                    response.close()
            finally:
                await pages.close()
                await client.close()

    asyncio.run(go())


def test_new_conversations_are_rate_limited_per_address(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(widget_proxy, "NEW_CONVERSATIONS_PER_MINUTE", 20)

    async def go() -> None:
        async with fake_rasa() as upstream:
            client = await console_for(upstream.url, tmp_path)
            try:
                statuses = [
                    (await client.post("/api/widget/conversations")).status for _ in range(25)
                ]
                assert statuses == [201] * 20 + [429] * 5
                refused = await client.post("/api/widget/conversations")
                assert "太频繁" in (await refused.json())["message"]
                assert len(upstream.seen) == 20
            finally:
                await client.close()

    asyncio.run(go())


def test_a_trickling_body_is_cut_off(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(widget_proxy, "BODY_SECONDS", 0.5)

    async def go() -> None:
        async with fake_rasa() as upstream:
            client = await console_for(upstream.url, tmp_path)
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
                writer.write(
                    f"POST /api/widget/conversations/{cid(1)}/messages HTTP/1.1\r\n"
                    "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    'Content-Length: 100\r\n\r\n{"te'.encode()
                )
                await writer.drain()
                status_line = await asyncio.wait_for(reader.readline(), 5)
                assert b" 408 " in status_line
                writer.close()
                assert upstream.seen == []
            finally:
                await client.close()

    asyncio.run(go())
