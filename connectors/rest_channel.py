"""Rasa's REST channel, answering each bot turn as one message.

Stock ``RestInput`` collects a bot turn's text (split at blank lines) and its
``custom`` payload as separate list items. This subclass keeps the same URL
(``/webhooks/rest/webhook``) and request format, and returns one item per bot
turn holding ``text``, ``buttons`` and ``custom`` together, so any Rasa REST
client still works and every message carries its machine-readable payload.

A body Rasa's handler cannot read (not a JSON object, a sender or message that is not text,
a lone surrogate) is refused with a 4xx before any tracker is read or written
(``connectors/rest_request.py``); stock Rasa answers some of them with a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.rest_request import parse_rest_body
from connectors.widget.validation import RequestRejected

logger = logging.getLogger(__name__)

MESSAGE_KEYS = ("text", "buttons", "image", "attachment", "elements", "quick_replies", "custom")


class WholeMessageCollector(CollectingOutputChannel):
    """Collects each bot message as a single dict, text and payload together."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        item: dict[str, Any] = {"recipient_id": recipient_id}
        for key in MESSAGE_KEYS:
            if message.get(key) is not None:
                item[key] = message[key]
        await self._persist_message(item)


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> Any:
            original = message.output_channel
            if type(original) is not CollectingOutputChannel:
                return await on_new_message(message)
            collector = WholeMessageCollector()
            message.output_channel = collector
            try:
                return await on_new_message(message)
            finally:
                original.messages.extend(collector.messages)

        blueprint = super().blueprint(handle)

        @blueprint.middleware("request")
        async def checked_body(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                body = parse_rest_body(request.body or b"")
                # Rasa's handler reads request.json: the body checked here, not a new parse.
                request.parsed_json = body  # type: ignore[assignment]
            except RequestRejected as refused:
                logger.warning("rest channel request refused: %s", refused.code)
                return response.json(refused.body(), status=refused.status)
            return None

        return blueprint
