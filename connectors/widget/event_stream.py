"""The widget channel's Server-Sent Events stream of one conversation.

Every stored message with an id above ``after`` is sent, then each new one as it is stored:
the stream reads the database when the hub wakes it (``connectors/widget/hub.py``) and at
the latest every ``POLL_SECONDS``, and sends a comment every ``HEARTBEAT_SECONDS`` while
idle so that proxies keep the connection open.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sanic.request import Request

from connectors.widget import store
from connectors.widget.hub import Hub

HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 1.0

Database = Callable[[Callable[[Any], Any]], Awaitable[Any]]


async def stream_messages(
    request: Request, hub: Hub, db: Database, conversation_id: str, after: int
) -> None:
    """Answer ``request`` with the conversation's messages after ``after``, until it closes.

    ``db(work)`` runs ``work(session)`` in a transaction off the event loop."""
    stream = await request.respond(
        content_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    wake = hub.subscribe(conversation_id)
    last = after
    idle = 0.0
    try:
        await stream.send("retry: 2000\n\n")
        while not _closed(request):
            wake.clear()
            batch = await db(functools.partial(_events_after, conversation_id, last))
            for event in batch:
                data = json.dumps(event, ensure_ascii=False)
                await stream.send(f"id: {event['id']}\nevent: message\ndata: {data}\n\n")
                last = event["id"]
            if batch:
                idle = 0.0
            try:
                await asyncio.wait_for(wake.wait(), timeout=POLL_SECONDS)
            except asyncio.TimeoutError:
                idle += POLL_SECONDS
                if idle >= HEARTBEAT_SECONDS:
                    await stream.send(": ping\n\n")
                    idle = 0.0
    except (asyncio.CancelledError, ConnectionError):
        pass
    finally:
        hub.unsubscribe(conversation_id, wake)


def _closed(request: Request) -> bool:
    transport = getattr(request, "transport", None)
    return transport is None or transport.is_closing()


def _events_after(conversation_id: str, after_id: int, session: Any) -> list[dict[str, Any]]:
    return store.events_after(session=session, conversation_id=conversation_id, after_id=after_id)
