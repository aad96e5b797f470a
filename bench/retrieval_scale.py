"""Benchmark: retrieval latency with 100, 1,000 and 10,000 FAQ entries.

The seed entries are read from a throwaway database; synthetic entries are
generated here (never stored or committed) by recombining the seed entries'
own words, so their vocabulary looks like real content: each has a topic, a
region from the lexicon, a question, two alternative phrasings and an answer.
The queries are the development set's in-scope questions, asked with their
topic, half of them with a region, exactly as the answer action calls
``RetrievalIndex.search``. Writes a section of docs/benchmarks.md and exits 1
when p95 at 10,000 entries is not under 5 ms.
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
from knowledge.indexed_entries import IndexedEntry
from knowledge.lexicon import load_lexicon
from knowledge.live_index import servable_entries
from knowledge.retrieval import RetrievalIndex
from tests.eval.evaluate import TOPICS, load_dev_set
from tests.servers import seeded_database

SIZES = (100, 1_000, 10_000)
TARGET_P95_MS = 5.0
REPEATS = 3  # every query is asked this many times per size


def seed_entries() -> list[IndexedEntry]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(seeded_database(Path(tmp), "seed.db"))
        factory = make_session_factory(engine)
        with factory() as session:
            entries = servable_entries(session, dt.date(2026, 11, 21))
        engine.dispose()
    return entries


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


def measure(index: RetrievalIndex, queries: list[tuple[str, str, str | None]]) -> list[float]:
    latencies = []
    for _ in range(REPEATS):
        for text, topic, region in queries:
            start = time.perf_counter()
            index.search(text, topic=topic, region=region)
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    rng = random.Random(6)
    seeds = seed_entries()
    questions = [q for q in load_dev_set() if q["label"] in TOPICS]
    queries = [(q["text"], q["label"], "广州" if i % 2 else None) for i, q in enumerate(questions)]
    analyzer, lexicon = default_analyzer(), load_lexicon()
    rows = []
    p95_at_largest = float("inf")
    for size in SIZES:
        entries = synthetic_entries(seeds, size, rng)
        start = time.perf_counter()
        index = RetrievalIndex(entries, analyzer, lexicon)
        build = time.perf_counter() - start
        index.search(queries[0][0], topic=queries[0][1])  # first call outside the figures
        latencies = measure(index, queries)
        p95 = percentile(latencies, 0.95)
        p95_at_largest = p95
        rows.append(
            f"| {size:,} | {statistics.median(latencies):.2f} ms | {p95:.2f} ms | "
            f"{percentile(latencies, 0.99):.2f} ms | {build:.1f} s |"
        )
        print(rows[-1])
    met = p95_at_largest < TARGET_P95_MS
    write_section(
        "Retrieval at scale",
        f"`python -m bench.retrieval_scale` on {platform.machine()}, Python "
        f"{platform.python_version()}: {len(queries)} development-set questions x {REPEATS}, "
        "each with its topic and half with a region, against the seed entries plus synthetic "
        "entries generated from their words (not stored). One search is what the answer action "
        "runs per question.\n\n"
        "| entries | p50 | p95 | p99 | index build |\n| --- | --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + f"\n\nTarget: p95 under {TARGET_P95_MS:.0f} ms at 10,000 entries: "
        + ("**met**." if met else "**not met**."),
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
