"""Benchmark: time to train the project's Rasa model from scratch.

Runs the same ``rasa train`` as ``make train`` (``rasa_project.training``), into
a temporary directory with an empty Rasa training cache (``RASA_CACHE_DIRECTORY``
in a temporary directory), so nothing is reused from an earlier training. The
spaCy pipeline (``make spacy``) must exist; it is built once and not timed here.
Writes a section of docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from rasa_project.training import train_command

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 3600


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="changai-train-") as tmp:
        command = train_command(Path(tmp), "bench")
        env = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
        start = time.monotonic()
        subprocess.run(
            command,
            check=True,
            cwd=ROOT,
            env=env,
            timeout=TIMEOUT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - start
        size = (Path(tmp) / "bench.tar.gz").stat().st_size / 2**20
    write_section(
        "Training time",
        f"`python -m bench.training_time` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: `rasa train` of `rasa_project/` (NLU pipeline "
        "with DIET, 100 epochs, and RulePolicy) with an empty training cache.\n\n"
        f"| training | model size |\n| --- | --- |\n| {seconds:.0f} s | {size:.1f} MiB |",
    )
    print(f"training: {seconds:.0f} s, model {size:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
