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


def reserved_addresses() -> set[str]:
    if not EXCLUSIONS.exists():
        pytest.skip("the exclusion list lives beside the repository, not in it")
    return {
        norm(line)
        for line in EXCLUSIONS.read_text(encoding="utf-8").splitlines()
        if "://" in line and not line.lstrip().startswith("#")
    }


PAGE_EXTENSION = re.compile(r"\.(?:s?html?|shtm)$")


def hits_reserved(address: str, reserved: set[str]) -> bool:
    """The address is a reserved page, or that page with its extension dropped
    (news.youth.cn/…/t20210708_13079694), or its host and the start of its path
    (zhijiao.eol.cn/detail/2023/08, cveqc.com.cn/index.php) as a note might write them."""
    if "/" not in address:
        return False  # a bare host names a site, not a page
    for page in reserved:
        if address == page or address == PAGE_EXTENSION.sub("", page):
            return True
        if page.startswith(address) and page[len(address)] in "/?&.":
            return True
    return False


def test_reserved_pages_are_caught_in_the_forms_a_note_writes_them() -> None:
    reserved = {
        "news.youth.cn/jsxw/202107/t20210708_13079694.htm",
        "zhijiao.eol.cn/detail/2023/08/21/x.html",
        "cveqc.com.cn/index.php?a=show&id=1486&m=article",
    }
    assert hits_reserved("news.youth.cn/jsxw/202107/t20210708_13079694", reserved)
    assert hits_reserved("zhijiao.eol.cn/detail/2023/08", reserved)
    assert hits_reserved("cveqc.com.cn/index.php", reserved)
    assert not hits_reserved("zhijiao.eol.cn", reserved)
    assert not hits_reserved("news.youth.cn/jsxw/202107/t2021", reserved)
    assert not hits_reserved("zhijiao.eol.cn/detail/2024", reserved)


REPOSITORY = SEED_DIR.parents[1]
# the seed (document urls and mirrors, source notes, answers), the NLU data and the eval sets
CHECKED = [SEED_DIR, REPOSITORY / "rasa_project" / "data", REPOSITORY / "tests" / "eval"]


@pytest.mark.parametrize("root", CHECKED, ids=lambda root: root.name)
def test_no_address_is_reserved_for_the_independent_evaluation(root: Path) -> None:
    reserved = reserved_addresses()
    found = {
        f"{path.relative_to(root)}: {address}"
        for path in sorted(root.rglob("*.yml"))
        for address in addresses(path.read_text(encoding="utf-8"))
        if hits_reserved(address, reserved)
    }
    assert not found, sorted(found)
