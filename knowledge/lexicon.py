"""The domain lexicon: regions, entity values and retrieval synonyms.

Regions come from the administrative-division code table ``lexicon/divisions/adcodes.csv``
(every province, city, county and district) plus the overrides in ``lexicon/regions.yml``;
entity values and synonyms come from YAML.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from changai.vocabulary import NATIONAL

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
ENTITY_TYPES = ("skill_level", "subsidy_type", "aid_type", "housing_type", "certificate")


DIVISIONS_DIR = LEXICON_DIR / "divisions"
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


@dataclass
class Lexicon:
    regions: dict[str, Region]
    # entity type -> surface form -> canonical value ("region" included)
    surfaces: dict[str, dict[str, str]]
    # surface word -> canonical synonym
    synonyms: dict[str, str] = field(default_factory=dict)

    def canonical(self, entity_type: str, surface: str) -> str | None:
        return self.surfaces.get(entity_type, {}).get(surface)

    def region_chain(self, region: str | None) -> list[str]:
        """The region, its parents, and 全国 last: the order retrieval falls back in."""
        chain: list[str] = []
        current = self.regions.get(region) if region else None
        while current is not None and current.name != NATIONAL:
            chain.append(current.name)
            current = self.regions.get(current.parent) if current.parent else None
        chain.append(NATIONAL)
        return chain

    def region_depth(self, region: str | None) -> int:
        """How many steps below 全国 ``region`` sits (0 for 全国 or an unknown name)."""
        return len(self.region_chain(region)) - 1

    def contains(self, outer: str, inner: str) -> bool:
        """True when ``inner`` lies within ``outer`` (or is it); 全国 contains every region."""
        return outer in self.region_chain(inner)

    def most_specific(self, names: list[str]) -> str | None:
        """The region a worker means when naming several (江苏 宿迁 宿城区 -> 宿城区).

        The deepest of the named regions that lies within all the others; when they
        do not nest (户口四川的 在浙江上班), the last one named and its nested mentions.
        """
        known = [n for n in names if n in self.regions]
        if not known:
            return None
        for candidate in sorted(known, key=self.region_depth, reverse=True):
            if all(self.contains(other, candidate) for other in known):
                return candidate
        last = known[-1]
        nested = [n for n in known if self.contains(last, n)]
        return max(nested, key=self.region_depth)

    def province_of(self, region: str | None) -> str | None:
        chain = self.region_chain(region)
        return chain[-2] if len(chain) >= 2 else None

    def all_terms(self) -> list[tuple[str, str, str]]:
        """Every (entity type, surface, canonical) triple, longest surface first."""
        triples = [
            (entity_type, surface, canonical)
            for entity_type, table in self.surfaces.items()
            for surface, canonical in table.items()
        ]
        return sorted(triples, key=lambda t: (-len(t[1]), t[1]))

    def embedded_terms(self) -> list[tuple[str, str, str]]:
        """The terms worth finding inside a longer jieba token (``广东人`` holds 广东).

        A county's bare short form (宿城, 南浔) is left out: two characters inside a
        longer word are far more often part of that word than a district.
        """
        return [
            (entity_type, surface, canonical)
            for entity_type, surface, canonical in self.all_terms()
            if len(surface) > 1
            and not (
                entity_type == "region"
                and self.regions[canonical].level == "county"
                and not surface.endswith(DIVISION_ENDINGS)
            )
        ]

    def region_buttons(self) -> list[str]:
        return ["广东", "江苏", "浙江", "山东", "湖北", "上海", "北京"]


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


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


def _division_regions(
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


def _common_words() -> dict[str, str]:
    """jieba's dictionary: word -> part of speech (the words a short form must not steal)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and len(parts[0]) == 2:
                words[parts[0]] = parts[2]
    return words


PLACE_TAGS = frozenset({"ns", "nr", "nrt", "nz", "nt"})


def load_lexicon_from(directory: Path) -> Lexicon:
    regions: dict[str, Region] = {}
    surfaces: dict[str, dict[str, str]] = {"region": {}}
    overrides = _read(directory / "regions.yml")
    national = overrides.get("national") or {"name": NATIONAL}
    regions[NATIONAL] = Region(
        NATIONAL, "nation", None, tuple(national.get("aliases") or ()), NATIONAL, "000000"
    )
    extra_aliases = {
        str(k): [str(a) for a in v] for k, v in (overrides.get("aliases") or {}).items()
    }
    not_region = {str(word) for word in overrides.get("not_region") or []}
    common = _common_words()

    def usable_short(short: str) -> bool:
        return (
            len(short) >= 2
            and short not in not_region
            and common.get(short, "ns") in PLACE_TAGS
            and short not in entity_surfaces
        )

    entity_surfaces = {
        str(surface)
        for items in _read(directory / "entities.yml").values()
        for item in items or []
        for surface in (item["value"], *(item.get("aliases") or ()))
    }
    formers: set[str] = set()
    divisions = _division_regions(directory / "divisions", overrides, usable_short, formers)
    taken: dict[str, str] = {}
    # names and full spellings first (they never clash: full names shared by counties
    # were prefixed), then short forms, where a clash or a common word drops the form
    for region, _shorts in divisions:
        aliases = tuple(dict.fromkeys((*region.aliases, *extra_aliases.get(region.name, ()))))
        region = Region(
            region.name, region.level, region.parent, aliases, region.full_name, region.code
        )
        regions[region.name] = region
        for surface in (region.name, *region.aliases):
            taken.setdefault(surface, region.name)
    for surface in (NATIONAL, *regions[NATIONAL].aliases):
        taken[surface] = NATIONAL
    claims: dict[str, set[str]] = {}
    for region, shorts in divisions:
        for short in shorts:
            if short in taken or not usable_short(short):
                continue
            claims.setdefault(short, set()).add(region.name)
    for short, owners in claims.items():
        if len(owners - formers) >= 1:
            owners = owners - formers  # a current division wins over a former one
        if len(owners) == 1:
            (owner,) = owners
            region = regions[owner]
            regions[owner] = Region(
                region.name,
                region.level,
                region.parent,
                (*region.aliases, short),
                region.full_name,
                region.code,
            )
            taken[short] = owner
    for region in regions.values():
        for surface in (region.name, *region.aliases):
            surfaces["region"].setdefault(surface, region.name)
    entities = _read(directory / "entities.yml")
    for entity_type in ENTITY_TYPES:
        table = surfaces.setdefault(entity_type, {})
        for item in entities.get(entity_type, []) or []:
            for surface in (item["value"], *(item.get("aliases") or ())):
                table[str(surface)] = item["value"]
    synonyms: dict[str, str] = {}
    for group in _read(directory / "synonyms.yml").get("groups", []):
        canonical, *others = [str(word) for word in group]
        for word in others:
            synonyms[word] = canonical
    return Lexicon(regions=regions, surfaces=surfaces, synonyms=synonyms)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return load_lexicon_from(LEXICON_DIR)
