"""China's administrative divisions as regions: read from the code table, with short forms.

``lexicon/divisions/adcodes.csv`` (the current table) names every province, city, county
and district; the older table adds divisions it no longer names (former names workers
still use). :func:`division_regions` turns them into :class:`Region` rows with their
candidate short forms; :mod:`knowledge.lexicon` decides which short forms a region keeps.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from changai.vocabulary import NATIONAL

LEVELS = ("nation", "province", "city", "county")
# the suffixes a division's short form drops, longest first (自治州/县/旗 after ethnic names)
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗")
# adcode prefixes outside mainland China's divisions below province level (港澳台) or not a
# division at all (99: 海域, 苏鲁交界)
SKIP_BELOW_PROVINCE = ("71", "81", "82")
SKIP_CODES = ("99",)
FORMER_TABLE = "adcodes_cpca_0.5.5.csv"
DIVISION_ENDINGS = ("区", "县", "市", "旗", "州", "盟")


@dataclass(frozen=True)
class Region:
    name: str
    level: str
    parent: str | None
    aliases: tuple[str, ...] = ()
    full_name: str = ""
    code: str = ""

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level) if self.level in LEVELS else 0


def _strip_ethnic(name: str, ethnic_groups: tuple[str, ...]) -> str:
    """恩施土家族苗族 -> 恩施, 博尔塔拉蒙古 -> 博尔塔拉 (what is left before the ethnic names)."""
    changed = True
    while changed:
        changed = False
        for group in ethnic_groups:
            for form in (group, group.removesuffix("族")):
                if len(form) > 1 and name.endswith(form) and len(name) > len(form):
                    name, changed = name[: -len(form)], True
                    break
            if changed:
                break
    return name


def short_form(full_name: str, level: str, ethnic_groups: tuple[str, ...]) -> str:
    """The usual short form of a division's name: 江苏省 -> 江苏, 宿城区 -> 宿城."""
    suffixes = {"province": PROVINCE_SUFFIXES, "city": CITY_SUFFIXES}.get(level, COUNTY_SUFFIXES)
    for suffix in suffixes:
        if full_name.endswith(suffix) and len(full_name) > len(suffix):
            stem = full_name[: -len(suffix)]
            if "自治" in suffix and level != "province":
                return _strip_ethnic(stem, ethnic_groups)
            return stem
    return full_name


def _read_table(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(handle)]


def _read_divisions(directory: Path) -> tuple[list[tuple[str, str]], set[str]]:
    """The current table, plus the older table's divisions that it no longer names.

    Workers still say 即墨 or 莱芜 after a merger, and the current table misses a few
    districts (渝北区); such rows come from the older table, flagged as former so
    that a current division wins any short form they share.
    """
    current = _read_table(directory / "adcodes.csv")
    codes, names = {code for code, _ in current}, {name for _, name in current}
    former = [
        (code, name)
        for code, name in _read_table(directory / FORMER_TABLE)
        if code not in codes
        and name not in names
        and name not in ("市辖区", "县")
        and "直辖" not in name
        and not name.endswith(("群岛", "海域"))
    ]
    return current + former, {code for code, _ in former}


def division_regions(
    directory: Path,
    overrides: dict,
    usable_short: Callable[[str], bool],
    formers: set[str],
) -> list[tuple[Region, list[str]]]:
    """Every division as (region, candidate short forms), parents before children."""
    ethnic_path = directory / "ethnic_groups.csv"
    ethnic_groups = tuple(
        sorted(
            (line.strip() for line in ethnic_path.read_text(encoding="utf-8").splitlines()),
            key=len,
            reverse=True,
        )
    )
    names = {str(code): str(name) for code, name in (overrides.get("names") or {}).items()}
    table, former = _read_divisions(directory)
    rows = sorted(table)
    by_code = dict(rows)
    canonical: dict[str, str] = {}
    result: list[tuple[Region, list[str]]] = []
    county_names: dict[str, int] = {}
    for code, full in rows:
        if code[4:] != "00" and not code.startswith(SKIP_BELOW_PROVINCE + SKIP_CODES):
            county_names[full] = county_names.get(full, 0) + 1
    for code, full in rows:
        if code.startswith(SKIP_CODES):
            continue
        province_code, city_code = code[:2] + "0000", code[:4] + "00"
        if code == province_code:
            level, parent = "province", NATIONAL
        elif code.startswith(SKIP_BELOW_PROVINCE):
            continue
        elif code == city_code:
            if code[2:4] == "90" or full in ("市辖区", "县") or full == by_code[province_code]:
                continue  # 省直辖县级行政区划, or a municipality's own city row
            level, parent = "city", canonical[province_code]
        elif city_code not in canonical:
            # a municipality's district, or a county-level division a province runs itself
            level = "city" if code[2:4] == "90" else "county"
            parent = canonical[province_code]
        else:
            level, parent = "county", canonical[city_code]
        directly_run = code[2:4] == "90"
        short = short_form(full, "county" if directly_run else level, ethnic_groups)
        shorts: list[str]
        if code in names:
            name, shorts = names[code], []
        elif level == "county" and county_names.get(full, 0) > 1:
            name, shorts = parent + full, []
        elif level == "county":
            name, shorts = full, [short]
        elif directly_run:  # 仙桃, 天门, 神农架 … named like cities unless the short form is a word
            name, shorts = (short if usable_short(short) else full), []
        else:
            name, shorts = short, []
        if code in former and name in canonical.values():
            continue  # renamed, not gone (那曲地区 -> 那曲市): the current row names it
        canonical[code] = name
        spellings = {full}
        if level == "county" and name != full:  # a shared name: only with its city
            city_full = by_code.get(city_code, by_code[province_code])
            spellings = {city_full + full}
        if level == "city" and full.endswith("自治州"):
            spellings.add(short + "州")
        if level == "city" and full.endswith("地区"):
            spellings.add(short + "地区")
        aliases = tuple(sorted(s for s in spellings if s != name))
        result.append((Region(name, level, parent, aliases, full, code), shorts))
        if code in former:
            formers.add(name)
    return result
