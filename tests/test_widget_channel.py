"""The widget channel against the real Rasa server: ids, ordering, exactly-once, bad requests."""

from __future__ import annotations

import asyncio
import secrets

import aiohttp
import pytest

from tests.widget_client import TIMEOUT, WidgetClient

pytestmark = [pytest.mark.servers, pytest.mark.slow]


def run(coro):
    return asyncio.run(coro)


@pytest.fixture()
def client(stack) -> WidgetClient:
    return WidgetClient(stack.rasa_url, stack.token)


def test_ids_are_random_and_issued_by_the_server(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            ids = {await client.start(http) for _ in range(5)}
        assert len(ids) == 5 and all(len(i) >= 40 for i in ids)

    run(go())


@pytest.mark.parametrize(
    "cid",
    [secrets.token_urlsafe(32), "a" * 43, "short", "../../etc/passwd", "x" * 80],
)
def test_unknown_or_malformed_ids_give_no_access(client, cid) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            status, _ = await client.send(http, cid, {"text": "你好"})
            assert status == 404
            status, _ = await client.history(http, cid)
            assert status == 404
            async with http.get(f"{client.base}/conversations/{cid}/events") as r:
                assert r.status == 404

    run(go())


def test_one_conversation_cannot_see_another(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            mine, theirs = await client.start(http), await client.start(http)
            await client.send(http, theirs, {"text": "我的身份证丢了", "client_id": "c1"})
            await client.events(http, theirs, count=2)
            _, history = await client.history(http, mine)
            assert history["messages"] == []
            assert await client.events(http, mine, count=1, wait=2) == []

    run(go())


def test_answer_arrives_in_order_with_payload_unchanged(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            cid = await client.start(http)
            status, stored = await client.send(
                http, cid, {"text": "我考了中级工证书能领多少技能提升补贴", "client_id": "m1"}
            )
            assert status == 202 and stored["client_id"] == "m1" and not stored["duplicate"]
            events = await client.events(http, cid, count=2)
            worker, bot = events
            assert worker["sender"] == "worker" and worker["client_id"] == "m1"
            assert bot["sender"] == "bot" and bot["id"] > worker["id"]
            assert bot["custom"]["faq_key"] == "ts-amount-intermediate"
            assert [b["title"] for b in bot["buttons"]] == ["有帮助", "没帮助", "转人工"]
            _, history = await client.history(http, cid)
            assert history["messages"] == events

    run(go())


def test_reconnect_delivers_missed_messages_exactly_once_in_order(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            cid = await client.start(http)
            await client.send(http, cid, {"text": "转人工", "client_id": "a"})
            first = await client.events(http, cid, count=2)
            last_seen = first[-1]["id"]
            # The page is closed: two staff replies arrive meanwhile.
            await client.push_staff(http, cid, "您好，我是工会的王老师。")
            await client.push_staff(http, cid, "您的问题我们已经在核实。")
            again = await client.events(http, cid, count=3, last_event_id=last_seen, wait=4)
            assert [e["text"] for e in again] == [
                "您好，我是工会的王老师。",
                "您的问题我们已经在核实。",
            ]
            assert all(e["sender"] == "staff" for e in again)
            assert again[0]["id"] < again[1]["id"] and again[0]["id"] > last_seen
            # Reconnecting from the newest id gives nothing twice.
            assert (
                await client.events(http, cid, count=1, last_event_id=again[-1]["id"], wait=2) == []
            )
            # ?after= works like Last-Event-ID (what the page uses after a reload).
            _, history = await client.history(http, cid, after=str(last_seen))
            assert [m["id"] for m in history["messages"]] == [e["id"] for e in again]

    run(go())


def test_message_pushed_while_stream_is_open_is_received(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            cid = await client.start(http)
            listener = asyncio.create_task(client.events(http, cid, count=1, wait=20))
            await asyncio.sleep(0.5)
            await client.push_staff(http, cid, "在的，请讲。")
            [event] = await listener
            assert event["text"] == "在的，请讲。" and event["custom"]["staff_name"] == "王老师"

    run(go())


def test_a_retried_message_is_stored_and_answered_once(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            cid = await client.start(http)
            body = {"text": "宿舍怎么申请", "client_id": "retry-1"}
            first = await client.send(http, cid, body)
            second = await client.send(http, cid, body)
            assert first[1]["id"] == second[1]["id"] and second[1]["duplicate"] is True
            await client.events(http, cid, count=2)
            await asyncio.sleep(1.0)
            _, history = await client.history(http, cid)
            senders = [m["sender"] for m in history["messages"]]
            assert senders.count("worker") == 1 and senders.count("bot") == 1

    run(go())


BAD_REQUESTS = {
    "not json": (b"{text: hi", 400, "bad_json"),
    "json array": (b'["hi"]', 400, "bad_json"),
    "unknown field": (b'{"text": "hi", "admin": true}', 400, "unknown_field"),
    "text is a number": (b'{"text": 42}', 400, "bad_text"),
    "text missing": (b'{"client_id": "x"}', 400, "bad_text"),
    "client id with spaces": (b'{"text": "hi", "client_id": "a b"}', 400, "bad_client_id"),
    "display too long": (
        ('{"text": "hi", "display": "' + "长" * 300 + '"}').encode(),
        400,
        "bad_display",
    ),
    "text over the limit": (('{"text": "' + "字" * 2001 + '"}').encode(), 413, "too_long"),
    "body over 16 KiB": (('{"text": "' + "a" * 20000 + '"}').encode(), 413, "too_large"),
    "not utf-8": (b'{"text": "\xff\xfe"}', 400, "bad_json"),
}


@pytest.mark.parametrize("name", sorted(BAD_REQUESTS))
def test_malformed_requests_get_a_4xx_and_a_message(client, name) -> None:
    raw, status, code = BAD_REQUESTS[name]

    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            cid = await client.start(http)
            got, body = await client.send(http, cid, None, raw=raw)
            assert (got, body["error"]) == (status, code)
            assert any("\u4e00" <= c <= "\u9fff" for c in body["message"])
            _, history = await client.history(http, cid)
            assert history["messages"] == []

    run(go())


def test_bad_after_parameter_is_refused(client) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            cid = await client.start(http)
            status, body = await client.history(http, cid, after="-1")
            assert status == 400 and body["error"] == "bad_after"

    run(go())
