"""Driving the worker's chat page in Debian's Chromium (Playwright): shared by tests and bench."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

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


PHONE = {"width": 375, "height": 740}


GREETING = "text=您好！我是产改通小助手"


def open_chat(context, stack):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(stack.console_url + "/")
    page.wait_for_selector(GREETING, timeout=20000)
    return page


def conversation_id(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.endsWith('.cid')).map(k => localStorage.getItem(k))[0]"
    )


def push_staff(stack, cid: str, text: str, custom: dict | None = None) -> None:  # type: ignore[no-untyped-def]
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


def ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#cg-input", text)
    page.keyboard.press("Enter")
