"""Admin routes: only admins, CSRF on every state change, the editor's API and pages.

The routes are read from the application's router, so a new admin route is
covered without editing this file.
"""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from changai.settings import Settings
from connectors.console.app import create_app
from knowledge.models import AuditEntry, ContentVersion, FaqEntry
from tests.support.console import admin_csrf, console_settings, create_accounts, login, run

PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>"
SAMPLE_PARAMS = {
    "entry_id": "1",
    "document_id": "1",
    "item_id": "1",
    "kind": "entries",
    "reply_id": "1",
    "condition_id": "1",
    "check_id": "2",  # skill_level_next: the check with a ladder
    "target_key": "level4",
}


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("li", "staff"), ("boss", "admin"))
    return console_settings(database_url)


def admin_routes(settings: Settings) -> list[tuple[str, str]]:
    """(method, sample path) of every /admin route the app serves."""
    app = create_app(settings)
    found = set()
    for route in app.router.routes():
        canonical = route.resource.canonical if route.resource is not None else ""
        if not canonical.startswith("/admin") or route.method == "HEAD":
            continue
        path = re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLE_PARAMS[m.group(1)], canonical)
        found.add((route.method, path))
    return sorted(found)


def test_routes_are_found(console) -> None:
    routes = admin_routes(console)
    assert ("GET", "/admin") in routes and ("POST", "/admin/api/entries/1") in routes
    assert len([r for r in routes if r[0] == "POST"]) >= 10


def test_anonymous_and_staff_are_refused_everywhere(console) -> None:
    routes = admin_routes(console)

    async def scenario(client: TestClient) -> None:
        for method, path in routes:
            response = await client.request(method, path, allow_redirects=False)
            if method == "GET" and "/api/" not in path:
                assert response.status == 302, path
                assert response.headers["Location"].startswith("/login")
            else:
                assert response.status == 401, (method, path)
        assert (await login(client, "li")).status == 302
        desk = await client.get("/desk")
        token = re.search(r'name="csrf-token" content="([^"]+)"', await desk.text()).group(1)
        assert "知识库管理" not in await desk.text()
        for method, path in routes:
            response = await client.request(
                method, path, headers={"X-CSRF-Token": token}, allow_redirects=False
            )
            assert response.status == 403, (method, path)

    run(console, scenario)


def written(session_factory) -> list[int]:
    """How many versions and audit lines exist (the seed loader's included)."""
    with session_factory() as session:
        return [
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (ContentVersion, AuditEntry)
        ]


def test_every_state_change_needs_csrf(console, session_factory) -> None:
    posts = [path for method, path in admin_routes(console) if method == "POST"]
    before = written(session_factory)

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        for path in posts:
            for headers in ({}, {"X-CSRF-Token": "forged-token"}):
                response = await client.post(
                    path,
                    json={"answer": "被篡改的答案", "status": "archived"},
                    headers=headers,
                    allow_redirects=False,
                )
                assert response.status == 403, (path, headers)
            form = await client.post(
                path, data={"csrf_token": "forged", "status": "archived"}, allow_redirects=False
            )
            assert form.status == 403, path

    run(console, scenario)
    assert written(session_factory) == before
    with session_factory() as session:
        assert session.get(FaqEntry, 1).status == "published"


def test_admin_reaches_every_page(console) -> None:
    gets = [path for method, path in admin_routes(console) if method == "GET"]

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        for path in gets:
            response = await client.get(path)
            assert response.status in {200, 400}, path  # the try-it API needs a question
        desk = await client.get("/desk")
        assert "知识库管理" in await desk.text()

    run(console, scenario)


def test_api_edit_versions_diff_restore_and_audit(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        entry = await (await client.get("/admin/api/entries/1")).json()
        old_answer = entry["answer"]
        edited = await client.post(
            "/admin/api/entries/1", json={"answer": "新的答案。"}, headers=headers
        )
        assert edited.status == 200
        assert (await edited.json())["version"] == entry["version"] + 1
        bad = await client.post(
            "/admin/api/entries/1",
            json={"answer": "长" * 1001, "region": "火星", "document_id": None},
            headers=headers,
        )
        assert bad.status == 422
        errors = (await bad.json())["errors"]
        assert set(errors) == {"answer", "region", "document_id"}
        assert "1000" in errors["answer"] and "火星" in errors["region"]
        history = await (await client.get("/admin/api/entries/1/versions")).json()
        assert [v["action"] for v in history["versions"]] == ["edit", "create"]  # v1: seed
        page = await client.get("/admin/entries/1/history")
        text = await page.text()
        assert "新的答案。" in text and "答案" in text
        restored = await client.post(
            "/admin/api/entries/1/restore", json={"version": 1}, headers=headers
        )
        assert restored.status == 200
        now = await (await client.get("/admin/api/entries/1")).json()
        assert now["answer"] == old_answer and now["version"] == entry["version"] + 2
        audit = await (await client.get("/admin/audit")).text()
        assert "恢复旧版本" in audit and "boss" in audit

    run(console, scenario)


def test_form_errors_are_shown_next_to_their_fields(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        token = await admin_csrf(client)
        response = await client.post(
            "/admin/entries/new",
            data={
                "csrf_token": token,
                "key": "new-entry",
                "status": "published",
                "question": "新问题",
                "answer": "答案",
                "region": "",
                "alternatives": "宿舍怎么申请",
            },
        )
        assert response.status == 422
        page = await response.text()
        for name in ("topic", "region", "document_id"):
            assert f'id="error-{name}"' in page, name
        assert "发布的条目必须注明地区" in page and "请选择话题" in page

    run(console, scenario)


def test_html_in_content_is_escaped_in_admin_pages(console, session_factory) -> None:
    with session_factory.begin() as session:
        entry = session.get(FaqEntry, 1)
        entry.answer = PAYLOAD
        entry.question = PAYLOAD
        entry.status = "draft"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        for path in ("/admin", "/admin/review", "/admin/entries/1"):
            text = await (await client.get(path)).text()
            assert "<script>alert" not in text and "<img src=x" not in text, path
            assert "&lt;script&gt;" in text, path

    run(console, scenario)


def test_aspects_survive_every_admin_edit_and_an_old_restore(console, session_factory) -> None:
    """回答的方面 is edited like 标签: the form shows it, and no save or restore drops it."""
    with session_factory.begin() as session:
        entry = session.execute(
            select(FaqEntry).where(FaqEntry.key == "ts-how-to-apply")
        ).scalar_one()
        entry_id, stored = entry.id, list(entry.aspects)
        # a version saved before entries had aspects (its snapshot has no such field)
        first = session.execute(
            select(ContentVersion).where(
                ContentVersion.kind == "faq", ContentVersion.item_id == entry_id
            )
        ).scalar_one()
        first.data = {k: v for k, v in first.data.items() if k != "aspects"}
    assert stored == ["how_to_apply", "timing", "materials", "where"]

    def aspects_now() -> list[str]:
        with session_factory() as session:
            return list(session.get(FaqEntry, entry_id).aspects)

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        page = await (await client.get(f"/admin/entries/{entry_id}")).text()
        fields = dict(
            re.findall(r'<input id="f-(\w+)" name="\w+" class="[^"]*" value="([^"]*)"', page)
        )
        assert fields["aspects"] == "申请办法、办理时间、所需材料、去哪里办"
        texts = dict(re.findall(r'name="(\w+)" rows="\d+" class="wide">([^<]*)</textarea>', page))
        form = {
            **fields,
            **texts,
            "answer": "先到参保地经办机构问清楚。",
            "status": "published",
            "topic": "training_subsidy",
            "region_sensitive": "1",
            "document_id": str(entry.document_id),
            "csrf_token": await admin_csrf(client),
        }
        saved = await client.post(f"/admin/entries/{entry_id}", data=form, allow_redirects=False)
        assert saved.status == 302
        assert aspects_now() == stored
        # the admin changes them: labels in, keys stored in the vocabulary's order
        changed = {**form, "aspects": "去哪里办、申请办法"}
        await client.post(f"/admin/entries/{entry_id}", data=changed, allow_redirects=False)
        assert aspects_now() == ["how_to_apply", "where"]
        archived = await client.post(
            f"/admin/entries/{entry_id}/status",
            data={"status": "archived", "csrf_token": await admin_csrf(client)},
            allow_redirects=False,
        )
        assert archived.status == 302 and aspects_now() == ["how_to_apply", "where"]
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        restored = await client.post(
            f"/admin/api/entries/{entry_id}/restore", json={"version": 1}, headers=headers
        )
        assert restored.status == 200
        assert aspects_now() == ["how_to_apply", "where"]  # the old snapshot had none to restore
        # a version that has aspects restores them, as it restores tags
        restored = await client.post(
            f"/admin/api/entries/{entry_id}/restore", json={"version": 2}, headers=headers
        )
        assert restored.status == 200 and aspects_now() == stored

    run(console, scenario)
