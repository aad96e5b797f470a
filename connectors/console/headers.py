"""Security headers on every console response, set just before it is sent.

``on_response_prepare`` rather than a middleware, so that static files, error pages, the
SSE stream and responses raised as exceptions (redirects) get them too:

- everywhere: a Content-Security-Policy that allows only the console's own scripts, styles,
  images and connections (no inline script or style, no plugins, no ``<base>``), plus
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``;
- the staff pages (``/desk``, ``/admin``, ``/login``, ``/logout``): ``frame-ancestors 'none'``
  and ``X-Frame-Options: DENY`` (no click-jacking of a claim or a publish) and
  ``Cache-Control: no-store`` (ticket data and knowledge drafts never stay in a cache). The
  worker's chat page may be framed by a union website.
"""

from __future__ import annotations

from aiohttp import web

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
STAFF_PREFIXES = ("/desk", "/admin", "/login", "/logout")
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def is_staff_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in STAFF_PREFIXES)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(COMMON)
    if is_staff_path(request.path):
        response.headers["Content-Security-Policy"] = CSP + "; frame-ancestors 'none'"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Content-Security-Policy"] = CSP


def setup(app: web.Application) -> None:
    # aiohttp 3.9's signal annotation disagrees with aiosignal 1.4's generic parameters
    app.on_response_prepare.append(add_security_headers)  # type: ignore[arg-type]
