"""CSV and XLSX import/export: lossless round trips, formula safety, and the dry run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from knowledge import catalogue, sheet_files, spreadsheets
from knowledge.models import AuditEntry, ContentVersion, FaqEntry, PolicyDocument
from tests.support.console import console_settings

TODAY = dt.date(2026, 11, 21)
AWKWARD = [
    {
        "key": "awk-formula",
        "question": '=HYPERLINK("http://evil","点我")',
        "alternatives": ["+1 加班费怎么算", "-2 扣工资合法吗", "@所有人 补贴通知"],
        "answer": '他说："补贴, 按月发放"\n第二行，逗号,引号"和换行\r\n都要保留 👷‍♀️🎉',
        "tags": ["'=已转义"],
        "aspects": ["amount", "how_to_apply"],
    },
    {
        "key": "awk-traditional",
        "question": "職工宿舍怎麼申請？𠀀𪚥",
        "alternatives": ["'=SUM(A1:A9)", "宿舍申請需要什麼材料"],
        "answer": "請向工會提出申請。「繁體」與生僻字𠀀𪚥𫝀。\n-- 以上",
        "tags": [],
        "aspects": [],
    },
]


def add_awkward(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        document = session.execute(select(PolicyDocument).limit(1)).scalar_one()
        for item in AWKWARD:
            catalogue.save_entry(
                session=session,
                lexicon=lexicon,
                raw={
                    **item,
                    "topic": "dormitory",
                    "region": "全国",
                    "status": "published",
                    "document_id": document.id,
                },
                actor="boss",
                today=TODAY,
            )


def fresh_database(path: Path):
    url = f"sqlite:///{path}"
    upgrade(url)
    return make_session_factory(make_engine(url))


def cells(fmt: str, data: bytes) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    return [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]


def run_import(session_factory, lexicon, kind: str, fmt: str, data: bytes, confirm: bool):
    with session_factory() as session:
        plan = spreadsheets.plan_import(
            session=session, lexicon=lexicon, kind=kind, fmt=fmt, data=data, today=TODAY
        )
        if confirm and plan.ok:
            spreadsheets.apply_import(
                session=session, lexicon=lexicon, plan=plan, actor="importer", today=TODAY
            )
            session.commit()
        return plan


def export(session_factory, kind: str, fmt: str) -> bytes:
    with session_factory() as session:
        return spreadsheets.export_file(session=session, kind=kind, fmt=fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_is_lossless_and_formula_safe(fmt, session_factory, lexicon, tmp_path) -> None:
    add_awkward(session_factory, lexicon)
    documents = export(session_factory, "documents", fmt)
    entries = export(session_factory, "entries", fmt)
    for data in (documents, entries):
        for row in cells(fmt, data):
            for value in row:
                assert not str(value).startswith(sheet_files.FORMULA_STARTS), value
    other = fresh_database(tmp_path / "other.db")
    for kind, data in (("documents", documents), ("entries", entries)):
        plan = run_import(other, lexicon, kind, fmt, data, confirm=True)
        assert plan.ok, plan.problems[:5]
    # the same content, character for character
    with other() as session:
        for item in AWKWARD:
            entry = session.execute(
                select(FaqEntry).where(FaqEntry.key == item["key"])
            ).scalar_one()
            assert entry.question == item["question"]
            assert entry.alternatives == item["alternatives"]
            assert entry.answer == str(item["answer"]).replace("\r\n", "\n")
            assert entry.tags == item["tags"]
            assert entry.aspects == item["aspects"]
    assert cells(fmt, export(other, "entries", fmt)) == cells(fmt, entries)
    assert cells(fmt, export(other, "documents", fmt)) == cells(fmt, documents)
    # importing the unchanged file again changes nothing and makes no versions
    with other() as session:
        before = session.execute(select(func.count(ContentVersion.id))).scalar_one()
    again = run_import(other, lexicon, "entries", fmt, entries, confirm=True)
    assert again.unchanged == len(again.rows) and again.creates == again.updates == 0
    with other() as session:
        assert session.execute(select(func.count(ContentVersion.id))).scalar_one() == before


def bad_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    header = [name for name, _ in spreadsheets.COLUMNS["entries"]]
    sheet.append(header)
    good = ["ok-1", "draft", "dormitory", "全国", "否", "一个新问题", "", "答案", "", "", ""]
    sheet.append(good)
    sheet.append(
        ["bad-topic", "draft", "no-such-topic", "全国", "否", "问题二", "", "答案", "", "", ""]
    )
    sheet.append(["ok-1", "draft", "dormitory", "全国", "否", "问题三", "", "答案", "", "", ""])
    sheet.append(
        ["no-doc", "published", "dormitory", "火星", "也许", "问题四", "", "", "", "nope", ""]
    )
    sheet.append(["formula", "draft", "dormitory", "全国", "否", "问题五", "", "=1+1", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_dry_run_of_an_invalid_file_reports_every_row_and_changes_nothing(
    session_factory, lexicon
) -> None:
    with session_factory() as session:
        before = [
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (FaqEntry, ContentVersion, AuditEntry)
        ]
    plan = run_import(session_factory, lexicon, "entries", "xlsx", bad_workbook(), confirm=True)
    found = {(p.row, p.column) for p in plan.problems}
    assert found == {(3, "C"), (4, "A"), (5, "D"), (5, "E"), (5, "H"), (5, "J"), (6, "H")}
    messages = {(p.row, p.column): p.message for p in plan.problems}
    assert "no-such-topic" in messages[(3, "C")] and "第2行" in messages[(4, "A")]
    assert "公式" in messages[(6, "H")] and "nope" in messages[(5, "J")]
    with session_factory() as session:  # no entry, version or audit line was written
        assert [
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (FaqEntry, ContentVersion, AuditEntry)
        ] == before
    with pytest.raises(catalogue.ValidationFailed):
        with session_factory() as session:
            spreadsheets.apply_import(
                session=session, lexicon=lexicon, plan=plan, actor="x", today=TODAY
            )


def test_import_over_http_is_a_dry_run_and_refuses_files_with_errors(
    session_factory, database_url
) -> None:
    from changai.passwords import hash_password
    from helpdesk.accounts import create_user
    from tests.support.console import admin_csrf, login, run

    with session_factory.begin() as session:
        create_user(
            session=session,
            username="boss",
            display_name="主任",
            role="admin",
            password_hash=hash_password("a-long-password-1"),
        )
    settings = console_settings(database_url)
    good = (
        "\ufeffkey,status,topic,region,region_sensitive,question,alternatives,answer,tags,"
        "document,clause\r\nnew-1,draft,dormitory,深圳市,否,深圳宿舍补贴有吗,,请咨询当地工会,,,\r\n"
    ).encode()

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        headers = {"X-CSRF-Token": await admin_csrf(client)}
        url = "/admin/api/import?kind=entries&format=xlsx&confirm=1"
        refused = await client.post(url, data=bad_workbook(), headers=headers)
        assert refused.status == 422 and (await refused.json())["applied"] is None
        dry = await client.post(
            "/admin/api/import?kind=entries&format=csv", data=good, headers=headers
        )
        assert dry.status == 200 and (await dry.json())["creates"] == 1
        assert (await (await client.get("/admin/api/entries?q=深圳宿舍补贴")).json())[
            "entries"
        ] == []
        done = await client.post(
            "/admin/api/import?kind=entries&format=csv&confirm=1", data=good, headers=headers
        )
        assert (await done.json())["applied"] == 1
        [entry] = (await (await client.get("/admin/api/entries?q=深圳宿舍补贴")).json())["entries"]
        assert entry["region"] == "深圳" and entry["status"] == "draft"
        # the page's form: the whole knowledge base as one upload (larger than other requests)
        exported = await (await client.get("/admin/export?kind=entries&format=csv")).read()
        assert len(exported) > 32 * 1024
        form = aiohttp.FormData()
        form.add_field("csrf_token", headers["X-CSRF-Token"])
        form.add_field("kind", "entries")
        form.add_field("file", exported, filename="entries.csv")
        page = await client.post("/admin/import", data=form)
        assert page.status == 200 and "检查通过" in await page.text()

    run(settings, scenario)


def test_aspects_column_reads_labels_or_keys_and_may_be_left_out(session_factory, lexicon) -> None:
    add_awkward(session_factory, lexicon)
    rows = cells("csv", export(session_factory, "entries", "csv"))
    header = rows[0]
    assert header[-1] == "aspects"
    row = next(r for r in rows if r[0] == "awk-formula")
    assert row[-1] == "金额标准、申请办法"  # what an admin reads and types

    def sheet(columns: list[str], aspects: str | None) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        values = dict(zip(header, row, strict=True)) | {"answer": "改过的答案"}
        if aspects is not None:
            values["aspects"] = aspects
        writer.writerow([values[c] for c in columns])
        return buffer.getvalue().encode("utf-8-sig")

    def stored() -> list[str]:
        with session_factory() as session:
            entry = session.execute(
                select(FaqEntry).where(FaqEntry.key == "awk-formula")
            ).scalar_one()
            return list(entry.aspects)

    # an older sheet without the column keeps the stored aspects
    older = sheet([c for c in header if c != "aspects"], None)
    plan = run_import(session_factory, lexicon, "entries", "csv", older, confirm=True)
    assert plan.ok and plan.updates == 1 and stored() == ["amount", "how_to_apply"]
    # keys work as well as labels; an unknown aspect is reported in its column
    keys = sheet(header, "where, timing")
    assert run_import(session_factory, lexicon, "entries", "csv", keys, confirm=True).ok
    assert stored() == ["timing", "where"]
    bad = run_import(session_factory, lexicon, "entries", "csv", sheet(header, "补贴"), False)
    [problem] = bad.problems
    assert problem.field == "aspects" and problem.column == spreadsheets.column_letter(
        "entries", "aspects"
    )
    assert "没有这个方面：补贴" in problem.message
