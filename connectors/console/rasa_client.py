"""The console's client for Rasa's HTTP API (token-authenticated, with timeouts)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from changai.payloads import custom_payload

# Longer than Rasa's lock of a conversation can be held by an instance that died
# (TICKET_LOCK_LIFETIME, 20 s in the recipe): an append waiting for that lock then succeeds
# within the timeout. A shorter timeout reported "not joined" for an append Rasa applied
# later, and the join offered again told the worker twice (docs/decisions.md, #14).
TIMEOUT = aiohttp.ClientTimeout(total=30)


class RasaUnavailable(RuntimeError):
    """Rasa did not accept the events; the caller tells staff to retry."""


class RasaClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the tracker; bot events are sent through the widget channel."""
        params = {"output_channel": "widget", "execute_side_effects": "true"}
        if self._token:
            params["token"] = self._token
        try:
            async with self._http.post(
                f"{self._base}/conversations/{conversation_id}/tracker/events",
                params=params,
                json=events,
                timeout=TIMEOUT,
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(
                        f"rasa answered {response.status}: {await response.text()}"
                    )
        # asyncio.TimeoutError is not the builtin TimeoutError before Python 3.11: a Rasa that
        # answers too late (waiting for a dead instance's conversation lock) is unavailable
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise RasaUnavailable(str(exc)) from exc


def staff_message(text: str, staff_name: str, kind: str = "staff", **extra: Any) -> dict[str, Any]:
    custom = custom_payload(kind, escalated=True, staff_name=staff_name, **extra)
    return {"event": "bot", "text": text, "data": {"custom": custom}}


PAUSE = {"event": "pause"}
RESUME = {"event": "resume"}
