"""Benchmark: retrieval latency with 100, 1,000 and 10,000 FAQ entries, and five clauses per
entry (500 to 50,000) searched beside them (#12: the clause fallback).

The seed entries are read from a throwaway database; synthetic entries are
generated here (never stored or committed) by recombining the seed entries'
own words, so their vocabulary looks like real content: each has a topic, a
region from the lexicon, a question, two alternative phrasings and an answer.
The queries are the development set's in-scope questions, asked with their
topic, half of them with a region, exactly as the answer action calls
``RetrievalIndex.search``; then the clause index is searched for the same question, as
``answering.from_clause`` does when no entry fits (timed alone and together). Synthetic
clauses recombine the seed clauses' words and carry their topics and regions. Writes a
section of docs/benchmarks.md and exits 1 when p95 of entries plus clauses at 10,000 entries
and 50,000 clauses is not under 5 ms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from changai.db import make_engine, make_session_factory
from knowledge.analysis import default_analyzer
from knowledge.clause_index import ClauseIndex, IndexedClause, servable_clauses
from knowledge.indexed_entries import IndexedEntry
from knowledge.lexicon import load_lexicon
from knowledge.live_index import servable_entries
from knowledge.retrieval import RetrievalIndex
from tests.eval.evaluate import TOPICS, load_dev_set
from tests.servers import seeded_database

SIZES = (100, 1_000, 10_000)
CLAUSES_PER_ENTRY = 5
TARGET_P95_MS = 5.0
REPEATS = 3  # every query is asked this many times per size


def seed_knowledge() -> tuple[list[IndexedEntry], list[IndexedClause]]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(seeded_database(Path(tmp), "seed.db"))
        factory = make_session_factory(engine)
        with factory() as session:
            today = dt.date(2026, 11, 21)
            entries = servable_entries(session, today)
            clauses = servable_clauses(session, today)
        engine.dispose()
    return entries, clauses


def seed_entries() -> list[IndexedEntry]:
    return seed_knowledge()[0]


def synthetic_clauses(
    seeds: list[IndexedClause], count: int, rng: random.Random
) -> list[IndexedClause]:
    """``count`` clauses: the seeds first, then recombinations of their words."""
    analyzer = default_analyzer()
    words = sorted({w for c in seeds for w in analyzer.features(c.text) if len(w) > 1})
    clauses = list(seeds[:count])
    next_id = max(c.id for c in seeds) + 1
    while len(clauses) < count:
        template = rng.choice(seeds)
        text = "".join(rng.choice(words) for _ in range(rng.randint(15, 60)))
        clauses.append(
            dataclasses.replace(template, id=next_id, key=f"synthetic.{next_id}", text=text)
        )
        next_id += 1
    return clauses


def synthetic_entries(
    seeds: list[IndexedEntry], count: int, rng: random.Random
) -> list[IndexedEntry]:
    """``count`` entries: the seeds first, then recombinations of their words."""
    analyzer = default_analyzer()
    words = sorted(
        {w for e in seeds for w in analyzer.features(f"{e.question}{e.answer}") if len(w) > 1}
    )
    regions = sorted({e.region for e in seeds} | set(load_lexicon().surfaces["region"].values()))
    entries = list(seeds[:count])
    next_id = max(e.id for e in seeds) + 1
    while len(entries) < count:
        template = rng.choice(seeds)

        def sentence(length: int) -> str:
            return "".join(rng.choice(words) for _ in range(length))

        question = sentence(rng.randint(3, 6)) + template.question[: rng.randint(2, 8)]
        entries.append(
            dataclasses.replace(
                template,
                id=next_id,
                key=f"synthetic-{next_id}",
                topic=rng.choice(TOPICS),
                region=rng.choice(regions),
                question=question,
                answer=sentence(rng.randint(15, 40)),
                phrasings=(question, sentence(rng.randint(3, 7)), sentence(rng.randint(3, 7))),
            )
        )
        next_id += 1
    return entries


def measure(
    index: RetrievalIndex, clauses: ClauseIndex, queries: list[tuple[str, str, str | None]]
) -> tuple[list[float], list[float]]:
    """Per query: the entry search alone, and the entry search plus the clause search."""
    alone, both = [], []
    for _ in range(REPEATS):
        for text, topic, region in queries:
            start = time.perf_counter()
            index.search(text, topic=topic, region=region)
            middle = time.perf_counter()
            clauses.best(text, topic=topic, region=region)
            end = time.perf_counter()
            alone.append((middle - start) * 1000)
            both.append((end - start) * 1000)
    return alone, both


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    rng = random.Random(6)
    seeds, seed_clauses = seed_knowledge()
    questions = [q for q in load_dev_set() if q["label"] in TOPICS]
    queries = [(q["text"], q["label"], "广州" if i % 2 else None) for i, q in enumerate(questions)]
    analyzer, lexicon = default_analyzer(), load_lexicon()
    rows = []
    p95_at_largest = float("inf")
    for size in SIZES:
        entries = synthetic_entries(seeds, size, rng)
        clause_list = synthetic_clauses(seed_clauses, size * CLAUSES_PER_ENTRY, rng)
        start = time.perf_counter()
        index = RetrievalIndex(entries, analyzer, lexicon)
        clauses = ClauseIndex(clause_list, analyzer, lexicon)
        build = time.perf_counter() - start
        index.search(queries[0][0], topic=queries[0][1])  # first calls outside the figures
        clauses.best(queries[0][0], topic=queries[0][1], region=None)
        alone, latencies = measure(index, clauses, queries)
        p95 = percentile(latencies, 0.95)
        p95_at_largest = p95
        rows.append(
            f"| {size:,} | {len(clause_list):,} | {percentile(alone, 0.95):.2f} ms | "
            f"{statistics.median(latencies):.2f} ms | {p95:.2f} ms | "
            f"{percentile(latencies, 0.99):.2f} ms | {build:.1f} s |"
        )
        print(rows[-1])
    met = p95_at_largest < TARGET_P95_MS
    write_section(
        "Retrieval at scale",
        f"`python -m bench.retrieval_scale` on {platform.machine()}, Python "
        f"{platform.python_version()}: {len(queries)} development-set questions x {REPEATS}, "
        "each with its topic and half with a region, against the seed entries plus synthetic "
        "entries generated from their words (not stored), and five clauses per entry likewise "
        "from the seed clauses. One entry search is what the answer action runs per question; "
        "the clause search follows it when no entry fits. p50/p95/p99 are of both together.\n\n"
        "| entries | clauses | p95 entries alone | p50 | p95 | p99 | index build |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + f"\n\nTarget: p95 under {TARGET_P95_MS:.0f} ms at 10,000 entries and 50,000 clauses: "
        + ("**met**." if met else "**not met**."),
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
