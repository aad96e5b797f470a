"""Finding 13 in Chromium: the Content-Security-Policy breaks no console page (log-in, queue,
ticket, admin, worker chat): no violation is reported and each page's script runs."""

from __future__ import annotations

import pytest

from tests.support.console import PASSWORD, console_settings, create_accounts, serving
from tests.support.tickets import open_ticket


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
        open_ticket(session)
    return console_settings(database_url)


def test_no_page_violates_the_policy(console, browser) -> None:
    with serving(console) as url:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(url + "/login")
        page.fill("input[name=username]", "boss")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=已更新", timeout=10000)  # desk.js ran
        page.goto(url + "/desk/tickets/1")
        page.wait_for_selector("#case-card >> text=欠薪怎么办", timeout=10000)  # ticket.js ran
        page.goto(url + "/admin")
        page.goto(url + "/login")
        margin = page.eval_on_selector("form.card", "f => getComputedStyle(f).maxWidth")
        assert margin == "360px"  # the log-in card's style moved to console.css
        page.goto(url + "/")
        page.wait_for_selector("textarea.cg-input", timeout=10000)  # widget.js ran
        context.close()
    assert problems == []
