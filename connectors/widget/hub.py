"""In-process wake-ups for open event streams; the database stays the source of truth."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class Hub:
    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)

    def subscribe(self, conversation_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._events[conversation_id].add(event)
        return event

    def unsubscribe(self, conversation_id: str, event: asyncio.Event) -> None:
        events = self._events.get(conversation_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._events[conversation_id]

    def notify(self, conversation_id: str) -> None:
        for event in self._events.get(conversation_id, ()):
            event.set()

    def listeners(self, conversation_id: str) -> int:
        return len(self._events.get(conversation_id, ()))
