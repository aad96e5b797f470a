"""Finding 7: the log-in limiter is atomic, per account and per (address, account), with
backoff; one address cannot lock out every account; the client address comes from
X-Forwarded-For only when the peer is a configured trusted proxy."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from changai.settings import Settings
from connectors.console.auth import LoginLimiter
from helpdesk import accounts
from tests.conftest import FakeClock
from tests.support.console import PASSWORD, console_settings, create_accounts, run


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("li", "staff"), ("wang", "staff"))
    return console_settings(database_url)


async def form_token(client: TestClient) -> str:
    page = await (await client.get("/login")).text()
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


async def attempt(
    client: TestClient, token: str, username: str, password: str, **headers: str
) -> int:
    """One try; in sequence each takes a fresh form (a failure re-issues the form token)."""
    if token == "fresh":
        token = await form_token(client)
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers=headers,
        allow_redirects=False,
    )
    return response.status


def test_parallel_guesses_are_counted_before_they_are_checked(
    console, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = accounts.authenticate

    def counting(sessions: Any, username: str, password: str) -> Any:
        checked.append(username)
        return real(sessions, username, password)

    monkeypatch.setattr(accounts, "authenticate", counting)

    async def scenario(client: TestClient) -> list[int]:
        token = await form_token(client)
        return list(
            await asyncio.gather(*(attempt(client, token, "li", f"guess-{n}") for n in range(60)))
        )

    statuses = run(console, scenario)
    assert len(checked) == 5
    assert statuses.count(401) == 5 and statuses.count(429) == 55


def test_one_address_cannot_lock_out_other_accounts(console) -> None:
    async def scenario(client: TestClient) -> None:
        token = "fresh"
        for n in range(30):  # spraying many names from one address
            assert await attempt(client, token, f"user{n}", "wrong-password") == 401
        assert await attempt(client, token, "li", "wrong-password") == 401
        assert await attempt(client, token, "wang", PASSWORD) == 302

    run(console, scenario)


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(console) -> None:
    async def scenario(client: TestClient) -> None:
        token = "fresh"
        for n in range(5):  # a client that makes up its own addresses gains nothing
            forged = {"X-Forwarded-For": f"10.0.0.{n}"}
            assert await attempt(client, token, "li", "wrong", **forged) == 401
        assert await attempt(client, token, "li", "wrong", **{"X-Forwarded-For": "10.9.9.9"}) == 429

    run(console, scenario)
    behind_proxy = Settings(
        env="test",
        database_url=console.database_url,
        rasa_url="http://127.0.0.1:9",
        trusted_proxies=frozenset({"127.0.0.1"}),
    )

    async def proxied(client: TestClient) -> None:
        token = "fresh"
        for _ in range(5):  # one worker-facing address exhausts its own pair
            assert (
                await attempt(client, token, "li", "wrong", **{"X-Forwarded-For": "10.0.0.1"})
                == 401
            )
        blocked = {"X-Forwarded-For": "10.0.0.1"}
        assert await attempt(client, token, "li", PASSWORD, **blocked) == 429
        colleague = {"X-Forwarded-For": "1.2.3.4, 10.0.0.2"}  # the proxy's own hop is believed
        assert await attempt(client, token, "li", PASSWORD, **colleague) == 302

    run(behind_proxy, proxied)


def test_backoff_doubles_and_the_account_limit_holds_across_addresses() -> None:
    clock = FakeClock()
    limiter = LoginLimiter(per_pair=5, per_account=8, base_delay=60, max_delay=900, clock=clock)
    for _ in range(5):
        assert limiter.acquire("a", "li") == 0
    assert limiter.acquire("a", "li") == 60
    clock.advance(61)
    assert limiter.acquire("a", "li") == 0  # the sixth failure
    assert limiter.acquire("a", "li") == 120  # then twice as long
    for address in ("b", "c"):  # other addresses, until the account's own limit
        assert limiter.acquire(address, "li") == 0
    assert limiter.acquire("d", "li") > 0
    limiter.succeeded("c", "li")  # a success forgives its own attempt only
    assert limiter.acquire("e", "li") == 0
