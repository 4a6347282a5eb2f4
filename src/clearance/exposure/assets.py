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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from clearance.errors import NotFoundError
from clearance.exposure.equipment import EquipmentData, equipment
from clearance.exposure.mac import Assignment, MacRegistry, parse_mac
from clearance.exposure.makers import Maker, MakerFinder, MakerLink
from clearance.exposure.service import ensure_graph
from clearance.match.scorer import Matcher
from clearance.model import Entity
from clearance.screen import Screener
from clearance.settings import Settings
from clearance.sources.ieee import SOURCE_ID as IEEE_SOURCE
from clearance.store import Store

_SPLIT = re.compile(r"[;|,\s]+")
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

    def out(self) -> list[dict[str, Any]]:
        return [
            {**self.makers[key].to_dict(), "evidence": items}
            for key, items in self.evidence.items()
        ]


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
    _orgs: dict[str, tuple[MakerLink, ...]] = field(default_factory=dict)

    def organisation(self, item: Assignment) -> tuple[MakerLink, ...]:
        """The listed makers a registered organisation points at (remembered)."""
        key = item.organization
        found = self._orgs.get(key)
        if found is None:
            if item.organization.casefold() in ("private", "ieee registration authority"):
                found = ()
            else:
                found = self.finder.by_name(key, self.data.registry_threshold, whole=True)
            self._orgs[key] = found
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
                if item.organization.casefold() == "ieee registration authority":
                    warnings.append(
                        f"mac {mac.text}: block {item.prefix} is subdivided by the IEEE and the "
                        "smaller block is not in the loaded registries"
                    )
                    continue
                base = {
                    "kind": "mac",
                    "value": mac.text,
                    "registry": item.registry,
                    "prefix": item.prefix,
                    "organization": item.organization,
                }
                for link in self.organisation(item):
                    found.link(link, base)

    def _name(self, kind: str, value: str, found: _Findings) -> None:
        for link in self.finder.by_name(value, self.name_threshold):
            found.link(link, {"kind": kind, "value": value})
        self._brands(kind, value, found, "")

    def _brands(self, kind: str, value: str, found: _Findings, field_name: str) -> None:
        for brand in self.data.brands_in(value):
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
        for pattern, word in self.data.models_in(value, whole):
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

    def screen_row(self, number: int, row: dict[str, str]) -> AssetResult:
        columns = self.columns
        warnings: list[str] = []
        if "__error__" in row:
            return AssetResult(number, "", warnings=[row["__error__"]])
        fields: dict[str, str] = {}
        for name in ("mac", "manufacturer", "brand", "model", "description"):
            value = " ".join(_pick(row, getattr(columns, name)).split())
            if len(value) > MAX_FIELD:
                warnings.append(f"{name} is longer than {MAX_FIELD} characters: cut")
                value = value[:MAX_FIELD]
            fields[name] = value
        found = _Findings()
        if fields["mac"]:
            self._mac(fields["mac"], found, warnings)
        for kind in ("manufacturer", "brand"):
            if fields[kind]:
                self._name(kind, fields[kind], found)
        if fields["model"]:
            self._models(fields["model"], True, found)
        if fields["description"]:
            self._models(fields["description"], False, found)
            self._brands("brand", fields["description"], found, "description")
        return AssetResult(number, _pick(row, columns.reference), found.out(), warnings)

    def screen(self, rows: Iterable[dict[str, str]]) -> Iterator[AssetResult]:
        for number, row in enumerate(rows, 1):
            yield self.screen_row(number, row)


def assignments_of(entities: Iterable[Entity]) -> Iterator[Assignment]:
    """The registry assignments of stored ``ieee-oui`` entities."""
    for entity in entities:
        record = entity.record
        countries = entity.get("country")
        yield Assignment(
            registry=str(record.get("registry", "")),
            prefix=str(record.get("assignment", "")),
            organization=str(record.get("organization", entity.caption)),
            address=str(record.get("address", "")),
            country=countries[0] if countries else "",
            entity_id=entity.id,
        )


def open_assets(
    store: Store,
    settings: Settings,
    profile: str | None = None,
    columns: AssetColumns | None = None,
) -> AssetScreener:
    """An asset screener over the store's lists, registries and ownership graph."""
    screener = Screener.from_store(store, settings, profile)
    matcher = Matcher(profile or settings.profile)
    data = equipment()
    known: dict[str, Maker] = {}
    for maker_id in sorted(data.makers):
        try:
            known[maker_id] = Maker.of(store.get_entity(maker_id))
        except NotFoundError:
            continue  # a bundled list left out of this store: its entries give no evidence
    finder = MakerFinder(
        search=screener,
        graph=ensure_graph(store, settings.index_dir),
        data=data,
        known=known,
        compare=lambda name, company: matcher.compare(name, company, "Organization"),
    )
    registry = MacRegistry(assignments_of(store.iter_entities([IEEE_SOURCE])))
    return AssetScreener(
        finder=finder,
        registry=registry,
        data=data,
        name_threshold=screener.scorer.threshold,
        columns=columns or AssetColumns(),
    )
