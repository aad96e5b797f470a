"""The call-back number on the desk: masked everywhere, revealed only by a logged POST."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from changai.passwords import hash_password
from changai.settings import Settings
from helpdesk import contacts, tickets
from helpdesk.accounts import create_user
from tests.support.console import PASSWORD, console_settings, csrf_of, login, run
from tests.support.tickets import open_ticket

PHONE = "13812345678"


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        li = create_user(
            session=session,
            username="li",
            display_name="李芳",
            role="staff",
            password_hash=hash_password(PASSWORD),
        )
        ticket = tickets.create_ticket(
            session=session,
            conversation_id="c1",
            reason="out_of_scope",
            topic=None,
            region="广东",
            question="老板拖欠工资，打我电话 138 1234 5678",
            case_card={"transcript": [{"role": "worker", "text": "我的手机 13812345678"}]},
        )
        contacts.store_contact(session=session, conversation_id="c1", phone=PHONE)
        tickets.claim(session=session, ticket_id=ticket.id, user_id=li.id)  # li holds it
        second = open_ticket(
            session, conversation_id="c2", reason="request_human", question="宿舍怎么申请"
        )
        tickets.claim(session=session, ticket_id=second.id, user_id=li.id)
    assert ticket.id == 1
    return console_settings(database_url)


def test_ticket_and_queue_apis_only_show_the_masked_number(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "li")
        ticket = await client.get("/desk/api/tickets/1")
        body = await ticket.text()
        assert ticket.status == 200 and PHONE not in body and "1234 5678" not in body
        data = await ticket.json()
        assert data["contact"] == "138****5678" and data["contact_consent_at"]
        assert data["question"].endswith("138****5678")
        assert data["case_card"]["transcript"][0]["text"] == "我的手机 138****5678"
        queue = await (await client.get("/desk/api/queue")).text()
        assert PHONE not in queue and "1234 5678" not in queue
        page = await (await client.get("/desk/tickets/1")).text()
        assert "查看完整号码" in page and PHONE not in page
        assert (await (await client.get("/desk/api/tickets/2")).json())["contact"] is None

    run(console, scenario)


def test_reveal_needs_a_log_in_and_a_real_csrf_token(console) -> None:
    async def scenario(client: TestClient) -> None:
        anonymous = await client.post("/desk/api/tickets/1/reveal-contact", allow_redirects=False)
        assert anonymous.status == 401
        await login(client, "li")
        forged = await client.post(
            "/desk/api/tickets/1/reveal-contact", headers={"X-CSRF-Token": "forged-token"}
        )
        assert forged.status == 403 and PHONE not in await forged.text()
        missing = await client.post("/desk/api/tickets/1/reveal-contact")
        assert missing.status == 403

    run(console, scenario)
    assert _log_kinds(console) == ["contact"]  # refused reveals leave nothing to log


def test_reveal_returns_the_number_and_is_logged(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "li")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        revealed = await client.post("/desk/api/tickets/1/reveal-contact", headers=headers)
        assert revealed.status == 200 and (await revealed.json()) == {"phone": PHONE}
        assert revealed.headers["Cache-Control"] == "no-store"
        log = (await (await client.get("/desk/api/tickets/1")).json())["log"]
        assert [(e["kind"], e["author"]) for e in log] == [("contact", "职工"), ("reveal", "li")]
        assert log[-1]["time"] and PHONE not in str(log)
        missing = await client.post("/desk/api/tickets/99/reveal-contact", headers=headers)
        assert missing.status == 404
        none_left = await client.post("/desk/api/tickets/2/reveal-contact", headers=headers)
        assert none_left.status == 404 and "没有留下" in (await none_left.json())["error"]

    run(console, scenario)


def _log_kinds(settings: Settings) -> list[str]:
    from changai.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return [e.kind for e in tickets.entries(session=session, ticket_id=1)]
    finally:
        engine.dispose()
