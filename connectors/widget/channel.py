"""Rasa input/output channel for the worker widget.

- ``POST /webhooks/widget/conversations`` issues a random, unguessable id.
- ``POST …/conversations/<id>/messages`` stores the worker's message (deduplicated
  by ``client_id``) and hands it to Rasa in the background.
- ``GET …/conversations/<id>/messages?after=N`` returns the stored history.
- ``GET …/conversations/<id>/events`` streams every stored message with id > the
  ``Last-Event-ID`` (or ``?after=``) as Server-Sent Events, then live ones
  (``connectors/widget/event_stream.py``).

Every outgoing message (bot, or staff through Rasa's HTTP API with
``output_channel=widget``) is stored before it is pushed (``connectors/widget/outputs.py``),
so a reconnect or a later visit receives it exactly once, in order.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from changai.db import make_engine, make_session_factory
from changai.db.off_loop import in_transaction
from changai.settings import load_settings
from connectors.widget import redelivery as take_over
from connectors.widget import store
from connectors.widget.event_stream import stream_messages
from connectors.widget.hub import Hub, make_hub
from connectors.widget.outputs import ReplayOutput, WidgetOutput
from connectors.widget.redelivery import InProcess, entry_for, make_redelivery, parse_entry
from connectors.widget.validation import RequestRejected, parse_after, parse_message

logger = logging.getLogger(__name__)

CONVERSATION = "<conversation_id:str>"
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
DEFAULT_MAX_CHARS = 2000
FAILURE_TEXT = "抱歉，小助手刚才出了点问题，没能回复您。请稍后再发一次，或者点「转人工」。"
NOT_FOUND = RequestRejected(404, "no_conversation", "找不到这个对话，请刷新页面重新开始。")


class WidgetInput(InputChannel):
    def __init__(
        self,
        session_factory: sessionmaker | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        hub: Hub | None = None,
        redelivery: InProcess | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.max_chars = max_chars
        # Shared by every instance through Redis when REDIS_URL is set (hub.make_hub).
        self.hub = hub if hub is not None else make_hub(load_settings())
        # Messages of an instance that died are taken over (connectors/widget/redelivery.py).
        self.redelivery = redelivery if redelivery is not None else make_redelivery(load_settings())
        self._tasks: set[asyncio.Task] = set()
        self._app: Any = None  # Rasa's Sanic app, once started (its agent's tracker store)

    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WidgetInput:
        credentials = credentials or {}
        return cls(max_chars=int(credentials.get("max_chars", DEFAULT_MAX_CHARS)))

    @property
    def sessions(self) -> sessionmaker:
        if self._session_factory is None:
            engine = make_engine(load_settings().database_url)
            self._session_factory = make_session_factory(engine)
        return self._session_factory

    async def _db(self, work: Callable[[Any], Any]) -> Any:
        return await in_transaction(self.sessions, work)

    def get_output_channel(self) -> OutputChannel:
        return WidgetOutput(self)

    async def store_outgoing(self, conversation_id: str, sender: str, payload: dict) -> None:
        def work(session: Any) -> None:
            if not store.conversation_exists(session=session, conversation_id=conversation_id):
                store.new_conversation_with_id(session=session, conversation_id=conversation_id)
            store.add_message(
                session=session, conversation_id=conversation_id, sender=sender, payload=payload
            )

        await self._db(work)
        await self.hub.notify(conversation_id)

    async def _require(self, conversation_id: str) -> None:
        if not CONVERSATION_ID.match(conversation_id):
            raise NOT_FOUND
        exists = await self._db(
            lambda s: store.conversation_exists(session=s, conversation_id=conversation_id)
        )
        if not exists:
            raise NOT_FOUND

    async def _process(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        conversation_id: str,
        text: str,
        client_id: str | None,
        in_flight: str | None = None,
        silent: bool = False,
    ) -> None:
        message = UserMessage(
            text,
            ReplayOutput() if silent else WidgetOutput(self),
            conversation_id,
            input_channel=self.name(),
            metadata={"client_id": client_id},
        )
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("widget message failed for conversation %s", conversation_id)
            if silent:
                return
            await self.store_outgoing(
                conversation_id, "system", {"text": FAILURE_TEXT, "custom": {"type": "error"}}
            )
        finally:
            if in_flight is not None:
                store_ = self._tracker_store()
                if store_ is not None:  # the turn's events sent before it counts as done
                    await take_over.flush(getattr(store_, "event_broker", None))
                await self.redelivery.done(in_flight)

    def _tracker_store(self) -> Any:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        return getattr(agent, "tracker_store", None)

    async def _redeliver(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], entry: str
    ) -> None:
        """Finish a stopped instance's message: hand it to Rasa again unless its turn is in
        the tracker. If the worker already got the answer but the tracker never got the
        turn (killed between the two), Rasa replays it silently, so the conversation's
        history is whole and the worker is not answered twice. A message never stored
        (the page got no 202 and sends it again) is dropped."""
        try:
            conversation_id, client_id, message_id = parse_entry(entry)
        except ValueError:
            logger.warning("dropped a malformed in-flight entry")
            await self.redelivery.done(entry)
            return
        found = await self._db(
            lambda s: store.worker_message(
                session=s,
                conversation_id=conversation_id,
                client_id=client_id,
                message_id=message_id,
            )
        )
        if found is None:
            await self.redelivery.done(entry)
            return
        text, answered = found
        if answered and await self._turn_in_tracker(conversation_id, client_id) is not False:
            # the stopped instance may have stored the turn but not published its events
            tracker_store = self._tracker_store()
            if tracker_store is not None:
                await take_over.republish(tracker_store, conversation_id)
            await self.redelivery.done(entry)
            return
        await self._process(
            on_new_message, conversation_id, text, client_id, entry, silent=answered
        )

    async def _turn_in_tracker(self, conversation_id: str, client_id: str | None) -> bool | None:
        """Whether Rasa's tracker holds the worker's message; None when it cannot tell."""
        tracker_store = self._tracker_store()
        if tracker_store is None or client_id is None:
            return None
        tracker = await tracker_store.retrieve_full_tracker(conversation_id)
        if tracker is None:
            return False
        return any(
            isinstance(event, UserUttered) and (event.metadata or {}).get("client_id") == client_id
            for event in tracker.events
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("widget_webhook", __name__)

        @widget.exception(RequestRejected)
        async def rejected(request: Request, error: RequestRejected) -> HTTPResponse:
            return response.json(error.body(), status=error.status)

        @widget.listener("after_server_start")
        async def start_redelivery(app: Any, loop: Any) -> None:
            self._app = app
            self.redelivery.start(functools.partial(self._redeliver, on_new_message))

        @widget.listener("after_server_stop")
        async def close_hub(app: Any, loop: Any) -> None:
            await self.redelivery.close()
            await self.hub.close()

        @widget.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @widget.route("/conversations", methods=["POST"])
        async def start(request: Request) -> HTTPResponse:
            conversation = await self._db(lambda s: store.new_conversation(session=s).id)
            return response.json({"conversation_id": conversation}, status=201)

        @widget.route(f"/conversations/{CONVERSATION}/messages", methods=["POST"])
        async def receive(request: Request, conversation_id: str) -> HTTPResponse:
            incoming = parse_message(request.body or b"", self.max_chars)
            await self._require(conversation_id)
            payload = {"text": incoming.text}
            if incoming.display is not None:  # a quick reply: show its title, keep its payload
                payload = {"text": incoming.display, "payload": incoming.text}

            def save(session: Any) -> tuple[dict[str, Any], bool]:
                return _stored(
                    store.add_message(
                        session=session,
                        conversation_id=conversation_id,
                        sender="worker",
                        payload=payload,
                        client_id=incoming.client_id,
                    )
                )

            # recorded as in flight before it is stored (connectors/widget/redelivery.py)
            entry = entry_for(conversation_id, incoming.client_id) if incoming.client_id else None
            recorded = await self.redelivery.begin(entry) if entry else False
            try:
                try:
                    stored, created = await self._db(save)
                except IntegrityError:  # the same client_id raced in: it is stored once
                    stored, created = await self._db(save)
            except BaseException:
                if recorded and entry:
                    await self.redelivery.done(entry)
                raise
            if not created and recorded and entry:
                await self.redelivery.done(entry)  # a repeat: the first one is handled
            if created:
                if entry is None:
                    entry = entry_for(conversation_id, message_id=stored["id"])
                if not recorded:  # no client_id, or left behind by a stopped instance
                    await self.redelivery.own(entry)
                await self.hub.notify(conversation_id)
                task = asyncio.create_task(
                    self._process(
                        on_new_message, conversation_id, incoming.text, incoming.client_id, entry
                    )
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return response.json({**stored, "duplicate": not created}, status=202)

        @widget.route(f"/conversations/{CONVERSATION}/messages", methods=["GET"])
        async def history(request: Request, conversation_id: str) -> HTTPResponse:
            after = parse_after(request.args.get("after"))
            await self._require(conversation_id)
            messages = await self._db(
                lambda session: store.events_after(
                    session=session, conversation_id=conversation_id, after_id=after
                )
            )
            return response.json({"messages": messages})

        @widget.route(f"/conversations/{CONVERSATION}/events", methods=["GET"])
        async def events(request: Request, conversation_id: str) -> None:
            after = parse_after(request.headers.get("last-event-id") or request.args.get("after"))
            await self._require(conversation_id)
            await stream_messages(request, self.hub, self._db, conversation_id, after)

        return widget


def _stored(result: tuple[Any, bool]) -> tuple[dict[str, Any], bool]:
    message, created = result
    return {"id": message.id, "client_id": message.client_id}, created
