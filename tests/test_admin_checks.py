"""资格核对 in the admin console (issue #13): the checks' list, an edit as a form and as JSON
waiting for review beside the live condition, publishing (发布) and discarding (放弃) it, a
region's variant as a draft, restore, and problems shown under their field. The live effect
on a worker's check is in test_admin_check_live_effect.py."""

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


def live_test(session_factory, condition_id: int) -> dict:
    with session_factory() as session:
        return dict(session.get(EligibilityCondition, condition_id).test)


def review_table(page: str) -> dict[str, tuple[str, str, bool]]:
    """The review card's rows: label -> (live, proposed, marked as changed)."""
    card = page[page.index('id="review"') :]
    card = card[: card.index("</table>")]
    rows = re.findall(
        r"<tr( class=\"changed\"[^>]*)?>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", card, re.S
    )
    found = {}
    for changed, label, cells in rows:
        live, proposed = re.findall(r'<pre class="text">(.*?)</pre>', cells, re.S)
        found[label.split(" <span")[0].strip()] = (live, proposed, bool(changed))
    return found


def test_the_form_proposes_an_edit_shown_beside_the_live_one_then_published(
    console, session_factory
) -> None:
    condition_id = months_id(session_factory)
    path = f"/admin/checks/conditions/{condition_id}"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        listing = await (await client.get("/admin/checks")).text()
        assert "技能提升补贴" in listing and "职业技能等级申报" in listing
        assert f'href="{path}"' in listing and "大于等于 12" in listing
        assert "data-waiting" not in listing and "个条件的修改待审核" not in listing
        page = await (await client.get(path)).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert "您累计交了多长时间的失业保险？" in page and 'id="review"' not in page
        form = {
            "csrf_token": token,
            "question": "您累计交了多长时间的失业保险？",
            "hint": "比如“8个月”",
            "unmet_reason": "需要参加失业保险满6个月",
            "test_op": ">=",
            "test_value": "6",
            "region": "全国",
            "clause": "mohrss-2024-40.s3",
            "valid_from": "",
            "valid_until": "",
        }
        saved = await client.post(path, data=form, allow_redirects=False)
        assert saved.status == 302 and saved.headers["Location"] == path + "?proposed=1"
        page = await (await client.get(path + "?proposed=1")).text()
        assert "已提交，待审核" in page and "待审核的修改" in page
        table = review_table(page)
        assert table["标准值"] == ("12", "6", True)
        assert table["比较方式"] == ("大于等于", "大于等于", False)
        assert table["条件截止日期"] == ("不限", "不限", False)
        assert table["问题"][2] is False
        assert 'value="6"' in page  # the form edits what waits
        listing = await (await client.get("/admin/checks")).text()
        assert "有 1 个条件的修改待审核" in listing and "有修改待审核" in listing
        assert "大于等于 12" in listing  # the live rule, still
        bad = await client.post(path, data={**form, "test_value": "很多", "region": "火星"})
        assert bad.status == 422
        text = await bad.text()
        assert 'id="error-test"' in text and 'id="error-region"' in text
        assert 'value="很多"' in text  # what was typed comes back
        published = await client.post(
            f"{path}/approve", data={"csrf_token": token}, allow_redirects=False
        )
        assert published.status == 302
        assert published.headers["Location"] == path + "?published=1"
        page = await (await client.get(path + "?published=1")).text()
        assert "已发布" in page and "第2版" in page and "原始内容" in page
        assert 'id="review"' not in page
        again = await client.post(f"{path}/approve", data={"csrf_token": token})
        assert again.status == 422 and "没有待审核的修改" in await again.text()
        restored = await client.post(
            f"{path}/restore", data={"csrf_token": token, "version": "1"}, allow_redirects=False
        )
        assert restored.status == 302

    run(console, scenario)
    assert live_test(session_factory, condition_id) == {"op": ">=", "value": 12}
    with session_factory() as session:
        row = session.get(EligibilityCondition, condition_id)
        assert row.version == 3
        actions = [
            a.action
            for a in session.execute(
                select(AuditEntry).where(AuditEntry.kind == "condition")
            ).scalars()
        ]
        assert actions == ["propose", "publish", "restore"]


def test_the_form_discards_a_change_and_a_draft_variant(console, session_factory) -> None:
    condition_id = months_id(session_factory)
    path = f"/admin/checks/conditions/{condition_id}"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        page = await (await client.get(path)).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        added = await client.post(
            f"{path}/variant",
            data={"csrf_token": token, "region": "广东", "test_op": ">=", "test_value": "6"},
            allow_redirects=False,
        )
        assert added.status == 302
        draft = added.headers["Location"].split("?")[0]
        assert draft != path
        page = await (await client.get(draft)).text()
        assert "待审核的新地区版本（广东）" in page and "待审核，未生效" in page
        table = review_table(page)
        assert table["地区"] == ("全国", "广东", True) and table["标准值"] == ("12", "6", True)
        dropped = await client.post(
            f"{draft}/discard", data={"csrf_token": token}, allow_redirects=False
        )
        assert dropped.status == 302 and dropped.headers["Location"] == "/admin/checks"
        assert (await client.get(draft)).status == 404
        await client.post(path, data={"csrf_token": token, "test_op": ">=", "test_value": "9"})
        discarded = await client.post(
            f"{path}/discard", data={"csrf_token": token}, allow_redirects=False
        )
        assert discarded.headers["Location"] == path + "?discarded=1"
        page = await (await client.get(path + "?discarded=1")).text()
        assert "已放弃" in page and 'id="review"' not in page

    run(console, scenario)
    assert live_test(session_factory, condition_id) == {"op": ">=", "value": 12}
    with session_factory() as session:
        assert session.get(EligibilityCondition, condition_id).pending is None


def test_the_api_proposes_publishes_discards_adds_a_variant_and_restores(
    console, session_factory
) -> None:
    condition_id = months_id(session_factory)
    base = f"/admin/api/conditions/{condition_id}"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        checks = (await (await client.get("/admin/api/checks")).json())["checks"]
        assert [c["key"] for c in checks][:2] == ["skill_upgrade_subsidy", "skill_level_next"]
        before = await (await client.get(base)).json()
        assert before["test"] == {"op": ">=", "value": 12} and before["version"] == 1
        assert before["pending"] is None and before["status"] == "published"
        edited = await client.post(base, json={"test": {"op": ">=", "value": 6}}, headers=headers)
        assert edited.status == 200
        body = await edited.json()
        assert body["test"] == {"op": ">=", "value": 12} and body["version"] == 1  # live
        assert body["pending"]["proposed"]["test"] == {"op": ">=", "value": 6}
        assert [c["field"] for c in body["pending"]["changes"]] == ["test"]
        assert body["pending"]["by"] == "boss" and body["pending"]["variant"] is False
        refused = await client.post(
            base, json={"test": {"op": "eval", "value": 1}}, headers=headers
        )
        assert refused.status == 422 and "test" in (await refused.json())["errors"]
        published = await client.post(f"{base}/approve", headers=headers)
        assert published.status == 200
        body = await published.json()
        assert body["test"] == {"op": ">=", "value": 6} and body["version"] == 2
        assert body["pending"] is None and [v["version"] for v in body["versions"]] == [2, 1]
        nothing = await client.post(f"{base}/discard", headers=headers)
        assert nothing.status == 422 and "pending" in (await nothing.json())["errors"]
        variant = await client.post(
            f"{base}/variants",
            json={"region": "广东", "test": {"op": ">=", "value": 3}},
            headers=headers,
        )
        assert variant.status == 201
        made = await variant.json()
        assert made["region"] == "广东" and made["test"] == {"op": ">=", "value": 3}
        assert made["id"] != condition_id and made["status"] == "draft"
        assert made["pending"]["variant"] is True and made["versions"] == []
        again = await client.post(f"{base}/variants", json={"region": "广东"}, headers=headers)
        assert again.status == 422
        live = await client.post(f"/admin/api/conditions/{made['id']}/approve", headers=headers)
        assert live.status == 200 and (await live.json())["status"] == "published"
        national = await client.delete(base, headers=headers)
        assert national.status == 422  # only a variant can be removed
        removed = await client.delete(f"/admin/api/conditions/{made['id']}", headers=headers)
        assert removed.status == 200
        gone = await client.get(f"/admin/api/conditions/{made['id']}")
        assert gone.status == 404
        draft = await client.post(
            f"{base}/variants",
            json={"region": "湖北", "test": {"op": ">=", "value": 3}},
            headers=headers,
        )
        draft_id = (await draft.json())["id"]
        dropped = await client.post(f"/admin/api/conditions/{draft_id}/discard", headers=headers)
        assert dropped.status == 200 and (await dropped.json()) == {"deleted": True}
        back = await client.post(f"{base}/restore", json={"version": 1}, headers=headers)
        assert back.status == 200 and (await back.json())["test"]["value"] == 12
        missing = await client.get("/admin/api/conditions/999999")
        assert missing.status == 404 and "没有这个核对条件" in (await missing.json())["error"]

    run(console, scenario)
    with session_factory() as session:
        actions = [
            a.action
            for a in session.execute(
                select(AuditEntry).where(AuditEntry.kind == "condition").order_by(AuditEntry.id)
            ).scalars()
        ]
    assert actions == [
        "propose",
        "publish",
        "propose",
        "publish",
        "delete",
        "propose",
        "discard",
        "restore",
    ]
