"""The console's two middlewares: errors (status, Chinese message, JSON or page, a log line)
and CSRF (every state-changing route protected unless declared exempt).

The CSRF routes are read from the application's router, so a new route is covered without
editing this file."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from connectors.console import auth, csrf, errors, templating
from connectors.console.app import create_app
from connectors.console.rasa_client import RasaUnavailable
from helpdesk import errors as desk_errors
from helpdesk.models import Ticket, TicketEntry
from knowledge.catalogue import ValidationFailed
from knowledge.content_versions import VersionNotFound
from knowledge.errors import DocumentNotFound, FaqNotFound, LadderNotFound
from knowledge.models import AuditEntry, ContentVersion, FaqEntry
from tests.support.console import (
    admin_csrf,
    console_settings,
    create_accounts,
    csrf_of,
    login,
    run_app,
)
from tests.support.tickets import open_ticket

SAMPLE_PARAMS = {
    "entry_id": "1",
    "condition_id": "1",
    "check_id": "1",
    "target_key": "level4",
    "document_id": "1",
    "item_id": "1",
    "kind": "entries",
    "reply_id": "1",
    "ticket_id": "1",
    "tail": "conversations",
    "conversation_id": "c" * 22,
}
# The whole list of state-changing routes that need no session CSRF token.
EXPECTED_EXEMPTIONS = {
    ("POST", "/login"),
    ("POST", "/api/widget/conversations"),
    ("POST", "/api/widget/conversations/{conversation_id}/messages"),
}


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("li", "staff"), ("boss", "admin"))
        open_ticket(
            session,
            conversation_id="c1",
            topic="training_subsidy",
            region="广东",
            question="加班费怎么算",
        )
    return console_settings(database_url)


# ---- CSRF ----


def state_changing_routes(app: web.Application) -> list[tuple[str, str, str]]:
    """(method, canonical path, sample path) of every state-changing route of ``app``."""
    found = set()
    for route in app.router.routes():
        if route.method not in auth.UNSAFE_METHODS or route.resource is None:
            continue
        canonical = route.resource.canonical
        path = re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLE_PARAMS[m.group(1)], canonical)
        found.add((route.method, canonical, path))
    return sorted(found)


def test_the_exemptions_are_exactly_these(console) -> None:
    exempt = csrf.exempt_routes(create_app(console))
    assert set(exempt) == EXPECTED_EXEMPTIONS
    assert all(len(reason) > 20 for reason in exempt.values())  # each says why


async def message_of(response: Any) -> str:
    """The Chinese message of an error response: JSON's ``error`` or the page's alert."""
    if response.content_type == "application/json":
        return (await response.json())["error"]
    found = re.search(r'<p class="error" role="alert">([^<]*)</p>', await response.text())
    return found.group(1) if found else ""


def written(session_factory) -> list[int]:
    with session_factory() as session:
        return [
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (ContentVersion, AuditEntry, TicketEntry, FaqEntry)
        ]


def test_every_other_state_changing_route_needs_the_token(console, session_factory) -> None:
    app = create_app(console)
    exempt = set(csrf.exempt_routes(app))
    routes = [r for r in state_changing_routes(app) if (r[0], r[1]) not in exempt]
    assert len(routes) >= 20
    assert ("POST", "/logout", "/logout") in routes
    assert ("POST", "/desk/api/tickets/{ticket_id}/claim", "/desk/api/tickets/1/claim") in routes
    before = written(session_factory)

    async def scenario(client: TestClient) -> None:
        for method, _canonical, path in routes:  # no session: no token can be valid
            response = await client.request(method, path, allow_redirects=False)
            assert response.status == 401, (method, path)
        await login(client, "boss")  # an admin may use every route
        for method, _canonical, path in routes:
            for headers in ({}, {"X-CSRF-Token": "forged-token"}):
                response = await client.request(
                    method,
                    path,
                    json={"text": "被篡改", "status": "archived"},
                    headers=headers,
                    allow_redirects=False,
                )
                assert response.status == 403, (method, path, headers)
                assert await message_of(response) == csrf.CSRF_FAILED, (method, path)
            form = await client.request(
                method, path, data={"csrf_token": "forged", "title": "x", "text": "y"}
            )
            assert form.status == 403, (method, path)
        with session_factory() as session:
            assert session.get(Ticket, 1).status == "waiting"

    run_app(app, scenario)
    assert written(session_factory) == before


def test_a_new_route_is_protected_without_declaring_anything(console) -> None:
    app = create_app(console)
    calls: list[str] = []

    async def plain(request: web.Request) -> web.Response:
        calls.append(request.method)
        return web.json_response({"ok": True})

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        app.router.add_route(method, "/desk/api/new-thing", plain)

    async def scenario(client: TestClient) -> None:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert (await client.request(method, "/desk/api/new-thing")).status == 401
        await login(client, "li")
        token = await csrf_of(client)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            refused = await client.request(method, "/desk/api/new-thing")
            assert refused.status == 403
            assert (await refused.json())["error"] == csrf.CSRF_FAILED
            allowed = await client.request(
                method, "/desk/api/new-thing", headers={"X-CSRF-Token": token}
            )
            assert allowed.status == 200
        assert calls == ["POST", "PUT", "PATCH", "DELETE"]  # only with the token

    run_app(app, scenario)


def test_a_form_refused_for_csrf_gets_the_error_page_in_chinese(console, caplog) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        response = await client.post("/admin/canned", data={"title": "a", "text": "b"})
        page = await response.text()
        assert response.status == 403 and response.content_type == "text/html"
        assert csrf.CSRF_FAILED in page and "产改通" in page

    with caplog.at_level(logging.INFO):
        run_app(create_app(console), scenario)
    assert any(
        "CSRF" in r.getMessage() and "/admin/canned" in r.getMessage() for r in caplog.records
    )


# ---- errors: every mapped error, on an API route and on a page ----

DOMAIN_CASES = [
    (desk_errors.TicketNotFound("7"), 404, "没有这个工单"),
    (desk_errors.AlreadyClaimed(7, "李芳"), 409, "已被李芳接手"),
    (desk_errors.NotYours("7"), 409, "这个工单不在您手上"),
    (desk_errors.TicketNotClosed("7"), 409, "工单关闭后才能存为FAQ草稿"),
    (desk_errors.ColleagueNotFound("zhang"), 404, "没有这个同事"),
    (desk_errors.NoContactLeft("7"), 404, "职工没有留下手机号"),
    (desk_errors.DraftRefused(7, {"topic": "请选择话题"}), 400, "请选择话题"),
    (desk_errors.InvalidCannedReply("empty"), 400, "标题和内容都要填写"),
    (desk_errors.InvalidAccount("role"), 400, "账号名或角色不正确"),
    (desk_errors.UserExists("li"), 409, "这个账号名已经有人用了"),
    (FaqNotFound("7"), 404, "没有这个条目"),
    (DocumentNotFound("7"), 404, "没有这个政策文件"),
    (VersionNotFound("faq 7 v9"), 404, "没有这个版本"),
    (LadderNotFound("7.level9"), 404, "没有这个等级路径"),
    (ValidationFailed({"answer": "答案太长", "region": "没有这个地区"}), 422, "答案太长"),
    (RasaUnavailable("refused"), 502, "请稍后重试"),
]


def raising_app(exc: BaseException) -> web.Application:
    app = web.Application(middlewares=[errors.error_middleware])
    templating.setup(app)

    async def handler(request: web.Request) -> web.Response:
        raise exc

    app.router.add_get("/desk/api/thing", handler)
    app.router.add_get("/desk/thing", handler)
    return app


def fetch(exc: BaseException, path: str, **kwargs: Any) -> tuple[int, str, str]:
    """(status, content type, message or page) of a GET to an app whose views raise ``exc``:
    JSON's ``error``, else the text."""

    async def scenario(client: TestClient) -> tuple[int, str, str]:
        response = await client.get(path, allow_redirects=False, **kwargs)
        if response.content_type == "application/json":
            return response.status, response.content_type, (await response.json())["error"]
        return response.status, response.content_type, await response.text()

    return run_app(raising_app(exc), scenario)


def test_every_helpdesk_error_is_mapped() -> None:
    subclasses = set(desk_errors.HelpdeskError.__subclasses__())
    assert subclasses <= {type(exc) for exc, _status, _message in DOMAIN_CASES}
    assert subclasses <= set(errors.DOMAIN_ERRORS)


@pytest.mark.parametrize(
    ("exc", "status", "message"), DOMAIN_CASES, ids=[type(c[0]).__name__ for c in DOMAIN_CASES]
)
def test_domain_errors_become_status_message_and_log_line(exc, status, message, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="connectors.console.errors"):
        got, content_type, body = fetch(exc, "/desk/api/thing")
        assert (got, content_type) == (status, "application/json")
        assert message in body
        page_status, page_type, page = fetch(exc, "/desk/thing")
    assert (page_status, page_type) == (status, "text/html")
    assert message in page and "<!doctype html>" in page and "Traceback" not in page
    lines = [r.getMessage() for r in caplog.records if r.name == "connectors.console.errors"]
    assert any(f"-> {status} {type(exc).__name__}" in line for line in lines), lines
    assert any("GET /desk/api/thing" in line for line in lines), lines


def test_json_errors_carry_their_details() -> None:
    async def body_of(exc: Exception) -> dict[str, Any]:
        client = TestClient(TestServer(raising_app(exc)))
        await client.start_server()
        try:
            return await (await client.get("/desk/api/thing")).json()
        finally:
            await client.close()

    claimed = asyncio.run(body_of(desk_errors.AlreadyClaimed(7, "李芳")))
    assert claimed == {"error": "已被李芳接手", "claimed_by": "李芳"}
    failed = asyncio.run(body_of(ValidationFailed({"answer": "答案太长", "region": "地区不对"})))
    assert failed == {
        "error": "答案太长；地区不对",
        "errors": {"answer": "答案太长", "region": "地区不对"},
    }


def test_an_unexpected_error_is_500_in_chinese_with_the_trace_only_in_the_log(caplog) -> None:
    exc = ZeroDivisionError("secret detail")
    with caplog.at_level(logging.INFO, logger="connectors.console.errors"):
        status, content_type, body = fetch(exc, "/desk/api/thing")
        page_status, _type, page = fetch(exc, "/desk/thing")
    assert (status, content_type) == (500, "application/json")
    assert (page_status, page) != (200, "")
    assert page_status == 500 and errors.UNEXPECTED in page
    for text in (body, page):
        assert "Traceback" not in text and "secret detail" not in text
        assert "ZeroDivisionError" not in text
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged and logged[0].exc_info is not None  # the traceback goes to the log
    assert "500" in logged[0].getMessage() and "/desk/api/thing" in logged[0].getMessage()


def test_http_errors_keep_their_status_and_redirects_pass(caplog) -> None:
    status, content_type, body = fetch(web.HTTPBadRequest(text="请求格式不正确"), "/desk/api/thing")
    assert (status, content_type) == (400, "application/json") and "请求格式不正确" in body
    status, _type, page = fetch(web.HTTPNotFound(), "/desk/thing")
    assert status == 404 and "没有找到这个页面" in page and "Not Found" not in page
    status, _type, _body = fetch(web.HTTPFound("/login"), "/desk/thing")
    assert status == 302
    status, _type, page = fetch(web.HTTPFound("/login"), "/no-such-page")
    assert status == 404 and "没有找到这个页面" in page


def test_accept_json_gets_json_on_a_page_route() -> None:
    status, content_type, _body = fetch(
        desk_errors.TicketNotFound("7"), "/desk/thing", headers={"Accept": "application/json"}
    )
    assert (status, content_type) == (404, "application/json")


# ---- errors through the real console ----


def test_the_console_answers_domain_errors_through_the_middleware(console, caplog) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "li")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        missing = await client.get("/desk/api/tickets/99")
        assert missing.status == 404 and await missing.json() == {"error": "没有这个工单"}
        not_mine = await client.post(
            "/desk/api/tickets/1/reply", json={"text": "您好"}, headers=headers
        )
        assert not_mine.status == 409
        assert (await not_mine.json())["error"] == "这个工单不在您手上"
        open_ticket = await client.post(
            "/desk/api/tickets/1/faq-draft", json={"answer": "答案"}, headers=headers
        )
        assert open_ticket.status == 409
        assert (await open_ticket.json())["error"] == "工单关闭后才能存为FAQ草稿"
        bad_body = await client.post("/desk/api/tickets/1/note", data="[", headers=headers)
        assert bad_body.status == 400 and (await bad_body.json())["error"] == "请求格式不正确"
        client.session.cookie_jar.clear()
        await login(client, "boss")
        page = await client.get("/admin/entries/99999")
        text = await page.text()
        assert page.status == 404 and "没有这个条目" in text and "知识库管理" in text
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        version = await client.post(
            "/admin/api/entries/1/restore", json={"version": 999}, headers=headers
        )
        assert version.status == 404 and (await version.json())["error"] == "没有这个版本"

    with caplog.at_level(logging.INFO, logger="connectors.console.errors"):
        run_app(create_app(console), scenario)
    lines = [r.getMessage() for r in caplog.records if r.name == "connectors.console.errors"]
    assert any("POST /desk/api/tickets/1/reply -> 409 NotYours" in line for line in lines)
    assert any("GET /admin/entries/99999 -> 404 FaqNotFound" in line for line in lines)
