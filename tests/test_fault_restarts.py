"""Killing the console or the Rasa server mid-conversation loses no ticket and no message."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.desk_client import desk_post, log_in, ticket_of
from tests.servers import add_staff, running_stack, seeded_database
from tests.support.training import trained_model
from tests.widget_client import TIMEOUT, WidgetClient

pytestmark = [pytest.mark.servers, pytest.mark.slow]
PASSWORD = "fault-password-12"


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory):
    model = trained_model()
    workdir = tmp_path_factory.mktemp("fault")
    url = seeded_database(workdir)
    add_staff(url, "zhang", "张姐", PASSWORD)
    with running_stack(model, url, workdir) as stack:
        yield stack


async def open_case(stack, worker, staff, client):
    """Escalate, claim, and exchange one message each way.

    Returns (cid, ticket id, csrf, last id)."""
    cid = await client.start(worker)
    await client.send(worker, cid, {"text": "转人工", "client_id": "a"})
    events = await client.events(worker, cid, count=2)
    csrf = await log_in(stack.console_url, staff, "zhang", PASSWORD)
    ticket = ticket_of(stack, cid)
    claim = await desk_post(stack, staff, ticket, "claim", csrf)
    assert (await claim.json())["joined"] is True
    await client.send(worker, cid, {"text": "我的情况是工资少发了", "client_id": "b"})
    reply = await desk_post(stack, staff, ticket, "reply", csrf, {"text": "收到，我来看看。"})
    assert reply.status == 200
    events = await client.events(worker, cid, count=3, last_event_id=events[-1]["id"])
    assert [e["text"] for e in events][-1] == "收到，我来看看。"
    return cid, ticket, csrf, events[-1]["id"]


async def desk_texts(stack, staff, ticket: int) -> tuple[list[str], dict]:
    detail = await (await staff.get(f"{stack.console_url}/desk/api/tickets/{ticket}")).json()
    return [m["text"] for m in detail["messages"] if m["text"]], detail


def test_console_killed_and_restarted(fault_stack) -> None:
    stack = fault_stack

    async def go() -> None:
        client = WidgetClient(stack.rasa_url, stack.token)
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as worker,
            aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as staff,
        ):
            cid, ticket, csrf, last = await open_case(stack, worker, staff, client)
            before, _ = await desk_texts(stack, staff, ticket)
            stack.processes.kill("console")
            await client.send(worker, cid, {"text": "控制台重启时我又发了一条", "client_id": "c"})
            stack.processes.start("console")
            after, detail = await desk_texts(stack, staff, ticket)  # same session cookie
            assert after == before + ["控制台重启时我又发了一条"]
            assert detail["status"] == "claimed" and detail["mine"] is True
            queue = await (await staff.get(f"{stack.console_url}/desk/api/queue")).json()
            assert any(t["id"] == ticket for t in queue["tickets"])
            sent = await desk_post(stack, staff, ticket, "reply", csrf, {"text": "重启后的回复"})
            assert sent.status == 200
            news = await client.events(worker, cid, count=3, last_event_id=last, wait=5)
            assert [e["text"] for e in news] == ["控制台重启时我又发了一条", "重启后的回复"]

    asyncio.run(go())


def test_rasa_killed_and_restarted(fault_stack) -> None:
    stack = fault_stack

    async def go() -> None:
        client = WidgetClient(stack.rasa_url, stack.token)
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as worker,
            aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as staff,
        ):
            cid, ticket, csrf, last = await open_case(stack, worker, staff, client)
            before, _ = await desk_texts(stack, staff, ticket)
            stack.processes.kill("rasa")
            during, detail = await desk_texts(stack, staff, ticket)
            assert during == before and detail["status"] == "claimed"
            refused = await desk_post(stack, staff, ticket, "reply", csrf, {"text": "宕机时的回复"})
            assert refused.status == 502 and "重试" in (await refused.json())["error"]
            stack.processes.start("rasa")
            await client.send(worker, cid, {"text": "小助手重启后我发的", "client_id": "d"})
            sent = await desk_post(
                stack, staff, ticket, "reply", csrf, {"text": "重启后我接着帮您"}
            )
            assert sent.status == 200
            news = await client.events(worker, cid, count=3, last_event_id=last, wait=5)
            # still paused after the restart: no bot message, nothing lost, nothing twice
            assert [(e["sender"], e["text"]) for e in news] == [
                ("worker", "小助手重启后我发的"),
                ("staff", "重启后我接着帮您"),
            ]
            after, _ = await desk_texts(stack, staff, ticket)
            assert after == before + ["小助手重启后我发的", "重启后我接着帮您"]

    asyncio.run(go())
