"""Console log-in: server-side sessions, roles, CSRF tokens and rate-limited failures.

The session cookie holds only a random id (``httponly``, ``samesite=Strict``,
``secure`` in production); the session row holds the user and its CSRF token.
Every state-changing request must carry that token (form field ``csrf_token`` or
header ``X-CSRF-Token``); ``csrf.csrf_middleware`` checks it. A failed log-in gets
one message whatever the cause, and repeated failures are refused for a while
(``login_limiter``).
"""

from __future__ import annotations

import asyncio
import hmac
import math
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from connectors.console.errors import wants_json
from helpdesk.accounts import SESSION_HOURS, CurrentUser, load_session

SESSION_COOKIE = "changai_session"
LOGIN_CSRF_COOKIE = "changai_login_csrf"
FAILED_LOGIN = "用户名或密码错误"
NOT_SIGNED_IN = "请先登录"
NO_PERMISSION = "没有权限访问这个页面"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def too_many(wait_seconds: float) -> str:
    return f"尝试次数太多，请 {max(1, math.ceil(wait_seconds / 60))} 分钟后再试。"


def client_address(request: web.Request, trusted_proxies: frozenset[str]) -> str:
    """The client's address: the peer, or, when the peer is a configured trusted proxy, the
    nearest ``X-Forwarded-For`` hop that is not one (a client cannot forge its own)."""
    peer = request.remote or "unknown"
    if peer not in trusted_proxies:
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if hop not in trusted_proxies:
            return hop[:64]
    return peer


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


async def submitted_csrf(request: web.Request) -> str | None:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        form = await request.post()
        value = form.get("csrf_token")
        return str(value) if value is not None else None
    return None


def set_session_cookie(response: web.StreamResponse, session_id: str, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="Strict",
        secure=secure,
        max_age=SESSION_HOURS * 3600,
        path="/",
    )


def refuse(request: web.Request, status: int, message: str) -> NoReturn:
    """Refuse the request: an anonymous page visit goes to the log-in form, anything else
    gets ``status`` with ``message`` (JSON or the error page: ``errors.error_middleware``)."""
    if status == 401 and not wants_json(request) and request.method == "GET":
        raise web.HTTPFound(f"/login?next={request.path}")
    raise REFUSALS[status](text=message)


REFUSALS: dict[int, type[web.HTTPClientError]] = {
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
}


def require(*roles: str) -> Callable[[Handler], Handler]:
    """Only logged-in users with one of ``roles``. The CSRF token of a state-changing
    request is checked before, for every route, by ``csrf.csrf_middleware``."""

    def decorate(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            user: CurrentUser | None = request.get("user")
            if user is None:
                refuse(request, 401, NOT_SIGNED_IN)
            elif user.role not in roles:
                refuse(request, 403, NO_PERMISSION)
            return await handler(request)

        guarded.__name__ = handler.__name__
        guarded.__doc__ = handler.__doc__
        return guarded

    return decorate


def session_middleware(sessions: sessionmaker) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            user = await asyncio.to_thread(load_session, sessions, session_id)
            if user is not None:
                request["user"] = user
        return await handler(request)

    return middleware
