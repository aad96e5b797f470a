"""Console log-in and authorisation: anonymous, roles, CSRF, cookies, failures, claims."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestClient

from changai.passwords import hash_password
from helpdesk.accounts import create_user
from tests.support.console import PASSWORD, console_settings, csrf_of, login, run
from tests.support.tickets import open_ticket

DESK_GETS = [
    "/desk",
    "/desk/api/queue",
    "/desk/tickets/1",
    "/desk/api/tickets/1",
    "/desk/api/canned",
]
DESK_POSTS = ["/desk/api/tickets/1/claim", "/desk/api/tickets/1/reveal-contact", "/logout"]
ADMIN_GETS = ["/admin/canned"]
ADMIN_POSTS = ["/admin/canned", "/admin/canned/1/delete"]


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_user(
            session=session,
            username="li",
            display_name="李芳",
            role="staff",
            password_hash=hash_password(PASSWORD),
        )
        create_user(
            session=session,
            username="boss",
            display_name="王主任",
            role="admin",
            password_hash=hash_password(PASSWORD),
        )
        open_ticket(
            session,
            conversation_id="c1",
            topic="training_subsidy",
            region="广东",
            question="<img src=x onerror=alert(1)>",
        )
    return console_settings(database_url)


def test_every_desk_and_admin_route_refuses_anonymous(console) -> None:
    async def scenario(client: TestClient) -> None:
        for path in DESK_GETS + ADMIN_GETS:
            response = await client.get(path, allow_redirects=False)
            assert response.status in {302, 401}, path
            if response.status == 302:
                assert response.headers["Location"].startswith("/login")
        for path in DESK_POSTS + ADMIN_POSTS:
            response = await client.post(path, allow_redirects=False)
            assert response.status == 401, path

    run(console, scenario)


def test_staff_cannot_reach_admin_routes_but_admin_can(console) -> None:
    async def scenario(client: TestClient) -> None:
        assert (await login(client, "li")).status == 302
        token = await csrf_of(client)
        for path in ADMIN_GETS:
            assert (await client.get(path)).status == 403
        for path in ADMIN_POSTS:
            response = await client.post(
                path, data={"csrf_token": token, "title": "x", "text": "y"}
            )
            assert response.status == 403
        client.session.cookie_jar.clear()
        assert (await login(client, "boss")).status == 302
        token = await csrf_of(client)
        page = await client.get("/admin/canned")
        assert page.status == 200
        added = await client.post(
            "/admin/canned",
            data={"csrf_token": token, "title": "问候", "text": "您好，我是工会工作人员。"},
        )
        assert added.status == 200 and "您好，我是工会工作人员。" in await added.text()

    run(console, scenario)


def test_forged_or_missing_csrf_is_refused(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        forged = {"X-CSRF-Token": "forged-token"}
        assert (await client.post("/desk/api/tickets/1/claim", headers=forged)).status == 403
        assert (await client.post("/desk/api/tickets/1/claim")).status == 403
        response = await client.post(
            "/admin/canned", data={"csrf_token": "forged", "title": "a", "text": "b"}
        )
        assert response.status == 403
        assert (await client.post("/logout", data={"csrf_token": "forged"})).status == 403
        token = await csrf_of(client)
        assert (
            await client.post("/desk/api/tickets/1/claim", headers={"X-CSRF-Token": token})
        ).status == 200

    run(console, scenario)


def test_login_form_itself_needs_its_csrf_token(console) -> None:
    async def scenario(client: TestClient) -> None:
        response = await client.post(
            "/login", data={"username": "li", "password": PASSWORD}, allow_redirects=False
        )
        assert response.status == 403

    run(console, scenario)


def test_failed_logins_get_one_message_and_are_rate_limited(console) -> None:
    async def scenario(client: TestClient) -> None:
        wrong_password = await login(client, "li", "wrong-password")
        unknown_user = await login(client, "nobody", "whatever-password")
        for response in (wrong_password, unknown_user):
            assert response.status == 401
            assert "用户名或密码错误" in await response.text()
        for _ in range(4):
            await login(client, "li", "wrong-password")
        blocked = await login(client, "li", PASSWORD)  # even the right password, for now
        assert blocked.status == 429 and "分钟后再试" in await blocked.text()

    run(console, scenario)


def test_session_cookie_is_httponly_and_samesite(console) -> None:
    async def scenario(client: TestClient) -> None:
        response = await login(client, "li")
        cookie = response.cookies["changai_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        token = await csrf_of(client)
        await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
        assert (await client.get("/desk/api/queue")).status == 401

    run(console, scenario)


def test_fifty_simultaneous_http_claims_have_one_winner(console, session_factory) -> None:
    with session_factory.begin() as session:
        for i in range(50):
            create_user(
                session=session,
                username=f"s{i}",
                display_name=f"同事{i}",
                role="staff",
                password_hash=hash_password(PASSWORD),
            )

    async def scenario(client: TestClient) -> None:
        base = str(client.make_url("/"))
        sessions: list[tuple[ClientSession, str]] = []
        for i in range(50):
            http = ClientSession(base_url=base.rstrip("/"), cookie_jar=CookieJar(unsafe=True))
            form = await http.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', await form.text()).group(1)
            await http.post(
                "/login", data={"username": f"s{i}", "password": PASSWORD, "csrf_token": token}
            )
            page = await http.get("/desk")
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', await page.text()).group(1)
            sessions.append((http, csrf))

        async def claim(http: ClientSession, csrf: str) -> tuple[int, dict]:
            async with http.post("/desk/api/tickets/1/claim", headers={"X-CSRF-Token": csrf}) as r:
                return r.status, await r.json()

        results = await asyncio.gather(*(claim(h, c) for h, c in sessions))
        for http, _ in sessions:
            await http.close()
        statuses = [status for status, _ in results]
        assert statuses.count(200) == 1 and statuses.count(409) == 49
        names = {body["claimed_by"] for status, body in results if status == 409}
        assert len(names) == 1

    run(console, scenario)


def test_worker_html_is_data_not_markup_in_the_desk_api(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "li")
        queue = await (await client.get("/desk/api/queue")).json()
        assert queue["tickets"][0]["question"] == "<img src=x onerror=alert(1)>"
        page = await client.get("/desk")
        assert "<img" not in await page.text()

    run(console, scenario)
