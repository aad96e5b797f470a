"""Property-based fuzzing (Hypothesis) of every console route read from the router, and of
the widget channel's message parser: no 5xx, and no state change when a request is refused.
(Rasa's REST channel: tests/security/test_fuzz_rest_channel.py.)

The console runs in-process with a stand-in for Rasa (so upstream calls succeed) and an
admin session whose CSRF token every request carries, so generated input reaches the
handlers rather than stopping at the log-in or CSRF check.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from changai.db import make_engine
from changai.settings import Settings
from connectors.console.app import create_app
from connectors.widget.validation import RequestRejected, parse_message
from tests.security.upstream import fake_rasa
from tests.support.console import admin_csrf, create_accounts, login
from tests.support.fuzzing import JSON, row_counts
from tests.support.tickets import open_ticket

SAMPLE = {
    "ticket_id": ["1", "2", "99", "0"],
    "entry_id": ["1", "99999"],
    "document_id": ["1", "99999"],
    "item_id": ["1", "99999"],
    "reply_id": ["1", "99"],
    "kind": ["entries", "documents", "x"],
    "tail": ["conversations", "x"],
    "conversation_id": ["c" * 22],
}
CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/plain")
# Logging out would end the fuzzer's own session; an event stream never ends by itself
# (tests/security/test_streams.py covers it).
SKIP = {"/logout", "/static/{filename}", "/api/widget/conversations/{conversation_id}/events"}
FIELDS = st.sampled_from(
    [
        "text",
        "answer",
        "topic",
        "outcome",
        "to",
        "version",
        "question",
        "status",
        "title",
        "username",
        "password",
        "region",
        "document",
        "key",
        "days",
        "q",
        "csrf_token",
    ]
)
VALUES = st.text(max_size=40) | st.sampled_from(["", "0", "-1", "9" * 30, "\ud800", "已解决"])


def routes_of(app: Any) -> list[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        canonical = route.resource.canonical if route.resource is not None else ""
        if route.method in {"HEAD", "OPTIONS", "*"} or canonical in SKIP or "directory" in info:
            continue
        found.add((route.method, canonical))
    return sorted(found)


def fill(canonical: str, draw: Any) -> str:
    return re.sub(
        r"\{(\w+)\}", lambda m: draw(st.sampled_from(SAMPLE.get(m.group(1), ["1"]))), canonical
    )


class Console:
    """One console, one admin session and one event loop for all examples."""

    def __init__(self, settings_: Settings, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.app = create_app(settings_)
        self.client = TestClient(TestServer(self.app, host="127.0.0.1"), loop=loop)
        self.engine = make_engine(settings_.database_url)
        loop.run_until_complete(self.client.start_server())
        loop.run_until_complete(login(self.client, "boss"))
        self.token = loop.run_until_complete(admin_csrf(self.client))

    def state(self) -> dict[str, int]:
        return row_counts(self.engine)

    def call(self, method: str, path: str, **kwargs: Any) -> int:
        async def go() -> int:
            headers = {"X-CSRF-Token": self.token, **kwargs.pop("headers", {})}
            url = URL(str(self.client.make_url("")).rstrip("/") + path, encoded=True)
            async with self.client.session.request(
                method, url, headers=headers, allow_redirects=False, **kwargs
            ) as response:
                await response.read()
                return response.status

        return self.loop.run_until_complete(go())


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Console]:
    from tests.servers import seeded_database

    database_url = seeded_database(tmp_path_factory.mktemp("fuzz"))
    engine = make_engine(database_url)
    from changai.db import make_session_factory

    with make_session_factory(engine).begin() as session:
        boss = create_accounts(session, ("boss", "admin"))["boss"]
        for n, status in ((1, "claimed"), (2, "closed")):
            ticket = open_ticket(session, conversation_id=chr(96 + n) * 22)
            ticket.status, ticket.claimed_by = status, boss.id
    engine.dispose()
    loop = asyncio.new_event_loop()
    upstream_context = fake_rasa()
    upstream = loop.run_until_complete(upstream_context.__aenter__())
    running = Console(Settings(env="test", database_url=database_url, rasa_url=upstream.url), loop)
    try:
        yield running
    finally:
        loop.run_until_complete(running.client.close())
        loop.run_until_complete(upstream_context.__aexit__(None, None, None))
        running.engine.dispose()
        loop.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_console_route_fails_or_changes_state_when_refusing(console: Console, data) -> None:
    method, canonical = data.draw(st.sampled_from(routes_of(console.app)))
    path = fill(canonical, data.draw)
    query = data.draw(st.dictionaries(FIELDS, VALUES, max_size=3))
    kind = data.draw(st.sampled_from(["json", "raw", "form", "none"]))
    if query:
        path += "?" + urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})
    kwargs: dict[str, Any] = {}
    if kind == "json":
        kwargs["json"] = data.draw(JSON)
    elif kind == "raw":
        kwargs["data"] = data.draw(st.binary(max_size=300))
        content_type = data.draw(st.sampled_from(list(CONTENT_TYPES)))
        kwargs["headers"] = {"Content-Type": content_type}
    elif kind == "form":
        form = data.draw(st.dictionaries(FIELDS, VALUES, max_size=5))
        kwargs["data"] = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in form.items()})
        kwargs["headers"] = {"Content-Type": "application/x-www-form-urlencoded"}
    before = console.state()
    status = console.call(method, path, **kwargs)
    assert status < 500, (method, path, kind, status)
    if status >= 400:
        assert console.state() == before, (method, path, status)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=400) | JSON.map(lambda v: __import__("json").dumps(v).encode()))
def test_the_widget_channel_parser_refuses_with_a_4xx(raw: bytes) -> None:
    try:
        message = parse_message(raw, 2000)
    except RequestRejected as refused:
        assert 400 <= refused.status < 500 and refused.message
    else:
        message.text.encode("utf-8")  # whatever is accepted can be stored and streamed
