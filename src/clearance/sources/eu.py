"""EU Financial Sanctions Files, XML 1.1 (``xmlFullSanctionsList_1_1``): read -> map.

``read`` streams the export (root ``export``, namespace ``http://eu.europa.ec/fpi/fsd/export``
matched by local name) into :class:`EuRecord` values, one per ``sanctionEntity``;
``map_record`` turns each into an :class:`~clearance.model.Entity` ``eu-fsf:<logicalId>``.

Mapping decisions:

- subjectType ``person`` (classification P) -> ``Person``; ``enterprise`` (E) ->
  ``Organization`` (as for the UN list: groups and companies, never natural persons).
- The EU marks no primary name. The ``name`` is the first strong alias in Latin script,
  preferring one that carries the function or title, then one with a split first/last name,
  then one in English or no stated language; the other strong aliases are ``alias``,
  ``strong="false"`` ones ``weakAlias``.
  Native-script aliases are kept as given with their script; ``nameLanguage`` becomes an
  ISO 639-3 code.
- ``citizenship`` -> ``nationality`` (as OpenSanctions maps it). Birth dates from
  ``birthdate`` (already Gregorian, also for ``calendarType="ISLAMIC"``), else year/month/day,
  else the year range. Identification types map to FtM properties through
  ``data/eu_fsf.yaml``. The alias ``function`` is the person's ``position`` (an
  organisation's ``notes``); entity-level remarks are ``notes``.
- One listing: ``EU-FSF``, effect ``asset-freeze``, program = the regulation's programme code
  (``TERR``, ``IRN``, ``RUS``...), start = ``designationDate`` or, where the EU gives none, the
  earliest publication date of a regulation naming the entity; reason = designationDetails.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from clearance.datafiles import load_data
from clearance.errors import ParseError
from clearance.model import Entity, Listing, NameKind
from clearance.reference import list_info
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import iso_date, localname
from clearance.sources.xmlread import (
    Element,
    XmlDocument,
    attrs,
    clean,
    country_code,
    informative,
    iter_records,
    language_code,
    locate,
    record_dict,
    where,
    year_range,
)
from clearance.text.scripts import is_latin

LIST_CODE = "EU-FSF"
_ROOTS = frozenset({"export"})
_RECORDS = frozenset({"sanctionEntity"})
_DESCRIBE = "an EU Financial Sanctions Files XML 1.1 export (root export)"


@cache
def _mapping() -> dict[str, Any]:
    data: dict[str, Any] = load_data("eu_fsf.yaml")
    return data


# -- source records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EuDetail:
    """One detail element (nameAlias, birthdate, citizenship, address, identification):
    its attributes as given, its remarks and contact entries."""

    kind: str
    attributes: dict[str, str]
    remarks: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str:
        return self.attributes.get(key, "")


@dataclass(frozen=True, slots=True)
class EuRecord:
    """One sanctionEntity, as the export gives it."""

    logical_id: str
    attributes: dict[str, str]
    subject_type: str
    regulation: dict[str, str]
    names: tuple[EuDetail, ...] = ()
    citizenships: tuple[EuDetail, ...] = ()
    birth_dates: tuple[EuDetail, ...] = ()
    addresses: tuple[EuDetail, ...] = ()
    identifications: tuple[EuDetail, ...] = ()
    remarks: tuple[str, ...] = ()
    #: earliest publicationDate of any regulation in the entry
    first_publication: str = ""
    line: int = 0


# -- read ----------------------------------------------------------------------------------


def _detail(element: Element, dates: list[str]) -> EuDetail:
    remarks: list[str] = []
    contacts: list[tuple[str, str]] = []
    for child in element:
        name = localname(child.tag)
        if name == "remark":
            remarks.append(clean(child.text))
        elif name == "contactInfo":
            contacts.append((clean(child.get("key")), clean(child.get("value"))))
        elif name == "regulationSummary":
            dates.append(clean(child.get("publicationDate")))
    return EuDetail(
        kind=localname(element.tag),
        attributes={k: v for k, v in attrs(element).items() if v and k != "regulationLanguage"},
        remarks=tuple(r for r in remarks if r),
        contacts=tuple(c for c in contacts if c[0] and c[1]),
    )


def read_record(element: Element, path: Path, index: int) -> EuRecord:
    """One sanctionEntity element -> EuRecord (ParseError without a logicalId)."""
    entity_attrs = {k: v for k, v in attrs(element).items() if v}
    logical_id = entity_attrs.pop("logicalId", "")
    if not logical_id:
        raise ParseError(str(path), where(element, index), "the entry has no logicalId")
    dates: list[str] = []
    details: dict[str, list[EuDetail]] = {}
    remarks: list[str] = []
    subject_type, regulation = "", {}
    for child in element:
        name = localname(child.tag)
        if name == "subjectType":
            subject_type = clean(child.get("code")) or clean(child.get("classificationCode"))
        elif name == "regulation":
            regulation = {k: v for k, v in attrs(child).items() if v}
            url = next((c.text for c in child if localname(c.tag) == "publicationUrl"), "")
            regulation["publicationUrl"] = clean(url)
            dates.append(regulation.get("publicationDate", ""))
        elif name == "remark":
            remarks.append(clean(child.text))
        elif name in ("nameAlias", "citizenship", "birthdate", "address", "identification"):
            details.setdefault(name, []).append(_detail(child, dates))
    valid_dates = sorted(d for d in (iso_date(x) for x in set(dates)) if d)
    return EuRecord(
        logical_id=logical_id,
        attributes=entity_attrs,
        subject_type=subject_type,
        regulation=regulation,
        names=tuple(details.get("nameAlias", ())),
        citizenships=tuple(details.get("citizenship", ())),
        birth_dates=tuple(details.get("birthdate", ())),
        addresses=tuple(details.get("address", ())),
        identifications=tuple(details.get("identification", ())),
        remarks=tuple(r for r in remarks if r),
        first_publication=valid_dates[0] if valid_dates else "",
        line=element.sourceline or 0,
    )


def read_records(path: Path) -> tuple[XmlDocument, list[EuRecord]]:
    document = XmlDocument(path)
    with closing(iter_records(document, _ROOTS, _RECORDS, _DESCRIBE)) as elements:
        records = [read_record(element, path, index) for index, element in enumerate(elements, 1)]
    return document, records


# -- map -----------------------------------------------------------------------------------


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if informative(p))


def whole_name(alias: EuDetail) -> str:
    parts = (alias.get("firstName"), alias.get("middleName"), alias.get("lastName"))
    return alias.get("wholeName") or " ".join(p for p in parts if p)


def primary_alias(names: tuple[EuDetail, ...]) -> EuDetail | None:
    """The alias to show as the entity's name (see the module docstring)."""
    strong = [n for n in names if n.get("strong") != "false" and whole_name(n)]
    candidates = strong or [n for n in names if whole_name(n)]
    if not candidates:
        return None

    def rank(alias: EuDetail) -> tuple[bool, bool, bool, bool]:
        described = bool(alias.get("function") or alias.get("title"))
        split = bool(alias.get("firstName") or alias.get("lastName"))
        english = alias.get("nameLanguage").upper() in ("", "EN")
        return (is_latin(whole_name(alias)), described, split, english)

    return max(candidates, key=rank)


def _add_names(entity: Entity, record: EuRecord) -> None:
    primary = primary_alias(record.names)
    ordered = ([primary] if primary else []) + [n for n in record.names if n is not primary]
    for alias in ordered:
        kind: NameKind = "name" if alias is primary else "alias"
        if alias.get("strong") == "false":
            kind = "weakAlias" if alias is not primary else kind
        entity.add_name(whole_name(alias), kind, language_code(alias.get("nameLanguage")))


def birth_dates(item: EuDetail) -> list[str]:
    if item.get("birthdate"):
        return [iso_date(item.get("birthdate"))]
    year = item.get("year")
    if year.isdigit() and len(year) == 4 and item.get("calendarType") in ("", "GREGORIAN"):
        month, day = item.get("monthOfYear"), item.get("dayOfMonth")
        if month.isdigit() and 1 <= int(month) <= 12:
            if day.isdigit() and 1 <= int(day) <= 31:
                return [f"{year}-{int(month):02d}-{int(day):02d}"]
            return [f"{year}-{int(month):02d}"]
        return [year]
    return year_range(item.get("yearRangeFrom"), item.get("yearRangeTo"))


def _country_description(item: EuDetail) -> str:
    return item.get("countryDescription") if country_code(item.get("countryIso2Code")) else ""


def _add_person_facts(entity: Entity, record: EuRecord) -> None:
    genders = _mapping()["gender"]
    for alias in record.names:
        entity.add("gender", genders.get(alias.get("gender"), ""))
        entity.add("title", alias.get("title"))
        entity.add("position", alias.get("function"))
    for item in record.citizenships:
        entity.add("nationality", country_code(item.get("countryIso2Code")))
    for item in record.birth_dates:
        entity.add("birthDate", birth_dates(item))
        place = _join(
            item.get("city"), item.get("place"), item.get("region"), _country_description(item)
        )
        entity.add("birthPlace", place)
        entity.add("birthCountry", country_code(item.get("countryIso2Code")))


def _add_identifiers(entity: Entity, record: EuRecord) -> None:
    mapping = _mapping()
    for item in record.identifications:
        prop = mapping["identification"].get(item.get("identificationTypeCode"), "idNumber")
        if entity.schema not in mapping["schema_properties"].get(prop, [entity.schema]):
            prop = "idNumber"
        entity.add(prop, [item.get("number"), item.get("latinNumber")])


def _add_addresses(entity: Entity, record: EuRecord) -> None:
    contact_props = _mapping()["contact"]
    for item in record.addresses:
        po_box = f"PO Box {item.get('poBox')}" if item.get("poBox") else ""
        city = " ".join(p for p in (item.get("zipCode"), item.get("city")) if p)
        entity.add(
            "address",
            _join(
                item.get("street"),
                po_box,
                city,
                item.get("region"),
                item.get("place"),
                _country_description(item),
            ),
        )
        entity.add("country", country_code(item.get("countryIso2Code")))
        for key, value in item.contacts:
            prop = contact_props.get(key.upper())
            if prop:
                entity.add(prop, [v.strip() for v in value.split(";")])


def map_record(record: EuRecord) -> Entity:
    schema = "Person" if record.subject_type in ("person", "P") else "Organization"
    entity = Entity(source=EuSource.id, source_id=record.logical_id, schema=schema)
    _add_names(entity, record)
    if schema == "Person":
        _add_person_facts(entity, record)
    else:
        entity.add("notes", [alias.get("function") for alias in record.names])
    _add_identifiers(entity, record)
    _add_addresses(entity, record)
    entity.add("notes", record.remarks)
    info = list_info(LIST_CODE)
    programme = record.regulation.get("programme", "")
    entity.listings.append(
        Listing(
            list=LIST_CODE,
            effect=info.effect,
            programs=(programme,) if programme else (),
            start=iso_date(record.attributes.get("designationDate")) or record.first_publication,
            end=iso_date(record.attributes.get("delistingDate")),
            authority=info.authority,
            reason=record.attributes.get("designationDetails", ""),
            url=record.regulation.get("publicationUrl") or info.url,
        )
    )
    entity.record = record_dict(record)
    return entity


# -- source --------------------------------------------------------------------------------


class EuSource(Source):
    id: ClassVar[str] = "eu-fsf"
    title: ClassVar[str] = "EU Financial Sanctions Files (consolidated list)"
    # the complete export has held well over 1,000 entries since 2014 (about 5,000 in 2025)
    gates: ClassVar[Gates] = Gates(min_entities=1000)
    base_url: ClassVar[str] = (
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
    )
    # the public token of the Financial Sanctions Files download page
    remote_files: ClassVar[tuple[str, ...]] = ("content?token=dG9rZW4tMjAxNw",)
    formats: ClassVar[tuple[str, ...]] = ("eu-fsf-xml",)

    def locate(self, path: Path) -> tuple[Path, ...]:
        return (locate(path, (*self.remote_files, "xmlFullSanctionsList_1_1.xml")),)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        document, records = read_records(files[0])  # this module's reader
        published = iso_date(document.attributes.get("generationDate", ""))
        return Records(records, "eu-fsf-xml", published)

    def map_records(self, records: Sequence[EuRecord]) -> list[Entity]:
        return [map_record(record) for record in records]

    def stats(self, entities: Sequence[Entity], records: Sequence[EuRecord]) -> dict[str, int]:
        persons = sum(1 for e in entities if e.schema == "Person")
        return {"Person": persons, "Organization": len(entities) - persons}
