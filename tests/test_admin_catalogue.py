"""Admin edits: validation per field, versions and diffs, workflow, and what gets served."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk import tickets
from knowledge import catalogue, listing, repository, validity
from knowledge import content_versions as versions
from knowledge.live_index import knowledge_stamp
from knowledge.models import FaqEntry, PolicyDocument
from tests.support.tickets import open_ticket

TODAY = dt.date(2026, 11, 21)
QUESTION = "我考了中级工证书能领多少技能提升补贴"


def entry_by_key(session, key: str) -> FaqEntry:
    return repository.get_faq_by_key(session=session, key=key)


def save(session, lexicon, raw: dict, entry_id: int | None = None) -> FaqEntry:
    return catalogue.save_entry(
        session=session, lexicon=lexicon, raw=raw, actor="boss", entry_id=entry_id, today=TODAY
    )[0]


def test_published_entry_needs_topic_region_and_a_document_in_force(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        expired = PolicyDocument(
            key="old-rule", title="旧规定", region="全国", expires_on=dt.date(2025, 12, 31)
        )
        session.add(expired)
        session.flush()
        base = {"key": "x-1", "question": "新问题", "answer": "答案", "status": "published"}
        with pytest.raises(catalogue.ValidationFailed) as missing:
            save(session, lexicon, {**base, "region": ""})
        assert set(missing.value.errors) == {"topic", "region", "document_id"}
        with pytest.raises(catalogue.ValidationFailed) as old:
            save(
                session,
                lexicon,
                {**base, "topic": "dormitory", "region": "全国", "document_id": expired.id},
            )
        assert "已过期" in old.value.errors["document_id"]
        # a draft may lack a document; 全国 is a region; aliases become canonical names
        draft = save(
            session, lexicon, {**base, "status": "draft", "topic": "dormitory", "region": "广东省"}
        )
        assert draft.region == "广东" and draft.version == 1


def test_dates_length_duplicates_and_unknown_regions_are_reported_in_chinese(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        taken = entry_by_key(session, "dm-affordable-rental-what")
        with pytest.raises(catalogue.ValidationFailed) as failed:
            save(
                session,
                lexicon,
                {
                    "key": "x-2",
                    "topic": "dormitory",
                    "question": "另一个问题",
                    "answer": "长" * 1001,
                    "region": "火星",
                    "alternatives": [
                        "什麼是保租房"
                    ],  # Traditional form of another entry's phrasing
                },
            )
        errors = failed.value.errors
        assert "1000" in errors["answer"] and "火星" in errors["region"]
        assert taken.key in errors["alternatives"]
        with pytest.raises(catalogue.ValidationFailed) as dates:
            catalogue.save_document(
                session=session,
                lexicon=lexicon,
                raw={
                    "key": "d-1",
                    "title": "文件",
                    "effective_from": "2026-05-01",
                    "expires_on": "2026-01-01",
                    "url": "javascript:alert(1)",
                },
                actor="boss",
            )
        assert dates.value.errors["expires_on"] == "失效日期不能早于生效日期"
        assert "http" in dates.value.errors["url"]


def test_every_save_is_a_version_and_restore_makes_a_new_one(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        entry = entry_by_key(session, "ts-amount-intermediate")
        original = versions.snapshot(entry)
        raw = {**original, "answer": "第二版答案"}
        save(session, lexicon, raw, entry.id)
        save(session, lexicon, {**raw, "answer": "第三版答案", "tags": ["x"]}, entry.id)
        assert (
            save(session, lexicon, {**raw, "answer": "第三版答案", "tags": ["x"]}, entry.id).version
            == 3
        )
        rows = versions.history(session=session, kind="faq", item_id=entry.id)
        assert [(r.version, r.action) for r in rows] == [(3, "edit"), (2, "edit"), (1, "create")]
        assert [r.author for r in rows] == ["boss", "boss", "seed"]  # v1: the seed loader's
        changes = versions.diff(rows[2].data, rows[0].data)
        assert [c.field for c in changes] == ["answer", "tags"]
        assert changes[0].before == original["answer"] and changes[0].after == "第三版答案"
        restored = catalogue.restore(
            session=session,
            lexicon=lexicon,
            kind="faq",
            item_id=entry.id,
            version=1,
            actor="boss",
            today=TODAY,
        )
        assert restored.version == 4 and restored.answer == original["answer"]
        assert (
            versions.history(session=session, kind="faq", item_id=entry.id)[0].action == "restore"
        )
        actions = [a.action for a in listing.audit_log(session=session) if a.actor == "boss"]
        assert [a for a in actions if a != "reviewed"] == ["restore", "edit", "edit"]
        # the entry's rule has ended, so the seed load flagged it 待复核; the first edit cleared it
        assert actions.count("reviewed") == 1


def test_desk_drafts_land_in_the_review_queue_and_publishing_serves_them(
    session_factory, lexicon, service, clock
) -> None:
    with session_factory.begin() as session:
        ticket = open_ticket(
            session,
            conversation_id="c1",
            topic="dormitory",
            region="广东",
            question="厂里的夫妻房怎么申请",
        )
        ticket.status = "closed"
        session.flush()
        draft = tickets.faq_draft_from(
            session=session,
            ticket_id=ticket.id,
            answer="向宿舍管理处提交夫妻房申请。",
            topic="dormitory",
            author="li",
            is_admin=True,
        )
        assert [e.id for e in listing.review_queue(session=session)] == [draft.id]
        assert validity.serving_state(draft, TODAY) == (False, "草稿，待审核发布")
        document = (
            session.query(PolicyDocument).filter_by(key="affordable-rental-housing-2021").one()
        )
        draft_id = draft.id
        document_id = document.id
    assert all(h.entry.id != draft_id for h in service.index.search("夫妻房怎么申请").hits)
    with session_factory.begin() as session:
        with pytest.raises(catalogue.ValidationFailed) as refused:
            catalogue.set_entry_status(
                session=session,
                lexicon=lexicon,
                entry_id=draft_id,
                status="published",
                actor="boss",
                today=TODAY,
            )
        assert "政策文件" in refused.value.errors["document_id"]
    with session_factory.begin() as session:
        raw = {**versions.snapshot(session.get(FaqEntry, draft_id)), "document_id": document_id}
        published = save(session, lexicon, {**raw, "status": "published"}, draft_id)
        assert published.status == "published" and listing.review_queue(session=session) == []
        assert (
            versions.history(session=session, kind="faq", item_id=draft_id)[0].action == "publish"
        )
    clock.advance(1.5)
    assert service.index.search("夫妻房怎么申请", region="广东").best.entry.id == draft_id


def test_archiving_or_expiring_a_document_stops_its_entries(
    session_factory, lexicon, service, clock
) -> None:
    best = service.index.search(QUESTION, topic="training_subsidy").best
    assert best is not None and best.entry.key == "ts-amount-intermediate"
    document_id = best.entry.source.document_id
    with session_factory() as session:
        before = knowledge_stamp(session, TODAY)
    with session_factory.begin() as session:
        document = session.get(PolicyDocument, document_id)
        catalogue.save_document(
            session=session,
            lexicon=lexicon,
            raw={**versions.snapshot(document), "status": "archived"},
            actor="boss",
            document_id=document_id,
        )
        assert knowledge_stamp(session, TODAY) != before
        entry = entry_by_key(session, "ts-amount-intermediate")
        assert validity.serving_state(entry, TODAY) == (False, "政策文件已归档，暂停回答")
    clock.advance(1.5)
    hits = service.index.search(QUESTION, topic="training_subsidy").hits
    assert all(h.entry.source.document_id != document_id for h in hits)
    with session_factory.begin() as session:
        document = session.get(PolicyDocument, document_id)
        raw = {**versions.snapshot(document), "status": "active", "expires_on": "2026-11-20"}
        catalogue.save_document(
            session=session, lexicon=lexicon, raw=raw, actor="boss", document_id=document_id
        )
        assert (
            "已过期"
            in validity.serving_state(entry_by_key(session, "ts-amount-intermediate"), TODAY)[1]
        )
        soon = {**raw, "expires_on": "2026-12-15"}
        catalogue.save_document(
            session=session, lexicon=lexicon, raw=soon, actor="boss", document_id=document_id
        )
        assert validity.expires_soon(session.get(PolicyDocument, document_id), TODAY)
    clock.advance(1.5)
    assert (
        service.index.search(QUESTION, topic="training_subsidy").best.entry.key
        == "ts-amount-intermediate"
    )


def test_search_matches_traditional_text_and_filters(session_factory) -> None:
    with session_factory() as session:
        found = listing.search_entries(
            session=session, filters=listing.Filters(text="保障性租賃住房")
        )
        assert found and all(e.topic == "dormitory" for e in found)
        by_key = listing.search_entries(session=session, filters=listing.Filters(text="ts-amount"))
        assert {e.key for e in by_key} >= {"ts-amount-intermediate"}
        drafts = listing.search_entries(session=session, filters=listing.Filters(status="draft"))
        assert drafts == []


def test_documents_filter_by_text_region_and_status(session_factory) -> None:
    with session_factory() as session:
        anhui = {d.key: d for d in listing.search_documents(session=session, region="安徽")}
        assert set(anhui) == {"anhui-skill-subsidy-2025", "anhui-hardship-register-exit"}
        expired = anhui["anhui-skill-subsidy-2025"]
        assert validity.document_problem(expired, TODAY) == "已过期（有效期至 2025-12-31）"
        assert listing.search_documents(session=session, status="archived") == []
        by_number = listing.search_documents(session=session, text="人社部發〔2017〕40號")
        assert [d.key for d in by_number] == ["skill-upgrade-subsidy-2017"]


def test_aspects_are_validated_stored_as_keys_and_kept_by_writers_that_omit_them(
    session_factory, lexicon
) -> None:
    with session_factory.begin() as session:
        entry = entry_by_key(session, "ha-how-to-apply")
        raw = versions.snapshot(entry)
        with pytest.raises(catalogue.ValidationFailed) as failed:
            save(session, lexicon, {**raw, "aspects": "去哪里办、加班费"}, entry.id)
        assert set(failed.value.errors) == {"aspects"}
        assert "加班费" in failed.value.errors["aspects"] and "aspects" in str(failed.value)
        # labels or keys, any separator; stored as keys in the vocabulary's order
        saved = save(session, lexicon, {**raw, "aspects": "where，所需材料、次数"}, entry.id)
        assert saved.aspects == ["materials", "frequency", "where"]
    with session_factory.begin() as session:
        entry = entry_by_key(session, "ha-how-to-apply")
        raw = {k: v for k, v in versions.snapshot(entry).items() if k != "aspects"}
        # a writer that does not know the field (an old snapshot, a partial update)
        kept = save(session, lexicon, {**raw, "answer": "先找单位工会。"}, entry.id)
        assert kept.aspects == ["materials", "frequency", "where"]
        cleared = save(session, lexicon, {**raw, "aspects": ""}, entry.id)
        assert cleared.aspects == []
