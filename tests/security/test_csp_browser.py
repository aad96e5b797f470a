"""Finding 13 in Chromium: the Content-Security-Policy breaks no console page (log-in, queue,
ticket, admin, worker chat): no violation is reported and each page's script runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiohttp import web

from changai.settings import Settings
from connectors.console.app import create_app
from tests.servers import free_port
from tests.support.console import PASSWORD, console_settings, create_accounts
from tests.support.tickets import open_ticket


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The console on a loopback port in a thread, for the length of the block."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(settings))
    ready = threading.Event()

    def serve() -> None:  # Playwright's sync API owns the main thread's loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(timeout=30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
        open_ticket(session)
    return console_settings(database_url)


def test_no_page_violates_the_policy(console, browser) -> None:
    with serving(console) as url:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(url + "/login")
        page.fill("input[name=username]", "boss")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=已更新", timeout=10000)  # desk.js ran
        page.goto(url + "/desk/tickets/1")
        page.wait_for_selector("#case-card >> text=欠薪怎么办", timeout=10000)  # ticket.js ran
        page.goto(url + "/admin")
        page.goto(url + "/login")
        margin = page.eval_on_selector("form.card", "f => getComputedStyle(f).maxWidth")
        assert margin == "360px"  # the log-in card's style moved to console.css
        page.goto(url + "/")
        page.wait_for_selector("textarea.cg-input", timeout=10000)  # widget.js ran
        context.close()
    assert problems == []
