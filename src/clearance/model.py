"""The one data model: listed entities with FollowTheMoney schema and property names.

An :class:`Entity` is what every source maps to and what the store, the matcher, the index and
the API share. Names are kept apart from the other properties because screening is about
names: each :class:`Name` keeps its kind (the FtM property it belongs to: ``name``, ``alias``,
``weakAlias``, ``previousName``) and its script, and native-script names are kept as given.
:meth:`Entity.to_ftm` gives the plain FollowTheMoney shape that OpenSanctions clients expect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from clearance.text.scripts import detect_script

NameKind = Literal["name", "alias", "weakAlias", "previousName"]
NAME_KINDS: tuple[NameKind, ...] = ("name", "alias", "weakAlias", "previousName")

#: FollowTheMoney schemata a listed entity can have, most specific first
SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")

#: FtM properties that hold identifiers, by the kind of identifier they are
IDENTIFIER_PROPS = (
    "idNumber",
    "passportNumber",
    "taxNumber",
    "registrationNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "callSign",
    "isinCode",
    "uscCode",
    "vatCode",
    "dunsCode",
    "npiCode",
    "serialNumber",
)


@dataclass(frozen=True, slots=True)
class Name:
    """One name of an entity, as the list gives it."""

    value: str
    kind: NameKind = "name"
    #: ISO 15924 script code of the name (``Latn``, ``Cyrl``, ``Arab``, ``Hani``, ...)
    script: str = ""
    #: language if the list says so (ISO 639), else empty
    lang: str = ""

    @classmethod
    def make(cls, value: str, kind: NameKind = "name", lang: str = "") -> Name:
        value = " ".join(value.split())
        return cls(value=value, kind=kind, script=detect_script(value), lang=lang)

    def to_dict(self) -> dict[str, str]:
        out = {"value": self.value, "kind": self.kind, "script": self.script}
        if self.lang:
            out["lang"] = self.lang
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Name:
        return cls(
            value=data["value"],
            kind=data.get("kind", "name"),  # type: ignore[arg-type]
            script=data.get("script", ""),
            lang=data.get("lang", ""),
        )


@dataclass(frozen=True, slots=True)
class Listing:
    """Why an entity is on a list: which list, which programs, since when, with what effect.

    ``list`` is a code from ``data/lists.yaml`` (``SDN``, ``EL``, ``CMIC``, ``NDAA-889``...);
    ``effect`` a code from ``data/effects.yaml`` (``blocking``, ``entity-list-licence``...).
    """

    list: str
    effect: str
    programs: tuple[str, ...] = ()
    start: str = ""
    end: str = ""
    authority: str = ""
    reason: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"list": self.list, "effect": self.effect}
        if self.programs:
            out["programs"] = list(self.programs)
        for key in ("start", "end", "authority", "reason", "url"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Listing:
        return cls(
            list=data["list"],
            effect=data["effect"],
            programs=tuple(data.get("programs", ())),
            start=data.get("start", ""),
            end=data.get("end", ""),
            authority=data.get("authority", ""),
            reason=data.get("reason", ""),
            url=data.get("url", ""),
        )


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen[value] = None
    return list(seen)


@dataclass(slots=True)
class Entity:
    """A listed party: person, company, organisation, vessel or aircraft.

    ``id`` is ``SOURCE:SOURCE_ID`` where SOURCE_ID is the list's own identifier. ``properties``
    holds FtM properties other than names (``birthDate``, ``country``, ``idNumber``...), each a
    list of strings. ``record`` is the source record the entity was mapped from, kept for
    display and audit.
    """

    source: str
    source_id: str
    schema: str
    names: list[Name] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)
    listings: list[Listing] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.source}:{self.source_id}"

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == "name":
                return name.value
        return self.names[0].value if self.names else self.id

    def add_name(self, value: str | None, kind: NameKind = "name", lang: str = "") -> None:
        if not value or not value.strip():
            return
        name = Name.make(value, kind, lang)
        if all((n.value, n.kind) != (name.value, name.kind) for n in self.names):
            self.names.append(name)

    def add(self, prop: str, values: str | Iterable[str] | None) -> None:
        """Add values of an FtM property (empty values are dropped, duplicates kept once)."""
        if values is None:
            return
        if isinstance(values, str):
            values = [values]
        merged = _dedupe([*self.properties.get(prop, []), *values])
        if merged:
            self.properties[prop] = merged

    def get(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    def names_of(self, *kinds: NameKind) -> list[str]:
        return [n.value for n in self.names if n.kind in kinds]

    # -- serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A canonical, version-independent dict (stable key order) for storage and hashing."""
        return {
            "id": self.id,
            "source": self.source,
            "source_id": self.source_id,
            "schema": self.schema,
            "names": [n.to_dict() for n in self.names],
            "properties": {k: self.properties[k] for k in sorted(self.properties)},
            "listings": [listing.to_dict() for listing in self.listings],
            "record": self.record,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        return cls(
            source=data["source"],
            source_id=data["source_id"],
            schema=data["schema"],
            names=[Name.from_dict(n) for n in data.get("names", [])],
            properties={k: list(v) for k, v in data.get("properties", {}).items()},
            listings=[Listing.from_dict(x) for x in data.get("listings", [])],
            record=dict(data.get("record", {})),
        )

    def to_ftm(self) -> dict[str, Any]:
        """The FollowTheMoney entity shape: ``{"id", "schema", "properties"}``."""
        props: dict[str, list[str]] = {}
        for name in self.names:
            props.setdefault(name.kind, [])
            if name.value not in props[name.kind]:
                props[name.kind].append(name.value)
        for key, values in self.properties.items():
            props[key] = list(values)
        programs = _dedupe(p for listing in self.listings for p in listing.programs)
        if programs and "programId" not in props:
            props["programId"] = programs
        return {"id": self.id, "schema": self.schema, "properties": props}


@dataclass(frozen=True, slots=True)
class Query:
    """What a user screens: a name and optional secondary facts. A small frozen value.

    ``schema`` is an FtM schema (``Person``, ``Company``, ``Organization``, ``LegalEntity``,
    ``Vessel``, ``Airplane``); ``country`` holds ISO 3166-1 alpha-2 codes (lower case);
    ``birth_date`` an ISO date or prefix (``1970``, ``1970-03``, ``1970-03-01``);
    ``identifiers`` any identifier strings (passport, tax, IMO, LEI...); ``reference`` the
    caller's own key for the row, echoed back in results.
    """

    name: str
    schema: str = "LegalEntity"
    country: tuple[str, ...] = ()
    birth_date: str = ""
    identifiers: tuple[str, ...] = ()
    gender: str = ""
    reference: str = ""
    aliases: tuple[str, ...] = ()
