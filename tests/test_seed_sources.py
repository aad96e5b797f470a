"""The seed knowledge never cites a page reserved for the independent evaluation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.seed_loader import SEED_DIR

EXCLUSIONS = Path(__file__).resolve().parents[2] / "shared" / "eval_exclusions.txt"
# a URL with or without its scheme: host.tld/path…
ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s'\"，。；、（）)]*)?"
)


def norm(url: str) -> str:
    """No scheme, no leading www., lower case, no trailing slash."""
    url = url.strip().lower().split("://", 1)[-1]
    return url.removeprefix("www.").rstrip("/")


def addresses(text: str) -> set[str]:
    return {norm(m.group(0)) for m in ADDRESS.finditer(text.lower())}


def test_addresses_are_normalised() -> None:
    assert norm("https://www.Example.com/a/") == "example.com/a"
    assert addresses("见上海（shhxpx.com/13739.html）和 https://www.x.cn/p?id=1。") == {
        "shhxpx.com/13739.html",
        "x.cn/p?id=1",
    }


def test_no_seed_url_is_reserved_for_the_independent_evaluation() -> None:
    if not EXCLUSIONS.exists():
        pytest.skip("the exclusion list lives beside the repository, not in it")
    reserved = {
        norm(line)
        for line in EXCLUSIONS.read_text(encoding="utf-8").splitlines()
        if "://" in line and not line.lstrip().startswith("#")
    }
    # every file of the seed: document urls and mirrors, source notes, answers, entry links
    found = {
        f"{path.relative_to(SEED_DIR)}: {address}"
        for path in sorted(SEED_DIR.rglob("*.yml"))
        for address in addresses(path.read_text(encoding="utf-8"))
        if address in reserved
    }
    assert not found, sorted(found)
