"""Property-based fuzzing (Hypothesis) of Rasa's REST channel (``connectors/rest_channel.py``)
as the real Rasa server serves it: every route read from the channel's blueprint mounted the
way Rasa mounts it, sent generated bodies, headers and query strings. No reply is a 5xx, and
a refused request changes nothing: no row in the database (tracker events included) and not
the tracker of a conversation that already exists.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import register
from sanic import Sanic

from changai.db import make_engine
from connectors.rest_channel import RestInput
from tests.support.fuzzing import JSON, row_counts

pytestmark = [pytest.mark.servers]

EXISTING = "fuzz-existing-" + uuid.uuid4().hex[:8]
FIELDS = ("sender", "message", "metadata", "input_channel", "stream", "text")
QUERY_KEYS = st.sampled_from(["stream", "token", "sender", "message", "q", "output_channel"])
VALUES = st.text(max_size=40) | st.sampled_from(["", "true", "false", "-1", "\ud800", "宿舍"])
HEADER_NAMES = st.sampled_from(
    ["Accept", "Accept-Language", "Origin", "Authorization", "Cookie", "X-Request-Id", "Referer"]
)
# Printable ASCII; a client refuses to send a value with white space at either end.
HEADER_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(
    str.strip
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/x"]
)
SENDERS = st.sampled_from([EXISTING, "fuzz-new", "", "x" * 256]) | st.text(max_size=30) | JSON
MESSAGES = (
    st.sampled_from(["宿舍怎么申请", "", "\ud800", "补" * 3000]) | st.text(max_size=30) | JSON
)


def channel_routes() -> list[tuple[str, str]]:
    """(method, path) of every route the channel adds, from a Sanic router mounted by Rasa's
    own ``register`` (as ``rasa run`` does), not from a list kept by hand."""
    app = Sanic(f"fuzz_routes_{uuid.uuid4().hex[:8]}")
    register([RestInput()], app, route="/webhooks/")
    app.router.finalize()
    return sorted(
        (method, "/" + route.path) for route in app.router.routes for method in route.methods
    )


def test_the_routes_come_from_the_channel_blueprint() -> None:
    assert ("POST", "/webhooks/rest/webhook") in channel_routes()
    assert ("GET", "/webhooks/rest") in channel_routes()


def tracker_events(stack: Any, sender: str) -> list[dict]:
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.token},
        timeout=30,
    )
    response.raise_for_status()
    return list(response.json()["events"])


@pytest.fixture(scope="module")
def rest(stack) -> Any:
    """The stack, with one conversation that has a tracker before the fuzzing starts."""
    assert stack.post(EXISTING, "宿舍怎么申请"), "the seeded stack answers a plain question"
    engine = make_engine(stack.database_url)
    yield stack, engine
    engine.dispose()


def body_of(draw: Any) -> tuple[bytes | None, str]:
    kind = draw(st.sampled_from(["fields", "json", "raw", "none"]))
    if kind == "fields":
        names = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=5))
        fields = {
            name: draw(SENDERS if name == "sender" else MESSAGES if name == "message" else JSON)
            for name in names
        }
        return json.dumps(fields).encode(), kind
    if kind == "json":
        return json.dumps(draw(JSON)).encode(), kind
    if kind == "raw":
        return draw(st.binary(max_size=300)), kind
    return None, kind


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_rest_channel_route_fails_or_changes_state_when_refusing(rest, data) -> None:
    stack, engine = rest
    method, path = data.draw(st.sampled_from(channel_routes()))
    query = data.draw(st.dictionaries(QUERY_KEYS, VALUES, max_size=3))
    if query:
        path += "?" + urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})
    headers = data.draw(st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=3))
    body, kind = body_of(data.draw)
    if body is not None:
        headers["Content-Type"] = data.draw(CONTENT_TYPES)
    before, existing = row_counts(engine), tracker_events(stack, EXISTING)
    response = requests.request(
        method, stack.rasa_url + path, data=body, headers=headers, timeout=60
    )
    assert response.status_code < 500, (method, path, kind, body, response.text[:300])
    if response.status_code >= 400:
        assert row_counts(engine) == before, (method, path, kind, body)
        assert tracker_events(stack, EXISTING) == existing, (method, path, kind, body)
