"""Asset screening: which rows of an inventory are equipment made by listed makers, and why.

Per row, every evidence kind is read on its own: the MAC address (IEEE registries, longest
prefix, the registered organisation to a listed maker by the matcher, at the registry
threshold), the manufacturer and brand fields (matched like any party, at the screening
threshold, and brand words of ``equipment.yaml``), the model field and the description (model
patterns and brand words). The result lists each listed entity the row points at with its lists
and legal effects and every piece of evidence; a row with no finding is listed with none.

Work is remembered per distinct value (a registered organisation, a manufacturer string), so an
inventory of a million rows costs about as many name matches as it has distinct makers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from clearance.exposure.equipment import EquipmentData
from clearance.exposure.mac import Assignment, MacRegistry, parse_mac
from clearance.exposure.makers import Maker, MakerFinder, MakerLink
from clearance.exposure.parallel import ordered_map

_SPLIT = re.compile(r"[;|,\s]+")
#: distinct field values whose brand words and model patterns are remembered
TEXTS_KEPT = 200_000
T = TypeVar("T")


def _same(result: AssetResult) -> AssetResult:
    return result


#: the registrant of the MA-L blocks the IEEE divides into MA-M and MA-S blocks
SUBDIVIDED = "IEEE Registration Authority"
#: registered organisations that are never a maker
NOT_MAKERS = frozenset({"private", SUBDIVIDED.casefold()})


def identify_organisation(finder: MakerFinder, organisation: str) -> tuple[MakerLink, ...]:
    """The listed makers a registered organisation points at: the matcher at the registry
    threshold, the maker's own words only (see ``makers.same_words``)."""
    if organisation.casefold() in NOT_MAKERS:
        return ()
    return finder.by_name(organisation, finder.data.registry_threshold, whole=True)


#: longest value of a field that is read (longer ones are cut, with a warning)
MAX_FIELD = 1000


@dataclass(frozen=True)
class AssetColumns:
    """Which input column holds which field (first existing name wins)."""

    reference: tuple[str, ...] = ("reference", "asset_id", "id")
    mac: tuple[str, ...] = ("mac", "mac_address")
    manufacturer: tuple[str, ...] = ("manufacturer", "vendor", "make")
    brand: tuple[str, ...] = ("brand",)
    model: tuple[str, ...] = ("model", "model_number")
    description: tuple[str, ...] = ("description",)


@dataclass
class AssetResult:
    row: int
    reference: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "reference": self.reference,
            "findings": self.findings,
            "warnings": self.warnings,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        value = row.get(name)
        if value:
            return value
    return ""


class _Findings:
    """Evidence of one row, grouped by the listed entity it points at."""

    def __init__(self) -> None:
        self.makers: dict[str, Maker] = {}
        self.evidence: dict[str, list[dict[str, Any]]] = {}

    def add(self, maker: Maker, evidence: dict[str, Any]) -> None:
        self.makers.setdefault(maker.entity_id, maker)
        items = self.evidence.setdefault(maker.entity_id, [])
        if evidence not in items:
            items.append(evidence)

    def link(self, link: MakerLink, base: dict[str, Any]) -> None:
        self.add(link.maker, {**base, **dict(link.detail)})

    def out(self, shown: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """The findings, each maker's fields made once per screener (``shown``)."""
        out = []
        for key, items in self.evidence.items():
            fields = shown.get(key)
            if fields is None:
                fields = shown[key] = self.makers[key].to_dict()
            out.append({**fields, "evidence": items})
        return out


@dataclass
class AssetScreener:
    """Screens inventory rows (see the module). ``registry`` may be empty: MAC addresses are
    then reported as not looked up."""

    finder: MakerFinder
    registry: MacRegistry
    data: EquipmentData
    #: the threshold of manufacturer and brand fields (the screening profile's)
    name_threshold: float
    columns: AssetColumns = field(default_factory=AssetColumns)
    #: registered organisation -> the makers it points at, for every organisation of the
    #: registry when ``complete`` (worked out once per store state: ``asset_tables.py``)
    orgs: dict[str, tuple[MakerLink, ...]] = field(default_factory=dict)
    complete: bool = False
    _texts: dict[tuple[str, str], Any] = field(default_factory=dict)
    _shown: dict[str, dict[str, Any]] = field(default_factory=dict)

    def organisation(self, item: Assignment) -> tuple[MakerLink, ...]:
        """The listed makers a registered organisation points at."""
        found = self.orgs.get(item.organization)
        if found is None:
            found = () if self.complete else identify_organisation(self.finder, item.organization)
            self.orgs[item.organization] = found
        return found

    def _cached(self, kind: str, value: str) -> Any:
        """Brand words and model patterns of a field value (inventories repeat values)."""
        key = (kind, value)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) >= TEXTS_KEPT:
                self._texts.clear()
            data = self.data
            if kind == "brands":
                found = data.brands_in(value)
            else:
                found = data.models_in(value, kind == "model")
            self._texts[key] = found
        return found

    def _mac(self, value: str, found: _Findings, warnings: list[str]) -> None:
        for text in _SPLIT.split(value.strip()):
            if not text:
                continue
            mac = parse_mac(text)
            if mac is None:
                warnings.append(f"mac {text!r} is not a MAC address")
                continue
            if mac.null or mac.group:
                kind = (
                    "the null address" if mac.null else "a group (multicast or broadcast) address"
                )
                warnings.append(f"mac {mac.text} is {kind}, not a device's own")
                continue
            if mac.local:
                warnings.append(
                    f"mac {mac.text} is locally administered (set by software): it names no maker"
                )
                continue
            if not len(self.registry):
                warnings.append(
                    "the IEEE registries are not loaded (clearance load ieee-oui PATH): "
                    f"mac {mac.text} was not looked up"
                )
                continue
            assignments = self.registry.lookup(mac)
            if not assignments:
                warnings.append(f"mac {mac.text}: its prefix is not registered with the IEEE")
                continue
            for item in assignments:
                if item.organization == SUBDIVIDED:
                    warnings.append(
                        f"mac {mac.text}: block {item.prefix} is subdivided by the IEEE and the "
                        "smaller block is not in the loaded registries"
                    )
                    continue
                links = self.organisation(item)
                if not links:
                    continue
                base = {
                    "kind": "mac",
                    "value": mac.text,
                    "registry": item.registry,
                    "prefix": item.prefix,
                    "organization": item.organization,
                }
                for link in links:
                    found.link(link, base)

    def _name(self, kind: str, value: str, found: _Findings) -> None:
        for link in self.finder.by_name(value, self.name_threshold):
            found.link(link, {"kind": kind, "value": value})
        self._brands(kind, value, found, "")

    def _brands(self, kind: str, value: str, found: _Findings, field_name: str) -> None:
        for brand in self._cached("brands", value):
            maker = self.finder.known.get(brand.maker)
            if maker is None:
                continue
            evidence = {
                "kind": "brand",
                "value": value,
                "brand": brand.brand,
                "relation": brand.relation,
                "source": brand.source,
            }
            if kind != "brand" or field_name:
                evidence["field"] = field_name or kind
            found.add(maker, evidence)

    def _models(self, value: str, whole: bool, found: _Findings) -> None:
        for pattern, word in self._cached("model" if whole else "description", value):
            maker = self.finder.known.get(pattern.maker)
            if maker is None:
                continue
            evidence = {
                "kind": "model",
                "value": word,
                "pattern": pattern.pattern,
                "products": pattern.products,
                "source": pattern.source,
            }
            if not whole:
                evidence["field"] = "description"
            found.add(maker, evidence)

    def _fields(self, row: dict[str, str], warnings: list[str]) -> list[str]:
        """mac, manufacturer, brand, model, description: whitespace collapsed, bounded."""
        columns = self.columns
        out: list[str] = []
        for name, names in (
            ("mac", columns.mac),
            ("manufacturer", columns.manufacturer),
            ("brand", columns.brand),
            ("model", columns.model),
            ("description", columns.description),
        ):
            value = _pick(row, names)
            if value:
                if len(value) > MAX_FIELD:
                    warnings.append(f"{name} is longer than {MAX_FIELD} characters: cut")
                    value = value[:MAX_FIELD]
                if not value.isprintable() or "  " in value:
                    value = " ".join(value.split())
            out.append(value)
        return out

    def screen_row(self, number: int, row: dict[str, str]) -> AssetResult:
        warnings: list[str] = []
        if "__error__" in row:
            return AssetResult(number, "", warnings=[row["__error__"]])
        mac, manufacturer, brand, model, description = self._fields(row, warnings)
        found = _Findings()
        if mac:
            self._mac(mac, found, warnings)
        if manufacturer:
            self._name("manufacturer", manufacturer, found)
        if brand:
            self._name("brand", brand, found)
        if model:
            self._models(model, True, found)
        if description:
            self._models(description, False, found)
            self._brands("brand", description, found, "description")
        reference = _pick(row, self.columns.reference)
        return AssetResult(number, reference, found.out(self._shown), warnings)

    def screen(
        self, rows: Iterable[dict[str, str]], workers: int = 1, chunk_size: int = 2000
    ) -> Iterator[AssetResult]:
        """Every row's result, in input order (rows screened in ``workers`` processes)."""
        return self.screen_encoded(rows, _same, workers, chunk_size)

    def screen_encoded(
        self,
        rows: Iterable[dict[str, str]],
        encode: Callable[[AssetResult], T],
        workers: int = 1,
        chunk_size: int = 2000,
    ) -> Iterator[T]:
        """Every row's result as ``encode`` makes it (in the worker: handing a JSON line back
        costs a fraction of handing back the result), in input order."""

        def chunk(items: list[tuple[int, dict[str, str]]]) -> list[T]:
            return [encode(self.screen_row(number, row)) for number, row in items]

        return ordered_map(chunk, enumerate(rows, 1), workers, chunk_size)


#: the columns of CSV and XLSX output: one line per finding, or one for a row without any
ASSET_COLUMNS = (
    "row", "reference", "entity_id", "source", "name", "lists", "effect", "evidence",
    "warnings",
)  # fmt: skip


def evidence_text(item: dict[str, Any]) -> str:
    """One piece of evidence in a few words (the JSON output has every field)."""
    kind = item["kind"]
    if kind == "mac":
        text = f"mac {item['value']} ({item['registry']} {item['prefix']}: {item['organization']})"
    elif kind == "model":
        text = f"model {item['value']} ({item['products']})"
    elif kind == "brand":
        text = f"brand {item['brand']} ({item['relation']})"
    else:
        text = f"{kind} {item['value']!r}"
    if "field" in item:
        text += f" in {item['field']}"
    for link in item.get("family", ()):
        text += f"; family: {link.get('company') or link.get('name')}"
        text += f" ({link.get('relation') or link.get('kind')})"
    return text


def asset_lines(result: AssetResult) -> list[list[Any]]:
    return list(_asset_lines(result))


def _asset_lines(result: AssetResult) -> Iterator[list[Any]]:
    warnings = "; ".join(result.warnings)
    if not result.findings:
        yield [result.row, result.reference, "", "", "", "", "", "", warnings]
    for finding in result.findings:
        effect = finding["effect"] or {}
        yield [
            result.row, result.reference, finding["entity_id"], finding["source"],
            finding["name"], ";".join(finding["lists"]), effect.get("label", ""),
            "; ".join(evidence_text(e) for e in finding["evidence"]), warnings,
        ]  # fmt: skip
