"""Finding 9: inputs that used to give a 500 get a 4xx with a Chinese message, change
nothing, and a lone surrogate cannot break a conversation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from connectors.widget.validation import RequestRejected, parse_message
from helpdesk import tickets
from helpdesk.models import TicketEntry
from tests.support.console import (
    admin_csrf,
    console_settings,
    create_accounts,
    csrf_of,
    login,
    run,
)
from tests.support.tickets import open_ticket

NESTED = b"[" * 5_000 + b"]" * 5_000  # under the body limits, over json's recursion limit
NESTED_OBJECT = b'{"text": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
HUGE = b"[" * 100_000 + b"]" * 100_000
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        li = create_accounts(session, ("li", "staff"), ("boss", "admin"))["li"]
        ticket = open_ticket(session, question="欠薪")
        tickets.claim(session=session, ticket_id=ticket.id, user_id=li.id)
    return console_settings(database_url)


def notes(session_factory) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count(TicketEntry.id))).scalar_one())


async def chinese_4xx(response: Any) -> None:
    assert 400 <= response.status < 500, response.status
    if response.content_type == "application/json":
        message = str((await response.json())["error"])
    else:
        message = await response.text()
    assert CJK.search(message), message


def test_console_bad_inputs_are_4xx_in_chinese(console, session_factory) -> None:
    before = notes(session_factory)

    async def scenario(client: TestClient) -> None:
        form = await (await client.get("/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        bad_utf8 = await client.post(
            "/login",
            data=b"username=%FF%FE&password=\xff\xfe&csrf_token=" + token.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        await chinese_4xx(bad_utf8)
        await login(client, "li")
        headers = {"X-CSRF-Token": await csrf_of(client), "Content-Type": "application/json"}
        for path in ("/desk/api/tickets/1/note", "/desk/api/tickets/1/reply"):
            await chinese_4xx(await client.post(path, data=NESTED, headers=headers))
            await chinese_4xx(await client.post(path, data=NESTED_OBJECT, headers=headers))
            await chinese_4xx(await client.post(path, data=HUGE, headers=headers))
            surrogate = b'{"text": "\\ud800"}'
            await chinese_4xx(await client.post(path, data=surrogate, headers=headers))
        missing = await client.post(
            "/desk/api/tickets/99/note", json={"text": "x"}, headers=headers
        )
        await chinese_4xx(missing)
        huge = await client.get("/desk/api/tickets/" + "9" * 40)
        await chinese_4xx(huge)
        client.session.cookie_jar.clear()
        await login(client, "boss")
        await admin_csrf(client)
        await chinese_4xx(await client.get("/admin/unanswered?days=99999999999"))
        assert (await client.get("/admin/unanswered?days=" + "9" * 5000)).status == 200  # default
        await chinese_4xx(await client.get("/admin/entries/" + "9" * 30))

    run(console, scenario)
    assert notes(session_factory) == before


@pytest.mark.parametrize(
    "raw",
    [
        NESTED,
        NESTED_OBJECT,
        b'{"text": "\\ud800"}',
        b'{"text": "ok \\udfff"}',
        b'{"text": "a", "display": "\\ud83d"}',
        b"\xff\xfe",
    ],
)
def test_the_widget_channel_refuses_them_with_a_chinese_message(raw: bytes) -> None:
    with pytest.raises(RequestRejected) as refused:
        parse_message(raw, 2000)
    assert refused.value.status == 400 and CJK.search(refused.value.message)


def test_a_paired_surrogate_is_just_an_emoji() -> None:
    assert parse_message(b'{"text": "\\ud83d\\ude00"}', 2000).text == "\U0001f600"
