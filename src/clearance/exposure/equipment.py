"""Equipment evidence from ``data/exposure/equipment.yaml``: families, brands, model numbers.

Pure lookups over the data file, loaded and checked once per process: which listed maker a
brand word or a model number points at, and which companies the data documents as members of
a listed maker's family. Every entry carries its public source, and evidence built from it
shows that source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from clearance.datafiles import load_data
from clearance.exposure.graph import EDGE_KINDS


@dataclass(frozen=True, slots=True)
class Family:
    company: str
    maker: str
    relation: str
    source: str


@dataclass(frozen=True, slots=True)
class Brand:
    brand: str
    maker: str
    relation: str
    source: str


@dataclass(frozen=True, slots=True)
class ModelPattern:
    pattern: str
    maker: str
    products: str
    source: str
    #: models of the maker's catalogue the pattern fits (checked by the tests)
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class EquipmentData:
    registry_threshold: float
    #: index.SearchParams fields of the candidate search for registered organisations
    registry_search: dict[str, float]
    family_threshold: float
    family_kinds: frozenset[str]
    family_min_share: float
    families: tuple[Family, ...]
    brands: tuple[Brand, ...]
    models: tuple[ModelPattern, ...]
    #: any brand as a whole word (group ``b<i>`` names the brand)
    brand_re: re.Pattern[str]
    #: any model pattern at the start of a word (group ``m<i>`` names the pattern)
    model_re: re.Pattern[str]

    @property
    def makers(self) -> frozenset[str]:
        """Entity ids of every maker the data names."""
        entries: list[Family | Brand | ModelPattern] = [*self.families, *self.brands, *self.models]
        return frozenset(x.maker for x in entries)

    def brands_in(self, text: str) -> list[Brand]:
        """The brands written as whole words in ``text`` (each once)."""
        found: dict[int, None] = {}
        for hit in self.brand_re.finditer(text):
            if hit.lastgroup:
                found[int(hit.lastgroup[1:])] = None
        return [self.brands[i] for i in found]

    def models_in(self, text: str, whole: bool) -> list[tuple[ModelPattern, str]]:
        """Model patterns that fit ``text`` (from its start when ``whole``, else at any word),
        with the word they fit."""
        out: list[tuple[ModelPattern, str]] = []
        if whole:
            hit = self.model_re.match(text.strip())
            hits = [hit] if hit else []
        else:
            hits = list(self.model_re.finditer(text))
        seen: set[int] = set()
        for found in hits:
            if found is None or not found.lastgroup:
                continue
            index = int(found.lastgroup[1:])
            if index not in seen:
                seen.add(index)
                end = text.find(" ", found.start())
                word = text[found.start() : end if end >= 0 else len(text)].strip(",;()")
                out.append((self.models[index], word))
        return out


def _entries(
    raw: list[dict[str, Any]], fields: tuple[str, ...], where: str
) -> list[dict[str, str]]:
    out = []
    for entry in raw:
        missing = [f for f in fields if not str(entry.get(f, "")).strip()]
        if missing:
            raise ValueError(f"equipment.yaml {where}: {entry!r} lacks {', '.join(missing)}")
        if not str(entry["source"]).startswith("https://"):
            raise ValueError(f"equipment.yaml {where}: {entry!r} has no public source URL")
        out.append({f: " ".join(str(entry[f]).split()) for f in fields})
    return out


@cache
def equipment() -> EquipmentData:
    raw: dict[str, Any] = load_data("exposure/equipment.yaml")
    families = tuple(
        Family(**e)
        for e in _entries(raw["families"], ("company", "maker", "relation", "source"), "families")
    )
    brands = tuple(
        Brand(**e)
        for e in _entries(raw["brands"], ("brand", "maker", "relation", "source"), "brands")
    )
    fields = ("pattern", "maker", "products", "source")
    models = tuple(
        ModelPattern(**e, examples=tuple(str(x) for x in raw_entry.get("examples", ())))
        for e, raw_entry in zip(
            _entries(raw["models"], fields, "models"), raw["models"], strict=True
        )
    )
    kinds = frozenset(raw["family_links"]["kinds"])
    if not kinds <= set(EDGE_KINDS):
        raise ValueError(f"equipment.yaml: unknown link kinds {sorted(kinds - set(EDGE_KINDS))}")
    brand_re = re.compile(
        "|".join(rf"(?<!\w)(?P<b{i}>{re.escape(b.brand)})(?!\w)" for i, b in enumerate(brands)),
        re.IGNORECASE,
    )
    model_re = re.compile(
        "|".join(rf"(?<![\w-])(?P<m{i}>{m.pattern})" for i, m in enumerate(models)),
        re.IGNORECASE,
    )
    thresholds = raw["thresholds"]
    return EquipmentData(
        registry_threshold=float(thresholds["registry"]),
        registry_search={str(k): float(v) for k, v in raw["registry_search"].items()},
        family_threshold=float(thresholds["family"]),
        family_kinds=kinds,
        family_min_share=float(raw["family_links"]["min_share"]),
        families=families,
        brands=brands,
        models=models,
        brand_re=brand_re,
        model_re=model_re,
    )
