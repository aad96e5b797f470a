"""A worker's page as the cluster test drives it: through the load balancer, retrying what
a dead instance dropped (the same ``client_id``, as the page does), and an SSE stream that
reconnects with ``Last-Event-ID`` (tests/test_cluster.py, bench/cluster.py)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.widget_client import sse_messages

API = "/api/widget/conversations"
RETRY_STATUSES = {502, 503, 504}
ATTEMPTS = 40
RETRY_SECONDS = 0.5


class GaveUp(RuntimeError):
    pass


async def call(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any, dict[str, str]]:
    """One request, retried (bounded) while the cluster has no instance for it."""
    last = ""
    for _ in range(ATTEMPTS):
        try:
            async with http.request(method, url, **kwargs) as response:
                if response.status not in RETRY_STATUSES:
                    body = await response.json(content_type=None)
                    return response.status, body, dict(response.headers)
                last = f"HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            last = type(exc).__name__
        await asyncio.sleep(RETRY_SECONDS)
    raise GaveUp(f"{method} {url}: {last}")


@dataclass
class Connection:
    """One SSE connection: who served it and from which event it resumed."""

    served_by: str
    last_event_id: int | None
    opened_at: float
    ended_at: float | None = None
    last_id_at_end: int | None = None  # the last event the stream held when it ended


@dataclass
class ResumingStream:
    """Reads a conversation's events until closed, reconnecting from its last event id."""

    http: aiohttp.ClientSession
    base: str
    conversation_id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    @property
    def last_id(self) -> int | None:
        return self.events[-1]["id"] if self.events else None

    async def _run(self) -> None:
        url = f"{self.base}{API}/{self.conversation_id}/events"
        while True:
            last = self.last_id
            headers = {"Last-Event-ID": str(last)} if last is not None else {}
            try:
                async with self.http.get(
                    url, headers=headers, timeout=aiohttp.ClientTimeout(total=None, sock_read=40)
                ) as response:
                    if response.status != 200:
                        await asyncio.sleep(RETRY_SECONDS)
                        continue
                    connection = Connection(
                        response.headers.get("X-Served-By", ""), last, time.monotonic()
                    )
                    self.connections.append(connection)
                    try:
                        await self._read(response)
                    finally:
                        connection.ended_at = time.monotonic()
                        connection.last_id_at_end = self.last_id
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
                pass
            await asyncio.sleep(0.2)  # then reconnect from the last event received

    async def _read(self, response: aiohttp.ClientResponse) -> None:
        async for data in sse_messages(response):
            self.events.append(data)
            self.changed.set()

    async def wait_for(self, predicate: Any, timeout: float) -> dict[str, Any]:
        """The first event (by arrival) for which ``predicate(event)`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if predicate(event):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no such event in {self.conversation_id}: {self.events}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 1.0))
            except asyncio.TimeoutError:
                pass

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except (asyncio.CancelledError, Exception):  # closing anyway
                pass


async def start_conversation(http: aiohttp.ClientSession, base: str) -> str:
    status, body, _ = await call(http, "POST", base + API)
    assert status == 201, body
    return str(body["conversation_id"])


async def send(
    http: aiohttp.ClientSession, base: str, cid: str, text: str, client_id: str
) -> tuple[int, bool]:
    """(stored message id, duplicate?) of a worker's message, retried with its client_id."""
    status, body, _ = await call(
        http,
        "POST",
        f"{base}{API}/{cid}/messages",
        json={"text": text, "client_id": client_id},
    )
    assert status == 202, body
    return int(body["id"]), bool(body["duplicate"])
