"""The skill-grading ladder in the admin console (issue #13): the levels with their paths and
clauses on the checks' page, a level's edit form (a value changed, a requirement and a path
added or removed) waiting for review beside the live ladder, 发布 / 放弃, bad input shown
under its row with nothing changed, restore, and the same as JSON. The live effect on a
worker's check is in test_admin_ladder_live_effect.py."""

from __future__ import annotations

import html
import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from knowledge.models import AuditEntry, EligibilityCheck
from tests.support.console import admin_csrf, console_settings, create_accounts, login, run


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
    return console_settings(database_url)


def ladder_id(session_factory) -> int:
    with session_factory() as session:
        return session.execute(
            select(EligibilityCheck.id).where(EligibilityCheck.key == "skill_level_next")
        ).scalar_one()


def stored(session_factory) -> EligibilityCheck:
    with session_factory() as session:
        return session.get(EligibilityCheck, ladder_id(session_factory))


def level4(ladder: dict) -> list:
    return next(t["paths"] for t in ladder["targets"] if t["key"] == "level4")


def form_of(page: str, target: str) -> dict[str, str]:
    """The fields of one level's form as the page fills them (selects: the selected option)."""
    start = page.index(f'id="target-{target}"')
    form = page[start : page.index("</form>", start)]
    fields = dict(re.findall(r'<input name="([^"]+)" value="([^"]*)"', form))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = chosen.group(1) if chosen else ""
    fields = {name: html.unescape(value) for name, value in fields.items()}
    fields["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return fields


def audit_actions(session_factory) -> list[str]:
    with session_factory() as session:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.kind == "ladder").order_by(AuditEntry.id)
        ).scalars()
        return [a.action for a in rows]


def test_the_form_edits_a_level_for_review_then_it_is_published_and_restored(
    console, session_factory
) -> None:
    check_id = ladder_id(session_factory)
    path = f"/admin/checks/{check_id}/ladder"
    live = level4(stored(session_factory).ladder)

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        listing = await (await client.get("/admin/checks")).text()
        assert "等级路径（第1版）" in listing and f'href="{path}"' in listing
        assert "路径1：持有五级/初级工证书；且取得五级/初级工证书后累计从事" in listing
        assert "国家职业技能标准" in listing and "data-ladder-waiting" not in listing
        page = await (await client.get(path)).text()
        assert 'id="review"' not in page and "依据：" in page
        assert "判断：level_months 大于等于 48个月（4年）" in page
        form = form_of(page, "level4")
        assert form["p0.r1.condition"] == "level_months" and form["p0.r1.value"] == "48"
        assert form["p0.r1.op"] == ">=" and form["p2.r0.value"].startswith("technical_school")
        # four years become three; the 6-year path goes; the new path (p3) gets a requirement
        form["p0.r1.value"] = "36"
        form["p0.r1.text"] = "取得五级/初级工证书后累计从事本职业或相关职业工作满3年"
        form["p1.remove"] = "1"
        form.update(
            {
                "p3.r0.condition": "apprentice",
                "p3.r0.op": "==",
                "p3.r0.value": "是",
                "p3.r0.text": "学徒期满",
            }
        )
        saved = await client.post(path + "/targets/level4", data=form, allow_redirects=False)
        assert saved.status == 302, await saved.text()
        assert saved.headers["Location"] == path + "?proposed=1#target-level4"
        page = await (await client.get(path + "?proposed=1")).text()
        assert "已提交，待审核" in page and "待审核的修改" in page
        review = page[page.index('id="review"') : page.index("</table>", page.index('id="review"'))]
        assert review.count('data-changed="1"') == 1 and "四级/中级工 <span" in review
        assert "满4年" in review and "满3年" in review and "路径3：学徒期满" in review
        listing = await (await client.get("/admin/checks")).text()
        assert "data-ladder-waiting" in listing and "审核等级路径" in listing
        # bad input: shown under its row, what was typed comes back, nothing changes
        bad = dict(form_of(page, "level4"), **{"p0.r1.value": "很多年"})
        refused = await client.post(path + "/targets/level4", data=bad)
        assert refused.status == 422
        text = await refused.text()
        assert "第1条路径第2项：月数请填0到600之间的整数" in text and 'value="很多年"' in text
        published = await client.post(
            path + "/approve", data={"csrf_token": form["csrf_token"]}, allow_redirects=False
        )
        assert published.headers["Location"] == path + "?published=1"
        page = await (await client.get(path + "?published=1")).text()
        assert "已发布" in page and 'id="review"' not in page and "原始内容" in page
        assert 'data-version="2"' in page
        again = await client.post(path + "/approve", data={"csrf_token": form["csrf_token"]})
        assert again.status == 422 and "没有待审核的修改" in await again.text()
        restored = await client.post(
            path + "/restore",
            data={"csrf_token": form["csrf_token"], "version": "1"},
            allow_redirects=False,
        )
        assert restored.status == 302 and restored.headers["Location"] == path + "?saved=1"

    run(console, scenario)
    row = stored(session_factory)
    assert row.ladder_version == 3 and level4(row.ladder) == live
    assert audit_actions(session_factory) == ["propose", "publish", "restore"]


def test_the_form_discards_and_an_unknown_level_is_not_found(console, session_factory) -> None:
    check_id = ladder_id(session_factory)
    path = f"/admin/checks/{check_id}/ladder"

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        form = form_of(await (await client.get(path)).text(), "level4")
        form["p0.r0.remove"] = "1"
        await client.post(path + "/targets/level4", data=form)
        discarded = await client.post(
            path + "/discard", data={"csrf_token": form["csrf_token"]}, allow_redirects=False
        )
        assert discarded.headers["Location"] == path + "?discarded=1"
        page = await (await client.get(path + "?discarded=1")).text()
        assert "已放弃待审核的修改" in page and 'id="review"' not in page
        missing = await client.post(path + "/targets/level9", data=form)
        assert missing.status == 404 and "没有这个等级路径" in await missing.text()
        assert (await client.get("/admin/checks/999999/ladder")).status == 404

    run(console, scenario)
    row = stored(session_factory)
    assert row.ladder_pending is None and row.ladder_version == 1
    assert audit_actions(session_factory) == ["propose", "discard"]


def test_the_api_proposes_publishes_discards_and_restores(console, session_factory) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        checks = (await (await client.get("/admin/api/checks")).json())["checks"]
        [grading] = [c for c in checks if c["key"] == "skill_level_next"]
        assert grading["ladder"] is True
        base = f"/admin/api/checks/{grading['id']}/ladder"
        before = await (await client.get(base)).json()
        assert before["version"] == 1 and before["pending"] is None and before["versions"] == []
        paths = level4(before["ladder"])
        paths[0][1] = {**paths[0][1], "value": 36}
        edited = await client.post(f"{base}/targets/level4", json={"paths": paths}, headers=headers)
        assert edited.status == 200
        body = await edited.json()
        assert level4(body["ladder"])[0][1]["value"] == 48  # live
        assert level4(body["pending"]["proposed"])[0][1]["value"] == 36
        assert body["pending"]["changed"] == ["level4"] and body["pending"]["by"] == "boss"
        bad = [[{**paths[0][1], "value": 601}]]
        refused = await client.post(f"{base}/targets/level4", json={"paths": bad}, headers=headers)
        assert refused.status == 422
        assert "月数请填0到600之间的整数" in (await refused.json())["errors"]["p0.r0"]
        published = await client.post(f"{base}/approve", headers=headers)
        body = await published.json()
        assert body["version"] == 2 and body["pending"] is None
        assert level4(body["ladder"])[0][1]["value"] == 36
        assert [v["version"] for v in body["versions"]] == [2, 1]
        nothing = await client.post(f"{base}/discard", headers=headers)
        assert nothing.status == 422 and "pending" in (await nothing.json())["errors"]
        await client.post(f"{base}/targets/level4", json={"paths": paths[1:]}, headers=headers)
        dropped = await client.post(f"{base}/discard", headers=headers)
        assert (await dropped.json())["pending"] is None
        back = await client.post(f"{base}/restore", json={"version": 1}, headers=headers)
        assert level4((await back.json())["ladder"])[0][1]["value"] == 48
        unknown = await client.post(f"{base}/restore", json={"version": "1"}, headers=headers)
        assert unknown.status == 400
        subsidy = next(c["id"] for c in checks if c["key"] == "skill_upgrade_subsidy")
        missing = await client.get(f"/admin/api/checks/{subsidy}/ladder")
        assert missing.status == 404 and "没有这个等级路径" in (await missing.json())["error"]

    run(console, scenario)
    assert audit_actions(session_factory) == ["propose", "publish", "propose", "discard", "restore"]
