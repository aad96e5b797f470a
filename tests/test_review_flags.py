"""待复核: editing a clause, a document lapsed / replaced / past its end date flag the entries
resting on it, with audit lines; saving the entry again clears them (issue #12 part 2)."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from knowledge import catalogue, review_flags
from knowledge.models import AuditEntry, FaqEntry, ReviewFlag
from knowledge.repository import get_faq_by_key
from tests.support.console import admin_csrf, console_settings, create_accounts, login, run

TODAY = dt.date(2026, 11, 21)
DOC = "flag-doc"
TEXT_3 = "第三条 每人每年补贴1000元。"


def _document(session, lexicon, **changes) -> None:
    catalogue.put_document(
        session=session,
        lexicon=lexicon,
        key=DOC,
        changes={
            "title": "某市补贴办法",
            "region": "全国",
            "status": "active",
            "clauses": [
                {"key": f"{DOC}.a1", "number": "第一条", "text": "第一条 为了规范补贴。"},
                {"key": f"{DOC}.a3", "number": "第三条", "text": TEXT_3},
            ],
            **changes,
        },
        actor="boss",
    )


def _entries(session, lexicon) -> None:
    """flag-linked rests on 第三条; flag-other on 第一条; flag-unrelated on neither."""
    for key, clause in (("flag-linked", "a3"), ("flag-other", "a1"), ("flag-unrelated", None)):
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key=key,
            changes={
                "topic": "training_subsidy",
                "question": f"{key} 补贴多少钱",
                "answer": "每人每年1000元。",
                "region": "全国",
                "status": "draft",
                "clause_keys": [f"{DOC}.{clause}"] if clause else [],
            },
            actor="boss",
            today=TODAY,
        )


def _open(session) -> dict[str, list[str]]:
    """The open flags of this file's entries (the seed's entries on rules past their end
    date are flagged when the seed loads)."""
    flags: dict[str, list[str]] = {}
    for flag in review_flags.open_flags(session):
        if flag.entry.key.startswith("flag-"):
            flags.setdefault(flag.entry.key, []).append(flag.reason)
    return flags


def _setup(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        _document(session, lexicon)
        _entries(session, lexicon)


def test_editing_a_clause_flags_its_entries_until_they_are_saved(session_factory, lexicon) -> None:
    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        assert _open(session) == {}
        _document(
            session,
            lexicon,
            clauses=[
                {"key": f"{DOC}.a1", "number": "第一条", "text": "第一条 为了规范补贴。"},
                {"key": f"{DOC}.a3", "number": "第三条", "text": "第三条 每人每年补贴1500元。"},
            ],
        )
    with session_factory.begin() as session:
        assert _open(session) == {"flag-linked": ["所依据的条款 第三条（flag-doc.a3）已修改"]}
        entry = get_faq_by_key(session=session, key="flag-linked")
        flag_audit = session.execute(
            select(AuditEntry).where(AuditEntry.item_id == entry.id, AuditEntry.action == "flag")
        ).scalar_one()
        assert flag_audit.actor == "boss" and "第三条" in flag_audit.detail
        # the same edit saved again with no change flags nothing new
        _document(
            session,
            lexicon,
            clauses=[
                {"key": f"{DOC}.a1", "number": "第一条", "text": "第一条 为了规范补贴。"},
                {"key": f"{DOC}.a3", "number": "第三条", "text": "第三条 每人每年补贴1500元。"},
            ],
        )
        assert len(_open(session)["flag-linked"]) == 1
        # saving the entry unchanged (as `changai kb load` does) is no review
        catalogue.put_entry(
            session=session, lexicon=lexicon, key="flag-linked", changes={}, actor="seed"
        )
        assert len(_open(session)["flag-linked"]) == 1
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key="flag-linked",
            changes={"answer": "每人每年1500元。"},
            actor="editor",
            today=TODAY,
        )
    with session_factory() as session:
        assert _open(session) == {}
        linked_id = get_faq_by_key(session=session, key="flag-linked").id
        flag = session.execute(
            select(ReviewFlag).where(ReviewFlag.entry_id == linked_id)
        ).scalar_one()
        assert flag.cleared_by == "editor" and flag.cleared_at is not None
        assert session.execute(
            select(AuditEntry.actor).where(AuditEntry.action == "reviewed")
        ).scalars().all() == ["editor"]


def test_a_replaced_or_lapsed_document_flags_every_entry_resting_on_it(
    session_factory, lexicon
) -> None:
    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        catalogue.put_document(
            session=session,
            lexicon=lexicon,
            key="flag-newer",
            changes={"title": "某市补贴办法（2027年修订）", "region": "全国", "status": "active"},
            actor="boss",
        )
        _document(session, lexicon, legal_status="replaced", replaced_by="flag-newer")
    with session_factory() as session:
        flags = _open(session)
    assert set(flags) == {"flag-linked", "flag-other"}
    assert flags["flag-other"] == [
        "所依据的文件《某市补贴办法》已被替代（新文件《某市补贴办法（2027年修订）》）"
    ]


def test_a_past_end_date_flags_once(session_factory, lexicon) -> None:
    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        _document(session, lexicon, expires_on="2026-06-30")
        review_flags.flag_past_end_dates(session, dt.date(2026, 6, 30))
        assert not {"flag-linked", "flag-other"} & set(_open(session))  # ends that day
        review_flags.flag_past_end_dates(session, TODAY)
        assert {"flag-linked", "flag-other"} <= set(_open(session))
        assert review_flags.flag_past_end_dates(session, TODAY) == 0
    with session_factory.begin() as session:
        assert _open(session)["flag-other"] == ["所依据的文件《某市补贴办法》已于2026-06-30到期"]
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key="flag-other",
            changes={"answer": "该办法已到期，请咨询当地人社部门。"},
            actor="boss",
            today=TODAY,
        )
        assert review_flags.flag_past_end_dates(session, TODAY) == 0  # reviewed: stays clear
        assert "flag-other" not in _open(session) and "flag-linked" in _open(session)


def test_review_page_lists_the_flags(session_factory, database_url, lexicon) -> None:
    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
        _document(session, lexicon, legal_status="lapsed")
        assert session.execute(select(FaqEntry.id).where(FaqEntry.key == "flag-unrelated")).scalar()

    async def scenario(client: TestClient) -> str:
        await login(client, "boss")
        page = await (await client.get("/admin/review-flags")).text()
        with session_factory() as session:
            entry_id = get_faq_by_key(session=session, key="flag-other").id
        cleared = await client.post(
            f"/admin/review-flags/{entry_id}/clear",
            data={"csrf_token": await admin_csrf(client)},
            allow_redirects=False,
        )
        assert cleared.status == 302
        after = await (await client.get("/admin/review-flags")).text()
        assert "flag-other" not in after and "flag-linked" in after
        return page

    page = run(console_settings(database_url), scenario)
    assert page.count("已失效") == 2  # flag-linked and flag-other (seed entries may follow)
    assert "所依据的文件《某市补贴办法》已失效" in page and "flag-linked" in page
    assert "flag-unrelated" not in page  # it rests on nothing of the document
    with session_factory() as session:
        reviewed = session.execute(
            select(AuditEntry).where(AuditEntry.action == "reviewed")
        ).scalar_one()
        assert reviewed.actor == "boss" and "flag-other" in reviewed.detail


def _flagged_keys(session_factory) -> set[str]:
    with session_factory() as session:
        return set(_open(session))


def test_the_review_page_only_reads(session_factory, database_url, lexicon, monkeypatch) -> None:
    """Opening 待复核 writes nothing: a past end date is flagged by the console's sweep."""
    from connectors.console import end_date_sweep

    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        create_accounts(session, ("boss", "admin"))
        _document(session, lexicon, expires_on="2026-06-30")
    monkeypatch.setattr(end_date_sweep, "sweep_once", lambda sessions, today: 0)

    async def scenario(client: TestClient) -> str:
        await login(client, "boss")
        return await (await client.get("/admin/review-flags")).text()

    page = run(console_settings(database_url), scenario)
    assert "待复核" in page or "复核" in page
    assert not {"flag-linked", "flag-other"} & _flagged_keys(session_factory)


def test_the_console_flags_past_end_dates_when_it_starts(
    session_factory, database_url, lexicon
) -> None:
    import asyncio

    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        _document(session, lexicon, expires_on="2026-06-30")
    assert not {"flag-linked", "flag-other"} & _flagged_keys(session_factory)

    async def scenario(client: TestClient) -> set[str]:
        for _ in range(100):  # the sweep runs in the background at start: up to 5 s
            flagged = await asyncio.to_thread(_flagged_keys, session_factory)
            if {"flag-linked", "flag-other"} <= flagged:
                return flagged
            await asyncio.sleep(0.05)
        return flagged

    flagged = run(console_settings(database_url), scenario)
    assert {"flag-linked", "flag-other"} <= flagged and "flag-unrelated" not in flagged


def test_removing_a_clause_flags_its_entries_with_what_it_said(session_factory, lexicon) -> None:
    _setup(session_factory, lexicon)
    with session_factory.begin() as session:
        _document(
            session,
            lexicon,
            clauses=[{"key": f"{DOC}.a1", "number": "第一条", "text": "第一条 为了规范补贴。"}],
        )
    with session_factory() as session:
        flags = _open(session)
        assert flags["flag-linked"] == [f"所依据的条款 第三条（{DOC}.a3）已删除，原文：“{TEXT_3}”"]
        assert "flag-other" not in flags and "flag-unrelated" not in flags
        linked = get_faq_by_key(session=session, key="flag-linked")
        assert [c.key for c in linked.clauses] == []  # it rests on nothing until reviewed
        audit = session.execute(
            select(AuditEntry).where(AuditEntry.action == review_flags.FLAG_ACTION)
        ).scalars()
        assert any("flag-linked" in (a.detail or "") or "已删除" in (a.detail or "") for a in audit)
