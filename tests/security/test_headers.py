"""Finding 13: security headers on every console response; staff pages are never framed or
cached; the failed-log-in page's cookie is Secure in production."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from changai.settings import Settings
from tests.support.console import console_settings, create_accounts, login, run

PUBLIC = ["/", "/static/widget.js", "/static/console.css", "/healthz", "/no-such-page"]
STAFF = ["/login", "/desk", "/desk/api/queue", "/desk/api/tickets/1", "/admin", "/desk/api/x"]


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    return console_settings(database_url)


def check_common(path: str, headers) -> None:
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Referrer-Policy"] == "same-origin", path
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp, path
    assert "unsafe-inline" not in csp, path


def test_every_response_has_the_headers(console) -> None:
    async def scenario(client: TestClient) -> None:
        for path in PUBLIC:
            response = await client.get(path, allow_redirects=False)
            check_common(path, response.headers)
            assert "frame-ancestors" not in response.headers["Content-Security-Policy"]
        anonymous = await client.get("/desk", allow_redirects=False)  # a redirect, too
        assert anonymous.status == 302
        check_common("/desk (302)", anonymous.headers)
        await login(client, "boss")
        for path in STAFF:
            response = await client.get(path, allow_redirects=False)
            check_common(path, response.headers)
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
            assert response.headers["X-Frame-Options"] == "DENY", path
            assert response.headers["Cache-Control"] == "no-store", path

    run(console, scenario)


def test_the_failed_log_in_cookie_is_secure_in_production(console) -> None:
    settings = Settings(
        env="production", database_url=console.database_url, rasa_url="http://127.0.0.1:9"
    )

    async def scenario(client: TestClient) -> None:
        # over plain HTTP the Secure form cookie is not sent back: the retry page (403) is
        # the same page a wrong password gets, with a fresh cookie
        failed = await login(client, "boss", "wrong password here")
        assert failed.status in {401, 403}
        cookie = failed.headers["Set-Cookie"]
        assert "changai_login_csrf" in cookie and re.search(r"(?i);\s*secure", cookie)

    run(settings, scenario)


def test_no_template_needs_inline_script_or_style() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "connectors" / "console"
    for page in [*root.glob("templates/**/*.html"), *root.glob("static/*.html")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), page
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), page
