"""导入文件 in Chromium: upload a small DOCX, fix a split, confirm, link an entry to a clause
and read it on 查看原文 (issue #12 part 2). The console alone, served on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from knowledge.models import PolicyDocument
from knowledge.repository import get_faq_by_key
from tests.support.console import PASSWORD, console_settings, create_accounts, serving
from tests.support.document_files import make_docx

pytestmark = [pytest.mark.browser]
ENTRY = "ts-amount-primary"  # a seed entry
LINES = [
    "某市职工宿舍补助办法",
    "第一条 为改善职工住宿条件，制定本办法。",
    "第二条 在本市就业的职工可申请宿舍补助。每人每月补助300元。",
    "第三条 本办法自2027年1月1日起施行。",
]


@pytest.fixture()
def console(database_url: str, session_factory) -> Iterator[str]:
    """The console on a free loopback port, in a thread with its own event loop."""
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    with serving(console_settings(database_url)) as url:
        yield url


def test_import_fix_confirm_link_and_read(console: str, context, session_factory) -> None:
    page = context.new_page()
    page.goto(console + "/login?next=/admin/documents/import")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(console + "/admin/documents/import")
    page.fill("#f-key", "dorm-aid-2027")
    page.fill("#f-title", "某市职工宿舍补助办法")
    page.fill("#f-doc_number", "某住建发〔2027〕1号")
    page.set_input_files(
        "#f-file",
        {
            "name": "宿舍补助.docx",
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": make_docx(LINES),
        },
    )
    with page.expect_navigation():
        page.click("button:has-text('预览拆分结果')")
    assert page.locator("tr.clause-row").count() == 4
    # fix: split 第二条 before its amount sentence, merge 第三条 into the row above
    page.fill(
        "textarea[aria-label='原文 3']",
        "第二条 在本市就业的职工可申请宿舍补助。\n---\n每人每月补助300元。",
    )
    page.check("input[aria-label='并入上一条 4']")
    with page.expect_navigation():
        page.click("button:has-text('按修改重新预览')")
    keys = page.locator("tr.clause-row").evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert keys == [
        "dorm-aid-2027.preamble",
        "dorm-aid-2027.a1",
        "dorm-aid-2027.a2",
        "dorm-aid-2027.a2-2",
    ]
    with page.expect_navigation():
        page.click("button:has-text('确认导入')")
    page.wait_for_selector("text=已导入 4 个条款")
    assert "/clauses" in page.url
    clause = page.locator("#clause-dorm-aid-2027\\.a2-2")
    assert "每人每月补助300元。" in clause.inner_text()
    assert "第三条 本办法自2027年1月1日起施行。" in clause.inner_text()
    clause.locator("input[name=entry_key]").fill(ENTRY)
    with page.expect_navigation():
        clause.locator("button:has-text('关联条目')").click()
    assert ENTRY in page.locator("#clause-dorm-aid-2027\\.a2-2").inner_text()
    with session_factory() as session:
        entry = get_faq_by_key(session=session, key=ENTRY)
        assert "dorm-aid-2027.a2-2" in [c.key for c in entry.clauses]
        document = session.execute(
            select(PolicyDocument).where(PolicyDocument.key == "dorm-aid-2027")
        ).scalar_one()
        assert document.doc_number == "某住建发〔2027〕1号" and len(document.clauses) == 4
