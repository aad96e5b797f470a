"""An HTML/script payload in a FAQ answer is shown as text: in the widget, on the desk and
in every admin view (list, review queue, editor, history diff). Real servers, Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk.models import Ticket
from knowledge import catalogue, repository
from knowledge import content_versions as versions
from knowledge.lexicon import load_lexicon
from tests.desk_client import ensure_account, in_database
from tests.support.browser import ask, conversation_id, open_chat, record_dialogs

pytestmark = [pytest.mark.servers, pytest.mark.browser]

PASSWORD = "admin-browser-123"
PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>"
ENTRY_KEY = "dm-affordable-rental-what"


def prepare(stack) -> tuple[int, int, int]:
    """An admin, the payload in a published answer (a new version) and in a draft."""
    lexicon = load_lexicon()

    ensure_account(stack, "browser-admin", "管理员", "admin", PASSWORD)

    def work(session):
        entry = repository.get_faq_by_key(session=session, key=ENTRY_KEY)
        first = entry.version
        raw = {**versions.snapshot(entry), "answer": f"{entry.answer}\n{PAYLOAD}"}
        catalogue.save_entry(
            session=session, lexicon=lexicon, raw=raw, actor="browser-admin", entry_id=entry.id
        )
        draft, _ = catalogue.save_entry(
            session=session,
            lexicon=lexicon,
            raw={
                "key": "payload-draft",
                "topic": "dormitory",
                "question": PAYLOAD,
                "answer": PAYLOAD,
                "region": "全国",
                "status": "draft",
            },
            actor="browser-admin",
        )
        return entry.id, first, draft.id

    return in_database(stack, work)


def cleanup(stack, entry_id: int, first: int, draft_id: int) -> None:
    lexicon = load_lexicon()

    def work(session):
        catalogue.restore(
            session=session,
            lexicon=lexicon,
            kind="faq",
            item_id=entry_id,
            version=first,
            actor="browser-admin",
        )
        catalogue.set_entry_status(
            session=session,
            lexicon=lexicon,
            entry_id=draft_id,
            status="archived",
            actor="browser-admin",
            today=dt.date.today(),
        )

    in_database(stack, work)


def no_markup(page, scope: str) -> None:
    assert page.locator(f"{scope} img, {scope} script").count() == 0, scope


def test_payload_is_text_in_the_widget_the_desk_and_the_admin(stack, browser) -> None:
    entry_id, first, draft_id = prepare(stack)
    dialogs: list[str] = []
    try:
        # the widget: the worker asks and gets the answer with the payload as text
        phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
        page = open_chat(phone, stack)
        record_dialogs(page, dialogs)
        page.wait_for_timeout(1200)  # the index refreshes within a second
        ask(page, "保障性租赁住房是什么")
        page.wait_for_selector(".cg-source", timeout=20000)
        bubble = page.locator(".cg-row:not(.cg-mine) .cg-bubble").last
        assert PAYLOAD in bubble.inner_text()
        no_markup(page, ".cg-log")
        cid = conversation_id(page)
        ask(page, "转人工")
        page.wait_for_timeout(3000)
        phone.close()
        ticket_id = in_database(
            stack,
            lambda s: s.query(Ticket).filter_by(conversation_id=cid).one().id,
        )
        # the desk and the admin, as the admin
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = desk.new_page()
        record_dialogs(page, dialogs)
        page.goto(stack.console_url + "/admin")
        assert "/login" in page.url
        page.fill("input[name=username]", "browser-admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin", timeout=10000)
        page.goto(f"{stack.console_url}/desk/tickets/{ticket_id}")
        page.wait_for_selector(f"#transcript >> text={PAYLOAD}", timeout=10000)
        no_markup(page, "#ticket")
        for path, scope in (
            ("/admin?q=payload-draft", "main"),
            ("/admin/review", "main"),
            (f"/admin/entries/{draft_id}", "main"),
            (f"/admin/entries/{entry_id}/history", "main"),
        ):
            page.goto(stack.console_url + path)
            page.wait_for_selector(f"{scope} >> text={PAYLOAD}", timeout=5000)
            no_markup(page, scope)
        # the editor keeps the payload as the field's value, not as markup
        page.goto(f"{stack.console_url}/admin/entries/{draft_id}")
        assert page.input_value("#f-answer") == PAYLOAD
        page.wait_for_timeout(300)
        desk.close()
        assert dialogs == []
    finally:
        cleanup(stack, entry_id, first, draft_id)
