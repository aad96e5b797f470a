"""Benchmark: time to preview a 60-article policy document (text extraction and clause split).

The files are made here: a DOCX built with python-docx and a PDF written by
``tests.support.document_files`` (the same generators the tests use), each with 60 articles
in six chapters. Each is previewed RUNS times as the admin page does (``extract_text`` then
``split_clauses``). Writes a section of docs/benchmarks.md and exits 1 when the worst run is
not under 10 s.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time

from bench.report import write_section
from knowledge.clause_split import split_clauses
from knowledge.document_text import extract_text
from tests.support.document_files import articles_text, make_docx, make_pdf

ARTICLES = 60
RUNS = 10
TARGET_SECONDS = 10.0


def main() -> int:
    lines = articles_text(ARTICLES)
    files = {"DOCX": ("a.docx", make_docx(lines)), "PDF": ("a.pdf", make_pdf(lines))}
    rows = []
    worst_all = 0.0
    for label, (name, data) in files.items():
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            clauses = split_clauses(extract_text(name, data), "bench")
            times.append(time.perf_counter() - start)
            assert len(clauses) == ARTICLES + 1  # the title line is the preamble
        worst_all = max(worst_all, max(times))
        rows.append(
            f"| {label} | {len(data):,} B | {statistics.median(times) * 1000:.0f} ms "
            f"| {max(times) * 1000:.0f} ms |"
        )
    body = (
        f"`python -m bench.document_preview` on {platform.machine()}, "
        f"{platform.python_version()}: a {ARTICLES}-article document, {RUNS} previews each "
        "(extract the text, split the clauses).\n\n"
        "| file | size | median | worst |\n| --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + f"\n\nPromise: under {TARGET_SECONDS:.0f} s to preview.\n"
    )
    write_section("Document import preview (60 articles)", body)
    print(body)
    return 0 if worst_all < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
