"""Reading a JSON request body: a JSON object, or 400 请求格式不正确 (answered by
``errors.error_middleware``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

BAD_BODY = "请求格式不正确"


async def json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
        raise web.HTTPBadRequest(text=BAD_BODY) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text=BAD_BODY)
    return body
