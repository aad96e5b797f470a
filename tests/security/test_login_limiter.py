"""Finding 7: the log-in limiter is atomic, per account and per (address, account), with
backoff; one address cannot lock out every account; the client address comes from
X-Forwarded-For only when the peer is a configured trusted proxy.

Every test runs on both limiters: in process (the embedded default) and in Redis (#14,
what several console instances share), on a throwaway key prefix."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from changai.shared_redis import async_redis
from connectors.console.login_limiter import LoginLimiter, LoginLimits, RedisLoginLimiter
from helpdesk import accounts
from tests.conftest import FakeClock, RedisSpace
from tests.support.console import PASSWORD, console_settings, create_accounts, run


@pytest.fixture(params=["memory", "redis"])
def shared(request: pytest.FixtureRequest) -> RedisSpace | None:
    """None for the in-process limiter, or the Redis space the Redis limiter uses."""
    return None if request.param == "memory" else request.getfixturevalue("redis_space")


@pytest.fixture()
def console(session_factory, database_url, shared):
    with session_factory.begin() as session:
        create_accounts(session, ("li", "staff"), ("wang", "staff"))
    return dataclasses.replace(
        console_settings(database_url),
        redis_url=shared.url if shared else "",
        redis_key_prefix=shared.prefix if shared else "changai:",
    )


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
    behind_proxy = dataclasses.replace(console, trusted_proxies=frozenset({"127.0.0.1"}))

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


def limiter_on(shared: RedisSpace | None, clock: FakeClock) -> LoginLimits:
    rules = {"per_pair": 5, "per_account": 8, "base_delay": 60, "max_delay": 900}
    if shared is None:
        return LoginLimiter(**rules, clock=clock)
    return RedisLoginLimiter(async_redis(shared.url), shared.prefix, **rules, clock=clock)


def test_backoff_doubles_and_the_account_limit_holds_across_addresses(shared) -> None:
    clock = FakeClock()

    async def go() -> None:
        limiter = limiter_on(shared, clock)
        try:
            for _ in range(5):
                assert await limiter.acquire("a", "li") == 0
            assert await limiter.acquire("a", "li") == 60
            clock.advance(61)
            assert await limiter.acquire("a", "li") == 0  # the sixth failure
            assert await limiter.acquire("a", "li") == 120  # then twice as long
            for address in ("b", "c"):  # other addresses, until the account's own limit
                assert await limiter.acquire(address, "li") == 0
            assert await limiter.acquire("d", "li") > 0
            await limiter.succeeded("c", "li")  # a success forgives its own attempt only
            assert await limiter.acquire("e", "li") == 0
        finally:
            await limiter.close()

    asyncio.run(go())


def test_failures_leave_the_window(shared) -> None:
    clock = FakeClock()

    async def go() -> None:
        limiter = limiter_on(shared, clock)
        try:
            for _ in range(5):
                assert await limiter.acquire("a", "li") == 0
                clock.advance(200)
            assert await limiter.acquire("a", "li") == 0  # the first left the 900 s window
            assert await limiter.acquire("a", "li") == 60
            clock.advance(901)
            assert await limiter.acquire("a", "li") == 0  # all of them left it
        finally:
            await limiter.close()

    asyncio.run(go())
