"""Titles that quote another document nest their marks: 《关于转发〈…〉的通知》 (#12)."""

from __future__ import annotations

import datetime as dt

from knowledge.book_titles import book_title
from knowledge.indexed_entries import ClauseInfo, SourceInfo
from knowledge.replies import source_line

INNER = "人力资源社会保障部 财政部 国家税务总局关于延续实施失业保险稳岗惠民政策措施的通知"
FORWARDED = f"关于转发《{INNER}》的通知"


def test_a_plain_title_is_marked_once() -> None:
    assert book_title("公共租赁住房管理办法") == "《公共租赁住房管理办法》"
    assert book_title("《公共租赁住房管理办法》") == "《公共租赁住房管理办法》"


def test_a_quoted_title_nests_in_single_marks() -> None:
    assert book_title(FORWARDED) == (f"《关于转发〈{INNER}〉的通知》")
    assert book_title("全总印发《中央财政职工困难帮扶资金项目管理实施细则》") == (
        "《全总印发〈中央财政职工困难帮扶资金项目管理实施细则〉》"
    )


def test_the_answer_source_line_nests_a_quoted_title() -> None:
    clause = ClauseInfo(
        1, "doc.a1", "一、", "一、延续实施技能提升补贴政策。", FORWARDED, "宁人社发〔2023〕1号"
    )
    source = SourceInfo(
        document_id=1,
        title=FORWARDED,
        doc_number="宁人社发〔2023〕1号",
        issuer="宁夏人社厅",
        region="宁夏",
        effective_from=dt.date(2023, 1, 1),
        expires_on=None,
        url=None,
        clauses=(clause,),
    )
    line = source_line(source)
    assert "《《" not in line and "》》" not in line
    assert "来源：《关于转发〈人力资源社会保障部" in line
    assert (
        "依据《关于转发〈人力资源社会保障部" in line
        and "〉的通知》（宁人社发〔2023〕1号）第一条" in line
    )
