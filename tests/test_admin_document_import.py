"""导入文件 over HTTP: upload → preview → fix a split → confirm → 查看原文; bad input is a
Chinese message on the form and stores nothing (issue #12 part 2)."""

from __future__ import annotations

import html
import re

import aiohttp
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from knowledge.document_text import SCANNED_PDF
from knowledge.models import AuditEntry, PolicyClause, PolicyDocument
from tests.support.console import admin_csrf, console_settings, create_accounts, login, run
from tests.support.document_files import (
    DOCUMENT_FIELDS,
    articles_text,
    make_docx,
    make_pdf,
    make_zip_bomb,
)

FIELDS = DOCUMENT_FIELDS


def _upload(token: str, filename: str, data: bytes, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    for name, value in {**FIELDS, **fields}.items():
        form.add_field(name, value)
    form.add_field("file", data, filename=filename)
    return form


def _preview_form(page: str) -> dict[str, str]:
    """The preview form's fields as the browser would send them (checkboxes unticked)."""
    form: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        form[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        form[name] = html.unescape(value)
    return {k: v for k, v in form.items() if not k.startswith("merge_")}


def _counts(session_factory) -> tuple[int, int, int]:
    with session_factory() as session:
        return (
            session.execute(select(func.count(PolicyDocument.id))).scalar_one(),
            session.execute(select(func.count(PolicyClause.id))).scalar_one(),
            session.execute(select(func.count(AuditEntry.id))).scalar_one(),
        )


def test_upload_preview_fix_confirm_and_view(session_factory, database_url) -> None:
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    lines = articles_text(4)
    lines[2] += "\n"  # 第一条
    data = make_docx([*lines[:3], "补充说明：本条所称职工包括劳务派遣人员。", *lines[3:]])

    async def scenario(client: TestClient) -> str:
        await login(client, "boss")
        token = await admin_csrf(client)
        page = await client.post("/admin/documents/import", data=_upload(token, "a.docx", data))
        text = await page.text()
        assert page.status == 200, text
        assert "共 5 个条款" in text and "city-skill-2026.a4" in text
        form = _preview_form(text)
        assert form["number_1"] == "第一条" and "补充说明" in form["text_1"]
        # fix: split 第一条 at its supplementary line, merge 第三条 into 第二条
        form["text_1"] = form["text_1"].replace("补充说明", "---\n补充说明")
        form["merge_3"] = "1"
        form["action"] = "refresh"
        refreshed = await client.post("/admin/documents/import/confirm", data=form)
        text = await refreshed.text()
        assert refreshed.status == 200 and "共 5 个条款" in text
        assert "city-skill-2026.a1-2" in text and "city-skill-2026.a3" not in text
        form = _preview_form(text)
        form["action"] = "confirm"
        done = await client.post(
            "/admin/documents/import/confirm", data=form, allow_redirects=False
        )
        assert done.status == 302, await done.text()
        view = await client.get(done.headers["Location"])
        return await view.text()

    view = run(console_settings(database_url), scenario)
    assert "已导入 5 个条款" in view and "补充说明：本条所称职工包括劳务派遣人员。" in view
    with session_factory() as session:
        document = session.execute(
            select(PolicyDocument).where(PolicyDocument.key == FIELDS["key"])
        ).scalar_one()
        assert [c.key for c in document.clauses] == [
            "city-skill-2026.preamble",
            "city-skill-2026.a1",
            "city-skill-2026.a1-2",
            "city-skill-2026.a2",
            "city-skill-2026.a4",
        ]
        assert "第三条" in document.clauses[3].text
        audit = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail).where(
                AuditEntry.item_id == document.id, AuditEntry.kind == "document"
            )
        ).all()
        assert {a for a, _, _ in audit} == {"create", "import"}
        assert all(actor == "boss" for _, actor, _ in audit)
        assert any("来自a.docx" in detail for _, _, detail in audit)


def test_bad_uploads_show_a_chinese_reason_and_store_nothing(session_factory, database_url) -> None:
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    before = _counts(session_factory)
    cases = [
        ("scan.pdf", make_pdf([]), SCANNED_PDF),
        ("empty.txt", b"", "文件是空的"),
        ("bomb.docx", make_zip_bomb(), "压缩炸弹"),
        ("plain.txt", "只有一段话，没有编号。".encode(), "没有找到可识别的条款编号"),
        ("x.png", b"\x89PNG", "只支持 TXT、HTML、DOCX 和 PDF"),
    ]

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        token = await admin_csrf(client)
        for name, data, message in cases:
            page = await client.post("/admin/documents/import", data=_upload(token, name, data))
            text = await page.text()
            assert page.status == 422 and message in text and "未保存任何内容" in text, name
        taken = await client.post(
            "/admin/documents/import",
            data=_upload(token, "a.txt", "第一条 甲".encode(), key="mohrss-2024-40"),
        )
        assert taken.status == 422 and "已被另一份文件使用" in await taken.text()
        # a confirm whose clause breaks a rule comes back on the form; nothing stored
        form = {
            "csrf_token": token,
            **FIELDS,
            "count": "1",
            "number_0": "第一条",
            "text_0": "x" * 6000,
            "action": "confirm",
        }
        refused = await client.post("/admin/documents/import/confirm", data=form)
        text = await refused.text()
        assert refused.status == 422 and "原文最多5000字" in text
        # last: the server answers before reading the 50 MB body, then drops the connection
        huge = await client.post(
            "/admin/documents/import",
            data=_upload(token, "big.pdf", b"%PDF" + b"0" * (50 * 1024 * 1024)),
        )
        assert huge.status == 413 and "文件太大（最多 10 MB）" in await huge.text()

    run(console_settings(database_url), scenario)
    assert _counts(session_factory) == before


def test_pasted_text_previews_without_storing(session_factory, database_url) -> None:
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    before = _counts(session_factory)

    async def scenario(client: TestClient) -> str:
        await login(client, "boss")
        token = await admin_csrf(client)
        form = aiohttp.FormData()
        form.add_field("csrf_token", token)
        for name, value in FIELDS.items():
            form.add_field(name, value)
        form.add_field("text", "一、总体要求\n（一）第一项\n二、保障措施")
        page = await client.post("/admin/documents/import", data=form)
        assert page.status == 200
        return await page.text()

    text = run(console_settings(database_url), scenario)
    assert "来自粘贴文本" in text and "city-skill-2026.s1-1" in text
    assert _counts(session_factory) == before
