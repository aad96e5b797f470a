"""The console starts without the heavy libraries that only some admin pages use (issue #15).

SciPy and scikit-learn (the unanswered-question groups), openpyxl with lxml and Pillow
(spreadsheets) and the document parsers are imported when those pages are used, so every
console process does not carry them (docs/benchmarks.md: console memory).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAZY = ("sklearn", "scipy", "openpyxl", "lxml", "PIL", "pypdf", "docx", "jieba", "spacy")


def test_console_app_import_leaves_the_heavy_libraries_unloaded() -> None:
    code = (
        "import json, sys; import connectors.console.app; "
        f"print(json.dumps(sorted(m for m in {list(LAZY)!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
