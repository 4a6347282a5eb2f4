"""UN Security Council Consolidated List (XML): read -> map.

``read`` streams ``consolidated.xml`` (root ``CONSOLIDATED_LIST``, one ``INDIVIDUAL`` or
``ENTITY`` element per listed party) into :class:`UnRecord` values; ``map_record`` turns each
into an :class:`~clearance.model.Entity` with id ``un-sc:<REFERENCE_NUMBER>``.

Mapping decisions:

- ``INDIVIDUAL`` -> ``Person``; ``ENTITY`` -> ``Organization``. The UN entities are groups,
  companies, banks and front organisations, never natural persons; ``Organization`` is the
  FtM parent of ``Company``, so company queries still match, while person queries are not
  offered organisations as ``LegalEntity`` would allow.
- The name is FIRST_NAME .. FOURTH_NAME joined; NAME_ORIGINAL_SCRIPT is kept as given as a
  further ``name`` (its script detected). Alias quality ``Good``/``a.k.a.`` (or none) ->
  ``alias``, ``Low`` -> ``weakAlias``, ``f.k.a.`` -> ``previousName``; ``;``-separated alias
  lists are split.
- birthDate from DATE, YEAR, FROM_YEAR-TO_YEAR (every year of a span up to 10 years, else the
  two ends) or a date in the NOTE; alias-level dates of birth too. Countries become ISO codes
  (nationality, birthCountry, address country -> ``country``); documents whose type says
  passport -> ``passportNumber``, others -> ``idNumber``.
- One listing: ``UN-SC``, effect ``asset-freeze``, program = UN_LIST_TYPE, start = LISTED_ON.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar

from clearance.errors import ParseError
from clearance.model import Entity, Listing, NameKind
from clearance.reference import list_info
from clearance.sources.base import Gates, Records, Source
from clearance.sources.common import iso_date, localname
from clearance.sources.xmlread import (
    Element,
    XmlDocument,
    country_codes,
    group,
    informative,
    iter_records,
    locate,
    nested,
    record_dict,
    text,
    where,
    year_range,
)

LIST_CODE = "UN-SC"
_ROOTS = frozenset({"CONSOLIDATED_LIST"})
_RECORDS = frozenset({"INDIVIDUAL", "ENTITY"})
_DESCRIBE = "a UN Security Council Consolidated List XML (root CONSOLIDATED_LIST)"
_ALIAS_KINDS: dict[str, NameKind] = {
    "good": "alias",
    "a.k.a.": "alias",
    "": "alias",
    "low": "weakAlias",
    "f.k.a.": "previousName",
}
T = TypeVar("T")
_YEAR = re.compile(r"^\d{4}$")
_MAX_YEAR_SPAN = 10


# -- source records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnAlias:
    quality: str
    name: str
    date_of_birth: str = ""
    city_of_birth: str = ""
    country_of_birth: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnPlace:
    """An address or a place of birth."""

    street: str = ""
    city: str = ""
    state_province: str = ""
    zip_code: str = ""
    country: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnBirthDate:
    type_of_date: str = ""
    date: str = ""
    year: str = ""
    from_year: str = ""
    to_year: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnDocument:
    type: str = ""
    type2: str = ""
    number: str = ""
    issuing_country: str = ""
    date_of_issue: str = ""
    city_of_issue: str = ""
    country_of_issue: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnRecord:
    """One INDIVIDUAL or ENTITY element, as the list gives it."""

    kind: str
    reference_number: str
    dataid: str
    name_parts: tuple[str, ...]
    un_list_type: str
    listed_on: str
    delisted_on: str = ""
    gender: str = ""
    name_original_script: str = ""
    comments: str = ""
    titles: tuple[str, ...] = ()
    designations: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    list_types: tuple[str, ...] = ()
    last_updated: tuple[str, ...] = ()
    aliases: tuple[UnAlias, ...] = ()
    addresses: tuple[UnPlace, ...] = ()
    birth_dates: tuple[UnBirthDate, ...] = ()
    birth_places: tuple[UnPlace, ...] = ()
    documents: tuple[UnDocument, ...] = ()
    line: int = 0


# -- read ----------------------------------------------------------------------------------


def _place(element: Element) -> UnPlace:
    c = group(element)
    return UnPlace(
        street=text(c, "STREET"),
        city=text(c, "CITY"),
        state_province=text(c, "STATE_PROVINCE"),
        zip_code=text(c, "ZIP_CODE"),
        country=informative(text(c, "COUNTRY")),
        note=text(c, "NOTE"),
    )


def _alias(element: Element) -> UnAlias:
    c = group(element)
    return UnAlias(
        quality=text(c, "QUALITY"),
        name=text(c, "ALIAS_NAME"),
        date_of_birth=text(c, "DATE_OF_BIRTH"),
        city_of_birth=text(c, "CITY_OF_BIRTH"),
        country_of_birth=informative(text(c, "COUNTRY_OF_BIRTH")),
        note=text(c, "NOTE"),
    )


def _birth_date(element: Element) -> UnBirthDate:
    c = group(element)
    return UnBirthDate(
        type_of_date=text(c, "TYPE_OF_DATE"),
        date=text(c, "DATE"),
        year=text(c, "YEAR"),
        from_year=text(c, "FROM_YEAR"),
        to_year=text(c, "TO_YEAR"),
        note=text(c, "NOTE"),
    )


def _document(element: Element) -> UnDocument:
    c = group(element)
    return UnDocument(
        type=text(c, "TYPE_OF_DOCUMENT"),
        type2=text(c, "TYPE_OF_DOCUMENT2"),
        number=text(c, "NUMBER"),
        issuing_country=informative(text(c, "ISSUING_COUNTRY")),
        date_of_issue=text(c, "DATE_OF_ISSUE"),
        city_of_issue=text(c, "CITY_OF_ISSUE"),
        country_of_issue=informative(text(c, "COUNTRY_OF_ISSUE")),
        note=text(c, "NOTE"),
    )


def _present(items: tuple[T, ...]) -> tuple[T, ...]:
    """Drop sub-records the list leaves empty (``<INDIVIDUAL_DOCUMENT/>``)."""
    return tuple(item for item in items if record_dict(item))


def read_record(element: Element, path: Path, index: int) -> UnRecord:
    """One INDIVIDUAL/ENTITY element -> UnRecord (ParseError without a reference number)."""
    kind = localname(element.tag)
    c = group(element)
    reference = text(c, "REFERENCE_NUMBER")
    if not reference:
        raise ParseError(str(path), where(element, index), "the entry has no REFERENCE_NUMBER")
    parts = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    return UnRecord(
        kind=kind,
        reference_number=reference,
        dataid=text(c, "DATAID"),
        # the schema's default "na" marks a missing part; "NA" can be a (Korean) name
        name_parts=tuple(p for p in (text(c, n) for n in parts) if p and p != "na"),
        un_list_type=text(c, "UN_LIST_TYPE"),
        listed_on=text(c, "LISTED_ON"),
        delisted_on=text(c, "DELISTED_ON"),
        gender=text(c, "GENDER"),
        name_original_script=text(c, "NAME_ORIGINAL_SCRIPT"),
        comments=text(c, "COMMENTS1"),
        titles=nested(c, "TITLE", "VALUE"),
        designations=nested(c, "DESIGNATION", "VALUE"),
        nationalities=tuple(v for v in nested(c, "NATIONALITY", "VALUE") if informative(v)),
        list_types=nested(c, "LIST_TYPE", "VALUE"),
        last_updated=nested(c, "LAST_DAY_UPDATED", "VALUE"),
        aliases=tuple(a for a in map(_alias, c.get(f"{kind}_ALIAS", ())) if a.name),
        addresses=_present(tuple(map(_place, c.get(f"{kind}_ADDRESS", ())))),
        birth_dates=_present(tuple(map(_birth_date, c.get("INDIVIDUAL_DATE_OF_BIRTH", ())))),
        birth_places=_present(tuple(map(_place, c.get("INDIVIDUAL_PLACE_OF_BIRTH", ())))),
        documents=_present(tuple(map(_document, c.get("INDIVIDUAL_DOCUMENT", ())))),
        line=element.sourceline or 0,
    )


def read_records(path: Path) -> tuple[XmlDocument, list[UnRecord]]:
    document = XmlDocument(path)
    with closing(iter_records(document, _ROOTS, _RECORDS, _DESCRIBE)) as elements:
        records = [read_record(element, path, index) for index, element in enumerate(elements, 1)]
    return document, records


# -- map -----------------------------------------------------------------------------------


def birth_dates(item: UnBirthDate) -> list[str]:
    """ISO dates (or years) of one INDIVIDUAL_DATE_OF_BIRTH."""
    if item.date:
        return [iso_date(item.date)]
    if _YEAR.match(item.year):
        return [item.year]
    if item.from_year or item.to_year:
        return year_range(item.from_year, item.to_year, _MAX_YEAR_SPAN)
    return [iso_date(item.note.rstrip(" ."))]


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _add_names(entity: Entity, record: UnRecord) -> None:
    entity.add_name(" ".join(record.name_parts))
    entity.add_name(record.name_original_script)
    for alias in record.aliases:
        kind = _ALIAS_KINDS.get(alias.quality.lower(), "alias")
        for value in alias.name.split(";"):
            entity.add_name(value, kind)
    if not entity.names:
        for alias in record.aliases:
            entity.add_name(alias.name.split(";")[0])


def _add_person_facts(entity: Entity, record: UnRecord) -> None:
    gender = record.gender.lower()
    if gender in ("male", "female"):
        entity.add("gender", gender)
    entity.add("title", record.titles)
    entity.add("position", record.designations)
    entity.add("nationality", [c for n in record.nationalities for c in country_codes(n)])
    for item in record.birth_dates:
        entity.add("birthDate", birth_dates(item))
    for place in record.birth_places:
        entity.add("birthPlace", _join(place.city, place.state_province, place.country))
        entity.add("birthCountry", country_codes(place.country))
    for alias in record.aliases:
        entity.add("birthDate", iso_date(alias.date_of_birth))
        entity.add("birthPlace", _join(alias.city_of_birth, alias.country_of_birth))
        entity.add("birthCountry", country_codes(alias.country_of_birth))
    for doc in record.documents:
        kind = f"{doc.type} {doc.type2}".lower()
        prop = "passportNumber" if "pas" in kind and "port" in kind else "idNumber"
        entity.add(prop, doc.number)


def map_record(record: UnRecord) -> Entity:
    schema = "Person" if record.kind == "INDIVIDUAL" else "Organization"
    entity = Entity(source=UnSource.id, source_id=record.reference_number, schema=schema)
    _add_names(entity, record)
    if schema == "Person":
        _add_person_facts(entity, record)
    for address in record.addresses:
        full = _join(
            address.street, address.city, address.state_province, address.zip_code, address.country
        )
        entity.add("address", full)
        entity.add("country", country_codes(address.country))
    entity.add("notes", record.comments)
    info = list_info(LIST_CODE)
    entity.listings.append(
        Listing(
            list=LIST_CODE,
            effect=info.effect,
            programs=(record.un_list_type,) if record.un_list_type else (),
            start=iso_date(record.listed_on),
            end=iso_date(record.delisted_on),
            authority=info.authority,
            url=info.url,
        )
    )
    entity.record = record_dict(record)
    return entity


# -- source --------------------------------------------------------------------------------


class UnSource(Source):
    id: ClassVar[str] = "un-sc"
    title: ClassVar[str] = "UN Security Council Consolidated List"
    # the list has held 1,000+ entries for a decade (730 + 273 in February 2026)
    gates: ClassVar[Gates] = Gates(min_entities=900)
    base_url: ClassVar[str] = "https://scsanctions.un.org/resources/xml/en/"
    remote_files: ClassVar[tuple[str, ...]] = ("consolidated.xml",)
    formats: ClassVar[tuple[str, ...]] = ("un-xml",)

    def locate(self, path: Path) -> tuple[Path, ...]:
        return (locate(path, self.remote_files),)

    def read_records(self, files: tuple[Path, ...]) -> Records:
        document, records = read_records(files[0])  # this module's reader
        return Records(records, "un-xml", iso_date(document.attributes.get("dateGenerated", "")))

    def map_records(self, records: Sequence[UnRecord]) -> list[Entity]:
        return [map_record(record) for record in records]

    def stats(self, entities: Sequence[Entity], records: Sequence[UnRecord]) -> dict[str, int]:
        persons = sum(1 for r in records if r.kind == "INDIVIDUAL")
        return {"Person": persons, "Organization": len(records) - persons}
