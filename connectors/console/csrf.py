"""The CSRF middleware: every state-changing request carries the session's CSRF token.

It runs for every route (after the session middleware), so a new POST, PUT, PATCH or
DELETE route is protected without doing anything. A route that must work without the
session's token says so with ``@csrf_exempt("why")`` on its handler; the exemptions are
listed by ``exempt_routes`` and a test asserts the exact set:

- ``POST /login``: there is no session yet; the form carries its own double-submit token
  (``auth.LOGIN_CSRF_COOKIE``), checked by the view;
- ``POST /api/widget/conversations`` and ``POST /api/widget/conversations/{id}/messages``:
  the anonymous worker's chat, forwarded to Rasa's widget channel; no cookie is involved
  (the conversation id is the key), so there is nothing a forged request could ride on.

The token is the one the session row holds (``helpdesk.accounts``), handed to every page by
the template context (``templating.current_user``) and sent back as the form field
``csrf_token`` or the header ``X-CSRF-Token``. A request without a session gets 401 (no
token can be valid without one); a wrong or missing token gets 403.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web

from connectors.console import auth

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Callable[..., Awaitable[web.StreamResponse]])
EXEMPT_ATTRIBUTE = "csrf_exempt_reason"
CSRF_FAILED = "请求已过期或来源不明（CSRF 校验失败），请刷新页面后重试"


def csrf_exempt(reason: str) -> Callable[[H], H]:
    """Declare that a handler's state-changing route needs no session CSRF token, and why."""

    def mark(handler: H) -> H:
        setattr(handler, EXEMPT_ATTRIBUTE, reason)
        return handler

    return mark


def exemption(handler: object) -> str | None:
    """Why ``handler`` is exempt from the CSRF check, or None when it is not."""
    return getattr(handler, EXEMPT_ATTRIBUTE, None)


def exempt_routes(app: web.Application) -> dict[tuple[str, str], str]:
    """(method, path) -> reason of every state-changing route declared exempt."""
    found = {}
    for route in app.router.routes():
        reason = exemption(route.handler)
        if route.method in auth.UNSAFE_METHODS and reason and route.resource is not None:
            found[(route.method, route.resource.canonical)] = reason
    return found


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    match = request.match_info
    if (
        request.method not in auth.UNSAFE_METHODS
        or match.http_exception is not None  # no such route: nothing will change
        or exemption(match.handler)
    ):
        return await handler(request)
    user = request.get("user")
    if user is None:
        auth.refuse(request, 401, auth.NOT_SIGNED_IN)
    if not auth.csrf_ok(user.csrf_token, await auth.submitted_csrf(request)):
        logger.warning(
            "CSRF token missing or wrong: %s %s by %s", request.method, request.path, user.username
        )
        auth.refuse(request, 403, CSRF_FAILED)
    return await handler(request)
