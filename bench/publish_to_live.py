"""Benchmark: time from saving an FAQ edit to retrieval serving it, with a real clock.

Runs the action server's LiveIndex against a throwaway SQLite database, edits an
entry's answer, the title of the document it cites, and the wording of a clause it cites,
and polls the search until the edit is served: on the seed knowledge,
then on a knowledge base of 10,000 published entries resting on 50,000 clauses (the
seed plus synthetic entries and clauses made of the seed's words, issue #12's size).
Writes its section of docs/benchmarks.md and exits 1 when an edit took 2 s or more.
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from bench.report import write_section
from bench.retrieval_scale import synthetic_entries
from changai.db import make_engine, make_session_factory
from changai.settings import load_settings
from changai.vocabulary import FaqStatus
from knowledge import catalogue
from knowledge.analysis import default_analyzer
from knowledge.indexed_entries import IndexedEntry
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.live_index import LiveIndex, servable_entries
from knowledge.models import FaqEntry, FaqEntryClause, PolicyClause, PolicyDocument
from knowledge.repository import DOCUMENT_CLAUSES
from tests.servers import seeded_database

RUNS = 10
QUESTION = "特级技师是什么待遇"
LARGE_ENTRIES = 10_000
CLAUSES_PER_ENTRY = 5  # 50,000 clauses at 10,000 entries
PROMISE_SECONDS = 2.0
GIVE_UP_SECONDS = 60.0  # an edit never served is a failure, not a hang


def _served(index: LiveIndex) -> IndexedEntry | None:
    best = index.search(QUESTION, topic="skill_grading").best
    return best.entry if best else None


# One edit of each kind: save it (run ``run``), and tell whether a served entry shows it.
Edit = Callable[[sessionmaker, Lexicon, IndexedEntry, int], Callable[[IndexedEntry], bool]]


def edit_answer(
    factory: sessionmaker, lexicon: Lexicon, served: IndexedEntry, run: int
) -> Callable[[IndexedEntry], bool]:
    answer = f"基准测试第{run}次修改的答案。"
    with factory.begin() as session:
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key=served.key,
            changes={"answer": answer},
            actor="bench",
        )
    return lambda entry: entry.answer == answer


def save_document(
    factory: sessionmaker, lexicon: Lexicon, document_id: int, changes: Callable[[Any], dict]
) -> None:
    """Save ``changes`` (made from the stored document) over the document, as an admin."""
    with factory.begin() as session:
        document = session.get(PolicyDocument, document_id)
        catalogue.put_document(
            session=session,
            lexicon=lexicon,
            key=document.key,
            changes=changes(document),
            actor="bench",
        )


def edit_title(
    factory: sessionmaker, lexicon: Lexicon, served: IndexedEntry, run: int
) -> Callable[[IndexedEntry], bool]:
    """The cited document's title: its clauses' texts stay as they were."""
    title = f"{served.source.title.split('（基准测试')[0]}（基准测试第{run}次修改）"
    save_document(factory, lexicon, served.source.document_id, lambda _d: {"title": title})
    return lambda entry: entry.source.title == title


def edit_clause(
    factory: sessionmaker, lexicon: Lexicon, served: IndexedEntry, run: int
) -> Callable[[IndexedEntry], bool]:
    """The wording of the first clause the entry cites: the clauses' texts change."""
    cited = served.source.clauses[0]
    text = f"{cited.text.split('（基准测试')[0]}（基准测试第{run}次修改）"
    with factory() as session:
        document_id = session.get(PolicyClause, cited.id).document_id
    save_document(
        factory,
        lexicon,
        document_id,
        lambda document: {
            DOCUMENT_CLAUSES: [
                {"key": c.key, "number": c.number, "text": text if c.id == cited.id else c.text}
                for c in document.clauses
            ]
        },
    )
    return lambda entry: any(c.text == text for c in entry.source.clauses)


EDITS: dict[str, Edit] = {
    "an entry's answer": edit_answer,
    "a document's title": edit_title,
    "a clause's wording": edit_clause,
}


def grow(factory: sessionmaker, entries: int, clauses_per_entry: int) -> None:
    """Add synthetic published entries, each resting on its own synthetic clauses."""
    with factory() as session:
        seeds = servable_entries(session, dt.date.today())
    extra = [e for e in synthetic_entries(seeds, entries, random.Random(12)) if e.id > seeds[-1].id]
    rng = random.Random(13)
    words = [w for e in seeds for w in e.answer.split("，") if w]
    with factory.begin() as session:
        session.execute(
            insert(FaqEntry),
            [
                {
                    "key": e.key,
                    "topic": e.topic,
                    "question": e.question,
                    "alternatives": list(e.phrasings[1:]),
                    "answer": e.answer,
                    "region": e.region,
                    "tags": sorted(e.tags),
                    "aspects": [],
                    "document_id": e.source.document_id,
                    "status": FaqStatus.published.value,
                }
                for e in extra
            ],
        )
        ids = dict(session.execute(select(FaqEntry.key, FaqEntry.id)).all())
        session.execute(
            insert(PolicyClause),
            [
                {
                    "document_id": e.source.document_id,
                    "key": f"{e.key}.c{n}",
                    "number": f"第{n + 1}条",
                    "text": "".join(rng.choice(words) for _ in range(3)),
                    "position": n,
                }
                for e in extra
                for n in range(clauses_per_entry)
            ],
        )
        clause_ids = dict(session.execute(select(PolicyClause.key, PolicyClause.id)).all())
        session.execute(
            insert(FaqEntryClause),
            [
                {"entry_id": ids[e.key], "clause_id": clause_ids[f"{e.key}.c{n}"], "position": n}
                for e in extra
                for n in range(clauses_per_entry)
            ],
        )


def measure(database_url: str, refresh: float) -> tuple[int, int, float, dict[str, list[float]]]:
    """(entries, clauses, first build in s, delays in s of RUNS edits of each kind)."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    lexicon = load_lexicon()
    index = LiveIndex(factory, default_analyzer(), lexicon, refresh_seconds=refresh)
    start = time.monotonic()
    first = _served(index)
    first_build = time.monotonic() - start
    assert first is not None, f"the seed knowledge has no answer to {QUESTION}"
    assert first.source.clauses, f"the answer to {QUESTION} cites no clause"
    with factory() as session:
        clauses = len(session.execute(select(PolicyClause.id)).all())
    delays: dict[str, list[float]] = {}
    for name, edit in EDITS.items():
        delays[name] = []
        for run in range(RUNS):
            shows = edit(factory, lexicon, first, run)
            saved = time.monotonic()
            while not ((served := _served(index)) is not None and shows(served)):
                if time.monotonic() - saved > GIVE_UP_SECONDS:
                    raise SystemExit(f"{name}: edit {run} not served after {GIVE_UP_SECONDS} s")
                time.sleep(0.01)
            delays[name].append(time.monotonic() - saved)
            first = served
    entries = len(index.current())
    engine.dispose()
    return entries, clauses, first_build, delays


def main() -> None:
    refresh = load_settings().index_refresh_seconds
    rows = []
    worst = 0.0
    for grown in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            url = seeded_database(Path(tmp), "bench.db")
            if grown:
                grow(make_session_factory(make_engine(url)), LARGE_ENTRIES, CLAUSES_PER_ENTRY)
            entries, clauses, first_build, delays = measure(url, refresh)
        for name, taken in delays.items():
            worst = max(worst, max(taken))
            rows.append(
                f"| {entries:,} | {clauses:,} | {first_build:.1f} s | {name} | "
                f"{statistics.median(taken):.2f} s | {max(taken):.2f} s |"
            )
            print(rows[-1], flush=True)
    lines = [
        f"`python -m bench.publish_to_live` on {platform.machine()}, "
        f"{platform.python_version()}, {RUNS} edits of each kind per size, "
        f"INDEX_REFRESH_SECONDS={refresh}: from the commit of the edit until a search serves "
        "it (the new answer; the new title or clause wording in the served answer's `source`). "
        "The larger knowledge base is the seed plus synthetic published entries made of the "
        f"seed's words, each resting on {CLAUSES_PER_ENTRY} synthetic clauses. *First build*: "
        "the live index's first search, which analyses every entry's and clause's texts; an "
        "edit re-reads the knowledge and analyses only the texts it has not seen "
        "(`knowledge/index_cache.py`). Entries, and each document's clauses, are kept as built "
        "while what they were built from is unchanged, and a TF-IDF fit is kept while its texts "
        "are the same: an entry's edit keeps the clause index, a title's edit refits nothing "
        "for the clauses, a clause's wording refits the clauses' TF-IDF "
        "(`knowledge/live_index.py`, `knowledge/clause_index.py`, `knowledge/tfidf.py`).",
        "",
        "| published entries | clauses | first build | edit of | median | worst |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Promise: under {PROMISE_SECONDS:.0f} s at every size: "
        f"{'**met**' if worst < PROMISE_SECONDS else '**not met**'}.",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("Publish to live (knowledge edit to retrieval)", text)
    if worst >= PROMISE_SECONDS:
        raise SystemExit(f"publish to live took {worst:.2f} s (promise: under 2 s)")


if __name__ == "__main__":
    main()
