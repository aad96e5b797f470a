"""The domain lexicon: regions, entity values and retrieval synonyms.

Regions come from the administrative-division code table ``lexicon/divisions/adcodes.csv``
(every province, city, county and district, read by :mod:`knowledge.divisions`) plus the
overrides in ``lexicon/regions.yml``; entity values and synonyms come from YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from changai.vocabulary import NATIONAL
from knowledge.divisions import DIVISION_ENDINGS, Region, division_regions

# tests/test_regions.py reads the short forms here.
from knowledge.divisions import short_form as short_form

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
ENTITY_TYPES = ("skill_level", "subsidy_type", "aid_type", "housing_type", "certificate")


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
    divisions = division_regions(directory / "divisions", overrides, usable_short, formers)
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
