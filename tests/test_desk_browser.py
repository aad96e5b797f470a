"""The staff desk in a real browser: log-in, a live queue, worker HTML shown as text."""

from __future__ import annotations

import pytest

from helpdesk import tickets
from tests.desk_client import ensure_account, in_database
from tests.support.browser import record_dialogs

pytestmark = [pytest.mark.servers, pytest.mark.browser]

PASSWORD = "desk-password-123"
PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def staff_user(stack) -> None:
    ensure_account(stack, "fang", "李芳", "staff", PASSWORD)


def new_ticket(stack, question: str) -> int:
    return in_database(
        stack,
        lambda s: tickets.create_ticket(
            session=s,
            conversation_id="desk-browser",
            reason="request_human",
            topic="dormitory",
            region="广东",
            question=question,
            case_card={"question": question, "transcript": [{"role": "worker", "text": question}]},
        ).id,
    )


def test_desk_login_live_queue_and_html_as_text(stack, browser) -> None:
    staff_user(stack)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    dialogs: list[str] = []
    record_dialogs(page, dialogs)
    page.goto(stack.console_url + "/desk")
    assert "/login" in page.url
    page.fill("input[name=username]", "fang")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    page.wait_for_selector("text=用户名或密码错误")
    page.fill("input[name=username]", "fang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=已更新", timeout=10000)
    ticket = new_ticket(stack, PAYLOAD)  # arrives while the page is open
    row = page.wait_for_selector(f"tr[data-ticket='{ticket}']", timeout=5000)
    assert PAYLOAD in row.inner_text()
    assert page.locator("#queue img, #queue script").count() == 0
    row.query_selector("button").click()
    page.wait_for_url(f"**/desk/tickets/{ticket}", timeout=5000)
    page.wait_for_selector(f"#case-card >> text={PAYLOAD}", timeout=5000)
    page.wait_for_selector("#case-card >> text=职工宿舍 / 广东", timeout=5000)
    assert page.locator("#ticket img, #ticket script").count() == 0
    assert dialogs == []
    context.close()


def test_the_contact_is_masked_until_revealed_and_the_reveal_is_logged(stack, browser) -> None:
    from helpdesk import contacts

    staff_user(stack)

    def work(session):
        ticket = tickets.create_ticket(
            session=session,
            conversation_id="desk-contact",
            reason="out_of_scope",
            topic=None,
            region=None,
            question="欠薪怎么办",
            case_card={},
        )
        contacts.store_contact(session=session, conversation_id="desk-contact", phone="13812345678")
        return ticket.id

    ticket = in_database(stack, work)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(stack.console_url + f"/login?next=/desk/tickets/{ticket}")
    page.fill("input[name=username]", "fang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#contact-number >> text=138****5678", timeout=10000)
    assert "13812345678" not in page.content()
    page.wait_for_selector("#log >> text=留下号码", timeout=5000)
    assert page.locator("#controls").is_hidden()
    page.click("#claim")  # claimed from the ticket page itself
    page.wait_for_selector("#controls", state="visible", timeout=10000)
    page.wait_for_selector("#log >> text=fang · 接手", timeout=5000)
    assert page.locator("#claim-box").is_hidden()
    page.click("#reveal-contact")
    page.wait_for_selector("#contact-number >> text=13812345678", timeout=5000)
    page.wait_for_selector("#log >> text=fang · 查看号码", timeout=5000)
    context.close()
