"""Log-in and log-out. The log-in form has its own double-submit CSRF token (a cookie
scoped to ``/login``), because there is no session yet whose token it could carry."""

from __future__ import annotations

import asyncio
import secrets
from urllib.parse import urlparse

import aiohttp_jinja2
from aiohttp import web

from connectors.console import auth
from connectors.console.appkeys import LIMITER, SESSIONS, SETTINGS
from connectors.console.csrf import csrf_exempt
from helpdesk import accounts

routes = web.RouteTableDef()
MAX_LOGIN_PASSWORD_CHARS = 1024


def login_page(
    request: web.Request, token: str, error: str = "", next_path: str = "/desk", status: int = 200
) -> web.Response:
    """The log-in form, with no user bar even for a signed-in user, and the log-in cookie's
    CSRF token."""
    context = {"user": None, "csrf_token": token, "error": error, "next_path": next_path}
    return aiohttp_jinja2.render_template("login.html", request, context, status=status)


def safe_next(value: str | None) -> str:
    target = value or ""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/desk"
    return target


def with_login_token(request: web.Request, response: web.Response, token: str) -> web.Response:
    """The log-in form's double-submit token, in a cookie only ``/login`` sees."""
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        path="/login",
        secure=request.app[SETTINGS].is_production,
    )
    return response


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = login_page(request, token, next_path=safe_next(request.query.get("next")))
    return with_login_token(request, response, token)


@routes.post("/login")
@csrf_exempt("no session yet: the form's double-submit token (log-in cookie) is checked here")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", ""))[:64]
    # Not cut to the 72 characters a new password may have: accounts made before that limit
    # keep theirs; anything longer than any stored password simply fails.
    password = str(form.get("password", ""))[:MAX_LOGIN_PASSWORD_CHARS]
    next_path = safe_next(str(form.get("next", "/desk")))
    address = auth.client_address(request, request.app[SETTINGS].trusted_proxies)
    limiter = request.app[LIMITER]
    token = secrets.token_urlsafe(32)

    def again(message: str, status: int) -> web.Response:
        return with_login_token(
            request, login_page(request, token, message, next_path, status), token
        )

    if not auth.csrf_ok(
        request.cookies.get(auth.LOGIN_CSRF_COOKIE), str(form.get("csrf_token", ""))
    ):
        return again("页面已过期，请重新登录。", 403)
    wait = await limiter.acquire(address, username)  # counted before the check: no race
    if wait:
        return again(auth.too_many(wait), 429)
    user = await asyncio.to_thread(accounts.authenticate, request.app[SESSIONS], username, password)
    if user is None:
        return again(auth.FAILED_LOGIN, 401)
    await limiter.succeeded(address, username)
    response = web.HTTPFound(next_path)
    auth.set_session_cookie(response, user.session_id, request.app[SETTINGS].is_production)
    response.del_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    raise response


@routes.post("/logout")
@auth.require("staff", "admin")
async def logout(request: web.Request) -> web.StreamResponse:
    await asyncio.to_thread(accounts.end_session, request.app[SESSIONS], request["user"].session_id)
    response = web.HTTPFound("/login")
    response.del_cookie(auth.SESSION_COOKIE, path="/")
    raise response
