"""UK Sanctions List (FCDO), XML: read -> map.

``read`` streams ``UK-Sanctions-List.xml`` (root ``Designations``, one ``Designation`` per
listed party, ``DateGenerated`` first) into :class:`UkRecord` values; ``map_record`` turns each
into an :class:`~clearance.model.Entity` ``gb-fcdo:<UniqueID>`` (``RUS0001``).

The record keeps the repeated groups typed (names, non-Latin names, addresses, documents,
places of birth) and every other leaf by element name, because FCDO adds fields over time.

Mapping decisions:

- IndividualEntityShip ``Individual`` -> ``Person``, ``Entity`` -> ``Organization``, ``Ship``
  -> ``Vessel`` (``data/gb_fcdo.yaml``).
- Names are Name1..Name6 joined. ``Primary Name`` -> ``name``, ``Primary Name Variation`` and
  ``Alias`` -> ``alias``, an alias of ``Low quality`` -> ``weakAlias``. Non-Latin names are kept
  as given as further ``name`` values (script detected, language from
  NonLatinScriptLanguage).
- Dates are UK day/month/year; ``dd/mm/1945`` gives the year. Countries become ISO codes.
  Ships: ``imoNumber``, ``flag``, ``pastFlags``, ``type``, ``tonnage``.
- One listing per measure imposed (asset freeze, travel ban, port entry ban...), each with its
  legal effect, program = RegimeName, start = DateDesignated, reason = UK statement of reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from clearance.datafiles import load_data
from clearance.errors import ParseError
from clearance.model import Entity, Listing, NameKind
from clearance.reference import list_info
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import localname
from clearance.sources.xmlread import (
    Element,
    XmlDocument,
    clean,
    country_codes,
    iter_records,
    language_code,
    locate,
    record_dict,
    where,
)

LIST_CODE = "GB-FCDO"
_ROOTS = frozenset({"Designations"})
_RECORDS = frozenset({"Designation", "DateGenerated"})
_DESCRIBE = "a UK Sanctions List XML (root Designations)"
#: repeated groups read as one typed sub-record each; other elements are read leaf by leaf
_GROUPS = frozenset(
    {"Name", "NonLatinName", "Address", "Passport", "NationalIdentifier", "Location"}
)
_UK_DATE = re.compile(r"^(dd|\d{1,2})/(mm|\d{1,2})/(\d{4})$")


@cache
def _mapping() -> dict[str, Any]:
    data: dict[str, Any] = load_data("gb_fcdo.yaml")
    return data


def key(value: str) -> str:
    """Letters only, lower case: the form the mapping file uses."""
    return "".join(ch for ch in value.lower() if ch.isalpha())


def uk_date(value: str) -> str:
    """ISO date (or year, year-month) from the UK's ``dd/mm/yyyy`` with ``dd``/``mm`` unknown."""
    value = clean(value)
    if re.fullmatch(r"\d{4}", value):
        return value
    match = _UK_DATE.match(value)
    if not match:
        return ""
    day, month, year = match.groups()
    if not month.isdigit() or not 1 <= int(month) <= 12:
        return year
    if not day.isdigit() or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


# -- source records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UkName:
    parts: tuple[str, ...]
    name_type: str = ""
    alias_strength: str = ""


@dataclass(frozen=True, slots=True)
class UkNonLatinName:
    name: str
    script_type: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class UkAddress:
    lines: tuple[str, ...]
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class UkDocument:
    number: str
    information: str = ""


@dataclass(frozen=True, slots=True)
class UkBirthPlace:
    town: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class UkRecord:
    """One Designation, as the list gives it."""

    unique_id: str
    kind: str
    names: tuple[UkName, ...] = ()
    non_latin_names: tuple[UkNonLatinName, ...] = ()
    addresses: tuple[UkAddress, ...] = ()
    passports: tuple[UkDocument, ...] = ()
    national_ids: tuple[UkDocument, ...] = ()
    birth_places: tuple[UkBirthPlace, ...] = ()
    #: every other leaf element by local name (DateDesignated, RegimeName, DOB, IMONumber...)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 0

    def get(self, name: str) -> tuple[str, ...]:
        return self.fields.get(name, ())

    def first(self, name: str) -> str:
        values = self.fields.get(name, ())
        return values[0] if values else ""


# -- read ----------------------------------------------------------------------------------


def _walk(element: Element, leaves: dict[str, list[str]], groups: dict[str, list[Any]]) -> None:
    for child in element:
        name = localname(child.tag)
        if not name:
            continue
        if name in _GROUPS:
            values = {localname(g.tag): clean(g.text) for g in child.iter() if g is not child}
            groups.setdefault(name, []).append({k: v for k, v in values.items() if k and v})
        elif len(child):
            _walk(child, leaves, groups)
        else:
            value = clean(child.text)
            if value:
                leaves.setdefault(name, []).append(value)


def _name(data: dict[str, str]) -> UkName:
    parts = tuple(data[f"Name{i}"] for i in range(1, 7) if data.get(f"Name{i}"))
    return UkName(parts, data.get("NameType", ""), data.get("AliasStrength", ""))


def read_record(element: Element, path: Path, index: int) -> UkRecord:
    """One Designation element -> UkRecord (ParseError without a UniqueID)."""
    leaves: dict[str, list[str]] = {}
    groups: dict[str, list[dict[str, str]]] = {}
    _walk(element, leaves, groups)
    unique_id = leaves.get("UniqueID", [""])[0]
    if not unique_id:
        raise ParseError(str(path), where(element, index), "the designation has no UniqueID")
    lines = [f"AddressLine{i}" for i in range(1, 7)]
    return UkRecord(
        unique_id=unique_id,
        kind=leaves.get("IndividualEntityShip", [""])[0],
        names=tuple(_name(g) for g in groups.get("Name", ()) if any(g.values())),
        non_latin_names=tuple(
            UkNonLatinName(
                g["NameNonLatinScript"],
                g.get("NonLatinScriptType", ""),
                g.get("NonLatinScriptLanguage", ""),
            )
            for g in groups.get("NonLatinName", ())
            if g.get("NameNonLatinScript")
        ),
        addresses=tuple(
            UkAddress(
                tuple(g[k] for k in lines if g.get(k)),
                g.get("AddressPostalCode", ""),
                g.get("AddressCountry", ""),
            )
            for g in groups.get("Address", ())
            if g
        ),
        passports=_documents(groups.get("Passport", ()), "Passport"),
        national_ids=_documents(groups.get("NationalIdentifier", ()), "NationalIdentifier"),
        birth_places=tuple(
            UkBirthPlace(g.get("TownOfBirth", ""), g.get("CountryOfBirth", ""))
            for g in groups.get("Location", ())
            if g
        ),
        fields={k: tuple(v) for k, v in leaves.items()},
        line=element.sourceline or 0,
    )


def _documents(groups: Iterable[dict[str, str]], prefix: str) -> tuple[UkDocument, ...]:
    return tuple(
        UkDocument(g.get(f"{prefix}Number", ""), g.get(f"{prefix}AdditionalInformation", ""))
        for g in groups
        if g
    )


def read_records(path: Path) -> tuple[str, list[UkRecord]]:
    """The publication date (ISO) and the designations of a UK Sanctions List XML file."""
    document = XmlDocument(path)
    published = ""
    records: list[UkRecord] = []
    with closing(iter_records(document, _ROOTS, _RECORDS, _DESCRIBE)) as elements:
        for element in elements:
            if localname(element.tag) == "DateGenerated":
                published = uk_date(element.text or "")
            else:
                records.append(read_record(element, path, len(records) + 1))
    return published, records


# -- map -----------------------------------------------------------------------------------


def _add_names(entity: Entity, record: UkRecord) -> None:
    mapping = _mapping()
    named: list[tuple[NameKind, str]] = []
    for name in record.names:
        kind: NameKind = mapping["name_types"].get(key(name.name_type), "alias")
        if kind == "alias":
            kind = mapping["alias_strength"].get(key(name.alias_strength), "alias")
        named.append((kind, " ".join(name.parts)))
    named.sort(key=lambda item: item[0] != "name")  # the primary name first, order kept
    for kind, value in named:
        entity.add_name(value, kind)
    for other in record.non_latin_names:
        entity.add_name(other.name, "name", language_code(other.language))


def _add_person_facts(entity: Entity, record: UkRecord) -> None:
    genders = _mapping()["genders"]
    entity.add("birthDate", [uk_date(d) for d in record.get("DOB")])
    entity.add("nationality", [c for n in record.get("Nationality") for c in country_codes(n)])
    entity.add("gender", [genders.get(key(g), "") for g in record.get("Gender")])
    entity.add("position", record.get("Position"))
    entity.add("title", record.get("Title"))
    entity.add("passportNumber", [p.number for p in record.passports])
    for place in record.birth_places:
        entity.add("birthPlace", ", ".join(p for p in (place.town, place.country) if p))
        entity.add("birthCountry", country_codes(place.country))


def _add_vessel_facts(entity: Entity, record: UkRecord) -> None:
    entity.add("imoNumber", record.get("IMONumber"))
    entity.add(
        "flag", [c for f in record.get("CurrentBelievedFlagOfShip") for c in country_codes(f)]
    )
    entity.add("pastFlags", [c for f in record.get("PreviousFlag") for c in country_codes(f)])
    entity.add("type", record.get("TypeOfShip"))
    entity.add("tonnage", record.get("TonnageOfShip"))


def _listings(record: UkRecord) -> list[Listing]:
    mapping = _mapping()["measures"]
    measures = [m for m in (clean(x) for x in record.first("SanctionsImposed").split("|")) if m]
    info = list_info(LIST_CODE)
    effects = list(dict.fromkeys(mapping.get(key(m), "listed") for m in measures))
    regime = record.first("RegimeName")
    return [
        Listing(
            list=LIST_CODE,
            effect=effect,
            programs=(regime,) if regime else (),
            start=uk_date(record.first("DateDesignated")),
            authority=info.authority,
            reason=record.first("UKStatementofReasons"),
            url=info.url,
        )
        for effect in effects or [info.effect]
    ]


def map_record(record: UkRecord) -> Entity:
    schema = _mapping()["schemas"].get(key(record.kind), "LegalEntity")
    entity = Entity(source=UkSource.id, source_id=record.unique_id, schema=schema)
    _add_names(entity, record)
    if schema == "Person":
        _add_person_facts(entity, record)
    elif schema == "Vessel":
        _add_vessel_facts(entity, record)
    else:
        entity.add("registrationNumber", record.get("BusinessRegistrationNumber"))
        entity.add("classification", record.get("TypeOfEntity"))
    if schema != "Vessel":
        entity.add("idNumber", [d.number for d in record.national_ids])
        entity.add("phone", record.get("PhoneNumber"))
        entity.add("email", record.get("EmailAddress"))
        entity.add("website", record.get("Website"))
    for address in record.addresses:
        parts = (*address.lines, address.postal_code, address.country)
        entity.add("address", ", ".join(p for p in parts if p))
        entity.add("country", country_codes(address.country))
    entity.add("notes", record.get("OtherInformation"))
    entity.listings.extend(_listings(record))
    entity.record = record_dict(record)
    return entity


# -- source --------------------------------------------------------------------------------


class UkSource(Source):
    id: ClassVar[str] = "gb-fcdo"
    title: ClassVar[str] = "UK Sanctions List"
    # the UK list has held several thousand designations since 2022 (Russia regime alone 2,000+)
    gates: ClassVar[Gates] = Gates(min_entities=1000)
    base_url: ClassVar[str] = "https://sanctionslist.fcdo.gov.uk/docs/"
    remote_files: ClassVar[tuple[str, ...]] = ("UK-Sanctions-List.xml",)
    formats: ClassVar[tuple[str, ...]] = ("uk-fcdo-xml",)

    def locate(self, path: Path) -> tuple[Path, ...]:
        return (locate(path, self.remote_files),)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        published, records = read_records(files[0])  # this module's reader
        return Records(records, "uk-fcdo-xml", published)

    def map_records(self, records: Sequence[UkRecord]) -> list[Entity]:
        return [map_record(record) for record in records]
