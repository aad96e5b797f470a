"""Log-in, the staff desk (queue, claiming, case cards) and admin canned replies."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import urlparse

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.orm import sessionmaker

from changai.settings import Settings
from changai.vocabulary import TOPIC_LABELS
from connectors.console import auth
from connectors.widget import store
from helpdesk import accounts, canned_replies, contacts, tickets
from helpdesk.errors import (
    AlreadyClaimed,
    ColleagueNotFound,
    NotYours,
    TicketNotClosed,
    TicketNotFound,
)
from knowledge.text_normalise import mask_mobiles

routes = web.RouteTableDef()
SESSIONS = web.AppKey("sessions", sessionmaker)
LIMITER = web.AppKey("login_limiter", auth.LoginLimiter)
DESK_SETTINGS = web.AppKey("desk_settings", Settings)
T = TypeVar("T")
MAX_CANNED_TITLE = 100
MAX_CANNED_TEXT = 1000


async def blocking(request: web.Request, work: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, work, *args)


def login_page(
    request: web.Request, token: str, error: str = "", next_path: str = "/desk", status: int = 200
) -> web.Response:
    """The log-in form, with no user bar even for a signed-in user, and the log-in cookie's
    CSRF token."""
    context = {"user": None, "csrf_token": token, "error": error, "next_path": next_path}
    return aiohttp_jinja2.render_template("login.html", request, context, status=status)


def safe_next(value: str | None) -> str:
    target = value or ""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/desk"
    return target


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = login_page(request, token, next_path=safe_next(request.query.get("next")))
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        path="/login",
        secure=request.app[DESK_SETTINGS].is_production,
    )
    return response


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    next_path = safe_next(str(form.get("next", "/desk")))
    address = request.remote or "unknown"
    limiter = request.app[LIMITER]
    token = secrets.token_urlsafe(32)

    def again(message: str, status: int) -> web.Response:
        response = login_page(request, token, message, next_path, status)
        response.set_cookie(
            auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", path="/login"
        )
        return response

    if not auth.csrf_ok(
        request.cookies.get(auth.LOGIN_CSRF_COOKIE), str(form.get("csrf_token", ""))
    ):
        return again("页面已过期，请重新登录。", 403)
    if limiter.blocked(address, username):
        return again(auth.TOO_MANY, 429)
    user = await blocking(request, accounts.authenticate, request.app[SESSIONS], username, password)
    if user is None:
        limiter.failed(address, username)
        return again(auth.FAILED_LOGIN, 401)
    limiter.succeeded(address, username)
    response = web.HTTPFound(next_path)
    auth.set_session_cookie(response, user.session_id, request.app[DESK_SETTINGS].is_production)
    response.del_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    raise response


@routes.post("/logout")
@auth.require("staff", "admin")
async def logout(request: web.Request) -> web.StreamResponse:
    await blocking(request, accounts.end_session, request.app[SESSIONS], request["user"].session_id)
    response = web.HTTPFound("/login")
    response.del_cookie(auth.SESSION_COOKIE, path="/")
    raise response


@routes.get("/desk")
@auth.require("staff", "admin")
async def desk_page(request: web.Request) -> web.Response:
    regions = sorted(
        {
            item.region
            for item in await blocking(request, _queue, request.app[SESSIONS], None, None)
            if item.region
        }
    )
    return aiohttp_jinja2.render_template("desk/queue.html", request, {"regions": regions})


def _queue(
    sessions: sessionmaker, topic: str | None, region: str | None
) -> list[tickets.QueueItem]:
    with sessions() as session:
        return tickets.queue(session=session, topic=topic, region=region)


@routes.get("/desk/api/queue")
@auth.require("staff", "admin")
async def queue_api(request: web.Request) -> web.Response:
    items = await blocking(
        request,
        _queue,
        request.app[SESSIONS],
        request.query.get("topic") or None,
        request.query.get("region") or None,
    )
    return web.json_response({"tickets": [i.as_dict() for i in items]})


def _claim(sessions: sessionmaker, ticket_id: int, user_id: int) -> dict[str, Any]:
    with sessions.begin() as session:
        ticket = tickets.claim(session=session, ticket_id=ticket_id, user_id=user_id)
        return {"id": ticket.id, "conversation_id": ticket.conversation_id, "status": ticket.status}


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/claim")
@auth.require("staff", "admin")
async def claim_api(request: web.Request) -> web.Response:
    ticket_id = int(request.match_info["ticket_id"])
    try:
        claimed = await blocking(
            request, _claim, request.app[SESSIONS], ticket_id, request["user"].id
        )
    except TicketNotFound:
        return web.json_response({"error": "没有这个工单"}, status=404)
    except AlreadyClaimed as taken:
        return web.json_response(
            {"error": f"已被{taken.claimed_by}接手", "claimed_by": taken.claimed_by}, status=409
        )
    joined = await join_api(request)
    claimed["joined"] = joined.status == 200
    return web.json_response(claimed)


def _masked_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**m, "text": mask_mobiles(m["text"])} if m.get("text") else m for m in messages]


def _ticket(sessions: sessionmaker, ticket_id: int) -> dict[str, Any]:
    """The ticket for the tickets. Phone numbers appear only masked, wherever they occur."""
    with sessions() as session:
        ticket = tickets.get_ticket(session=session, ticket_id=ticket_id)
        messages = (
            [
                store.as_event(m)
                for m in store.messages_after(
                    session=session, conversation_id=ticket.conversation_id, after_id=0
                )
            ]
            if store.conversation_exists(session=session, conversation_id=ticket.conversation_id)
            else []
        )
        card = dict(ticket.case_card or {})
        card["transcript"] = _masked_messages(list(card.get("transcript") or []))
        if card.get("question"):
            card["question"] = mask_mobiles(str(card["question"]))
        log = [
            {
                "kind": e.kind,
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
            "reason": ticket.reason,
            "topic": ticket.topic,
            "topic_label": TOPIC_LABELS.get(ticket.topic or ""),
            "region": ticket.region,
            "question": mask_mobiles(ticket.question),
            "created_at": ticket.created_at.isoformat() + "Z",
            "contact": contacts.masked_contact(ticket),
            "contact_consent_at": (
                ticket.contact_consent_at.isoformat() + "Z" if ticket.contact_consent_at else None
            ),
            "case_card": card,
            "messages": _masked_messages(messages),
        }


@routes.get("/desk/tickets/{ticket_id:\\d+}")
@auth.require("staff", "admin")
async def ticket_page(request: web.Request) -> web.Response:
    context = {"ticket_id": int(request.match_info["ticket_id"])}
    return aiohttp_jinja2.render_template("desk/ticket.html", request, context)


@routes.get("/desk/api/tickets/{ticket_id:\\d+}")
@auth.require("staff", "admin")
async def ticket_api(request: web.Request) -> web.Response:
    try:
        data = await blocking(
            request, _ticket, request.app[SESSIONS], int(request.match_info["ticket_id"])
        )
    except TicketNotFound:
        return web.json_response({"error": "没有这个工单"}, status=404)
    data["mine"] = data["claimed_by"] == request["user"].id and data["status"] == "claimed"
    return web.json_response(data)


def _reveal(sessions: sessionmaker, ticket_id: int, author: str) -> str | None:
    with sessions.begin() as session:
        return contacts.reveal_contact(session=session, ticket_id=ticket_id, author=author)


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/reveal-contact")
@auth.require("staff", "admin")
async def reveal_contact_api(request: web.Request) -> web.Response:
    """The full call-back number; the reveal is written to the ticket log (who, when)."""
    ticket_id = int(request.match_info["ticket_id"])
    try:
        phone = await blocking(
            request, _reveal, request.app[SESSIONS], ticket_id, request["user"].username
        )
    except TicketNotFound:
        return web.json_response({"error": "没有这个工单"}, status=404)
    if phone is None:
        return web.json_response({"error": "职工没有留下手机号"}, status=404)
    return web.json_response({"phone": phone}, headers={"Cache-Control": "no-store"})


def _canned(sessions: sessionmaker) -> list[tuple[int, str, str]]:
    with sessions() as session:
        return [(r.id, r.title, r.text) for r in canned_replies.list_replies(session=session)]


@routes.get("/admin/canned")
@auth.require("admin")
async def canned_page(request: web.Request) -> web.Response:
    replies = await blocking(request, _canned, request.app[SESSIONS])
    return aiohttp_jinja2.render_template(
        "admin/canned.html", request, {"replies": replies, "error": ""}
    )


@routes.post("/admin/canned")
@auth.require("admin")
async def canned_add(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    title, text = str(form.get("title", "")).strip(), str(form.get("text", "")).strip()
    if not title or not text or len(title) > MAX_CANNED_TITLE or len(text) > MAX_CANNED_TEXT:
        replies = await blocking(request, _canned, request.app[SESSIONS])
        error = "标题和内容都要填写，标题最多100字，内容最多1000字。"
        return aiohttp_jinja2.render_template(
            "admin/canned.html", request, {"replies": replies, "error": error}, status=400
        )

    def add() -> None:
        with request.app[SESSIONS].begin() as session:
            canned_replies.add_reply(
                session=session, title=title, text=text, actor=request["user"].username
            )

    await blocking(request, add)
    raise web.HTTPFound("/admin/canned")


@routes.post("/admin/canned/{reply_id:\\d+}/delete")
@auth.require("admin")
async def canned_delete(request: web.Request) -> web.StreamResponse:
    reply_id = int(request.match_info["reply_id"])

    def delete() -> None:
        with request.app[SESSIONS].begin() as session:
            canned_replies.delete_reply(session=session, reply_id=reply_id)

    await blocking(request, delete)
    raise web.HTTPFound("/admin/canned")


@routes.get("/desk/api/canned")
@auth.require("staff", "admin")
async def canned_api(request: web.Request) -> web.Response:
    replies = await blocking(request, _canned, request.app[SESSIONS])
    return web.json_response({"replies": [{"id": i, "title": t, "text": x} for i, t, x in replies]})


# ---- the live hand-off: claim pauses the bot, replies go through Rasa, close resumes ----

RASA = web.AppKey("rasa_client", object)
MAX_REPLY_CHARS = 2000


def _rasa(request: web.Request) -> Any:
    return request.app[RASA]


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="请求格式不正确") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="请求格式不正确")
    return body


def _text(body: dict[str, Any], field: str, limit: int = MAX_REPLY_CHARS) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise web.HTTPBadRequest(text=f"{field} 必须是 1–{limit} 字的文字")
    return value.strip()


def _holder_action(sessions: sessionmaker, ticket_id: int, user_id: int) -> str:
    with sessions() as session:
        return tickets.require_holder(
            session=session, ticket_id=ticket_id, user_id=user_id
        ).conversation_id


async def _conversation_held(request: web.Request) -> tuple[int, str]:
    ticket_id = int(request.match_info["ticket_id"])
    try:
        cid = await blocking(
            request, _holder_action, request.app[SESSIONS], ticket_id, request["user"].id
        )
    except TicketNotFound:
        raise web.HTTPNotFound(text="没有这个工单") from None
    except NotYours:
        raise web.HTTPConflict(text="这个工单不在您手上") from None
    return ticket_id, cid


def _log(sessions: sessionmaker, ticket_id: int, kind: str, author: str, text: str) -> None:
    with sessions.begin() as session:
        tickets.log(session=session, ticket_id=ticket_id, kind=kind, author=author, text=text)


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/join")
@auth.require("staff", "admin")
async def join_api(request: web.Request) -> web.Response:
    """After a claim: pause the bot and tell the worker who joined (idempotent)."""
    from connectors.console.rasa_client import PAUSE, RasaUnavailable, staff_message

    ticket_id, cid = await _conversation_held(request)
    user = request["user"]
    try:
        await _rasa(request).append(
            cid,
            [
                PAUSE,
                staff_message(
                    f"工作人员 {user.display_name} 已接入，请直接在这里说您的情况。",
                    user.display_name,
                    "staff_joined",
                ),
            ],
        )
    except RasaUnavailable:
        return web.json_response({"error": "暂时连不上小助手服务，请稍后重试"}, status=502)
    await blocking(
        request, _log, request.app[SESSIONS], ticket_id, "claim", user.username, "接手并暂停机器人"
    )
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/reply")
@auth.require("staff", "admin")
async def reply_api(request: web.Request) -> web.Response:
    from connectors.console.rasa_client import RasaUnavailable, staff_message

    body = await _json_body(request)
    text = _text(body, "text")
    _ticket_id, cid = await _conversation_held(request)
    user = request["user"]
    try:
        await _rasa(request).append(cid, [staff_message(text, user.display_name)])
    except RasaUnavailable:
        return web.json_response({"error": "发送失败：暂时连不上小助手服务，请重试"}, status=502)
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/note")
@auth.require("staff", "admin")
async def note_api(request: web.Request) -> web.Response:
    body = await _json_body(request)
    text = _text(body, "text")
    ticket_id = int(request.match_info["ticket_id"])
    await blocking(
        request, _log, request.app[SESSIONS], ticket_id, "note", request["user"].username, text
    )
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/transfer")
@auth.require("staff", "admin")
async def transfer_api(request: web.Request) -> web.Response:
    body = await _json_body(request)
    to = _text(body, "to", 64)
    ticket_id = int(request.match_info["ticket_id"])
    user = request["user"]

    def work() -> str:
        with request.app[SESSIONS].begin() as session:
            return tickets.transfer(
                session=session,
                ticket_id=ticket_id,
                user_id=user.id,
                to_username=to,
                author=user.username,
            ).display_name

    try:
        name = await blocking(request, work)
    except NotYours:
        return web.json_response({"error": "这个工单不在您手上"}, status=409)
    except ColleagueNotFound:
        return web.json_response({"error": "没有这个同事"}, status=404)
    return web.json_response({"ok": True, "to": name})


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/close")
@auth.require("staff", "admin")
async def close_api(request: web.Request) -> web.Response:
    from connectors.console.rasa_client import RESUME, RasaUnavailable, staff_message

    body = await _json_body(request)
    outcome = body.get("outcome")
    if outcome not in tickets.OUTCOMES:
        return web.json_response({"error": "请选择处理结果"}, status=400)
    ticket_id, cid = await _conversation_held(request)
    user = request["user"]
    try:
        await _rasa(request).append(
            cid,
            [
                RESUME,
                staff_message(
                    "本次人工服务已结束，小助手会继续为您服务。请为这次服务打个分吧：",
                    user.display_name,
                    "handoff_closed",
                    ask_rating=True,
                ),
            ],
        )
    except RasaUnavailable:
        return web.json_response({"error": "暂时连不上小助手服务，工单未关闭，请重试"}, status=502)

    def work() -> None:
        with request.app[SESSIONS].begin() as session:
            tickets.close(
                session=session,
                ticket_id=ticket_id,
                user_id=user.id,
                outcome=outcome,
                author=user.username,
            )

    await blocking(request, work)
    return web.json_response({"ok": True})


@routes.post("/desk/api/tickets/{ticket_id:\\d+}/faq-draft")
@auth.require("staff", "admin")
async def faq_draft_api(request: web.Request) -> web.Response:
    from knowledge.catalogue import ValidationFailed

    body = await _json_body(request)
    answer = _text(body, "answer")
    topic = body.get("topic")
    ticket_id = int(request.match_info["ticket_id"])
    user = request["user"]

    def work() -> int:
        with request.app[SESSIONS].begin() as session:
            return tickets.faq_draft_from(
                session=session,
                ticket_id=ticket_id,
                answer=answer,
                topic=str(topic or ""),
                author=user.username,
            ).id

    try:
        draft = await blocking(request, work)
    except TicketNotClosed:
        return web.json_response({"error": "工单关闭后才能存为FAQ草稿"}, status=409)
    except ValidationFailed as failed:
        message = "；".join(failed.errors.values())
        return web.json_response({"error": message, "errors": failed.errors}, status=400)
    return web.json_response({"ok": True, "faq_id": draft})


def setup(app: web.Application, settings: Settings, sessions: sessionmaker) -> None:
    import aiohttp

    from connectors.console.rasa_client import RasaClient

    app[SESSIONS] = sessions
    app[LIMITER] = auth.LoginLimiter()
    app[DESK_SETTINGS] = settings
    app.middlewares.append(auth.session_middleware(sessions))
    app.add_routes(routes)

    async def rasa_client(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as http:
            app[RASA] = RasaClient(http, settings.rasa_url, settings.rasa_token)
            yield

    app.cleanup_ctx.append(rasa_client)
