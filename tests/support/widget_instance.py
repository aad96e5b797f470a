"""A widget-channel instance in process, as one Rasa server of several would serve it.

The project's own ``WidgetInput`` (its blueprint: conversations, messages, the SSE stream)
runs on a Sanic server on a loopback port with the hub it is given. Behind the one route of
Rasa's HTTP API the desk calls (``POST /conversations/<id>/tracker/events`` with
``output_channel=widget``) runs Rasa's own code for its side effects,
``MessageProcessor._send_bot_messages``, so a staff reply takes the path it takes in Rasa:
``BotUttered.message()`` to ``WidgetOutput.send_response``. No model is loaded: the worker's
messages are recorded, not answered.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import sessionmaker

from connectors.widget.channel import WidgetInput
from connectors.widget.hub import Hub
from tests.servers import free_port
from tests.support.sanic_servers import start_sanic


class WidgetInstance:
    def __init__(self, sessions: sessionmaker, hub: Hub) -> None:
        self.channel = WidgetInput(session_factory=sessions, hub=hub)
        self.received: list[UserMessage] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = Sanic(f"widget_instance_{uuid.uuid4().hex[:8]}")
        self.app.blueprint(
            self.channel.blueprint(self._on_new_message), url_prefix="/webhooks/widget"
        )
        self.app.add_route(
            self._append_events,
            "/conversations/<conversation_id:str>/tracker/events",
            methods=["POST"],
        )
        self._server: Any = None

    @property
    def hub(self) -> Hub:
        return self.channel.hub

    async def _on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)

    async def _append_events(self, request: Request, conversation_id: str) -> HTTPResponse:
        events = [Event.from_parameters(e) for e in request.json]
        tracker = DialogueStateTracker(conversation_id, slots=[])
        output = self.channel.get_output_channel()
        await MessageProcessor._send_bot_messages(events, tracker, output)
        return response.json({"sender_id": conversation_id})

    async def start(self) -> None:
        self._server = await start_sanic(self.app, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.close()
            await self._server.after_stop()  # the channel's after_server_stop: the hub closes
            self._server = None
