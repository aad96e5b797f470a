"""Console and widget-channel instances share state through Redis (#14).

Two widget-channel instances (the project's ``WidgetInput`` on two Sanic servers, each with
its own ``RedisHub``) and two consoles (aiohttp test servers, console N forwarding to
instance N) share one throwaway PostgreSQL database and a throwaway Redis key prefix, as
instances behind a load balancer do. A worker's stream is open on console 2:

- a message sent through console 1, and a staff reply written on console 1's desk, reach it
  within ``WAKE_BOUND`` while the stream's database poll is stubbed to 30 s, so only the
  pub/sub wake-up can have delivered them;
- with Redis cut away mid-stream, a message still arrives through the poll, and once Redis
  is back wake-ups are immediate again; nothing is lost or repeated.

Failed log-ins on console 1 lock the account on console 2. The embedded default (no
REDIS_URL) keeps its in-process hub and limiter.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import sessionmaker

from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from changai.settings import Settings
from changai.shared_redis import async_redis
from connectors.console.app import create_app
from connectors.console.login_limiter import LoginLimiter, RedisLoginLimiter, make_login_limiter
from connectors.widget import event_stream
from connectors.widget.hub import Hub, make_hub
from connectors.widget.redis_hub import RedisHub
from helpdesk import tickets
from tests.conftest import RedisSpace
from tests.servers import free_port
from tests.support.console import PASSWORD, create_accounts, csrf_of, login
from tests.support.tcp_proxy import TcpRelay
from tests.support.widget_instance import WidgetInstance
from tests.widget_client import sse_messages

# Far below the streams' one-second database poll; with the poll stubbed to LONG_POLL only a
# wake-up delivers within it.
WAKE_BOUND = 0.5
LONG_POLL = 30.0
API = "/api/widget/conversations"


@dataclass
class Cluster:
    instances: list[WidgetInstance]
    consoles: list[TestClient]
    sessions: sessionmaker


@asynccontextmanager
async def cluster(
    database_url: str, space: RedisSpace, hub_redis_url: str | None = None
) -> AsyncIterator[Cluster]:
    """Two widget-channel instances and two consoles on one database and one Redis."""
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    instances = [
        WidgetInstance(sessions, RedisHub(hub_redis_url or space.url, space.prefix))
        for _ in range(2)
    ]
    consoles: list[TestClient] = []
    try:
        for instance in instances:
            await instance.start()
            settings = Settings(
                env="test",
                database_url=database_url,
                rasa_url=instance.url,
                redis_url=space.url,
                redis_key_prefix=space.prefix,
            )
            console = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
            await console.start_server()
            consoles.append(console)
        yield Cluster(instances, consoles, sessions)
    finally:
        for console in consoles:
            await console.close()
        for instance in instances:
            await instance.stop()
        engine.dispose()


class Stream:
    """A worker's event stream read in the background: each event with its arrival time."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.events: asyncio.Queue[tuple[dict[str, Any], float]] = asyncio.Queue()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for data in sse_messages(self.response):
            self.events.put_nowait((data, time.monotonic()))

    async def next(self, timeout: float) -> tuple[dict[str, Any], float]:
        return await asyncio.wait_for(self.events.get(), timeout)

    def close(self) -> None:
        self._task.cancel()
        self.response.close()


async def start_conversation(console: TestClient) -> str:
    response = await console.post(API)
    assert response.status == 201
    return str((await response.json())["conversation_id"])


async def open_stream(cluster: Cluster, conversation_id: str) -> Stream:
    """The worker's stream through console 2, once instance 2 listens and is subscribed."""
    response = await cluster.consoles[1].get(f"{API}/{conversation_id}/events")
    assert response.status == 200
    stream = Stream(response)
    hub = cluster.instances[1].hub
    assert isinstance(hub, RedisHub)
    await asyncio.wait_for(hub.ready.wait(), 10)
    deadline = time.monotonic() + 5
    while hub.listeners(conversation_id) != 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert hub.listeners(conversation_id) == 1
    return stream


async def send(console: TestClient, conversation_id: str, text: str, client_id: str) -> float:
    started = time.monotonic()
    response = await console.post(
        f"{API}/{conversation_id}/messages", json={"text": text, "client_id": client_id}
    )
    assert response.status == 202, await response.text()
    return started


def hub_of(instance: WidgetInstance) -> RedisHub:
    assert isinstance(instance.hub, RedisHub)
    return instance.hub


@pytest.fixture()
def shared_database(postgres_url: str) -> str:
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    with make_session_factory(engine).begin() as session:
        create_accounts(session, ("li", "staff"), ("wang", "staff"))
    engine.dispose()
    return postgres_url


pytestmark = pytest.mark.postgres


def test_a_message_sent_through_console_1_wakes_a_stream_on_console_2(
    shared_database: str, redis_space: RedisSpace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "POLL_SECONDS", LONG_POLL)

    async def go() -> None:
        async with cluster(shared_database, redis_space) as running:
            cid = await start_conversation(running.consoles[0])
            stream = await open_stream(running, cid)
            try:
                started = await send(running.consoles[0], cid, "宿舍怎么申请", "w1")
                event, arrived = await stream.next(LONG_POLL / 2)
                assert event["text"] == "宿舍怎么申请" and event["sender"] == "worker"
                assert arrived - started < WAKE_BOUND
                assert hub_of(running.instances[1]).wakes_received >= 1
                assert [m.text for m in running.instances[0].received] == ["宿舍怎么申请"]
                assert running.instances[1].received == []  # instance 1 handled it
            finally:
                stream.close()

    asyncio.run(go())


def test_a_staff_reply_from_the_desk_on_console_1_reaches_the_worker_on_console_2(
    shared_database: str, redis_space: RedisSpace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "POLL_SECONDS", LONG_POLL)

    async def go() -> None:
        async with cluster(shared_database, redis_space) as running:
            cid = await start_conversation(running.consoles[1])
            with running.sessions.begin() as session:
                ticket = tickets.create_ticket(
                    session=session,
                    conversation_id=cid,
                    reason="request_human",
                    topic=None,
                    region=None,
                    question="欠薪怎么办",
                    case_card={},
                ).id
            stream = await open_stream(running, cid)
            desk = running.consoles[0]
            try:
                assert (await login(desk, "li")).status == 302
                token = await csrf_of(desk)
                started = time.monotonic()
                claimed = await desk.post(
                    f"/desk/api/tickets/{ticket}/claim", headers={"X-CSRF-Token": token}
                )
                assert claimed.status == 200 and (await claimed.json())["joined"] is True
                joined, arrived = await stream.next(LONG_POLL / 2)
                assert joined["text"].startswith("工作人员 li 已接入")
                assert arrived - started < WAKE_BOUND
                started = time.monotonic()
                replied = await desk.post(
                    f"/desk/api/tickets/{ticket}/reply",
                    json={"text": "您好，我是工会的李老师。"},
                    headers={"X-CSRF-Token": token},
                )
                assert replied.status == 200
                reply, arrived = await stream.next(LONG_POLL / 2)
                assert reply["text"] == "您好，我是工会的李老师。" and reply["sender"] == "staff"
                assert reply["custom"]["staff_name"] == "li" and reply["id"] > joined["id"]
                assert arrived - started < WAKE_BOUND
                assert hub_of(running.instances[1]).wakes_received >= 2
            finally:
                stream.close()

    asyncio.run(go())


def test_redis_going_away_mid_stream_loses_no_message(
    shared_database: str, redis_space: RedisSpace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "POLL_SECONDS", LONG_POLL)
    target = urlsplit(redis_space.url)
    relay = TcpRelay(target.hostname or "127.0.0.1", target.port or 6379)
    relayed_url = urlunsplit(target._replace(netloc=f"127.0.0.1:{relay.port}"))

    async def go() -> None:
        await relay.start()
        async with cluster(shared_database, redis_space, hub_redis_url=relayed_url) as running:
            sender, listener = hub_of(running.instances[0]), hub_of(running.instances[1])
            cid = await start_conversation(running.consoles[0])
            stream = await open_stream(running, cid)
            try:
                started = await send(running.consoles[0], cid, "第一条", "a")
                first, arrived = await stream.next(LONG_POLL / 2)
                assert first["text"] == "第一条" and arrived - started < WAKE_BOUND
                woken = listener.wakes_received

                # Redis goes away: the stream falls back to its database poll.
                monkeypatch.setattr(event_stream, "POLL_SECONDS", 0.5)
                await relay.cut()
                deadline = time.monotonic() + 10
                while listener.ready.is_set() and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                assert not listener.ready.is_set()
                await send(running.consoles[0], cid, "第二条", "b")
                second, _ = await stream.next(5)
                assert second["text"] == "第二条"
                assert sender.publish_failures >= 1 and listener.wakes_received == woken

                # Redis is back: the subscriber reconnects and wake-ups are immediate again.
                monkeypatch.setattr(event_stream, "POLL_SECONDS", LONG_POLL)
                await relay.start()
                await asyncio.wait_for(listener.ready.wait(), 15)
                assert listener.subscriptions == 2
                started = await send(running.consoles[0], cid, "第三条", "c")
                third, arrived = await stream.next(LONG_POLL / 2)
                assert third["text"] == "第三条" and arrived - started < WAKE_BOUND
                assert listener.wakes_received == woken + 1
                assert first["id"] < second["id"] < third["id"]
                with pytest.raises(asyncio.TimeoutError):
                    await stream.next(1.0)  # nothing twice
            finally:
                stream.close()
        await relay.cut()

    asyncio.run(go())


def test_failed_log_ins_on_console_1_lock_the_account_on_console_2(
    shared_database: str, redis_space: RedisSpace
) -> None:
    async def go() -> None:
        async with cluster(shared_database, redis_space) as running:
            first, second = running.consoles
            for _ in range(5):
                assert (await login(first, "li", "wrong-password")).status == 401
            locked = await login(second, "li", PASSWORD)
            assert locked.status == 429 and "分钟后再试" in await locked.text()
            assert (await login(second, "wang", PASSWORD)).status == 302  # others unaffected
            client = async_redis(redis_space.url)
            try:
                keys = [key.decode() for key in redis_space.keys()]
                assert sorted(k.removeprefix(redis_space.prefix) for k in keys) == [
                    "login:127.0.0.1|li",
                    "login:|li",
                ]  # wang's success forgave its own attempt: nothing left for wang
                for key in keys:
                    assert 0 < await client.pttl(key) <= 900_000  # gone one window later
            finally:
                await client.close()

    asyncio.run(go())


def test_wake_ups_reach_other_hubs_for_their_conversation_only(redis_space: RedisSpace) -> None:
    async def go() -> None:
        one, two = (RedisHub(redis_space.url, redis_space.prefix) for _ in range(2))
        try:
            mine, theirs, other = one.subscribe("c-1"), two.subscribe("c-1"), two.subscribe("c-2")
            await asyncio.wait_for(asyncio.gather(one.ready.wait(), two.ready.wait()), 10)
            for event in (mine, theirs, other):
                event.clear()  # subscribing woke them, to read what came meanwhile
            client = async_redis(redis_space.url)
            await client.publish(two.channel, b"not json")  # ignored, the subscriber lives on
            await client.close()
            await one.notify("c-1")
            assert mine.is_set()  # its own streams at once, without Redis
            await asyncio.wait_for(theirs.wait(), WAKE_BOUND)
            await asyncio.sleep(0.1)
            assert not other.is_set()
            assert (one.wakes_received, two.wakes_received) == (0, 1)  # no echo to itself
        finally:
            await one.close()
            await two.close()

    asyncio.run(go())


def test_redis_url_chooses_the_shared_hub_and_limiter(redis_space: RedisSpace) -> None:
    async def go() -> None:
        embedded = Settings(env="test")
        assert type(make_hub(embedded)) is Hub
        assert type(make_login_limiter(embedded)) is LoginLimiter
        shared = Settings(env="test", redis_url=redis_space.url, redis_key_prefix="p:")
        hub, limiter = make_hub(shared), make_login_limiter(shared)
        try:
            assert isinstance(hub, RedisHub) and hub.channel == "p:widget:wake"
            assert isinstance(limiter, RedisLoginLimiter) and limiter.prefix == "p:login:"
        finally:
            await hub.close()
            await limiter.close()

    asyncio.run(go())


def test_the_embedded_hub_still_wakes_streams_of_its_own_process(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite, no Redis: one instance, its stream woken in process, well before the poll."""
    monkeypatch.setattr(event_stream, "POLL_SECONDS", LONG_POLL)

    async def go() -> None:
        engine = make_engine(database_url)
        instance = WidgetInstance(make_session_factory(engine), Hub())
        await instance.start()
        try:
            async with aiohttp.ClientSession() as http:
                base = f"{instance.url}/webhooks/widget/conversations"
                async with http.post(base) as created:
                    cid = (await created.json())["conversation_id"]
                stream = Stream(await http.get(f"{base}/{cid}/events"))
                while instance.hub.listeners(cid) != 1:
                    await asyncio.sleep(0.02)
                started = time.monotonic()
                async with http.post(f"{base}/{cid}/messages", json={"text": "你好"}) as sent:
                    assert sent.status == 202
                event, arrived = await stream.next(LONG_POLL / 2)
                stream.close()
            assert event["text"] == "你好" and arrived - started < WAKE_BOUND
        finally:
            await instance.stop()
            engine.dispose()

    asyncio.run(go())


def test_the_limiter_limits_in_process_while_redis_is_unreachable() -> None:
    """No Redis: no error page, and the instance still refuses the sixth guess itself."""

    async def go() -> None:
        nowhere = async_redis(f"redis://127.0.0.1:{free_port()}/0")
        limiter = RedisLoginLimiter(nowhere, "unreachable:")
        try:
            assert [await limiter.acquire("a", "li") for _ in range(5)] == [0.0] * 5
            assert await limiter.acquire("a", "li") > 0
            await limiter.succeeded("b", "wang")  # nothing to forgive, nothing raised
        finally:
            await limiter.close()

    asyncio.run(go())
