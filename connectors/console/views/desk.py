"""The staff desk's reading side: the queue page and API, the ticket page and API (phone
numbers masked everywhere), and the logged reveal of a worker's call-back number."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.orm import sessionmaker

from changai.vocabulary import (
    TICKET_ENTRY_LABELS,
    TICKET_STATUS_LABELS,
    TOPIC_LABELS,
    escalation_reason_label,
)
from connectors.console import auth
from connectors.console.appkeys import SESSIONS
from connectors.widget import store
from helpdesk import contacts, tickets
from helpdesk.accounts import CurrentUser
from knowledge.text_normalise import mask_personal_numbers

routes = web.RouteTableDef()


def _queue(
    sessions: sessionmaker, topic: str | None, region: str | None
) -> list[tickets.QueueItem]:
    with sessions() as session:
        return tickets.queue(session=session, topic=topic, region=region)


@routes.get("/desk")
@auth.require("staff", "admin")
async def desk_page(request: web.Request) -> web.Response:
    items = await asyncio.to_thread(_queue, request.app[SESSIONS], None, None)
    regions = sorted({item.region for item in items if item.region})
    return aiohttp_jinja2.render_template("desk/queue.html", request, {"regions": regions})


def _labelled(item: dict[str, Any]) -> dict[str, Any]:
    """The desk shows the vocabulary's labels; the page's script holds no copy of them."""
    return {
        **item,
        "topic_label": TOPIC_LABELS.get(item["topic"] or ""),
        "reason_label": escalation_reason_label(item["reason"]),
        "status_label": TICKET_STATUS_LABELS.get(item["status"], item["status"]),
    }


@routes.get("/desk/api/queue")
@auth.require("staff", "admin")
async def queue_api(request: web.Request) -> web.Response:
    items = await asyncio.to_thread(
        _queue,
        request.app[SESSIONS],
        request.query.get("topic") or None,
        request.query.get("region") or None,
    )
    return web.json_response({"tickets": [_labelled(i.as_dict()) for i in items]})


def _masked_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**m, "text": mask_personal_numbers(m["text"])} if m.get("text") else m for m in messages
    ]


def _ticket(sessions: sessionmaker, ticket_id: int) -> dict[str, Any]:
    """The ticket for the desk. Phone numbers appear only masked, wherever they occur."""
    with sessions() as session:
        ticket = tickets.get_ticket(session=session, ticket_id=ticket_id)
        messages = (
            store.events_after(session=session, conversation_id=ticket.conversation_id, after_id=0)
            if store.conversation_exists(session=session, conversation_id=ticket.conversation_id)
            else []
        )
        card = dict(ticket.case_card or {})
        card["transcript"] = _masked_messages(list(card.get("transcript") or []))
        if card.get("question"):
            card["question"] = mask_personal_numbers(str(card["question"]))
        log = [
            {
                "kind": e.kind,
                "kind_label": TICKET_ENTRY_LABELS.get(e.kind, e.kind),
                "author": e.author,
                "text": e.text,
                "time": e.created_at.isoformat() + "Z",
            }
            for e in tickets.entries(session=session, ticket_id=ticket.id)
        ]
        return {
            "log": log,
            "claimed_by": ticket.claimed_by,
            "outcome": ticket.outcome,
            "rating": ticket.rating,
            "id": ticket.id,
            "status": ticket.status,
            "status_label": TICKET_STATUS_LABELS.get(ticket.status, ticket.status),
            "reason": ticket.reason,
            "topic": ticket.topic,
            "topic_label": TOPIC_LABELS.get(ticket.topic or ""),
            "region": ticket.region,
            "question": mask_personal_numbers(ticket.question),
            "created_at": ticket.created_at.isoformat() + "Z",
            "contact": contacts.masked_contact(ticket),
            "contact_consent_at": (
                ticket.contact_consent_at.isoformat() + "Z" if ticket.contact_consent_at else None
            ),
            "case_card": card,
            "messages": _masked_messages(messages),
        }


@routes.get("/desk/tickets/{ticket_id:[0-9]{1,18}}")
@auth.require("staff", "admin")
async def ticket_page(request: web.Request) -> web.Response:
    context = {"ticket_id": int(request.match_info["ticket_id"])}
    return aiohttp_jinja2.render_template("desk/ticket.html", request, context)


@routes.get("/desk/api/tickets/{ticket_id:[0-9]{1,18}}")
@auth.require("staff", "admin")
async def ticket_api(request: web.Request) -> web.Response:
    ticket_id = int(request.match_info["ticket_id"])
    data = await asyncio.to_thread(_ticket, request.app[SESSIONS], ticket_id)
    data["mine"] = data["claimed_by"] == request["user"].id and data["status"] == "claimed"
    return web.json_response(data)


def _reveal(sessions: sessionmaker, ticket_id: int, user: CurrentUser) -> str:
    with sessions.begin() as session:
        return contacts.reveal_contact(
            session=session,
            ticket_id=ticket_id,
            author=user.username,
            user_id=user.id,
            is_admin=user.role == "admin",
        )


@routes.post("/desk/api/tickets/{ticket_id:[0-9]{1,18}}/reveal-contact")
@auth.require("staff", "admin")
async def reveal_contact_api(request: web.Request) -> web.Response:
    """The full call-back number, for the ticket's holder or an admin; the reveal is
    written to the ticket log (who, when)."""
    ticket_id = int(request.match_info["ticket_id"])
    phone = await asyncio.to_thread(_reveal, request.app[SESSIONS], ticket_id, request["user"])
    return web.json_response({"phone": phone}, headers={"Cache-Control": "no-store"})
