"""Importing a policy document: text from each format, the clause split, the guards, and the
confirm that stores it through the audited save (issue #12 part 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from knowledge import catalogue
from knowledge import document_import as importing
from knowledge.chinese_numbers import chinese_number
from knowledge.clause_split import NumberingUnreadable, apply_fixes, split_clauses
from knowledge.document_text import (
    MAX_FILE_BYTES,
    SCANNED_PDF,
    DocumentUnreadable,
    extract_text,
)
from knowledge.models import AuditEntry, ContentVersion, PolicyClause, PolicyDocument
from tests.support.document_files import (
    DOCUMENT_FIELDS,
    articles_text,
    make_docx,
    make_pdf,
    make_zip_bomb,
)

NOTICE = """关于做好职工技能提升补贴工作的通知
各区人力资源社会保障局：
一、补贴对象
（一）依法参加失业保险的职工。
（二）取得职业资格证书的职工。
证书应在有效期内。
二、补贴标准
初级每人1000元。
"""


@pytest.mark.parametrize(
    ("digits", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("六十三", 63)]
)
def test_chinese_numbers(digits: str, value: int) -> None:
    assert chinese_number(digits) == value


def test_articles_split_with_chapters_and_number_keys() -> None:
    clauses = split_clauses("\n".join(articles_text(60)), "city-2026-1")
    assert clauses[0].key == "city-2026-1.preamble" and clauses[0].number == ""
    articles = clauses[1:]
    assert [c.number for c in articles[:3]] == ["第一条", "第二条", "第三条"]
    assert articles[-1].number == "第六十条" and articles[-1].key == "city-2026-1.a60"
    assert len(articles) == 60
    assert articles[10].chapter.startswith("第二章")
    assert all("章" not in c.text for c in articles)  # headings are context, not text


def test_outline_split_nests_and_keeps_continuation_lines() -> None:
    clauses = split_clauses(NOTICE, "notice")
    assert [(c.key, c.number) for c in clauses] == [
        ("notice.preamble", ""),
        ("notice.s1", "一、"),
        ("notice.s1-1", "一、（一）"),
        ("notice.s1-2", "一、（二）"),
        ("notice.s2", "二、"),
    ]
    assert clauses[3].text == "（二）取得职业资格证书的职工。\n证书应在有效期内。"


def test_same_text_gives_same_keys() -> None:
    first = [c.key for c in split_clauses(NOTICE, "n")]
    assert first == [c.key for c in split_clauses(NOTICE, "n")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("没有任何编号的一段话。\n又一段话。", "没有找到可识别的条款编号"),
        ("第一条 甲\n第三条 乙\n第二条 丙", "条款编号不连续：第三条之后是第二条"),
        ("一、甲\n一、乙", "条款编号不连续"),
    ],
)
def test_unreadable_numbering_is_an_error(text: str, message: str) -> None:
    with pytest.raises(NumberingUnreadable, match=message):
        split_clauses(text, "d")


def test_fixes_merge_and_split_and_rekey() -> None:
    fixed = apply_fixes(
        "d",
        [
            ("", "前言", False),
            ("一、", "一、总体\n---\n（三）新拆出的一项", False),
            ("", "被并入的一行", True),
            ("二、", "二、保障", False),
        ],
    )
    assert [(c.key, c.number) for c in fixed] == [
        ("d.preamble", ""),
        ("d.s1", "一、"),
        ("d.s1-3", "（三）"),
        ("d.s2", "二、"),
    ]
    assert fixed[2].text == "（三）新拆出的一项\n被并入的一行"


@pytest.mark.parametrize("name", ["doc.docx", "doc.pdf", "doc.txt", "doc.html"])
def test_each_format_gives_the_60_articles(name: str) -> None:
    lines = articles_text(60)
    data = {
        "docx": lambda: make_docx(lines),
        "pdf": lambda: make_pdf(lines),
        "txt": lambda: "\n".join(lines).encode("gb18030"),
        "html": lambda: (
            "<html><head><title>x</title><style>p{}</style></head><body>"
            + "".join(f"<p>{line}</p>" for line in lines)
            + "<script>alert(1)</script></body></html>"
        ).encode(),
    }[name.rsplit(".", 1)[1]]()
    text = extract_text(name, data)
    assert "alert" not in text and "p{}" not in text
    clauses = split_clauses(text, "d")
    assert [c.number for c in clauses[1:]] == [f"第{n}条" for n in _cn_range(60)]
    assert clauses[-1].text == lines[-1]


def _cn_range(count: int) -> list[str]:
    from tests.support.document_files import cn

    return [cn(n) for n in range(1, count + 1)]


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("scan.pdf", lambda: make_pdf([]), SCANNED_PDF),
        ("empty.txt", lambda: b"", "文件是空的"),
        ("blank.txt", lambda: " \n\u3000\n".encode(), "文件里没有文字"),
        ("blank.docx", lambda: make_docx([]), "文件里没有文字"),
        ("big.txt", lambda: b"a" * (50 * 1024 * 1024), "文件太大"),
        ("bomb.docx", make_zip_bomb, "压缩炸弹"),
        ("fake.docx", lambda: b"not a zip", "不是有效的 DOCX"),
        ("broken.pdf", lambda: b"%PDF-1.4 nonsense", "无法读取这个 PDF"),
        ("picture.png", lambda: b"\x89PNG", "只支持 TXT、HTML、DOCX 和 PDF"),
    ],
)
def test_bad_files_get_a_chinese_reason(name: str, make, message: str) -> None:
    data = make()
    with pytest.raises(DocumentUnreadable, match=message):
        extract_text(name, data)


def test_size_cap_is_ten_megabytes() -> None:
    assert MAX_FILE_BYTES == 10 * 1024 * 1024
    extract_text("ok.txt", ("第一条 甲\n" + "乙" * 1000).encode())


FIELDS = {**DOCUMENT_FIELDS, "status": "active"}


def test_confirm_stores_document_clauses_version_and_audit(session_factory, lexicon) -> None:
    data = make_docx(articles_text(12))
    with session_factory.begin() as session:
        clauses = importing.preview(
            session=session, document_key=FIELDS["key"], filename="a.docx", data=data
        )
        document = importing.confirm(
            session=session,
            lexicon=lexicon,
            fields=FIELDS,
            clauses=clauses,
            actor="admin",
            source="a.docx",
        )
        document_id = document.id
    with session_factory() as session:
        stored = session.get(PolicyDocument, document_id)
        assert [c.key for c in stored.clauses][:2] == [
            "city-skill-2026.preamble",
            "city-skill-2026.a1",
        ]
        assert len(stored.clauses) == 13
        assert session.execute(
            select(ContentVersion.action).where(
                ContentVersion.kind == "document", ContentVersion.item_id == document_id
            )
        ).scalars().all() == ["create"]
        actions = (
            session.execute(select(AuditEntry.action).where(AuditEntry.item_id == document_id))
            .scalars()
            .all()
        )
        assert "import" in actions and "create" in actions


def test_confirm_with_a_problem_stores_nothing(session_factory, lexicon) -> None:
    clauses = split_clauses("\n".join(articles_text(3)), "broken")
    clauses[1].text = "x" * 6000  # over the clause limit
    with session_factory() as session:
        before = session.execute(select(func.count(PolicyClause.id))).scalar_one()
    with pytest.raises(catalogue.ValidationFailed) as failed:
        with session_factory.begin() as session:
            importing.confirm(
                session=session,
                lexicon=lexicon,
                fields={**FIELDS, "key": "broken"},
                clauses=clauses,
                actor="admin",
                source="粘贴文本",
            )
    assert "原文最多5000字" in failed.value.errors["clauses"]
    with session_factory() as session:
        assert session.execute(select(func.count(PolicyClause.id))).scalar_one() == before
        assert (
            session.execute(select(PolicyDocument).where(PolicyDocument.key == "broken")).first()
            is None
        )


def test_preview_refuses_a_key_in_use(session_factory) -> None:
    with session_factory() as session:
        with pytest.raises(DocumentUnreadable, match="已被另一份文件使用"):
            importing.preview(session=session, document_key="mohrss-2024-40", text=NOTICE)
