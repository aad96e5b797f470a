"""The widget channel's output channels: one that stores and pushes, one that drops (replays)."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from rasa.core.channels.channel import OutputChannel

from connectors.rest_channel import MESSAGE_KEYS

logger = logging.getLogger(__name__)


class OutgoingStore(Protocol):
    """What ``WidgetOutput`` writes to (``connectors.widget.channel.WidgetInput``)."""

    async def store_outgoing(self, conversation_id: str, sender: str, payload: dict) -> None: ...


class WidgetOutput(OutputChannel):
    """Stores each message, then wakes the conversation's open streams."""

    def __init__(self, channel: OutgoingStore) -> None:
        self._channel = channel

    @classmethod
    def name(cls) -> str:
        return "widget"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        payload = {k: message[k] for k in MESSAGE_KEYS if message.get(k) is not None}
        custom = payload.get("custom") or {}
        sender = "staff" if isinstance(custom, dict) and custom.get("type") == "staff" else "bot"
        await self._channel.store_outgoing(recipient_id, sender, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class ReplayOutput(OutputChannel):
    """Drops what Rasa says while it replays a turn the worker was already answered in."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        logger.info("replayed turn of %s: its reply was delivered before", recipient_id[:6])

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})
