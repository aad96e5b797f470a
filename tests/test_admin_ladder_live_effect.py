"""An admin's edit of the skill-grading ladder changes the next verdict once it is published,
with no retraining (issue #13). Real Rasa server, action server and console: the worker talks
through Rasa's REST channel, the admin through the console's JSON API.

A 四级 holder three years on, schooled at a 技校, is told 三级 opens in 2 more years (five
years after the certificate). The admin makes it three years: saved for review, the verdict
stays; after 发布 the next answer gets 三级 within 2 s.
"""

from __future__ import annotations

import asyncio
import copy
import time
import uuid

import aiohttp
import pytest

from tests.desk_client import log_in
from tests.support.eligibility import only
from tests.support.live_admin import LIVE_WITHIN_SECONDS, PASSWORD, TIMEOUT, ensure_admin

pytestmark = [pytest.mark.servers, pytest.mark.slow]
FIRST = "我有四级证，拿证以后又干了三年，能考高级工吗"
THREE_YEARS = "取得四级/中级工证书后累计从事本职业或相关职业工作满3年"


def to_last_question(stack) -> str:
    """A worker asked the last question (education); their id."""
    worker = uuid.uuid4().hex
    asked = only(stack.post(worker, FIRST))["custom"]
    assert asked["type"] == "eligibility_question" and asked["condition"] == "work_months"
    asked = only(stack.post(worker, "十年"))["custom"]
    assert asked["type"] == "eligibility_question" and asked["condition"] == "education", asked
    return worker


def verdict(stack, worker: str) -> dict:
    card = only(stack.post(worker, "技校毕业"))
    assert card["custom"]["type"] == "eligibility_verdict", card
    return {**card["custom"], "text": card["text"]}


def test_a_ladder_edit_reaches_the_next_verdict_once_published(stack) -> None:
    ensure_admin(stack)

    async def go() -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(timeout=TIMEOUT, cookie_jar=jar) as admin:
            headers = {"X-CSRF-Token": await log_in(stack.console_url, admin, "zhuren", PASSWORD)}
            checks = await (await admin.get(f"{stack.console_url}/admin/api/checks")).json()
            [grading] = [c for c in checks["checks"] if c["key"] == "skill_level_next"]
            base = f"{stack.console_url}/admin/api/checks/{grading['id']}/ladder"
            live = await (await admin.get(base)).json()
            try:
                waiting, published = await asyncio.to_thread(
                    lambda: (to_last_question(stack), to_last_question(stack))
                )
                # before: 三级 opens after five years with the certificate, two more to go
                before = await asyncio.to_thread(verdict, stack, to_last_question(stack))
                assert before["verdict"] == "not_eligible" and before["next_wait_months"] == 24
                # the admin makes it three years: saved for review, nothing changes
                paths = copy.deepcopy(
                    next(t["paths"] for t in live["ladder"]["targets"] if t["key"] == "level3")
                )
                paths[0][1] = {**paths[0][1], "value": 36, "text": THREE_YEARS}
                saved = await admin.post(
                    f"{base}/targets/level3", json={"paths": paths}, headers=headers
                )
                assert saved.status == 200, await saved.text()
                assert (await saved.json())["pending"]["changed"] == ["level3"]
                unchanged = await asyncio.to_thread(verdict, stack, waiting)
                assert unchanged["verdict"] == "not_eligible"
                assert unchanged["next_wait_months"] == 24
                assert "再干满2年，就可以申报三级/高级工。" in unchanged["text"]
                # published (发布): the next verdict follows within 2 s
                approved = await admin.post(f"{base}/approve", headers=headers)
                assert approved.status == 200, await approved.text()
                started = time.monotonic()
                after = await asyncio.to_thread(verdict, stack, published)
                assert time.monotonic() - started < LIVE_WITHIN_SECONDS
                assert after["verdict"] == "eligible" and after["level"] == "高级工"
                assert "结论：您现在可以申报三级/高级工。" in after["text"]
                rows = {c["key"]: c for c in after["conditions"]}
                assert rows["level3.level_months"]["question"] == THREE_YEARS
                assert rows["level3.level_months"]["met"] is True
            finally:
                # leave the shared stack's ladder as it was
                current = await (await admin.get(base)).json()
                if current["pending"] is not None:
                    await admin.post(f"{base}/discard", headers=headers)
                if current["ladder"] != live["ladder"]:
                    await admin.post(
                        f"{base}/restore", json={"version": live["version"]}, headers=headers
                    )

    asyncio.run(go())
