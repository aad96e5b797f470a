"""Publishing, restoring and archiving in the admin change the assistant's answer at once.

Real Rasa server, action server and console; the worker asks through Rasa's
REST channel, the admin works through the console's admin API.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import aiohttp
import pytest

from tests.desk_client import ensure_account, log_in
from tests.support.questions import ACCEPTANCE_QUESTION

pytestmark = [pytest.mark.servers, pytest.mark.slow]
PASSWORD = "admin-password-123"
LIVE_WITHIN_SECONDS = 2.0
TIMEOUT = aiohttp.ClientTimeout(total=60)


def ensure_admin(stack) -> None:
    ensure_account(stack, "zhuren", "王主任", "admin", PASSWORD)


def ask(stack) -> dict:
    [message] = stack.post(uuid.uuid4().hex, ACCEPTANCE_QUESTION)
    return message


def answer_within(stack, predicate, seconds: float) -> dict:
    """Ask until ``predicate(message)`` holds; fail if that takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        message = ask(stack)
        if predicate(message):
            return message
        assert time.monotonic() < deadline, f"not live within {seconds}s: {message}"
        time.sleep(0.1)


def test_edit_restore_and_archive_reach_the_assistant_at_once(stack) -> None:
    ensure_admin(stack)
    new_text = f"（已更新 {uuid.uuid4().hex[:6]}）中级工证书的技能提升补贴标准以当地最新公布为准。"

    async def go() -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as admin:
            headers = {"X-CSRF-Token": await log_in(stack.console_url, admin, "zhuren", PASSWORD)}
            base = f"{stack.console_url}/admin/api/entries"
            # both processes re-read the knowledge after the refresh interval, so any edit an
            # earlier test made on this shared stack is in both indexes before comparing scores
            await asyncio.sleep(1.2)
            # 1. ask, and note the answer
            first = await asyncio.to_thread(ask, stack)
            faq_id = first["custom"]["faq_id"]
            entry = await (await admin.get(f"{base}/{faq_id}")).json()
            assert entry["answer"] in first["text"] and entry["status"] == "published"
            # 试一试 chooses the same entry with the same score as the real answer
            tried = await (
                await admin.get(
                    f"{stack.console_url}/admin/api/try", params={"q": ACCEPTANCE_QUESTION}
                )
            ).json()
            assert tried["notice"] == "" and tried["chosen"]["id"] == faq_id
            assert tried["chosen"]["score"] == first["custom"]["score"]
            assert tried["text"] == first["text"]
            oldest = entry["version"]  # the text before this test's edit
            try:
                # 2. edit and publish
                saved = await admin.post(
                    f"{base}/{faq_id}",
                    json={"answer": new_text, "status": "published"},
                    headers=headers,
                )
                assert saved.status == 200, await saved.text()
                # 3. the next answer is the new text within 2 s
                edited = await asyncio.to_thread(
                    answer_within, stack, lambda m: new_text in m["text"], LIVE_WITHIN_SECONDS
                )
                assert edited["custom"]["faq_version"] == entry["version"] + 1
                # 4. restore the old version: the old text returns
                versions = await (await admin.get(f"{base}/{faq_id}/versions")).json()
                assert [v["version"] for v in versions["versions"]] == [oldest + 1, oldest]
                restored = await admin.post(
                    f"{base}/{faq_id}/restore", json={"version": oldest}, headers=headers
                )
                assert restored.status == 200, await restored.text()
                back = await asyncio.to_thread(
                    answer_within,
                    stack,
                    lambda m: entry["answer"] in m["text"],
                    LIVE_WITHIN_SECONDS,
                )
                assert back["text"] == first["text"]
                # 5. archive: the answer falls back to another entry or escalates
                archived = await admin.post(
                    f"{base}/{faq_id}", json={"status": "archived"}, headers=headers
                )
                assert archived.status == 200, await archived.text()
                after = await asyncio.to_thread(
                    answer_within,
                    stack,
                    lambda m: m["custom"].get("faq_id") != faq_id,
                    LIVE_WITHIN_SECONDS,
                )
                assert entry["answer"] not in after["text"]
                assert after["custom"]["type"] != "answer" or after["custom"]["faq_id"] != faq_id
            finally:
                # leave the shared stack's knowledge as it was
                await admin.post(
                    f"{base}/{faq_id}/restore", json={"version": oldest}, headers=headers
                )
        await asyncio.to_thread(
            answer_within, stack, lambda m: m["custom"].get("faq_id") == faq_id, 5.0
        )

    asyncio.run(go())
