"""Documents hold their clauses; entries rest on clauses; answers cite them (#12)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from changai.cli import main
from knowledge import catalogue
from knowledge import content_versions as versions
from knowledge.answering import find_answer
from knowledge.audit import (
    figures,
    load_exceptions,
    run_audit,
    unsupported_figures,
)
from knowledge.chinese_numbers import chinese_number
from knowledge.indexed_entries import ClauseInfo, SourceInfo
from knowledge.live_index import servable_entries
from knowledge.models import AuditEntry, FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.replies import clause_number, source_line
from knowledge.repository import get_clause_by_key, get_document_by_key, get_faq_by_key
from knowledge.seed_loader import load_seed, read_entry_clauses

TODAY = dt.date(2026, 11, 21)
AMOUNT_ENTRY = "ts-amount-primary"  # rests on 人社部发〔2024〕40号 三、
AMOUNT_CLAUSE = "mohrss-2024-40.s3"


def put_doc(session, lexicon, key, **changes):
    return catalogue.put_document(
        session=session, lexicon=lexicon, key=key, changes=changes, actor="admin"
    )


def test_seed_documents_carry_clauses_and_entries_link_them(session_factory) -> None:
    with session_factory() as session:
        document = get_document_by_key(session=session, key="mohrss-2024-40")
        assert document.legal_status == "time_limited"
        assert document.in_force_until == dt.date(2024, 12, 31)
        assert document.replaced_by.key == "mohrss-2025-18"
        assert [c.number for c in document.clauses] == ["三、"]
        assert "不超过1000元" in document.clauses[0].text
        rental = get_document_by_key(session=session, key="public-rental-housing-measures")
        numbers = [c.number for c in rental.clauses]
        assert numbers[:2] == ["第三条", "第七条"] and "第二十七条" in numbers
        assert rental.source_kind == "mirror" and rental.official_title == "公共租赁住房管理办法"
        links = read_entry_clauses()
        for entry_key, clause_keys in links.items():
            entry = get_faq_by_key(session=session, key=entry_key)
            assert [c.key for c in entry.clauses] == clause_keys


def test_seed_load_is_idempotent_for_clauses_and_links(session_factory) -> None:
    with session_factory() as session:
        before = session.execute(select(func.count(PolicyClause.id))).scalar_one()
        links = session.execute(select(func.count()).select_from(FaqEntryClause)).scalar_one()
    with session_factory.begin() as session:
        report = load_seed(session=session)
    assert report.documents_changed == report.entries_changed == 0
    assert report.links_seen == len(read_entry_clauses()) > 0
    with session_factory() as session:
        assert session.execute(select(func.count(PolicyClause.id))).scalar_one() == before
        assert (
            session.execute(select(func.count()).select_from(FaqEntryClause)).scalar_one() == links
        )


def test_clause_edit_is_a_version_with_an_audit_line(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        document = get_document_by_key(session=session, key="public-rental-housing-measures")
        version = document.version
        clauses = versions.snapshot(document)["clauses"]
        clauses[1]["text"] += "（核对）"
        _doc, changed = put_doc(
            session, lexicon, document.key, clauses=clauses, checked_on="2026-12-01"
        )
        assert changed and document.version == version + 1
        assert document.checked_on == dt.date(2026, 12, 1)
        assert document.clauses[1].text.endswith("（核对）")
        # the clause keeps its id: entries stay linked
        entry = get_faq_by_key(session=session, key="dm-public-rental-who")
        assert entry.clauses[1].text.endswith("（核对）")
        last = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.kind == "document")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert "条款原文" in last.detail and "核对日期" in last.detail
        # the entry resting on the edited clause is flagged for review (待复核)
        flag = session.execute(
            select(AuditEntry).where(AuditEntry.action == "flag", AuditEntry.item_id == entry.id)
        ).scalar_one()
        assert "第七条" in flag.detail
        # saving without the clause list (an admin form that does not show it) keeps them
        _doc, changed = put_doc(session, lexicon, document.key, title=document.title)
        assert not changed and len(document.clauses) == len(clauses)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"legal_status": "gone"}, "legal_status", "效力状态"),
        ({"legal_status": "time_limited", "in_force_until": None}, "in_force_until", "执行"),
        ({"legal_status": "replaced", "replaced_by": None}, "replaced_by_id", "被哪份文件"),
        ({"replaced_by": "no-such-doc"}, "replaced_by_id", "no-such-doc"),
        ({"source_kind": "mirror", "official_title": ""}, "official_title", "官方标题"),
        ({"clauses": [{"key": "x.1", "number": "第一条", "text": ""}]}, "clauses", "没有原文"),
        (
            {"clauses": [{"key": "x.1", "text": "甲"}, {"key": "x.1", "text": "乙"}]},
            "clauses",
            "重复",
        ),
        ({"clauses": [{"key": AMOUNT_CLAUSE, "text": "甲"}]}, "clauses", "另一份文件"),
    ],
)
def test_document_validation(session_factory, lexicon, changes, field, message) -> None:
    with session_factory() as session:
        with pytest.raises(catalogue.ValidationFailed) as failed:
            put_doc(session, lexicon, "new-doc", title="测试文件", **changes)
        assert message in failed.value.errors[field]
        session.rollback()


def test_entry_links_are_validated_and_versioned(session_factory, lexicon) -> None:
    with session_factory.begin() as session:
        entry = get_faq_by_key(session=session, key="ts-how-to-apply")
        with pytest.raises(catalogue.ValidationFailed) as failed:
            catalogue.put_entry(
                session=session,
                lexicon=lexicon,
                key=entry.key,
                changes={"clause_keys": ["no.such"]},
                actor="admin",
                today=TODAY,
            )
        assert "no.such" in failed.value.errors["clause_keys"]
        version = entry.version
        _e, changed = catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key=entry.key,
            changes={"clause_keys": [AMOUNT_CLAUSE]},
            actor="admin",
            today=TODAY,
        )
        assert changed and entry.version == version + 1
        history = versions.history(session=session, kind=versions.FAQ, item_id=entry.id)
        assert history[0].data["clause_keys"] == [AMOUNT_CLAUSE]
        assert history[1].data["clause_keys"] == read_entry_clauses()["ts-how-to-apply"]


def test_answer_cites_the_clause_and_says_the_time_limit_ended(service, lexicon) -> None:
    index = service.index.current()
    reply = find_answer(
        index,
        lexicon,
        "考了初级工证书，技能提升补贴最多补多少钱",
        topic="training_subsidy",
        region=None,
        entities=None,
        threshold=0.2,
    )
    assert reply.kind == "answer" and reply.hit.entry.key.startswith("ts-amount")
    assert (
        "依据《人力资源社会保障部 财政部 国家税务总局关于延续实施失业保险援企稳岗政策的通知》"
        in (reply.text)
    )
    assert "（人社部发〔2024〕40号）第三条" in reply.text
    assert "该规定有效期至2024年12月31日，请拨打12333确认当年政策" in reply.text
    source = reply.custom["source"]
    assert source["valid_until_passed"] == "2024-12-31"
    (clause,) = source["clauses"]
    assert clause["number"] == "三、" and "不超过1000元" in clause["text"]
    assert isinstance(clause["id"], int)


def test_citation_formats() -> None:
    assert clause_number("第三条") == "第三条"
    assert clause_number("三、") == "第三条"
    assert clause_number("一、（一）") == "第一条第（一）项"
    assert clause_number("（十七）") == "第（十七）项"
    assert clause_number("二、1.") == "第二条第1项"
    assert clause_number("一、（一）4.") == "第一条第（一）项第4目"
    assert clause_number("1.") == "第1项"
    assert clause_number("（3）") == "第（3）项"
    # a unit named, not numbered, is cited by its name
    assert clause_number("五级/初级工") == "“五级/初级工”部分"
    clauses = (
        ClauseInfo(1, "a.3", "第三条", "甲", "公共租赁住房管理办法", "住房和城乡建设部令第11号"),
        ClauseInfo(2, "a.7", "第七条", "乙", "公共租赁住房管理办法", "住房和城乡建设部令第11号"),
        ClauseInfo(3, "b.x", "", "丙", "另一份意见", ""),
    )
    source = SourceInfo(1, "标题", "", "", "全国", None, None, None, clauses)
    lines = source_line(source).split("\n")
    assert lines[1] == "依据《公共租赁住房管理办法》（住房和城乡建设部令第11号）第三条、第七条"
    assert lines[2] == "依据《另一份意见》"
    assert len(lines) == 3  # no time-limit note for rules in force
    ended = SourceInfo(
        1,
        "标题",
        "",
        "",
        "全国",
        None,
        None,
        None,
        time_limit_passed=dt.date(2025, 12, 31),
        valid_until=dt.date(2025, 12, 31),
    )
    text = source_line(ended)
    assert "有效期：阶段性政策，执行至 2025-12-31" in text
    assert text.endswith("该规定有效期至2025年12月31日，请拨打12333确认当年政策")
    # a union rule that ended sends the worker to the union's hotline, not to 人社
    assert source_line(ended, "hardship_aid").endswith("请拨打12351确认当年政策")


def test_lapsed_or_replaced_documents_are_not_served(session_factory, lexicon) -> None:
    with session_factory() as session:
        served = {e.key for e in servable_entries(session, TODAY)}
        assert AMOUNT_ENTRY in served and "dm-public-rental-who" in served
    with session_factory.begin() as session:
        # the clause's document is replaced: the entry resting on it stops answering
        put_doc(session, lexicon, "mohrss-2024-40", legal_status="replaced")
        # the entry's own document lapses
        put_doc(session, lexicon, "public-rental-housing-measures", legal_status="lapsed")
    with session_factory() as session:
        served = {e.key for e in servable_entries(session, TODAY)}
        assert AMOUNT_ENTRY not in served and "dm-public-rental-who" not in served
        entry = get_faq_by_key(session=session, key=AMOUNT_ENTRY)
        serving, why = catalogue.serving_state(entry, TODAY)
        assert not serving and "mohrss-2024-40" in why and "替代" in why
        report = run_audit(session=session, today=TODAY)
        assert report.not_current[AMOUNT_ENTRY].startswith("mohrss-2024-40")
        # a published entry cannot be saved resting on a replaced rule
        with pytest.raises(catalogue.ValidationFailed):
            catalogue.put_entry(
                session=session,
                lexicon=lexicon,
                key=AMOUNT_ENTRY,
                changes={"question": entry.question + "？"},
                actor="admin",
                today=TODAY,
            )


def test_figures_and_chinese_numerals() -> None:
    assert chinese_number("三十六") == 36 and chinese_number("十二") == 12
    assert chinese_number("一万五千") == 15000
    assert figures("1. 初级工不超过1000元，满 12 个月，16周岁，上浮30%；2024年") == [
        "1000元",
        "12个月",
        "16周岁",
        "30%",
        "2024年",
    ]
    clause = "每人每年享受补贴次数最多不超过三次，参加失业保险1年以上，2000 元"
    assert unsupported_figures("最多3次，满1年，2000元", [clause], []) == []
    assert unsupported_figures("满11年", [clause], []) == ["11年"]  # 1年 is not 11年
    assert unsupported_figures("2017年出台", [], ["（人社部发〔2017〕40号）"]) == []


def test_seed_audit_figures_rest_on_clauses_or_reasoned_exceptions(session_factory) -> None:
    exceptions = load_exceptions()
    assert all(str(item.get("reason") or "").strip() for item in exceptions.values())
    with session_factory() as session:
        report = run_audit(session=session, today=TODAY)
        linked = set(read_entry_clauses())
        # every figure of a linked entry is in its clauses, unless excepted with a reason
        assert not report.figure_problems, report.figure_problems
        assert not report.stale_exceptions, report.stale_exceptions
        assert report.ok
        # the linked entries whose figures all rest on clauses
        supported = linked - set(report.excepted)
        assert {AMOUNT_ENTRY, "ts-amount-advanced", "ts-what-is-skill-upgrade-subsidy"} <= (
            supported
        )
        assert not linked & set(report.without_clause)
        assert report.time_limit_ended[AMOUNT_ENTRY] == "mohrss-2024-40 至 2024-12-31"
        assert 0 < report.official <= report.published
        # an answer edited to a figure no clause has is caught
        entry = session.execute(select(FaqEntry).where(FaqEntry.key == AMOUNT_ENTRY)).scalar_one()
        entry.answer += "另有1234元。"
        session.flush()
        broken = run_audit(session=session, today=TODAY)
        assert broken.figure_problems == {AMOUNT_ENTRY: ["1234元"]}
        assert not broken.ok
        session.rollback()


def test_kb_audit_command(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    assert main(["db", "upgrade"]) == 0
    assert main(["kb", "load"]) == 0
    capsys.readouterr()
    assert main(["kb", "audit"]) == 0
    out = capsys.readouterr().out
    assert "entries citing an official host:" in out
    assert "published entries without a clause:" in out
    assert "documents missing 文号/issuer/dates:" in out
    assert "entries resting on lapsed or replaced documents: 0" in out
    assert "figures in answers not found in the entry's clauses: 0 entries" in out


def test_lapsed_seed_document_serves_nothing(session_factory) -> None:
    with session_factory() as session:
        document = get_document_by_key(session=session, key="gbf-2019-24")
        assert document.legal_status == "lapsed"
        assert catalogue.document_problem(document, TODAY) == "已失效"
        assert get_clause_by_key(session=session, key="gbf-2019-24.targets") is not None
        assert session.get(PolicyDocument, document.id).clauses
