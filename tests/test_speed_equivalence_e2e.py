"""The speed work changes no answer: ours against stock Rasa on one long conversation.

Two Rasa servers load the same model: ours with ``rasa_project/endpoints.yml``
(the caching tracker store and what it installs) and stock Rasa with its
default in-memory tracker store. Each has an action server on the same seeded
database. The same 75-turn conversation (longer than the window ours hands
Rasa, and than the case card's transcript) goes to both, then an out-of-scope
question escalates. Every reply must be the same, and so must the ticket's
case card, including its full transcript. Ours must also have stored the
conversation in the ``events`` table (Rasa silently falls back to an
in-memory store when a custom tracker store cannot be imported).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from changai.db import make_engine, make_session_factory
from changai.vocabulary import TRANSCRIPT_LIMIT
from helpdesk.models import Ticket
from tests.servers import Processes, rest_post, seeded_database
from tests.support.training import trained_model

pytestmark = [pytest.mark.servers, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
TURNS = [
    "我考了中级工证书能领多少技能提升补贴",
    "有帮助",
    "以工代训补贴一个月多少钱",
    "我在汕头",
    "产业工人宿舍怎么申请",
    "有帮助",
    "困难职工帮扶怎么申请",
    "谢谢",
    "職業技能等級認定在哪裡報名",
    "😀😀",
    "宿舍咋申请啊",
    "特级技师是什么待遇",
    "你好",
    "你是机器人吗",
]  # no 没帮助 then 好的: that escalates, and the ticket would hold the early transcript
LONG = 75
ESCALATE = "老板拖欠了我三个月工资咋办"


@pytest.fixture(scope="module")
def two_servers() -> Iterator[dict[str, str]]:
    model = trained_model()
    with tempfile.TemporaryDirectory(prefix="changai-equivalence-") as tmp:
        workdir = Path(tmp)
        url = seeded_database(workdir)
        systems: dict[str, Processes] = {}
        try:
            for name in ("stock", "ours"):
                (workdir / name).mkdir()
                processes = Processes(model, url, workdir / name, stock_rasa=name == "stock")
                systems[name] = processes
                processes.start("actions")
                processes.start("rasa")
            yield {
                "database": url,
                **{name: f"http://127.0.0.1:{p.rasa_port}" for name, p in systems.items()},
            }
        finally:
            for processes in systems.values():
                processes.stop_all()


def comparable(messages: list[dict]) -> list[dict]:
    """A reply without what differs by design between two conversations (ticket numbers)."""
    out = []
    for message in messages:
        custom = {k: v for k, v in (message.get("custom") or {}).items() if k != "ticket_id"}
        out.append(
            {
                "text": re.sub(r"工单号 \d+", "工单号 N", str(message.get("text") or "")),
                "buttons": message.get("buttons"),
                "custom": custom,
            }
        )
    return out


def test_a_long_conversation_gets_the_same_replies_and_case_card(two_servers) -> None:
    senders = {name: f"eq-{name}-{uuid.uuid4().hex}" for name in ("stock", "ours")}
    for turn in range(LONG):
        message = TURNS[turn % len(TURNS)]
        replies = {
            name: comparable(
                rest_post(two_servers[name], {"sender": senders[name], "message": message})
            )
            for name in ("stock", "ours")
        }
        assert replies["ours"] == replies["stock"], (turn, message)
        assert replies["ours"], (turn, message)
    final = {
        "stock": rest_post(two_servers["stock"], {"sender": senders["stock"], "message": ESCALATE})
    }
    # both servers share one database: take stock's ticket out of the waiting queue, so ours
    # hears the same queue place (您是下一位) instead of one behind it
    engine = make_engine(two_servers["database"])
    with make_session_factory(engine).begin() as session:
        session.execute(
            update(Ticket)
            .where(Ticket.conversation_id == senders["stock"])
            .values(status="claimed")
        )
    engine.dispose()
    final["ours"] = rest_post(two_servers["ours"], {"sender": senders["ours"], "message": ESCALATE})
    assert comparable(final["ours"]) == comparable(final["stock"])
    assert final["ours"][0]["custom"]["escalated"] is True

    engine = make_engine(two_servers["database"])
    with make_session_factory(engine)() as session:
        cards = {
            name: session.execute(
                select(Ticket.case_card).where(Ticket.conversation_id == sender)
            ).scalar_one()
            for name, sender in senders.items()
        }
        stored = session.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": senders["ours"]}
        ).scalar_one()
    engine.dispose()

    def without_times(card: dict) -> dict:
        return {**card, "transcript": [{**line, "time": None} for line in card["transcript"]]}

    assert without_times(cards["ours"]) == without_times(cards["stock"])
    assert len(cards["ours"]["transcript"]) == TRANSCRIPT_LIMIT
    assert cards["ours"]["transcript"][-1]["text"] == ESCALATE
    assert stored > 4 * LONG  # ours wrote the conversation to the events table
