"""Driving the console in-process (aiohttp's TestClient): log-in and CSRF tokens."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from changai.settings import Settings
from connectors.console.app import create_app

PASSWORD = "a-long-password-1"


def run(settings: Settings, scenario: Callable[[TestClient], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        client = TestClient(TestServer(create_app(settings)))
        await client.start_server()
        try:
            return await scenario(client)
        finally:
            await client.close()

    return asyncio.run(go())


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
