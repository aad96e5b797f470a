"""A small client for the widget channel, as the page uses it (aiohttp)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=60)


async def sse_messages(response: aiohttp.ClientResponse) -> AsyncIterator[dict[str, Any]]:
    """Each message of a widget event stream as it arrives (its ``id:`` line checked)."""
    event_id: int | None = None
    data: dict[str, Any] | None = None
    async for raw in response.content:
        line = raw.decode().rstrip("\n")
        if line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and data is not None:
            assert data["id"] == event_id
            yield data
            data = None


class WidgetClient:
    def __init__(self, rasa_url: str, token: str) -> None:
        self.base = f"{rasa_url}/webhooks/widget"
        self.rasa_url = rasa_url
        self.token = token

    async def start(self, http: aiohttp.ClientSession) -> str:
        async with http.post(f"{self.base}/conversations") as response:
            assert response.status == 201
            return (await response.json())["conversation_id"]

    async def send(
        self, http: aiohttp.ClientSession, cid: str, body: Any, raw: bytes | None = None
    ) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        async with http.post(
            f"{self.base}/conversations/{cid}/messages",
            data=data,
            headers={"Content-Type": "application/json"},
        ) as response:
            return response.status, await _json(response)

    async def history(
        self, http: aiohttp.ClientSession, cid: str, after: str = "0"
    ) -> tuple[int, dict]:
        async with http.get(
            f"{self.base}/conversations/{cid}/messages", params={"after": after}
        ) as r:
            return r.status, await _json(r)

    async def events(
        self,
        http: aiohttp.ClientSession,
        cid: str,
        count: int,
        last_event_id: int | None = None,
        wait: float = 30.0,
    ) -> list[dict]:
        """Read ``count`` events (or what arrives within ``wait`` seconds), then disconnect."""
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        received: list[dict] = []

        async def read() -> None:
            async with http.get(f"{self.base}/conversations/{cid}/events", headers=headers) as r:
                assert r.status == 200, r.status
                async for data in sse_messages(r):
                    received.append(data)
                    if len(received) >= count:
                        return

        try:
            await asyncio.wait_for(read(), timeout=wait)
        except asyncio.TimeoutError:
            pass
        return received

    async def push_staff(self, http: aiohttp.ClientSession, cid: str, text: str) -> None:
        """What the staff desk does: append a bot event with the widget as output channel."""
        event = {
            "event": "bot",
            "text": text,
            "data": {"custom": {"type": "staff", "staff_name": "王老师"}},
        }
        async with http.post(
            f"{self.rasa_url}/conversations/{cid}/tracker/events",
            params={
                "token": self.token,
                "output_channel": "widget",
                "execute_side_effects": "true",
            },
            json=[event],
        ) as response:
            assert response.status == 200, await response.text()


async def _json(response: aiohttp.ClientResponse) -> dict:
    try:
        return await response.json(content_type=None)
    except ValueError:
        return {"error": "not_json", "body": await response.text()}
