"""Write one section of docs/benchmarks.md, keeping the others."""

from __future__ import annotations

import re
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\nMachine: 2 cores, 24 GiB (the CI machine kind). `make bench` regenerates.\n"
)


def write_section(title: str, body: str) -> None:
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    if not text.startswith("# Benchmarks"):
        text = HEADER
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
