"""The live hand-off: claiming pauses the bot, replies go through Rasa's HTTP API, notes
and transfers stay on the desk, closing resumes the bot, and a closed ticket can become an
FAQ draft. Domain errors (not yours, not closed, Rasa unreachable …) are answered by
``errors.error_middleware``."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker

from changai.db.off_loop import in_transaction
from connectors.console import auth
from connectors.console.appkeys import RASA, SESSIONS
from connectors.console.bodies import json_object
from connectors.console.rasa_client import PAUSE, RESUME, RasaUnavailable, staff_message
from connectors.widget.validation import has_surrogate
from helpdesk import tickets

routes = web.RouteTableDef()
MAX_REPLY_CHARS = 2000


def _text(body: dict[str, Any], field: str, limit: int = MAX_REPLY_CHARS) -> str:
    value = body.get(field)
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > limit
        or has_surrogate(value)
    ):
        raise web.HTTPBadRequest(text=f"{field} 必须是 1–{limit} 字的文字")
    return value.strip()


def _holder_conversation(sessions: sessionmaker, ticket_id: int, user_id: int) -> str:
    with sessions() as session:
        return tickets.require_holder(
            session=session, ticket_id=ticket_id, user_id=user_id
        ).conversation_id


async def _conversation_held(request: web.Request) -> tuple[int, str]:
    """The ticket id and its conversation; ``NotYours`` unless the user holds the ticket."""
    ticket_id = int(request.match_info["ticket_id"])
    cid = await asyncio.to_thread(
        _holder_conversation, request.app[SESSIONS], ticket_id, request["user"].id
    )
    return ticket_id, cid


def _log(sessions: sessionmaker, ticket_id: int, kind: str, author: str, text: str) -> None:
    with sessions.begin() as session:
        tickets.log(session=session, ticket_id=ticket_id, kind=kind, author=author, text=text)


def _claim(sessions: sessionmaker, ticket_id: int, user_id: int) -> dict[str, Any]:
    with sessions.begin() as session:
        ticket = tickets.claim(session=session, ticket_id=ticket_id, user_id=user_id)
        return {"id": ticket.id, "status": ticket.status}  # never the conversation id


async def _switch_bot(
    request: web.Request, cid: str, switch: dict[str, str], text: str, kind: str, **extra: Any
) -> None:
    """Pause or resume the bot (``switch``) and tell the worker ``text`` in the staff
    member's name; ``RasaUnavailable`` if Rasa is down."""
    message = staff_message(text, request["user"].display_name, kind, **extra)
    await request.app[RASA].append(cid, [switch, message])


async def _join(request: web.Request) -> None:
    """Pause the bot and tell the worker who joined; ``RasaUnavailable`` if Rasa is down."""
    ticket_id, cid = await _conversation_held(request)
    user = request["user"]
    text = f"工作人员 {user.display_name} 已接入，请直接在这里说您的情况。"
    await _switch_bot(request, cid, PAUSE, text, "staff_joined")
    await asyncio.to_thread(
        _log, request.app[SESSIONS], ticket_id, "claim", user.username, "接手并暂停机器人"
    )


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/claim")
@auth.require("staff", "admin")
async def claim_api(request: web.Request) -> web.Response:
    ticket_id = int(request.match_info["ticket_id"])
    claimed = await asyncio.to_thread(_claim, request.app[SESSIONS], ticket_id, request["user"].id)
    try:
        await _join(request)
        claimed["joined"] = True
    except RasaUnavailable:  # the claim stands; the ticket page offers to join again
        claimed["joined"] = False
    return web.json_response(claimed)


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/join")
@auth.require("staff", "admin")
async def join_api(request: web.Request) -> web.Response:
    """After a claim: pause the bot and tell the worker who joined (idempotent)."""
    await _join(request)
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/reply")
@auth.require("staff", "admin")
async def reply_api(request: web.Request) -> web.Response:
    text = _text(await json_object(request), "text")
    _ticket_id, cid = await _conversation_held(request)
    user = request["user"]
    await request.app[RASA].append(cid, [staff_message(text, user.display_name)])
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/note")
@auth.require("staff", "admin")
async def note_api(request: web.Request) -> web.Response:
    """An internal note, by the ticket's holder (while it is open) or an admin."""
    text = _text(await json_object(request), "text")
    ticket_id = int(request.match_info["ticket_id"])
    user = request["user"]

    def work(session: Session) -> None:
        tickets.add_note(
            session=session,
            ticket_id=ticket_id,
            user_id=user.id,
            is_admin=user.role == "admin",
            author=user.username,
            text=text,
        )

    await in_transaction(request.app[SESSIONS], work)
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/transfer")
@auth.require("staff", "admin")
async def transfer_api(request: web.Request) -> web.Response:
    to = _text(await json_object(request), "to", 64)
    ticket_id = int(request.match_info["ticket_id"])
    user = request["user"]

    def work(session: Session) -> str:
        return tickets.transfer(
            session=session,
            ticket_id=ticket_id,
            user_id=user.id,
            to_username=to,
            author=user.username,
        ).display_name

    return web.json_response({"ok": True, "to": await in_transaction(request.app[SESSIONS], work)})


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/close")
@auth.require("staff", "admin")
async def close_api(request: web.Request) -> web.Response:
    outcome = (await json_object(request)).get("outcome")
    if outcome not in tickets.OUTCOMES:
        raise web.HTTPBadRequest(text="请选择处理结果")
    ticket_id, cid = await _conversation_held(request)
    user = request["user"]
    text = "本次人工服务已结束，小助手会继续为您服务。请为这次服务打个分吧："
    await _switch_bot(request, cid, RESUME, text, "handoff_closed", ask_rating=True)

    def work(session: Session) -> None:
        tickets.close(
            session=session,
            ticket_id=ticket_id,
            user_id=user.id,
            outcome=str(outcome),
            author=user.username,
        )

    await in_transaction(request.app[SESSIONS], work)
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/faq-draft")
@auth.require("staff", "admin")
async def faq_draft_api(request: web.Request) -> web.Response:
    body = await json_object(request)
    answer = _text(body, "answer")
    topic = body.get("topic")
    ticket_id = int(request.match_info["ticket_id"])
    user = request["user"]

    def work(session: Session) -> int:
        return tickets.faq_draft_from(
            session=session,
            ticket_id=ticket_id,
            answer=answer,
            topic=str(topic or ""),
            author=user.username,
            user_id=user.id,
            is_admin=user.role == "admin",
        ).id

    return web.json_response(
        {"ok": True, "faq_id": await in_transaction(request.app[SESSIONS], work)}
    )
