"""Validation of what the page sends; every refusal has a code and a Chinese message."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ALLOWED_FIELDS = {"text", "client_id", "display"}
MAX_BODY_BYTES = 16 * 1024
MAX_DISPLAY_CHARS = 200


class RequestRejected(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


def has_surrogate(text: str) -> bool:
    """A lone UTF-16 surrogate (``"\\ud800"`` in JSON): not text, and UTF-8 cannot store it."""
    return any("\ud800" <= char <= "\udfff" for char in text)


@dataclass(frozen=True)
class IncomingMessage:
    text: str
    client_id: str | None
    display: str | None


def json_object(raw: bytes, max_bytes: int, too_large: str) -> dict[str, Any]:
    """A request body that must be one JSON object of at most ``max_bytes``."""
    if len(raw) > max_bytes:
        raise RequestRejected(413, "too_large", too_large)
    try:
        body: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        raise RequestRejected(400, "bad_json", "请求格式不对（不是合法的 JSON）。") from None
    if not isinstance(body, dict):
        raise RequestRejected(400, "bad_json", "请求内容必须是一个 JSON 对象。")
    return body


def parse_message(raw: bytes, max_chars: int) -> IncomingMessage:
    body = json_object(raw, MAX_BODY_BYTES, f"消息太长了，请控制在 {max_chars} 字以内。")
    unknown = sorted(set(body) - ALLOWED_FIELDS)
    if unknown:
        raise RequestRejected(400, "unknown_field", "不认识的字段：" + "、".join(unknown))
    text = body.get("text")
    if not isinstance(text, str):
        raise RequestRejected(400, "bad_text", "text 必须是文字（字符串）。")
    if len(text) > max_chars:
        raise RequestRejected(413, "too_long", f"消息太长了，请控制在 {max_chars} 字以内。")
    if has_surrogate(text):
        raise RequestRejected(400, "bad_text", "消息里有无法识别的字符，请删掉后再发。")
    client_id = body.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or not CLIENT_ID.match(client_id)):
        raise RequestRejected(400, "bad_client_id", "client_id 只能是 1–64 位字母、数字、- 或 _。")
    display = body.get("display")
    if display is not None and (
        not isinstance(display, str) or len(display) > MAX_DISPLAY_CHARS or has_surrogate(display)
    ):
        raise RequestRejected(400, "bad_display", "display 必须是 200 字以内的文字。")
    return IncomingMessage(text=text, client_id=client_id, display=display)


def parse_after(value: str | None) -> int:
    if value is None or value == "":
        return 0
    if not value.isdigit() or len(value) > 18:
        raise RequestRejected(400, "bad_after", "after / Last-Event-ID 必须是非负整数。")
    return int(value)
