"""Findings 4, 6 and 10: reveals, notes and FAQ drafts belong to the ticket's holder or an
admin, and a desk draft only ever creates a new, versioned and audited draft."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from helpdesk import contacts, tickets
from helpdesk.models import TicketEntry
from knowledge import content_versions as versions
from knowledge.models import AuditEntry, ContentVersion, FaqEntry
from tests.support.console import (
    console_settings,
    create_accounts,
    csrf_of,
    login,
    run,
)
from tests.support.tickets import open_ticket

PHONE = "13987654321"


@pytest.fixture()
def desk(session_factory, database_url):
    """Ticket 1: open, held by li, with a number. Ticket 2: closed by li, and a published
    entry already sits under the key the old code used for its draft."""
    with session_factory.begin() as session:
        li = create_accounts(session, ("li", "staff"), ("zhao", "staff"), ("boss", "admin"))["li"]
        held = open_ticket(session)
        contacts.store_contact(session=session, conversation_id="c" * 22, phone=PHONE)
        tickets.claim(session=session, ticket_id=held.id, user_id=li.id)
        closed = open_ticket(
            session,
            conversation_id="d" * 22,
            topic="dormitory",
            region="广东",
            question="夫妻房怎么申请",
        )
        closed.status, closed.claimed_by, closed.contact_phone = "closed", li.id, PHONE
        published = (
            session.execute(select(FaqEntry).where(FaqEntry.status == "published"))
            .scalars()
            .first()
        )
        assert published is not None
        published.key = f"draft-ticket-{closed.id}"
        session.flush()
    return console_settings(database_url)


def state(session_factory) -> dict[str, Any]:
    with session_factory() as session:
        entry = session.execute(
            select(FaqEntry).where(FaqEntry.key == "draft-ticket-2")
        ).scalar_one()
        return {
            "log": [
                (e.ticket_id, e.kind, e.author)
                for e in session.execute(select(TicketEntry).order_by(TicketEntry.id)).scalars()
            ],
            "published": (entry.status, entry.answer, entry.version),
            "versions": session.execute(select(func.count(ContentVersion.id))).scalar_one(),
            "audit": session.execute(select(func.count(AuditEntry.id))).scalar_one(),
            "entries": session.execute(select(func.count(FaqEntry.id))).scalar_one(),
        }


def test_a_colleague_cannot_reveal_note_or_draft(desk, session_factory) -> None:
    before = state(session_factory)

    async def scenario(client: TestClient) -> None:
        await login(client, "zhao")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        for ticket in (1, 2):
            reveal = await client.post(
                f"/desk/api/tickets/{ticket}/reveal-contact", headers=headers
            )
            assert reveal.status == 409 and PHONE not in await reveal.text()
            assert (await reveal.json())["error"] == "这个工单不在您手上"
            note = await client.post(
                f"/desk/api/tickets/{ticket}/note", json={"text": "看看"}, headers=headers
            )
            assert note.status == 409
        draft = await client.post(
            "/desk/api/tickets/2/faq-draft",
            json={"answer": "覆盖已发布的条目", "topic": "dormitory"},
            headers=headers,
        )
        assert draft.status == 409

    run(desk, scenario)
    assert state(session_factory) == before


def test_the_holder_reveals_and_notes_only_while_holding(desk, session_factory) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "li")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        reveal = await client.post("/desk/api/tickets/1/reveal-contact", headers=headers)
        assert reveal.status == 200 and (await reveal.json())["phone"] == PHONE
        note = await client.post("/desk/api/tickets/1/note", json={"text": "回电"}, headers=headers)
        assert note.status == 200
        # a closed ticket: no more reveals or notes, even by the one who held it
        closed = await client.post("/desk/api/tickets/2/reveal-contact", headers=headers)
        assert closed.status == 409
        late = await client.post("/desk/api/tickets/2/note", json={"text": "x"}, headers=headers)
        assert late.status == 409
        missing = await client.post(
            "/desk/api/tickets/99/note", json={"text": "x"}, headers=headers
        )
        assert missing.status == 404 and (await missing.json())["error"] == "没有这个工单"

    run(desk, scenario)
    log = state(session_factory)["log"]
    assert log[-2:] == [(1, "reveal", "li"), (1, "note", "li")]


def test_an_admin_may_reveal_a_closed_ticket_on_record(desk, session_factory) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        reveal = await client.post("/desk/api/tickets/2/reveal-contact", headers=headers)
        assert reveal.status == 200

    run(desk, scenario)
    assert state(session_factory)["log"][-1] == (2, "reveal", "boss")


def test_a_desk_draft_never_touches_an_existing_entry(desk, session_factory) -> None:
    before = state(session_factory)

    async def scenario(client: TestClient) -> list[int]:
        await login(client, "li")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        ids = []
        for answer in ("向宿舍管理处申请。", "向宿舍管理处提交申请。"):
            response = await client.post(
                "/desk/api/tickets/2/faq-draft",
                json={"answer": answer, "topic": "dormitory"},
                headers=headers,
            )
            assert response.status == 200
            ids.append((await response.json())["faq_id"])
        return ids

    first, second = run(desk, scenario)
    after = state(session_factory)
    assert after["published"] == before["published"]  # still published, unchanged
    assert first != second and after["entries"] == before["entries"] + 2
    assert after["versions"] == before["versions"] + 2
    assert after["audit"] == before["audit"] + 2
    with session_factory() as session:
        for faq_id in (first, second):
            entry = session.get(FaqEntry, faq_id)
            assert entry is not None and entry.status == "draft"
            assert (
                versions.get_version(
                    session=session, kind=versions.FAQ, item_id=faq_id, version=1
                ).author
                == "li"
            )


def test_the_desk_never_hands_out_a_conversation_id(desk, session_factory) -> None:
    """The conversation id is the worker's bearer secret for the public widget history."""
    with session_factory.begin() as session:
        create_accounts(session, ("qian", "staff"))
        open_ticket(session, conversation_id="w" * 22, reason="request_human", question="转人工")

    async def scenario(client: TestClient) -> None:
        await login(client, "qian")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        bodies = [
            await (await client.get("/desk/api/queue")).text(),
            await (await client.get("/desk/api/tickets/1")).text(),
            await (await client.post("/desk/api/tickets/3/claim", headers=headers)).text(),
        ]
        for body in bodies:
            assert "conversation_id" not in body
            assert not any(c * 22 in body for c in "cdw")

    run(desk, scenario)
