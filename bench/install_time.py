"""Benchmark: install time of the pinned dependencies into a fresh virtual environment.

Creates a new venv in a temporary directory with the same Python as ``.venv``
and times ``pip install -r requirements.txt -c constraints.txt`` (what
``make install`` runs), using pip's normal cache: the first run on a machine
downloads from PyPI, later runs install from the local cache. Also times the
editable install of the project itself. Writes a section of docs/benchmarks.md.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 3600


def wheel_sources() -> str:
    """Where pip finds wheels on this machine (its find-links setting), for the report."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    links = sorted(
        {
            line.split("=", 1)[1].strip("'")
            for line in result.stdout.splitlines()
            if line.split("=", 1)[0].endswith("find-links")
        }
    )
    return ", ".join(f"`{link}`" for link in links) or "none"


def timed(command: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT, timeout=TIMEOUT, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="changai-install-") as tmp:
        venv = Path(tmp) / "venv"
        create = timed([sys.executable, "-m", "venv", str(venv)])
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--progress-bar", "off"]
        tools = timed([*pip, "pip>=23,<24.1", "wheel", "setuptools<71"])
        deps = timed([*pip, "-r", "requirements.txt", "-c", "constraints.txt"])
        project = timed([*pip, "--no-deps", "--no-build-isolation", "-e", "."])
        size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file()) / 2**30
        shutil.rmtree(venv)
    total = create + tools + deps + project
    write_section(
        "Install time",
        f"`python -m bench.install_time` on {platform.machine()}, Python "
        f"{platform.python_version()}: a fresh venv, then the same steps as `make install`, "
        f"with pip's cache and configuration as they are on this machine (find-links: "
        f"{wheel_sources()}); wheels not found there or in the cache are downloaded from "
        "PyPI.\n\n"
        "| step | seconds |\n| --- | --- |\n"
        f"| create venv | {create:.1f} |\n| pip, wheel, setuptools | {tools:.1f} |\n"
        f"| `pip install -r requirements.txt -c constraints.txt` | {deps:.1f} |\n"
        f"| the project (editable) | {project:.1f} |\n| **total** | **{total:.1f}** |\n\n"
        f"Installed size: {size:.2f} GiB.",
    )
    print(f"install: {total:.1f} s ({deps:.1f} s dependencies), {size:.2f} GiB")


if __name__ == "__main__":
    main()
