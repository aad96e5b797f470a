"""Wake-ups for open event streams; the database stays the source of truth.

``Hub`` wakes the streams of this process only (the embedded default). ``make_hub`` picks
``redis_hub.RedisHub`` when ``REDIS_URL`` is set, so a message stored by any instance wakes
the streams open on every instance. A wake-up only makes a stream read the database now
rather than at its next poll (``event_stream.POLL_SECONDS``), so a lost wake-up delays a message
by at most that long and never loses it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from changai.settings import Settings


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

    async def notify(self, conversation_id: str) -> None:
        self.wake(conversation_id)

    def wake(self, conversation_id: str) -> None:
        """Wake this process's streams of the conversation."""
        for event in self._events.get(conversation_id, ()):
            event.set()

    def wake_all(self) -> None:
        """Wake every open stream of this process (each re-reads the database)."""
        for events in self._events.values():
            for event in events:
                event.set()

    def listeners(self, conversation_id: str) -> int:
        return len(self._events.get(conversation_id, ()))

    async def close(self) -> None:
        """Nothing to release in process."""


def make_hub(settings: Settings) -> Hub:
    """The Redis-backed hub when ``REDIS_URL`` is set, else the in-process one."""
    if not settings.redis_url:
        return Hub()
    from connectors.widget.redis_hub import RedisHub  # here: redis_hub imports Hub

    return RedisHub(settings.redis_url, settings.redis_key_prefix)
