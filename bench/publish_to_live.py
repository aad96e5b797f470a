"""Benchmark: time from saving an FAQ edit to retrieval serving it, with a real clock.

Runs the action server's LiveIndex against a throwaway SQLite database, edits an
entry, and polls the search until the new answer is served. Appends the result
to docs/benchmarks.md.
"""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from changai.db import make_engine, make_session_factory
from changai.settings import load_settings
from knowledge import catalogue
from knowledge.analysis import default_analyzer
from knowledge.lexicon import load_lexicon
from knowledge.live_index import LiveIndex
from tests.servers import seeded_database

RUNS = 10
QUESTION = "特级技师是什么待遇"


def _served_answer(index: LiveIndex) -> str | None:
    best = index.search(QUESTION, topic="skill_grading").best
    return best.entry.answer if best else None


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(seeded_database(Path(tmp), "bench.db"))
        factory = make_session_factory(engine)
        refresh = load_settings().index_refresh_seconds
        lexicon = load_lexicon()
        index = LiveIndex(factory, default_analyzer(), lexicon, refresh_seconds=refresh)
        first = index.search(QUESTION, topic="skill_grading").best
        assert first is not None, f"the seed knowledge has no answer to {QUESTION}"
        key = first.entry.key
        delays = []
        for run in range(RUNS):
            new_answer = f"基准测试第{run}次修改的答案。"
            with factory.begin() as session:
                catalogue.put_entry(
                    session=session,
                    lexicon=lexicon,
                    key=key,
                    changes={"answer": new_answer},
                    actor="bench",
                )
            saved = time.monotonic()
            while _served_answer(index) != new_answer:
                time.sleep(0.01)
            delays.append(time.monotonic() - saved)
        engine.dispose()
    lines = [
        f"`python -m bench.publish_to_live` on {platform.machine()}, {platform.python_version()}, "
        f"{len(delays)} edits, INDEX_REFRESH_SECONDS={refresh}:",
        "",
        "| median | worst | promise |",
        "| --- | --- | --- |",
        f"| {statistics.median(delays):.2f} s | {max(delays):.2f} s | under 2 s |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("Publish to live (knowledge edit to retrieval)", text)
    if max(delays) >= 2.0:
        raise SystemExit("publish to live took 2 s or more")


if __name__ == "__main__":
    main()
