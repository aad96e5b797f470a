"""#12: an edit rebuilds the live index from what the last build kept, exactly as from scratch.

A full rebuild analysed every text again (25 s at 10,000 entries, so publish-to-live took
8-11 s there, ``bench/publish_to_live.py``); now only the edited entry is built and only its
new texts analysed, and the index scores every question as a fresh one would.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from knowledge import catalogue
from knowledge.clause_index import ClauseIndex, servable_clauses
from knowledge.live_index import LiveIndex, servable_entries
from knowledge.models import FaqEntry, PolicyDocument
from knowledge.retrieval import RetrievalIndex
from tests.eval.evaluate import load_dev_set

TODAY = dt.date(2026, 11, 21)


def live(session_factory, analyzer, lexicon, clock) -> LiveIndex:
    return LiveIndex(
        session_factory, analyzer, lexicon, refresh_seconds=1.0, clock=clock, today=lambda: TODAY
    )


def edit_entry(session_factory, lexicon, clock, key: str, changes: dict) -> None:
    """Save an admin's edit of entry ``key`` and let the refresh interval pass."""
    with session_factory.begin() as session:
        catalogue.put_entry(
            session=session, lexicon=lexicon, key=key, changes=changes, actor="admin", today=TODAY
        )
    clock.advance(1.5)


def edit_document(session_factory, lexicon, clock, document_id: int, changes) -> None:
    """Save an admin's edit of a document (``changes``: from its current state) and let the
    refresh interval pass."""
    with session_factory.begin() as session:
        document = session.get(PolicyDocument, document_id)
        catalogue.put_document(
            session=session,
            lexicon=lexicon,
            key=document.key,
            changes=changes(document),
            actor="admin",
        )
    clock.advance(1.5)


def assert_same_as_from_scratch(index: RetrievalIndex, session_factory, analyzer, lexicon) -> None:
    with session_factory() as session:
        fresh = RetrievalIndex(servable_entries(session, TODAY), analyzer, lexicon)
    assert index.entries == fresh.entries
    for question in [q["text"] for q in load_dev_set()[:80]] + ["取暖补贴", "宿舍"]:
        assert np.allclose(index.text_scores(question), fresh.text_scores(question), atol=1e-12)
        assert index.mentions("取暖") == fresh.mentions("取暖")


def test_an_edit_analyses_only_the_new_text_and_scores_as_a_fresh_index(
    session_factory, analyzer, lexicon, clock
) -> None:
    index = live(session_factory, analyzer, lexicon, clock)
    first = index.current()
    analysed = index.cache.analysed
    edited = first.entries[5]
    old_answer_text = f"{edited.question} {edited.answer}"
    assert old_answer_text in index.cache
    edit_entry(
        session_factory,
        lexicon,
        clock,
        edited.key,
        {"answer": "测试用的新答案：请向当地人社部门咨询。"},
    )
    second = index.current()

    assert second is not first
    assert index.cache.analysed - analysed == 1  # the new answer; its phrasings are kept
    assert old_answer_text not in index.cache  # what no entry has any more is dropped
    by_key = {e.key: e for e in second.entries}
    assert by_key[edited.key].answer == "测试用的新答案：请向当地人社部门咨询。"
    assert by_key[edited.key] is not edited
    unchanged = [e for e in first.entries if e.key != edited.key]
    assert all(by_key[e.key] is e for e in unchanged)  # taken as built
    assert_same_as_from_scratch(second, session_factory, analyzer, lexicon)
    # no document changed: the clause index is kept as built (2.3 s at 50,000 clauses)
    assert second.clause_index is first.clause_index
    assert first.clause_index is not None and len(first.clause_index) > 0
    assert all(c.text in index.cache for c in first.clause_index.clauses)  # kept for next time


def test_an_entry_edit_that_moves_where_clauses_are_quoted_rebuilds_the_clause_index(
    session_factory, analyzer, lexicon, clock
) -> None:
    index = live(session_factory, analyzer, lexicon, clock)
    first = index.current()
    edited = next(e for e in first.entries if e.topic == "training_subsidy")
    edit_entry(session_factory, lexicon, clock, edited.key, {"topic": "dormitory"})
    second = index.current()

    assert second.clause_index is not first.clause_index
    assert second.clause_index is not None
    with session_factory() as session:
        fresh = servable_clauses(session, TODAY)
    assert [(c.key, c.topics) for c in second.clause_index.clauses] == [
        (c.key, c.topics) for c in fresh
    ]
    placed = {c.document_id for c in fresh if "dormitory" in c.topics}
    assert edited.source.document_id in placed


def test_a_document_edit_rebuilds_the_entries_resting_on_it(
    session_factory, analyzer, lexicon, clock
) -> None:
    index = live(session_factory, analyzer, lexicon, clock)
    first = index.current()
    target = first.entries[0].source.document_id
    old_title = first.entries[0].source.title
    edit_document(session_factory, lexicon, clock, target, lambda _d: {"title": "测试用的新标题"})
    with session_factory() as session:
        cited = {
            key
            for (key,) in session.query(FaqEntry.key).filter(FaqEntry.document_id == target).all()
        }
    second = index.current()

    assert index.cache.analysed == len(index.cache)  # no text analysed twice
    assert second.clause_index is not first.clause_index  # its clauses' document changed
    rebuilt = 0
    for before, after in zip(first.entries, second.entries, strict=True):
        clause_documents = {c.document_title for c in before.source.clauses}
        if before.key in cited:
            assert after.source.title == "测试用的新标题"
            assert after is not before
            rebuilt += 1
        elif old_title not in clause_documents:
            assert after is before  # nothing it rests on changed
    assert rebuilt == len(cited) > 0
    assert_same_as_from_scratch(second, session_factory, analyzer, lexicon)


def test_a_failed_build_keeps_the_cache(session_factory, analyzer, lexicon, clock) -> None:
    index = live(session_factory, analyzer, lexicon, clock)
    index.current()
    kept = len(index.cache)
    try:
        with index.cache.build():
            raise RuntimeError("database gone")
    except RuntimeError:
        pass
    assert len(index.cache) == kept > 0


def clause_scores(clause_index, question: str) -> np.ndarray:
    return clause_index._vectoriser.scores(question)  # the TF-IDF fit of the clauses' texts


def test_a_document_edit_rebuilds_only_its_clauses_and_refits_only_when_their_texts_change(
    session_factory, analyzer, lexicon, clock
) -> None:
    """At 50,000 clauses reading and building every clause took 1.3 s and refitting their
    TF-IDF 0.4 s, so a document's edit took 2.5-3.2 s to go live (bench/publish_to_live.py)."""
    index = live(session_factory, analyzer, lexicon, clock)
    first = index.current()
    assert first.clause_index is not None
    # an entry's edit first: the clause index it keeps must still be reusable afterwards
    edit_entry(session_factory, lexicon, clock, first.entries[3].key, {"answer": "测试答案。"})
    kept = index.current().clause_index
    assert kept is first.clause_index
    target = first.clause_index.clauses[0].document_id
    analysed = index.cache.analysed

    edit_document(session_factory, lexicon, clock, target, lambda d: {"title": "测试用的新标题"})
    titled = index.current().clause_index
    assert titled is not None and titled is not kept
    assert titled._vectoriser is kept._vectoriser  # the same texts: the fit is kept
    assert index.cache.analysed == analysed
    for before, after in zip(kept.clauses, titled.clauses, strict=True):
        if before.document_id == target:
            assert after.document_title == "测试用的新标题" and after.text == before.text
        else:
            assert after is before  # another document's clause, kept as built
    with session_factory() as session:
        assert titled.clauses == servable_clauses(session, TODAY)

    def reworded(document: PolicyDocument) -> dict:
        clauses = [{"key": c.key, "number": c.number, "text": c.text} for c in document.clauses]
        clauses[0]["text"] = "测试用的新条文：宿舍取暖费由单位承担。"
        return {"clauses": clauses}

    edit_document(session_factory, lexicon, clock, target, reworded)
    worded = index.current().clause_index
    assert worded is not None and worded._vectoriser is not titled._vectoriser
    assert index.cache.analysed == analysed + 1  # only the new wording is analysed
    with session_factory() as session:
        fresh = servable_clauses(session, TODAY)
    assert worded.clauses == fresh
    scratch = ClauseIndex(fresh, analyzer, lexicon)
    for question in ["宿舍取暖费谁出", "技能提升补贴怎么申请", "困难职工帮扶标准"]:
        assert np.allclose(
            clause_scores(worded, question), clause_scores(scratch, question), atol=1e-12
        )
