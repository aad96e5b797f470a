"""The domain lexicon: regions, entity values and retrieval synonyms, from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from changai.vocabulary import NATIONAL

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
ENTITY_TYPES = ("skill_level", "subsidy_type", "aid_type", "housing_type", "certificate")


@dataclass(frozen=True)
class Region:
    name: str
    level: str
    parent: str | None
    aliases: tuple[str, ...] = ()


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

    def all_terms(self) -> list[tuple[str, str, str]]:
        """Every (entity type, surface, canonical) triple, longest surface first."""
        triples = [
            (entity_type, surface, canonical)
            for entity_type, table in self.surfaces.items()
            for surface, canonical in table.items()
        ]
        return sorted(triples, key=lambda t: (-len(t[1]), t[1]))

    def region_buttons(self) -> list[str]:
        return ["广东", "江苏", "浙江", "山东", "湖北", "上海", "北京"]


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_lexicon_from(directory: Path) -> Lexicon:
    regions: dict[str, Region] = {}
    surfaces: dict[str, dict[str, str]] = {"region": {}}
    for item in _read(directory / "regions.yml").get("regions", []):
        region = Region(
            name=item["name"],
            level=item["level"],
            parent=item.get("parent"),
            aliases=tuple(item.get("aliases") or ()),
        )
        regions[region.name] = region
        for surface in (region.name, *region.aliases):
            surfaces["region"][surface] = region.name
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
