"""One whole hand-off cycle through the real Rasa server, action server and console."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from helpdesk.models import Ticket
from knowledge.models import FaqEntry
from tests.desk_client import desk_post, ensure_account, in_database, log_in, ticket_of
from tests.widget_client import TIMEOUT, WidgetClient

pytestmark = [pytest.mark.servers, pytest.mark.slow]
PASSWORD = "handoff-password-1"


async def staff_session(stack, http: aiohttp.ClientSession) -> str:
    ensure_account(stack, "wanglaoshi", "王老师", "staff", PASSWORD)
    return await log_in(stack.console_url, http, "wanglaoshi", PASSWORD)


async def tracker_events(stack, http: aiohttp.ClientSession, cid: str) -> list[dict]:
    async with http.get(
        f"{stack.rasa_url}/conversations/{cid}/tracker", params={"token": stack.token}
    ) as response:
        return (await response.json())["events"]


def test_escalate_claim_quiet_bot_reply_close_rate_and_draft(stack) -> None:
    async def go() -> None:
        client = WidgetClient(stack.rasa_url, stack.token)
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as worker,
            aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as staff,
        ):
            # 1. a worker message escalates
            cid = await client.start(worker)
            await client.send(
                worker, cid, {"text": "老板拖欠工资两个月了怎么办", "client_id": "w1"}
            )
            first = await client.events(worker, cid, count=2)
            assert first[-1]["custom"]["escalated"] is True
            # 2. the ticket appears on the desk
            csrf = await staff_session(stack, staff)
            queue = await (await staff.get(f"{stack.console_url}/desk/api/queue")).json()
            ticket_id = ticket_of(stack, cid)
            [ticket] = [t for t in queue["tickets"] if t["id"] == ticket_id]
            assert "conversation_id" not in ticket  # the worker's bearer secret (#15)
            assert ticket["status"] == "waiting" and ticket["reason"] == "out_of_scope"
            # 3. staff claim it; the worker sees who joined; the bot stays quiet
            claim = await desk_post(stack, staff, ticket["id"], "claim", csrf)
            assert claim.status == 200 and (await claim.json())["joined"] is True
            joined = await client.events(worker, cid, count=1, last_event_id=first[-1]["id"])
            assert joined[0]["custom"]["type"] == "staff_joined" and "王老师" in joined[0]["text"]
            await client.send(worker, cid, {"text": "宿舍怎么申请", "client_id": "w2"})
            quiet = await client.events(
                worker, cid, count=3, last_event_id=joined[-1]["id"], wait=4
            )
            assert [m["sender"] for m in quiet] == ["worker"]
            assert any(e["event"] == "pause" for e in await tracker_events(stack, staff, cid))
            # the desk shows the worker's message
            detail = await (
                await staff.get(f"{stack.console_url}/desk/api/tickets/{ticket['id']}")
            ).json()
            assert detail["mine"] and detail["messages"][-1]["text"] == "宿舍怎么申请"
            # 4. the staff reply reaches the worker's channel and the Rasa tracker
            reply = "您好，欠薪可以先拨打12351，我们也会帮您联系劳动监察。"
            sent = await desk_post(stack, staff, ticket["id"], "reply", csrf, {"text": reply})
            assert sent.status == 200
            got = await client.events(worker, cid, count=1, last_event_id=quiet[-1]["id"])
            assert got[0]["text"] == reply and got[0]["sender"] == "staff"
            assert got[0]["custom"]["staff_name"] == "王老师"
            assert any(
                e["event"] == "bot" and e.get("text") == reply
                for e in await tracker_events(stack, staff, cid)
            )
            note = await desk_post(stack, staff, ticket["id"], "note", csrf, {"text": "已电话联系"})
            assert note.status == 200
            # 5. closing resumes the bot and asks for the rating
            closed = await desk_post(
                stack, staff, ticket["id"], "close", csrf, {"outcome": "referred"}
            )
            assert closed.status == 200
            ending = await client.events(worker, cid, count=1, last_event_id=got[-1]["id"])
            assert (
                ending[0]["custom"]["type"] == "handoff_closed"
                and ending[0]["custom"]["ask_rating"]
            )
            assert any(e["event"] == "resume" for e in await tracker_events(stack, staff, cid))
            await client.send(
                worker,
                cid,
                {"text": '/rate_conversation{"rating":5}', "client_id": "w3", "display": "我打5分"},
            )
            rated = await client.events(worker, cid, count=2, last_event_id=ending[-1]["id"])
            assert rated[-1]["custom"]["rating"] == 5
            await client.send(worker, cid, {"text": "宿舍怎么申请", "client_id": "w4"})
            answered = await client.events(worker, cid, count=2, last_event_id=rated[-1]["id"])
            assert (
                answered[-1]["sender"] == "bot" and answered[-1]["custom"]["topic"] == "dormitory"
            )
            # 6. the FAQ draft exists (and is never served)
            draft = await desk_post(
                stack,
                staff,
                ticket["id"],
                "faq-draft",
                csrf,
                {"answer": reply, "topic": "hardship_aid"},
            )
            assert draft.status == 200
            faq_id = (await draft.json())["faq_id"]

        def check(session):
            entry = session.get(FaqEntry, faq_id)
            row = session.get(Ticket, ticket["id"])
            return entry.status, entry.answer, row.status, row.outcome, row.rating

        assert in_database(stack, check) == ("draft", reply, "closed", "referred", 5)

    asyncio.run(go())
