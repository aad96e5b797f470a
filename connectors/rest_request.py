"""Validation of a REST channel request body (``POST /webhooks/rest/webhook``).

Rasa's stock handler reads ``sender``, ``message``, ``input_channel`` and ``metadata`` from
whatever JSON arrives and fails with a 500 on a body that is not an object. Here the body is
checked first; every refusal is a 4xx with a code and a Chinese message, before Rasa reads or
writes a tracker. Fields the protocol does not use are ignored, as Rasa does. A long message
is not refused here: the NLU pipeline's input gate answers it kindly
(``rasa_project/components/input_gate.py``).
"""

from __future__ import annotations

from typing import Any

from connectors.widget.validation import RequestRejected, has_surrogate, json_object

MAX_BODY_BYTES = 256 * 1024
MAX_SENDER_CHARS = 255  # Rasa's SQL tracker store keeps sender ids in a String(255)
MAX_INPUT_CHANNEL_CHARS = 64
MAX_METADATA_DEPTH = 20


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _has_bad_text(value: Any) -> bool:
    """A lone surrogate anywhere in keys or strings: UTF-8 cannot store it."""
    if isinstance(value, str):
        return has_surrogate(value)
    if isinstance(value, dict):
        return any(_has_bad_text(k) or _has_bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_bad_text(v) for v in value)
    return False


def _text_field(
    body: dict[str, Any], name: str, limit: int, *, required: bool, may_be_empty: bool = True
) -> None:
    value = body.get(name)
    if value is None and not required:
        return
    if not isinstance(value, str) or not (value or may_be_empty):
        raise RequestRejected(400, f"bad_{name}", f"{name} 必须是文字（字符串）。")
    if len(value) > limit:
        raise RequestRejected(413, f"{name}_too_long", f"{name} 太长了，请控制在 {limit} 字以内。")
    if has_surrogate(value):
        raise RequestRejected(400, f"bad_{name}", f"{name} 里有无法识别的字符，请删掉后再发。")


def parse_rest_body(raw: bytes) -> dict[str, Any]:
    """The request body as a dict Rasa's ``RestInput`` can read, or ``RequestRejected``."""
    body = json_object(raw, MAX_BODY_BYTES, "请求太大了，请控制在 256 KB 以内。")
    _text_field(body, "sender", MAX_SENDER_CHARS, required=True, may_be_empty=False)
    _text_field(body, "message", MAX_BODY_BYTES, required=True)
    _text_field(body, "input_channel", MAX_INPUT_CHANNEL_CHARS, required=False)
    metadata = body.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict)
        or _depth(metadata) > MAX_METADATA_DEPTH
        or _has_bad_text(metadata)
    ):
        raise RequestRejected(400, "bad_metadata", "metadata 必须是一个 JSON 对象。")
    return body
