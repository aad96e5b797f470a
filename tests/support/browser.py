"""Driving the worker's chat page in Debian's Chromium (Playwright): shared by tests and bench."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from playwright.sync_api import Dialog, Page, ViewportSize

CHROMIUM = "/usr/bin/chromium"


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


PHONE: ViewportSize = {"width": 375, "height": 740}


def record_dialogs(page: Page, messages: list[str]) -> None:
    """Dismiss every alert/confirm the page opens, keeping its message (a test expects none)."""

    def dismiss(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)


GREETING = "text=您好！我是产改通小助手"


def open_chat(context, stack):
    page = context.new_page()
    page.goto(stack.console_url + "/")
    page.wait_for_selector(GREETING, timeout=20000)
    return page


def conversation_id(page) -> str:
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.endsWith('.cid'))"
        ".map(k => localStorage.getItem(k))[0]"
    )


def push_staff(stack, cid: str, text: str, custom: dict | None = None) -> None:
    """What the staff desk does (Rasa's HTTP API, widget as output channel)."""
    query = urllib.parse.urlencode(
        {"token": stack.token, "output_channel": "widget", "execute_side_effects": "true"}
    )
    event = {
        "event": "bot",
        "text": text,
        "data": {"custom": custom or {"type": "staff", "staff_name": "王老师"}},
    }
    request = urllib.request.Request(
        f"{stack.rasa_url}/conversations/{cid}/tracker/events?{query}",
        data=json.dumps([event]).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def ask(page, text: str) -> None:
    page.fill("#cg-input", text)
    page.keyboard.press("Enter")
