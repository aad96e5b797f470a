"""Answering from a clause when no entry fits (#12, item 3): the document's own words,
labelled and cited, with a person offered; never a lapsed, replaced or ended rule."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge import catalogue
from knowledge.answering import find_answer
from knowledge.clause_index import servable_clauses

TODAY = dt.date(2026, 11, 21)
QUESTION = "职工宿舍要配独立卫生间吗"
CLAUSE_TEXT = "用人单位为职工提供的集体宿舍，应当配备空调、热水器和独立卫生间，每间居住不超过4人。"


def add_document(service, lexicon, key: str = "test-dorm-rules", **changes) -> None:
    with service.session_factory.begin() as session:
        catalogue.put_document(
            session=session,
            lexicon=lexicon,
            key=key,
            changes={
                "title": "职工集体宿舍配置规定",
                "doc_number": "测试〔2026〕1号",
                "issuer": "测试市总工会",
                "region": "全国",
                "clauses": [{"key": f"{key}.a3", "number": "第三条", "text": CLAUSE_TEXT}],
            },
            actor="admin",
        )
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key=f"{key}-entry",
            changes={
                "topic": "dormitory",
                "question": "职工集体宿舍的押金怎么退",
                "answer": "退宿时由用人单位按规定退还押金。",
                "document": key,
                "clause": "第一条",
                "status": "published",
                "region": "全国",
            },
            actor="admin",
            today=TODAY,
        )
        if changes:  # the document changes after its entry was published
            catalogue.put_document(
                session=session, lexicon=lexicon, key=key, changes=changes, actor="admin"
            )


def ask(
    service,
    lexicon,
    question: str = QUESTION,
    threshold: float | None = 0.1,
    topic: str = "dormitory",
    region: str | None = None,
):
    return find_answer(
        service.index.current(),
        lexicon,
        question,
        topic=topic,
        region=region,
        entities=None,
        threshold=service.settings.retrieval_threshold,
        fit_threshold=service.settings.fit_threshold,
        clause_threshold=threshold,
    )


def test_a_matching_clause_is_quoted_as_the_documents_words(service, lexicon) -> None:
    assert ask(service, lexicon).kind != "clause_text"  # no such clause yet: no quote
    add_document(service, lexicon)
    service.index._checked_at = float("-inf")
    reply = ask(service, lexicon)
    assert reply.kind == "clause_text"
    assert "根据《职工集体宿舍配置规定》（测试〔2026〕1号）第三条的原文：“" in reply.text
    assert CLAUSE_TEXT in reply.text and "不是我们的解读" in reply.text
    assert [b["payload"] for b in reply.buttons] == ["/request_human"]
    (clause,) = reply.custom["source"]["clauses"]
    assert clause["number"] == "第三条" and clause["text"] == CLAUSE_TEXT
    assert isinstance(clause["id"], int) and reply.custom["clause_key"] == "test-dorm-rules.a3"
    assert reply.custom["coverage"] >= 0.7 and reply.custom["score"] >= 0.1


def test_no_threshold_or_a_low_score_quotes_nothing(service, lexicon) -> None:
    add_document(service, lexicon)
    assert ask(service, lexicon, threshold=None).kind != "clause_text"
    assert ask(service, lexicon, threshold=1.01).kind != "clause_text"


@pytest.mark.parametrize(
    "changes",
    [
        {"legal_status": "lapsed"},
        {"legal_status": "time_limited", "in_force_until": dt.date(2025, 12, 31)},
        {"expires_on": dt.date(2026, 1, 1)},
        {"effective_from": dt.date(2027, 1, 1)},
    ],
    ids=["lapsed", "time-limit-ended", "expired", "not-yet-in-force"],
)
def test_a_clause_that_is_not_current_is_never_quoted(service, lexicon, changes) -> None:
    add_document(service, lexicon, **changes)
    service.index._checked_at = float("-inf")
    assert ask(service, lexicon).kind != "clause_text"
    with service.session_factory() as session:
        assert "test-dorm-rules.a3" not in {c.key for c in servable_clauses(session, TODAY)}


def test_a_document_no_entry_rests_on_is_not_quoted(service, lexicon) -> None:
    """Its topic is unknown: it may not be about the four programmes at all."""
    with service.session_factory.begin() as session:
        catalogue.put_document(
            session=session,
            lexicon=lexicon,
            key="test-orphan",
            changes={
                "title": "职工集体宿舍配置规定",
                "clauses": [{"key": "test-orphan.a3", "number": "第三条", "text": CLAUSE_TEXT}],
            },
            actor="admin",
        )
    with service.session_factory() as session:
        keys = {c.key for c in servable_clauses(session, TODAY)}
    assert "test-orphan.a3" not in keys
    assert "mohrss-2024-40.s3" not in keys  # time-limited to the end of 2024
    assert "public-rental-housing-measures.a31" in keys  # 住建部令第11号, in force


def test_another_regions_clause_is_not_quoted(service, lexicon) -> None:
    add_document(service, lexicon, region="上海")
    service.index._checked_at = float("-inf")
    reply = ask(service, lexicon, region="广东")
    assert reply.kind != "clause_text"


def test_a_fitting_national_entry_without_a_local_rule_is_not_replaced_by_a_clause(
    service, lexicon
) -> None:
    """The honest "your region sets its own amount" reply, with the national entry, says
    more than a clause: 寿光市 has no rule of its own for union aid in a serious illness."""
    reply = ask(service, lexicon, "职工得大病工会补多少钱", topic="hardship_aid", region="寿光市")
    assert reply.kind == "no_specific_rule" and reply.custom["fit"] == "no_local_rule"
