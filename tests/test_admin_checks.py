"""资格核对 in the admin console (issue #13): the checks' list, editing a condition as a form
and as JSON (a new version and an audit line), a region's variant, restore, and problems shown
under their field. The live effect on a worker's check is in test_admin_check_live_effect.py."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from knowledge.models import AuditEntry, EligibilityCheck, EligibilityCondition
from tests.support.console import admin_csrf, console_settings, create_accounts, login, run


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    return console_settings(database_url)


def months_id(session_factory) -> int:
    with session_factory() as session:
        return session.execute(
            select(EligibilityCondition.id)
            .join(EligibilityCheck)
            .where(
                EligibilityCheck.key == "skill_upgrade_subsidy",
                EligibilityCondition.key == "insurance_months",
            )
        ).scalar_one()


def test_the_form_edits_a_condition_and_shows_its_versions(console, session_factory) -> None:
    condition_id = months_id(session_factory)
    path = f"/admin/checks/conditions/{condition_id}"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        listing = await (await client.get("/admin/checks")).text()
        assert "技能提升补贴" in listing and "职业技能等级申报" in listing
        assert f'href="{path}"' in listing and "大于等于 12" in listing
        page = await (await client.get(path)).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert "您累计交了多长时间的失业保险？" in page
        form = {
            "csrf_token": token,
            "question": "您累计交了多长时间的失业保险？",
            "hint": "比如“8个月”",
            "unmet_reason": "需要参加失业保险满6个月",
            "test_op": ">=",
            "test_value": "6",
            "region": "全国",
            "clause": "mohrss-2024-40.s3",
        }
        saved = await client.post(path, data=form, allow_redirects=False)
        assert saved.status == 302 and saved.headers["Location"] == path + "?saved=1"
        page = await (await client.get(path + "?saved=1")).text()
        assert "已保存" in page and "第2版" in page and "原始内容" in page
        bad = await client.post(path, data={**form, "test_value": "很多", "region": "火星"})
        assert bad.status == 422
        text = await bad.text()
        assert 'id="error-test"' in text and 'id="error-region"' in text
        assert 'value="很多"' in text  # what was typed comes back
        restored = await client.post(
            f"{path}/restore", data={"csrf_token": token, "version": "1"}, allow_redirects=False
        )
        assert restored.status == 302

    run(console, scenario)
    with session_factory() as session:
        row = session.get(EligibilityCondition, condition_id)
        assert row.version == 3 and row.test == {"op": ">=", "value": 12}
        actions = [
            a.action
            for a in session.execute(
                select(AuditEntry).where(AuditEntry.kind == "condition")
            ).scalars()
        ]
        assert actions == ["edit", "restore"]


def test_the_api_edits_adds_a_variant_and_restores(console, session_factory) -> None:
    condition_id = months_id(session_factory)
    base = f"/admin/api/conditions/{condition_id}"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        checks = (await (await client.get("/admin/api/checks")).json())["checks"]
        assert [c["key"] for c in checks][:2] == ["skill_upgrade_subsidy", "skill_level_next"]
        before = await (await client.get(base)).json()
        assert before["test"] == {"op": ">=", "value": 12} and before["version"] == 1
        edited = await client.post(base, json={"test": {"op": ">=", "value": 6}}, headers=headers)
        assert edited.status == 200
        body = await edited.json()
        assert body["version"] == 2 and [v["version"] for v in body["versions"]] == [2, 1]
        refused = await client.post(
            base, json={"test": {"op": "eval", "value": 1}}, headers=headers
        )
        assert refused.status == 422 and "test" in (await refused.json())["errors"]
        variant = await client.post(
            f"{base}/variants",
            json={"region": "广东", "test": {"op": ">=", "value": 3}},
            headers=headers,
        )
        assert variant.status == 201
        made = await variant.json()
        assert made["region"] == "广东" and made["test"] == {"op": ">=", "value": 3}
        assert made["id"] != condition_id and made["version"] == 1
        again = await client.post(f"{base}/variants", json={"region": "广东"}, headers=headers)
        assert again.status == 422
        national = await client.delete(base, headers=headers)
        assert national.status == 422  # only a variant can be removed
        removed = await client.delete(f"/admin/api/conditions/{made['id']}", headers=headers)
        assert removed.status == 200
        gone = await client.get(f"/admin/api/conditions/{made['id']}")
        assert gone.status == 404
        back = await client.post(f"{base}/restore", json={"version": 1}, headers=headers)
        assert back.status == 200 and (await back.json())["test"]["value"] == 12
        missing = await client.get("/admin/api/conditions/999999")
        assert missing.status == 404 and "没有这个核对条件" in (await missing.json())["error"]

    run(console, scenario)
