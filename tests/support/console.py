"""Driving the console in-process (aiohttp's TestClient, or served on loopback for a
browser): log-in and CSRF tokens."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import Session

from changai.passwords import hash_password
from changai.settings import Settings
from connectors.console.app import create_app
from helpdesk.accounts import create_user
from helpdesk.models import User
from tests.servers import free_port

PASSWORD = "a-long-password-1"
UNREACHABLE_RASA = "http://127.0.0.1:9"  # the discard port: calls to Rasa fail at once


def console_settings(database_url: str) -> Settings:
    """Test settings for an in-process console whose calls to Rasa fail."""
    return Settings(env="test", database_url=database_url, rasa_url=UNREACHABLE_RASA)


def run(settings: Settings, scenario: Callable[[TestClient], Awaitable[Any]]) -> Any:
    return run_app(create_app(settings), scenario)


def run_app(app: web.Application, scenario: Callable[[TestClient], Awaitable[Any]]) -> Any:
    """Serve ``app`` on loopback for the length of ``scenario(client)``."""

    async def go() -> Any:
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            return await scenario(client)
        finally:
            await client.close()

    return asyncio.run(go())


def create_accounts(session: Session, *accounts: tuple[str, str]) -> dict[str, User]:
    """(username, role) accounts, each with ``PASSWORD`` and its username as display name;
    the users by username."""
    return {
        username: create_user(
            session=session,
            username=username,
            display_name=username,
            role=role,
            password_hash=hash_password(PASSWORD),
        )
        for username, role in accounts
    }


async def login(client: TestClient, username: str, password: str = PASSWORD):
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', await form.text()).group(1)
    return await client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/desk"},
        allow_redirects=False,
    )


async def csrf_of(client: TestClient) -> str:
    page = await client.get("/desk")
    return re.search(r'name="csrf-token" content="([^"]+)"', await page.text()).group(1)


async def admin_csrf(client: TestClient) -> str:
    page = await client.get("/admin")
    return re.search(r'name="csrf-token" content="([^"]+)"', await page.text()).group(1)


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
