import asyncio
import json
from typing import Any

import pytest

from connectors.rest_channel import RestInput, WholeMessageCollector
from connectors.rest_request import parse_rest_body
from connectors.widget.validation import RequestRejected


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def test_text_buttons_and_custom_stay_in_one_message() -> None:
    collector = WholeMessageCollector()
    message = {
        "text": "第一段\n\n第二段",
        "buttons": [{"title": "有帮助", "payload": "/feedback_helpful"}],
        "custom": {"topic": "dormitory", "faq_id": 3},
    }
    asyncio.run(collector.send_response("w1", dict(message)))
    assert collector.messages == [{"recipient_id": "w1", **message}]


def test_channel_keeps_the_rest_url() -> None:
    assert RestInput.name() == "rest"


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"", 400, "bad_json"),
        (b"\xff\xfe", 400, "bad_json"),
        (b"[1, 2]", 400, "bad_json"),
        (b"[" * 5000 + b"]" * 5000, 400, "bad_json"),
        (b'{"message": "hi"}', 400, "bad_sender"),
        (b'{"sender": "", "message": "hi"}', 400, "bad_sender"),
        (b'{"sender": 7, "message": "hi"}', 400, "bad_sender"),
        (json.dumps({"sender": "s" * 256, "message": "hi"}).encode(), 413, "sender_too_long"),
        (b'{"sender": "w1"}', 400, "bad_message"),
        (b'{"sender": "w1", "message": {"text": "hi"}}', 400, "bad_message"),
        (b'{"sender": "w1", "message": "\\ud800"}', 400, "bad_message"),
        (b'{"sender": "w1", "message": "hi", "input_channel": 3}', 400, "bad_input_channel"),
        (b'{"sender": "w1", "message": "hi", "metadata": [1]}', 400, "bad_metadata"),
        (b'{"sender": "w1", "message": "hi", "metadata": {"\\udc00": 1}}', 400, "bad_metadata"),
        (
            json.dumps({"sender": "w1", "message": "hi", "metadata": nested(30)}).encode(),
            400,
            "bad_metadata",
        ),
        (json.dumps({"sender": "w1", "message": "x" * 300_000}).encode(), 413, "too_large"),
    ],
)
def test_bodies_rasa_cannot_read_are_refused_with_a_4xx(raw: bytes, status: int, code: str) -> None:
    with pytest.raises(RequestRejected) as refused:
        parse_rest_body(raw)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert refused.value.message  # a message for whoever sent it


def test_a_readable_body_passes_as_is() -> None:
    body = {"sender": "w1", "message": "", "metadata": {"a": [1]}, "extra": None}
    assert parse_rest_body(json.dumps(body).encode()) == body


def test_a_long_message_is_left_to_the_input_gate() -> None:
    body = {"sender": "w1", "message": "我想问一下补贴的事情" * 600}
    assert parse_rest_body(json.dumps(body).encode()) == body
